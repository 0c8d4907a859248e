"""Who may do what in the neighbourhoods app, written once: the views, the services, the admin
and the templates (through `templatetags/neighborhoods_rules`) ask these functions.

The roles are `User.Role`'s. The system actor (`User.objects.system()`: the demo, the commands,
the periodic jobs) may do what the programme's own runs do: move the pipeline, as the
coordination does.
"""

from __future__ import annotations

from .models import Neighbourhood, User


def _coordination(user) -> bool:
    """The programme's coordination, or the system actor running the programme's own work."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_coordinator or user.is_system


# Scopes ------------------------------------------------------------------------------------


def neighbourhoods_visible_to(user):
    """The neighbourhoods `user` may see (all for coordinators, its own for the others)."""
    return Neighbourhood.objects.visible_to(user)


def register_neighbourhoods(user):
    """The neighbourhoods whose register `user` keeps: all for coordinators, their landlord's
    for landlord staff, none for the others (the register's pages, its import and export)."""
    scope = Neighbourhood.objects.visible_to(user)
    if user.is_coordinator:
        return scope
    if user.has_role(User.Role.LANDLORD):
        return scope.filter(landlord_id=user.organisation_id)
    return scope.none()


# Verbs -------------------------------------------------------------------------------------


def can_manage_pipeline(user, obj=None) -> bool:
    """Create a candidate, move the pipeline forward, stop it, reopen it, record meetings and
    sectors, correct a date: the coordination only (and the system actor for the demo)."""
    return _coordination(user)


def can_keep_register(user, obj: Neighbourhood | None = None) -> bool:
    """Import, export and keep day to day the housing register: coordinators everywhere,
    landlord staff in their own landlord's neighbourhoods (`obj`, when given)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    if not user.has_role(User.Role.LANDLORD):
        return False
    return obj is None or obj.landlord_id == user.organisation_id


def can_see_funnel(user, obj=None) -> bool:
    """The programme's funnel counts every neighbourhood: the coordination only."""
    return user is not None and user.is_authenticated and user.is_coordinator
