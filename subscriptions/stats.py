"""What the programme learns from subscriptions and charges, computed by the database.

These functions are reused by the dashboard: each is a fixed number of aggregate queries,
whatever the number of subscriptions, dwellings or charge lines.
"""

from __future__ import annotations

import calendar
import datetime
from bisect import bisect_left
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Expression,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)

from brest_internet.common.figures import per, percent
from neighborhoods.models import Dwelling, Neighbourhood

from .models import Adjustment, MonthTotal, Subscription, SubscriptionMonth


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
    """{(neighbourhood id, index of the day): active subscriptions on that day}, in one query:
    `SubscriptionEvents`' running sums of `Subscription.objects.active_on`'s rule."""
    neighbourhoods = list(neighbourhoods)
    if not days or not neighbourhoods:
        return {}
    events = SubscriptionEvents(neighbourhoods, days)
    return {
        (nbh.pk, i): events.active_on(nbh.pk, day)
        for nbh in neighbourhoods
        for i, day in enumerate(days)
    }


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
    subscribers at the end of the month, amount per subscriber. One query more."""
    neighbourhoods = [b.neighbourhood for b in bills]
    counts = active_counts_on(neighbourhoods, [month_end(month)])
    return [
        MonthFigures(b.neighbourhood, month, b.total, counts.get((b.neighbourhood.pk, 0), 0))
        for b in bills
    ]


# --- Set-based figures at national size (the dashboard, the review, the open data) ------------
# The figures the dashboard used to recompute itself, now with their owner.


class FirstDayOnOrAfter(Expression):
    """SQL: the index of the first of `days` (ascending) on or after the date in `column`, NULL
    when there is none or the date is NULL. A binary search written as nested CASEs, about
    log2(len(days)) comparisons per row instead of len(days); its text is written here, in one
    go, rather than compiled from a tree of a hundred Case and When objects."""

    output_field = IntegerField()

    def __init__(self, column, days):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.days = list(days)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        days = [connection.ops.adapt_datefield_value(day) for day in self.days]

        def search(lo: int, hi: int) -> tuple[str, list]:
            if hi - lo == 1:
                return f"CASE WHEN {column} <= %s THEN {lo} END", [*column_params, days[lo]]
            mid = (lo + hi) // 2
            left, left_params = search(lo, mid)
            right, right_params = search(mid, hi)
            return (
                f"CASE WHEN {column} <= %s THEN {left} ELSE {right} END",
                [*column_params, days[mid - 1], *left_params, *right_params],
            )

        return search(0, len(days))


class SubscriptionEvents:
    """The activations and cancellations of the subscriptions of `neighbourhoods`, counted per
    neighbourhood between consecutive `days`, in one query; then, per neighbourhood, running
    sums answer "active on day d" (`Subscription.objects.active_on`: activated on or before d,
    not cancelled on or before d) and "activated between two days".

    Set-based: one pass over the subscriptions (joined to their dwelling for the neighbourhood),
    each one grouped under the first of `days` on or after its activation and the first on or
    after its cancellation (binary searches written as CASEs, evaluated once per row), instead
    of one conditional COUNT per day over every row. The rows returned are at most
    neighbourhoods × days (× days for the few cancelled). Exact because a cancellation never
    precedes its activation (a constraint of the subscriptions app). A day not in `days` is a
    programming error (KeyError).
    """

    def __init__(self, neighbourhoods, days):
        self.days = sorted(set(days))
        self.index = {day: i for i, day in enumerate(self.days)}
        size = len(self.days)
        self.activated: dict[int, list[int]] = {}
        self.active: dict[int, list[int]] = {}
        ids = [n.pk for n in neighbourhoods]
        if not ids or not self.days:
            return

        # "Activated by the last day" is asked of the CASE (NULL after it), not of
        # activated_on: a condition on the column made SQLite walk the (activated_on,
        # cancelled_on) index, i.e. every subscription of the programme, even for the ten
        # neighbourhoods of a month's page; without it, it goes from their dwellings.
        rows = (
            Subscription.objects.filter(dwelling__neighbourhood__in=ids)
            .annotate(
                a=FirstDayOnOrAfter("activated_on", self.days),
                c=FirstDayOnOrAfter("cancelled_on", self.days),
            )
            .filter(a__isnull=False)
            .order_by()
            .values("dwelling__neighbourhood", "a", "c")
            .annotate(n=Count("*"))
            .values_list("dwelling__neighbourhood", "a", "c", "n")
        )
        activations: dict[int, list[int]] = {}
        net: dict[int, list[int]] = {}
        for nbh, a, c, n in rows:
            activations.setdefault(nbh, [0] * size)[a] += n
            net.setdefault(nbh, [0] * size)[a] += n
            if c is not None:
                net[nbh][c] -= n
        self.activated = {nbh: list(accumulate(v)) for nbh, v in activations.items()}
        self.active = {nbh: list(accumulate(v)) for nbh, v in net.items()}

    def active_on(self, nbh_id: int, day: datetime.date) -> int:
        counts = self.active.get(nbh_id)
        return counts[self.index[day]] if counts else 0

    def activated_between(self, nbh_id: int, after: datetime.date, until: datetime.date) -> int:
        """Activations in (after, until]."""
        counts = self.activated.get(nbh_id)
        if not counts:
            return 0
        return counts[self.index[until]] - counts[self.index[after]]


def dwellings_of(neighbourhoods) -> dict[int, int]:
    """{id: register size}: read from the rows when they carry `dwelling_count`."""
    if all(hasattr(n, "dwelling_count") for n in neighbourhoods):
        return {n.pk: n.dwelling_count for n in neighbourhoods}
    return dwelling_counts(neighbourhoods)


def launch_year_days(launched) -> list[datetime.date]:
    """The days `SubscriptionEvents` needs to count each neighbourhood's launch year."""
    years = {n.launched_on.year for n in launched}
    return [datetime.date(y, 12, 31) for year in years for y in (year - 1, year)]


