"""Who may do what in the support app, once: the views, the services, the admin and the
templates ask these functions (roles from `User.Role` only).

Coordinators see and run everything. A centre's staff run the support of the neighbourhoods
their centre serves: the sessions of their centre, the households living there now and their
records. A tenants' association sees and answers only the legal-advice requests assigned to it.
The system actor (`User.objects.system()`: the demo, the commands) passes the rules of the
programme's own runs. The QuerySet scopes (`visible_to`) stay on the QuerySets; the scopes of
other apps' models (neighbourhoods, households, half-days) are written here.
"""

from django.db.models import Exists, OuterRef

from neighborhoods.models import Household, Meeting, Neighbourhood, Occupancy, Organisation, User

from .models import AdviceRequest, WorkshopSession


def _is_system(user) -> bool:
    return getattr(user, "is_system", False)


# --- Scopes ------------------------------------------------------------------------------------


def neighbourhoods_for(user):
    """Neighbourhoods whose support `user` runs (a coordinator: all; a centre: those it serves)."""
    if user.is_coordinator or _is_system(user):
        return Neighbourhood.objects.all()
    if user.has_role(User.Role.CENTRE):
        return Neighbourhood.objects.filter(centre_id=user.organisation_id)
    return Neighbourhood.objects.none()


def households_for(user, neighbourhood=None):
    """Households currently living in a dwelling of a neighbourhood `user` runs the support of.

    Written with EXISTS rather than a join so that the result needs no DISTINCT.
    """
    if not can_run_support(user):
        return Household.objects.none()
    everywhere = user.is_coordinator or _is_system(user)
    if everywhere and neighbourhood is None:
        return Household.objects.all()
    current = Occupancy.objects.filter(household=OuterRef("pk"), moved_out__isnull=True)
    if neighbourhood is not None:
        current = current.filter(dwelling__neighbourhood=neighbourhood)
    if not everywhere:
        current = current.filter(dwelling__neighbourhood__centre_id=user.organisation_id)
    return Household.objects.filter(Exists(current))


def half_days_for(user):
    return Meeting.objects.filter(
        kind=Meeting.Kind.LAUNCH, neighbourhood__in=neighbourhoods_for(user)
    )


def centres_for(user):
    """The centres whose calendar `user` manages: all for a coordinator, their own for its staff."""
    centres = Organisation.objects.filter(kind=Organisation.Kind.CENTRE)
    if user.is_coordinator:
        return centres
    if user.has_role(User.Role.CENTRE):
        return centres.filter(pk=user.organisation_id)
    return centres.none()


# --- Rules -------------------------------------------------------------------------------------


def can_run_support(user, obj=None) -> bool:
    """The support's pages and actions: the coordination and the centres' staff."""
    if not user.is_authenticated:
        return False
    return _is_system(user) or user.has_role(User.Role.COORDINATOR, User.Role.CENTRE)


def can_read_advice(user, obj=None) -> bool:
    """The legal-advice pages: the support's staff and the tenants' associations (the request
    itself, `obj`, within the user's scope)."""
    if not user.is_authenticated:
        return False
    if not (can_run_support(user) or user.has_role(User.Role.ASSOCIATION)):
        return False
    return obj is None or AdviceRequest.objects.visible_to(user).filter(pk=obj.pk).exists()


def can_change_session(user, session: WorkshopSession | None = None) -> bool:
    """Programme, edit, cancel a session and sign households up to it: its centre's staff or
    the coordination (the system actor for the demo)."""
    if _is_system(user):
        return True
    if not can_run_support(user):
        return False
    return session is None or (user.is_coordinator or session.centre_id == user.organisation_id)


def can_handle(user, record) -> bool:
    """Change a record kept per neighbourhood (a home-help request, a computer order): within
    the neighbourhoods the user runs the support of."""
    if _is_system(user):
        return True
    return (
        can_run_support(user)
        and type(record).objects.visible_to(user).filter(pk=record.pk).exists()
    )


def can_record_for(user, household: Household) -> bool:
    """Record home help, advice or a computer for a household: one `user` may see."""
    return households_for(user).filter(pk=household.pk).exists()


def can_run_support_in(user, neighbourhood: Neighbourhood | None = None) -> bool:
    """Programme a launch half-day or a session in `neighbourhood`: the coordination anywhere,
    a centre's staff only in the neighbourhoods their centre serves."""
    if not can_run_support(user):
        return False
    return neighbourhood is None or neighbourhoods_for(user).filter(pk=neighbourhood.pk).exists()


def can_answer(user, advice: AdviceRequest) -> bool:
    """Only the association the request is assigned to (or a coordinator) answers it."""
    return (
        user.is_coordinator
        or _is_system(user)
        or (user.has_role(User.Role.ASSOCIATION) and advice.association_id == user.organisation_id)
    )


def can_answer_advice(user, obj=None) -> bool:
    """The answer page: coordinators and the associations (the request itself checked by
    `can_answer`)."""
    if not user.is_authenticated:
        return False
    if obj is not None:
        return can_answer(user, obj)
    return user.has_role(User.Role.COORDINATOR, User.Role.ASSOCIATION)


def can_see_phone(user, advice: AdviceRequest) -> bool:
    """An association sees the household's phone only while the request it holds is open: it
    needs it to call back, not once the request is answered or cancelled. The centre that took
    the request and the coordination keep it (they follow the household's other support)."""
    if user.has_role(User.Role.ASSOCIATION):
        return advice.status == AdviceRequest.Status.OPEN
    return True


def can_manage_calendar(user, centre: Organisation | None = None) -> bool:
    if not can_run_support(user):
        return False
    return centre is None or centres_for(user).filter(pk=centre.pk).exists()


def can_manage_catalogue(user, obj=None) -> bool:
    """The catalogues (workshop topics, computer models and their stock), in the admin: the
    coordination only."""
    return user.is_authenticated and user.is_coordinator
