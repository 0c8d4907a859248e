"""What the programme learns from subscriptions and charges, computed by the database.

These functions are reused by the dashboard: each is a fixed number of aggregate queries,
whatever the number of subscriptions, dwellings or charge lines.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from brest_internet.common.figures import per, percent
from neighborhoods.models import Dwelling, Neighbourhood

from .models import Adjustment, MonthTotal, Subscription, active_on_q


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start`'s month to `end`'s month, included."""
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _rate(active: int, dwellings: int) -> Decimal | None:
    if not dwellings:
        return None
    return percent(active, dwellings)


@dataclass
class Point:
    day: datetime.date
    active: int
    dwellings: int

    @property
    def rate(self) -> Decimal | None:
        """Active subscriptions per 100 dwellings, one decimal."""
        return _rate(self.active, self.dwellings)


@dataclass
class Series:
    neighbourhood: object
    dwellings: int
    points: list[Point] = field(default_factory=list)


def active_counts_on(neighbourhoods, days: list[datetime.date]) -> dict[tuple[int, int], int]:
    """{(neighbourhood id, index of the day): active subscriptions on that day}, in one query.

    One conditional COUNT per day, grouped by neighbourhood: the database does the counting.
    """
    if not days:
        return {}
    rows = (
        Subscription.objects.filter(dwelling__neighbourhood__in=neighbourhoods)
        .values("dwelling__neighbourhood")
        .order_by()
        .annotate(**{f"d{i}": Count("id", filter=active_on_q(day)) for i, day in enumerate(days)})
    )
    counts = {}
    for row in rows:
        nbh = row["dwelling__neighbourhood"]
        for i in range(len(days)):
            counts[(nbh, i)] = row[f"d{i}"]
    return counts


def dwelling_counts(neighbourhoods) -> dict[int, int]:
    return dict(
        Dwelling.objects.filter(neighbourhood__in=neighbourhoods)
        .values("neighbourhood")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("neighbourhood", "n")
    )


def subscription_series(neighbourhoods, start: datetime.date, end: datetime.date) -> list[Series]:
    """Per neighbourhood, active subscriptions / dwellings at the end of every month.

    The last point is `end` itself when `end` falls inside a month (the rate "today").
    Dwellings are those of the register now. Three queries in all.
    """
    neighbourhoods = list(neighbourhoods)
    days = [min(month_end(m), end) for m in month_starts(start, end)]
    counts = active_counts_on(neighbourhoods, days)
    dwellings = dwelling_counts(neighbourhoods)
    series = []
    for nbh in neighbourhoods:
        n = dwellings.get(nbh.pk, 0)
        points = [Point(day, counts.get((nbh.pk, i), 0), n) for i, day in enumerate(days)]
        series.append(Series(nbh, n, points))
    return series


def subscription_rate_on(neighbourhoods, day: datetime.date) -> list[Series]:
    """The same, at one date."""
    return subscription_series(neighbourhoods, day, day)


def per_subscriber(billed: Decimal, subscribers: int) -> Decimal | None:
    """ "Billed per subscriber", the one definition: what was billed (lines and adjustments)
    shared by the subscribers active at the end of the month(s) billed, to the cent, half up;
    None without any subscriber."""
    return per(billed, subscribers)


@dataclass
class MonthFigures:
    """Per neighbourhood and month: what was billed and how many actually use the service."""

    neighbourhood: object
    month: datetime.date
    billed: Decimal
    subscribers: int

    @property
    def per_subscriber(self) -> Decimal | None:
        """Amount billed per active subscriber: does the collective model pay off?"""
        return per_subscriber(self.billed, self.subscribers)


def signed_adjustments(adjustments, *fields) -> dict:
    """{value of `fields` (a tuple when several): debits less credits} over `adjustments`, in
    one grouped query: what the adjustments add to the amounts billed."""
    totals = {}
    for row in adjustments.values(*fields, "kind").order_by().annotate(total=Sum("amount")):
        key = tuple(row[name] for name in fields) if len(fields) > 1 else row[fields[0]]
        sign = -1 if row["kind"] == Adjustment.Kind.CREDIT else 1
        totals[key] = totals.get(key, Decimal(0)) + sign * row["total"]
    return totals


