"""Active subscriptions on given days, read from the subscriptions themselves: one grouped pass
with running sums (`SubscriptionEvents`), for a neighbourhood's review, the open data and the
rates per neighbourhood; and the launch year's figures."""

from __future__ import annotations

import datetime
from itertools import accumulate

from django.db.models import (
    Count,
    Expression,
    F,
    IntegerField,
    Q,
)

from brest_internet.common.figures import percent
from neighborhoods.models import Dwelling

from ..models import Subscription
from .points import Point, Series, month_end, month_starts

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
