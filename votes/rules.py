"""Who may do what with a vote, once: the views, the services, the admin and the templates ask here.

Landlord staff organise the votes of their landlord's neighbourhoods (with the coordination);
the coordination alone certifies a result, not being party to the vote; every role reads the
certified results of the neighbourhoods it sees. The system actor (`User.objects.system()`:
the demo, the commands) does what the programme's own runs do. The online ballot needs no
account: its code is the key (`votes.services.code_find`).
"""

from neighborhoods.models import Neighbourhood, User

from .models import Vote

# The roles that organise votes, and those that read their results: from `User.Role`, once.
ORGANISERS = (User.Role.COORDINATOR, User.Role.LANDLORD)
READERS = tuple(User.Role)


def _is_system(user) -> bool:
    return bool(getattr(user, "is_system", False))


def can_organise(user, vote=None) -> bool:
    """Coordination, and landlord staff of the vote's landlord (any landlord's, without a
    vote: the list and the creation form then keep to their own)."""
    if _is_system(user):
        return True
    if not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    if not user.has_role(User.Role.LANDLORD):
        return False
    return vote is None or user.organisation_id == vote.neighbourhood.landlord_id


def can_certify(user, vote=None) -> bool:
    """The coordination only: the landlord organises the vote, the programme certifies it."""
    if _is_system(user):
        return True
    return user.is_authenticated and user.is_coordinator


def can_read_results(user) -> bool:
    """Every role (in its scope: `results_for`)."""
    return user.is_authenticated and user.has_role(*READERS)


def can_confirm_count(user, count) -> bool:
    """The second entry of a count is made by someone else than the first, while it waits and
    while the vote is in progress."""
    return (
        count.status != count.Status.CONFIRMED
        and count.entered_by_id != user.pk
        and not count.vote.is_ended
    )


def can_see_figures(user, count, typed_by_id) -> bool:
    """Figures typed for a count show once it is confirmed, or to the person who typed them:
    the second person types their own without seeing the first ones."""
    return count.status == count.Status.CONFIRMED or typed_by_id == user.pk


# --- Scopes: which votes a person reaches (the QuerySets say how) -------------------------------


def organised_by(user):
    """The votes `user` organises (404 outside them)."""
    return Vote.objects.managed_by(user)


def results_for(user):
    """The certified votes whose results `user` reads."""
    return Vote.objects.visible_to(user).certified()


def neighbourhoods_organised_by(user):
    """The neighbourhoods whose votes `user` may organise: all for the coordination, their
    landlord's for landlord staff."""
    scope = Neighbourhood.objects.visible_to(user)
    if user.is_coordinator:
        return scope
    return scope.filter(landlord_id=user.organisation_id)


def certifiers() -> list[User]:
    """Who may certify a vote: the active members of the programme's coordination."""
    return list(
        User.objects.filter(is_active=True, role=User.Role.COORDINATOR).order_by(
            "last_name", "first_name", "username"
        )
    )