def billed_by_month(neighbourhoods, months: list[datetime.date]) -> dict:
    """{(neighbourhood id, month): amount billed (charges and adjustments)}: "billed", the one
    definition. The charges are read from the totals the run keeps per month and neighbourhood
    (`MonthTotal`, written in the same statement as the lines), not summed over every line:
    two small queries, whatever the number of lines."""
    billed = {
        (nbh, month): amount
        for nbh, month, amount in MonthTotal.objects.filter(
            neighbourhood__in=neighbourhoods, month__gte=months[0], month__lte=months[-1]
        ).values_list("neighbourhood", "month", "amount")
    }
    adjusted = Adjustment.objects.filter(
        neighbourhood__in=neighbourhoods,
        charge_month__month__gte=months[0],
        charge_month__month__lte=months[-1],
    )
    for key, amount in signed_adjustments(adjusted, "neighbourhood", "charge_month__month").items():
        billed[key] = billed.get(key, Decimal(0)) + amount
    return billed


def billed_per_subscriber(neighbourhoods, start: datetime.date, end: datetime.date):
    """Per neighbourhood and month: amount billed (charges and adjustments), active subscribers
    at the end of the month, and the amount per subscriber. A fixed number of queries."""
    neighbourhoods = list(neighbourhoods)
    months = month_starts(start, end)
    billed = billed_by_month(neighbourhoods, months)
    counts = active_counts_on(neighbourhoods, [month_end(m) for m in months])
    return [
        MonthFigures(nbh, m, billed.get((nbh.pk, m), Decimal("0.00")), counts.get((nbh.pk, i), 0))
        for nbh in neighbourhoods
        for i, m in enumerate(months)
    ]


@dataclass
class NeighbourhoodBill:
    """One row of a month's summary: it must match the operator's invoice."""

    name: str
    dwellings: int
    amount: Decimal
    tenants: Decimal
    landlord: Decimal
    adjustments: Decimal = Decimal("0.00")
    neighbourhood: object = None

    @property
    def total(self) -> Decimal:
        return self.amount + self.adjustments


def month_summary(month: datetime.date, neighbourhoods) -> list[NeighbourhoodBill]:
    """Per neighbourhood: dwellings billed, amount, borne by tenants / by the landlord.

    Read from the totals the run keeps (`MonthTotal`, a row per neighbourhood), plus the
    adjustments: two small queries, whatever the number of lines.
    """
    rows = (
        MonthTotal.objects.filter(month=month, neighbourhood__in=neighbourhoods)
        .select_related("neighbourhood")
        .order_by("neighbourhood__name")
    )
    bills = {
        row.neighbourhood_id: NeighbourhoodBill(
            row.neighbourhood.name,
            row.lines,
            row.amount,
            row.tenants,
            row.landlord,
            neighbourhood=row.neighbourhood,
        )
        for row in rows
    }
    adjusted = signed_adjustments(
        Adjustment.objects.filter(charge_month__month=month, neighbourhood__in=neighbourhoods),
        "neighbourhood",
    )
    # Every adjustment the export carries is counted, even one whose neighbourhood has no line
    # that month (adjustments are refused there now, but older ones may exist): the summary
    # adds up to the file, to the cent.
    missing = set(adjusted) - set(bills)
    if missing:
        for nbh in Neighbourhood.objects.filter(pk__in=missing):
            zero = Decimal("0.00")
            bills[nbh.pk] = NeighbourhoodBill(nbh.name, 0, zero, zero, zero, neighbourhood=nbh)
    for nbh_id, amount in adjusted.items():
        bills[nbh_id].adjustments += amount
    return sorted(bills.values(), key=lambda bill: bill.name)


def month_figures(month: datetime.date, bills: list[NeighbourhoodBill]) -> list[MonthFigures]:
    """For the neighbourhoods of a month's summary: billed (lines and adjustments), active
    subscribers at the end of the month, amount per subscriber. One query more."""
    neighbourhoods = [b.neighbourhood for b in bills]
    counts = active_counts_on(neighbourhoods, [month_end(month)])
    return [
        MonthFigures(b.neighbourhood, month, b.total, counts.get((b.neighbourhood.pk, 0), 0))
        for b in bills
    ]
