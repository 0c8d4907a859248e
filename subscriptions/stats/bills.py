"""What was billed, and per subscriber: a month's bills per neighbourhood (the charges page),
the amounts per month and neighbourhood from `MonthTotal` and the adjustments, and the
billing of a period (`billing`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    QuerySet,
    Sum,
)

from brest_internet.common import sql
from brest_internet.common.figures import per
from neighborhoods.models import Neighbourhood

from ..models import Adjustment, MonthTotal
from .events import SubscriptionEvents, active_counts_on
from .points import month_end, month_starts


def per_subscriber(billed: Decimal, subscribers: int) -> Decimal | None:
    """ "Billed per subscriber", the one definition: what was billed (lines and adjustments)
    shared by the subscribers active at the end of each month billed, to the cent, half up;
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


def month_totals(month: datetime.date, neighbourhoods) -> dict:
    """The bottom line of a month's summary over `neighbourhoods` (what the rows of
    `month_summary` add up to, as the month's file does): two small queries."""
    zero = Decimal("0.00")
    row = MonthTotal.objects.filter(month=month, neighbourhood__in=neighbourhoods).aggregate(
        dwellings=Sum("lines"),
        amount=Sum("amount"),
        tenants=Sum("tenants"),
        landlord=Sum("landlord"),
    )
    totals = {
        "dwellings": row["dwellings"] or 0,
        **{name: row[name] or zero for name in ("amount", "tenants", "landlord")},
    }
    adjusted = signed_adjustments(
        Adjustment.objects.filter(charge_month__month=month, neighbourhood__in=neighbourhoods),
        "charge_month__month",
    )
    totals["adjustments"] = adjusted.get(month, zero)
    totals["total"] = totals["amount"] + totals["adjustments"]
    return totals


def month_figures(month: datetime.date, bills: list[NeighbourhoodBill]) -> list[MonthFigures]:
    """For the neighbourhoods of a month's summary: billed (lines and adjustments), active
    subscribers at the end of the month, amount per subscriber. One query more, over the
    monthly summary the services keep (`SubscriptionMonth`): exact at a month's end, whatever
    the number of subscriptions."""
    from .summaries import SubscriptionSummary  # it builds on this module's `Billing`

    end = month_end(month)
    counts = SubscriptionSummary([b.neighbourhood for b in bills], [end])
    return [
        MonthFigures(b.neighbourhood, month, b.total, counts.active_on(b.neighbourhood.pk, end))
        for b in bills
    ]


@dataclass
class Billing:
    """What was billed to a neighbourhood (or to them all) over the billed months of a period."""

    neighbourhood: Neighbourhood | None
    billed: Decimal = Decimal("0.00")
    subscriber_months: int = 0
    months: int = 0
    last_month: datetime.date | None = None
    last_billed: Decimal = Decimal("0.00")
    last_subscribers: int = 0

    @property
    def per_subscriber(self) -> Decimal | None:
        """Amount billed per active subscriber and per month, over the billed months."""
        return per(self.billed, self.subscriber_months)

    @property
    def last_per_subscriber(self) -> Decimal | None:
        return per(self.last_billed, self.last_subscribers)


def billing_bounds(launched, period) -> dict:
    """The first and last billed months of `period` (a `brest_internet.common.periods.Period`),
    None and None when nothing was billed. `launched`: neighbourhood rows, or a queryset (never
    read: its truth would fetch every neighbourhood). One statement: the first and the last
    row of the months' totals in the order of their index (month, neighbourhood), each found
    without reading the others (0.5 ms where MIN and MAX over 20 000 totals took 3)."""
    if isinstance(launched, (list, tuple)) and not launched:
        return {"first": None, "last": None}
    if isinstance(launched, QuerySet):
        launched = launched.order_by().values("pk")
    rows = MonthTotal.objects.filter(neighbourhood__in=launched).filter(period.q("month"))
    first_sql, first_params = rows.order_by("month").values("month")[:1].query.sql_with_params()
    last_sql, last_params = rows.order_by("-month").values("month")[:1].query.sql_with_params()
    with connection.cursor() as cursor:
        # Only Django's own compiled SQL is formatted in; values are parameters.
        cursor.execute(f"SELECT ({first_sql}), ({last_sql})", [*first_params, *last_params])  # noqa: S608
        first, last = cursor.fetchone()
    return {"first": sql.date_value(first), "last": sql.date_value(last)}


def billing_days(bounds: dict) -> list[datetime.date]:
    """The month ends `SubscriptionEvents` needs for the billed months."""
    if bounds["first"] is None:
        return []
    return [month_end(m) for m in month_starts(bounds["first"], bounds["last"])]


def billing(
    launched, period, bounds: dict | None = None, events: SubscriptionEvents | None = None
) -> tuple[list[Billing], Billing]:
    """Per neighbourhood, and for them all: amount billed over the period's billed months and
    per subscriber (`billed_per_subscriber`'s rows, summed without building them: the month's
    amount from `billed_by_month`, its subscribers active at the month's end). Four small
    queries, fewer when the caller has `bounds` and `events`."""
    total = Billing(None)
    if not launched:
        return [], total
    bounds = bounds or billing_bounds(launched, period)
    if bounds["first"] is None:
        return [Billing(n) for n in launched], total
    months = month_starts(bounds["first"], bounds["last"])
    ends = [month_end(m) for m in months]
    billed = billed_by_month(launched, months)
    events = events or SubscriptionEvents(launched, ends)
    at = [events.index[day] for day in ends]
    last = len(months) - 1
    bills = []
    for nbh in launched:
        bill = Billing(nbh, last_month=bounds["last"])
        active = events.active.get(nbh.pk)
        for i, month in enumerate(months):
            amount = billed.get((nbh.pk, month))
            subscribers = active[at[i]] if active else 0
            if amount:
                bill.billed += amount
                bill.subscriber_months += subscribers
                bill.months += 1
            if i == last:
                bill.last_billed += amount or 0
                bill.last_subscribers += subscribers
        total.billed += bill.billed
        total.subscriber_months += bill.subscriber_months
        total.last_billed += bill.last_billed
        total.last_subscribers += bill.last_subscribers
        bills.append(bill)
    total.last_month = bounds["last"]
    total.months = len(months)
    return bills, total
