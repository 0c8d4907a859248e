"""Who may do what in the subscriptions app, written once: the pages, the services, the admin and
the templates ask these functions.

- Subscriptions: coordinators, the landlord's staff and centre staff see them, each in their
  scope, and record requests; coordinators and the landlord's staff move them on (send,
  activate, cancel) and handle the operator's list. The operator's own account (the API)
  records the activation or the refusal of a request sent to it.
- The monthly charges: coordinators for every landlord, the landlord's staff for their own.
- The offer and its tariffs: coordinators.

The system actor (`User.objects.system()`: the demo, the commands, the periodic run) may do what
the programme's own runs do, everywhere. Roles come from `User.Role`; the scopes from the
QuerySets' `visible_to`.
"""

from neighborhoods.models import Neighbourhood, Organisation, User

from .models import ChargeRun, Offer, RequestBatch, Subscription

Role = User.Role


def _person(user) -> bool:
    return user is not None and user.is_authenticated


def _system(user) -> bool:
    return user is not None and getattr(user, "is_system", False)


# --- Scopes ----------------------------------------------------------------------------------


def neighbourhoods_for(user):
    """The neighbourhoods whose subscriptions and charges `user` handles."""
    if _system(user):
        return Neighbourhood.objects.all()
    return Neighbourhood.objects.visible_to(user)


def subscriptions_for(user):
    if _system(user):
        return Subscription.objects.all()
    return Subscription.objects.visible_to(user)


def request_batches_for(user):
    return RequestBatch.objects.visible_to(user)


def charge_runs_for(user):
    return ChargeRun.objects.visible_to(user)


def acts_for_every_landlord(user) -> bool:
    """The coordination (and the system) act for every landlord and choose which one; the
    others act for their own organisation."""
    return _system(user) or (_person(user) and user.is_coordinator)


def on_behalf_of(user) -> Organisation | None:
    """The organisation `user` acts for: None for the coordination and the system, which act
    for every one (a run for every landlord, a batch sent "by the coordination")."""
    return None if acts_for_every_landlord(user) else user.organisation


def landlords_for(user):
    """The landlords whose months `user` handles: all for coordinators, their own for staff."""
    landlords = Organisation.objects.filter(kind=Organisation.Kind.LANDLORD)
    if acts_for_every_landlord(user):
        return landlords
    return landlords.filter(pk=user.organisation_id)


# --- Subscriptions ---------------------------------------------------------------------------


def can_view_subscriptions(user) -> bool:
    """The subscriptions' pages: the list, a request, a subscription, the rate."""
    return _person(user) and user.has_role(Role.COORDINATOR, Role.LANDLORD, Role.CENTRE)


def can_request_subscription(user, dwelling=None) -> bool:
    """Record a household's request, for a dwelling of one's neighbourhoods."""
    if _system(user):
        return True
    if not can_view_subscriptions(user):
        return False
    return dwelling is None or (
        Neighbourhood.objects.visible_to(user).filter(pk=dwelling.neighbourhood_id).exists()
    )


def can_manage_subscriptions(user, subscription=None) -> bool:
    """Move subscriptions on (send, activate, cancel) and handle the operator's list; with
    `subscription`, that one (in one's scope)."""
    if _system(user):
        return True
    if not (_person(user) and user.has_role(Role.COORDINATOR, Role.LANDLORD)):
        return False
    if subscription is None or user.is_coordinator:
        return True
    return Subscription.objects.visible_to(user).filter(pk=subscription.pk).exists()


def can_answer_request(user, subscription) -> bool:
    """Record the operator's answer to a request (its activation or refusal): those who manage
    it, and the operator's own account for a request sent to it."""
    if can_manage_subscriptions(user, subscription):
        return True
    return (
        _person(user)
        and not user.role
        and subscription.sent_on is not None
        and Offer.objects.filter(operator_id=user.organisation_id).exists()
    )


# --- Charges and the offer -------------------------------------------------------------------


def can_manage_charges(user, landlord=None) -> bool:
    """Run, export and adjust the monthly charges; with `landlord`, that landlord's."""
    if acts_for_every_landlord(user):
        return True
    if not (_person(user) and user.has_role(Role.LANDLORD)):
        return False
    return landlord is None or landlord.pk == user.organisation_id


def can_manage_offer(user) -> bool:
    """The offer's page and its tariffs: scheduling a new price, adding or closing a tariff."""
    return _system(user) or (_person(user) and user.has_role(Role.COORDINATOR))