def add_launch_year(rows, events: SubscriptionEvents) -> None:
    """Set `subscribed_launch_year` (the subscriptions activated during the launch year, as the
    source counts them: "En 2010, 78 personnes se sont abonnées, soit 13 %") and `launch_rate`
    (per 100 dwellings of the register) on rows annotated with `dwelling_count`."""
    for nbh in rows:
        nbh.subscribed_launch_year = 0
        if nbh.launched_on:
            year = nbh.launched_on.year
            nbh.subscribed_launch_year = events.activated_between(
                nbh.pk, datetime.date(year - 1, 12, 31), datetime.date(year, 12, 31)
            )
        nbh.launch_rate = percent(nbh.subscribed_launch_year, nbh.dwelling_count)


def period_counts(nbh, start: datetime.date, end: datetime.date) -> dict:
    """The subscriptions of `nbh` requested, activated and cancelled in [start, end], and those
    requested at a launch half-day: one query."""
    requested = Q(requested_on__gte=start, requested_on__lte=end)
    return Subscription.objects.filter(dwelling__neighbourhood=nbh).aggregate(
        requested=Count("pk", filter=requested),
        activated=Count("pk", filter=Q(activated_on__gte=start, activated_on__lte=end)),
        cancelled=Count("pk", filter=Q(cancelled_on__gte=start, cancelled_on__lte=end)),
        at_half_days=Count("pk", filter=requested & Q(channel=Subscription.Channel.HALF_DAY)),
    )


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
    None and None when nothing was billed."""
    if not launched:
        return {"first": None, "last": None}
    bounds = MonthTotal.objects.filter(neighbourhood__in=launched).filter(period.q("month"))
    return bounds.aggregate(first=Min("month"), last=Max("month"))


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


# --- From the summaries (`SubscriptionMonth`): the dashboard at national size -----------------


class SubscriptionSummary:
    """`SubscriptionEvents`' answers ("active on day d", "activated between two days") read from
    the monthly summary the services keep (`SubscriptionMonth`), never from the subscriptions.

    Exact: a month's row counts on a day d when d is on or after the month's last day (running
    sums over months, not over subscriptions); a day inside a month (today, a period's end) adds
    the events of its own month up to d, read from the subscriptions through their indexes on
    `activated_on` and `cancelled_on`: the current month's events only (one query per such day;
    the dashboard has at most one: the period's end). "Activated between" is asked of month
    ends only (the launch years).

    `neighbourhoods`: neighbourhood rows, ids or a queryset. `grouped=False` sums them all into
    one series under the key None (the programme's figures), in SQL.
    """

    def __init__(self, neighbourhoods, days, *, grouped: bool = True):
        self.days = sorted(set(days))
        self.index = {day: i for i, day in enumerate(self.days)}
        self.activated: dict[int | None, list[int]] = {}
        self.active: dict[int | None, list[int]] = {}
        if isinstance(neighbourhoods, (list, tuple, set)):
            neighbourhoods = [getattr(n, "pk", n) for n in neighbourhoods]
            if not neighbourhoods:
                return
        if not self.days:
            return
        size = len(self.days)
        ends = [month_end(day.replace(day=1)) for day in self.days]
        rows = SubscriptionMonth.objects.filter(
            neighbourhood__in=neighbourhoods, month__lte=self.days[-1]
        ).order_by()
        if grouped:
            rows = rows.values_list("neighbourhood", "month", "activated", "ended")
        else:
            rows = (
                rows.values("month")
                .annotate(a=Sum("activated"), e=Sum("ended"))
                .values_list(Value(None, IntegerField()), "month", "a", "e")
            )
        activations: dict[int | None, list[int]] = {}
        net: dict[int | None, list[int]] = {}
        for key, month, a, e in rows:
            # The first day on or after the month's last day: from it on, the month counts whole.
            i = bisect_left(self.days, month_end(month))
            if i == size:
                continue
            activations.setdefault(key, [0] * size)[i] += a
            net.setdefault(key, [0] * size)[i] += a - e
        self.activated = {key: list(accumulate(v)) for key, v in activations.items()}
        self.active = {key: list(accumulate(v)) for key, v in net.items()}
        for day, end in zip(self.days, ends, strict=True):
            if day != end:
                self._add_month_so_far(neighbourhoods, day, grouped)

    def _add_month_so_far(self, neighbourhoods, day: datetime.date, grouped: bool) -> None:
        """Add, on `day` only, the events of its month up to `day` (those rows of the summary
        count from the month's end on)."""
        first, i, size = day.replace(day=1), self.index[day], len(self.days)
        activated = Q(activated_on__gte=first, activated_on__lte=day)
        ended = Q(activated_on__isnull=False, cancelled_on__gte=first, cancelled_on__lte=day)
        events = Subscription.objects.filter(activated | ended).filter(
            dwelling__neighbourhood__in=neighbourhoods
        )
        counts = {"a": Count("pk", filter=activated), "e": Count("pk", filter=ended)}
        if grouped:
            rows = (
                events.order_by()
                .values("dwelling__neighbourhood")
                .annotate(**counts)
                .values_list("dwelling__neighbourhood", "a", "e")
            )
        else:
            total = events.aggregate(**counts)
            rows = [(None, total["a"], total["e"])]
        for key, a, e in rows:
            if not (a or e):
                continue
            self.activated.setdefault(key, [0] * size)[i] += a
            self.active.setdefault(key, [0] * size)[i] += a - e

    def active_on(self, key, day: datetime.date) -> int:
        counts = self.active.get(key)
        return counts[self.index[day]] if counts else 0

    def activated_between(self, key, after: datetime.date, until: datetime.date) -> int:
        """Activations in (after, until], both month ends."""
        counts = self.activated.get(key)
        if not counts:
            return 0
        return counts[self.index[until]] - counts[self.index[after]]


def _cents(value) -> Decimal:
    """A sum of amounts as the database returns it (SQLite: a float) to the cent."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def billing_total(launched, bounds: dict, events: SubscriptionSummary | None = None) -> Billing:
    """`billing`'s total over `launched` (a queryset of neighbourhoods: 865 of them), summed by
    the database from the summaries: the months' totals (`MonthTotal`) and the adjustments for
    "billed", the monthly subscriptions (`SubscriptionMonth`) for the subscribers active at the
    end of each billed month. Two queries (one when the caller gives `events`), no row per
    neighbourhood or month read into Python.

    "Subscriber-months" (the divisor of the amount per subscriber) adds, for every
    neighbourhood and billed month with a non-zero amount, its subscribers active at the end of
    the month: a running sum (a window over the summary's months, each neighbourhood apart)
    read at each billed month, the summary's rows of a month sorted before its bill.
    """
    total = Billing(None)
    if bounds["first"] is None:
        return total
    first, last = bounds["first"], bounds["last"]
    scope = launched.order_by().values("pk")
    totals = (
        MonthTotal.objects.filter(neighbourhood__in=scope, month__gte=first, month__lte=last)
        .annotate(n=F("neighbourhood"), m=F("month"), v=F("amount"))
        .order_by()
        .values_list("n", "m", "v")
    )
    credit = Adjustment.Kind.CREDIT
    adjustments = (
        Adjustment.objects.filter(
            neighbourhood__in=scope,
            charge_month__month__gte=first,
            charge_month__month__lte=last,
        )
        .annotate(
            n=F("neighbourhood"),
            m=F("charge_month__month"),
            v=Case(When(kind=credit, then=-F("amount")), default=F("amount")),
        )
        .order_by()
        .values_list("n", "m", "v")
    )
    months = (
        SubscriptionMonth.objects.filter(neighbourhood__in=scope, month__lte=last)
        .annotate(n=F("neighbourhood"), m=F("month"), d=F("activated") - F("ended"))
        .order_by()
        .values_list("n", "m", "d")
    )
    t_sql, t_params = totals.query.sql_with_params()
    a_sql, a_params = adjustments.query.sql_with_params()
    m_sql, m_params = months.query.sql_with_params()
    # Only the SQL of Django's own compiled querysets is formatted in; values are parameters.
    query = (
        f"WITH bills AS (SELECT b.n, b.m, SUM(b.v) AS v FROM ({t_sql} UNION ALL {a_sql}) b "  # noqa: S608
        "GROUP BY b.n, b.m), "
        f"ev AS (SELECT s.n, s.m, 0 AS bill, s.d, 0 AS v FROM ({m_sql}) s "
        "UNION ALL SELECT bills.n, bills.m, 1, 0, bills.v FROM bills), "
        "run AS (SELECT ev.bill, ev.m, ev.v, SUM(ev.d) OVER (PARTITION BY ev.n "
        "ORDER BY ev.m, ev.bill ROWS UNBOUNDED PRECEDING) AS active FROM ev) "
        "SELECT SUM(run.v), SUM(CASE WHEN run.v <> 0 THEN run.active ELSE 0 END), "
        "SUM(CASE WHEN run.m = %s THEN run.v ELSE 0 END) FROM run WHERE run.bill = 1"
    )
    with connection.cursor() as cursor:
        last_day = connection.ops.adapt_datefield_value(last)
        cursor.execute(query, [*t_params, *a_params, *m_params, last_day])
        billed, subscriber_months, last_billed = cursor.fetchone()
    total.billed = _cents(billed)
    total.subscriber_months = int(subscriber_months or 0)
    total.last_billed = _cents(last_billed)
    total.last_month = last
    total.months = len(month_starts(first, last))
    end = month_end(last)
    # `events`: the caller's programme-wide summary (grouped=False) holding `end`, if any.
    events = events or SubscriptionSummary(launched, [end], grouped=False)
    total.last_subscribers = events.active_on(None, end)
    return total
