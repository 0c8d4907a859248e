"""Who sees which support records, and the `get_<thing>_for_user` helpers that 404 outside it.

Coordinators see everything. A centre's staff see the sessions of their centre and the records
of the neighbourhoods their centre serves (households currently living there included). An
association sees only the advice requests assigned to it. Everything else is out of scope: a
record reached by changing an id in the URL answers 404, as if it did not exist.
"""

from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404

from neighborhoods.models import Household, Meeting, Neighbourhood, Occupancy, User

from .models import AdviceRequest, ComputerOrder, HomeHelpRequest, Registration, WorkshopSession


def centre_org(user):
    """The centre whose records `user` may handle, or None for a coordinator (all)."""
    return None if user.is_coordinator else user.organisation_id


def neighbourhoods_for(user):
    """Neighbourhoods whose support `user` runs (a coordinator: all; a centre: those it serves)."""
    if user.is_coordinator:
        return Neighbourhood.objects.all()
    if user.role == User.Role.CENTRE:
        return Neighbourhood.objects.filter(centre_id=user.organisation_id)
    return Neighbourhood.objects.none()


def households_for(user, neighbourhood=None):
    """Households currently living in a dwelling of a neighbourhood `user` runs the support of.

    Written with EXISTS rather than a join so that the result needs no DISTINCT.
    """
    if not (user.is_coordinator or user.role == User.Role.CENTRE):
        return Household.objects.none()
    if user.is_coordinator and neighbourhood is None:
        return Household.objects.all()
    current = Occupancy.objects.filter(household=OuterRef("pk"), moved_out__isnull=True)
    if neighbourhood is not None:
        current = current.filter(dwelling__neighbourhood=neighbourhood)
    if not user.is_coordinator:
        current = current.filter(dwelling__neighbourhood__centre_id=user.organisation_id)
    return Household.objects.filter(Exists(current))


def by_neighbourhood(queryset, user):
    """Records with a `neighbourhood` field, restricted to the neighbourhoods `user` runs."""
    if user.is_coordinator:
        return queryset
    if user.role == User.Role.CENTRE:
        return queryset.filter(neighbourhood__centre_id=user.organisation_id)
    return queryset.none()


def half_days_for(user):
    return Meeting.objects.filter(
        kind=Meeting.Kind.LAUNCH, neighbourhood__in=neighbourhoods_for(user)
    )


def get_session_for_user(user, pk, queryset=None):
    qs = queryset if queryset is not None else WorkshopSession.objects.all()
    return get_object_or_404(qs.visible_to(user), pk=pk)


def get_registration_for_user(user, pk):
    sessions = WorkshopSession.objects.visible_to(user)
    return get_object_or_404(
        Registration.objects.select_related("session", "household").filter(session__in=sessions),
        pk=pk,
    )


def get_household_for_user(user, pk, queryset=None):
    qs = queryset if queryset is not None else Household.objects.all()
    return get_object_or_404(qs.filter(pk__in=households_for(user).values("pk")), pk=pk)


def get_half_day_for_user(user, pk):
    return get_object_or_404(half_days_for(user).select_related("neighbourhood"), pk=pk)


def get_home_help_for_user(user, pk):
    qs = HomeHelpRequest.objects.select_related("household", "neighbourhood", "dwelling")
    return get_object_or_404(by_neighbourhood(qs, user), pk=pk)


def get_order_for_user(user, pk):
    qs = ComputerOrder.objects.select_related("household", "neighbourhood", "computer")
    return get_object_or_404(by_neighbourhood(qs, user), pk=pk)


def get_advice_for_user(user, pk):
    qs = AdviceRequest.objects.select_related(
        "household", "neighbourhood", "association", "answered_by"
    )
    return get_object_or_404(qs.visible_to(user), pk=pk)


def can_answer(user, advice):
    """Only the association the request is assigned to (or a coordinator) answers it."""
    return user.is_coordinator or (
        user.role == User.Role.ASSOCIATION and advice.association_id == user.organisation_id
    )


def can_see_phone(user, advice):
    """An association sees the household's phone only while the request it holds is open: it
    needs it to call back, not once the request is answered or cancelled. The centre that took
    the request and the coordination keep it (they follow the household's other support)."""
    if user.role == User.Role.ASSOCIATION:
        return advice.status == AdviceRequest.Status.OPEN
    return True
