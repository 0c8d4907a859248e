"""Households as the support sees them: where they live now, and the reads of the household
page, of the list and of the half-day desk's search (each one query, or a constant number)."""

from django.db.models import OuterRef, Prefetch, Q, Subquery

from neighborhoods.models import Dwelling, Household, Occupancy

from .models import (
    AdviceRequest,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
)


def current_dwelling(household: Household) -> Dwelling | None:
    occupancy = (
        Occupancy.objects.select_related("dwelling__neighbourhood")
        .filter(household=household, moved_out__isnull=True)
        .first()
    )
    return occupancy.dwelling if occupancy else None


def with_dwelling_reference(households):
    """Annotate each household with the reference of the dwelling it lives in now."""
    current = Occupancy.objects.filter(household=OuterRef("pk"), moved_out__isnull=True)
    return households.annotate(
        dwelling_reference=Subquery(current.values("dwelling__reference")[:1]),
        neighbourhood_name=Subquery(current.values("dwelling__neighbourhood__name")[:1]),
    )


def matching(households, query: str, *, neighbourhood=None):
    """`households` whose name, or the reference of the dwelling they live in now (in
    `neighbourhood` if given), contains `query`."""
    refs = Occupancy.objects.filter(moved_out__isnull=True, dwelling__reference__icontains=query)
    if neighbourhood is not None:
        refs = refs.filter(dwelling__neighbourhood=neighbourhood)
    return households.filter(Q(name__icontains=query) | Q(pk__in=refs.values("household_id")))


def with_support_record():
    """A household with everything the programme did with it, for its page: a constant number
    of queries, whatever its history."""
    from subscriptions.models import Subscription  # imported on use, as the services do

    return Household.objects.prefetch_related(
        Prefetch(
            "occupancies",
            queryset=Occupancy.objects.select_related("dwelling__neighbourhood"),
        ),
        Prefetch(
            "workshop_registrations",
            queryset=Registration.objects.select_related(
                "session__topic", "session__centre"
            ).order_by("-session__starts_at"),
        ),
        Prefetch(
            "half_day_visits",
            queryset=HalfDayVisit.objects.select_related("half_day").order_by("-recorded_at"),
        ),
        Prefetch("home_help_requests", queryset=HomeHelpRequest.objects.all()),
        Prefetch("advice_requests", queryset=AdviceRequest.objects.select_related("association")),
        Prefetch("computer_orders", queryset=ComputerOrder.objects.select_related("computer")),
        Prefetch(
            "subscriptions",
            queryset=Subscription.objects.select_related("dwelling").order_by("-requested_on"),
        ),
    )
