"""The same answers read from the summaries the services keep (`SubscriptionMonth`,
`MonthTotal`): the dashboard at national size."""

from __future__ import annotations

import datetime
from bisect import bisect_left
from decimal import Decimal
from itertools import accumulate

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)

from brest_internet.common import sql

from ..models import Adjustment, MonthTotal, Subscription, SubscriptionMonth
from .bills import Billing
from .points import month_end, month_starts

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
    the month. The summary's months of a neighbourhood are turned into steps (from its month to
    its next one: the running sum of activations less ends, a window over ~2 000 rows); each
    month's bill (its total, plus its adjustments; an adjustment without a total is a bill of
    its own) is joined to the step it falls on. No sort of the bills: at 865 neighbourhoods and
    two years, 15 ms where a running sum over bills and summary rows together took 38.
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
        f"WITH t AS ({t_sql}), "  # noqa: S608
        f"adj AS (SELECT a.n, a.m, SUM(a.v) AS v FROM ({a_sql}) a GROUP BY a.n, a.m), "
        "bills AS (SELECT t.n, t.m, t.v + COALESCE(adj.v, 0) AS v FROM t "
        "LEFT JOIN adj ON adj.n = t.n AND adj.m = t.m "
        "UNION ALL SELECT adj.n, adj.m, adj.v FROM adj "
        # On the table and its (month, neighbourhood) index, not on `t`: `t` referenced once is
        # read in the stream, twice it would be written out first (5 ms at 20 000 totals).
        f"WHERE NOT EXISTS (SELECT 1 FROM {sql.table(MonthTotal)} x "
        f"WHERE x.{sql.col(MonthTotal, 'neighbourhood')} = adj.n "
        f"AND x.{sql.col(MonthTotal, 'month')} = adj.m)), "
        f"sm AS ({m_sql}), "
        "steps AS (SELECT sm.n, sm.m AS f, LEAD(sm.m) OVER w AS u, SUM(sm.d) OVER w AS active "
        "FROM sm WINDOW w AS (PARTITION BY sm.n ORDER BY sm.m)) "
        "SELECT SUM(b.v), SUM(CASE WHEN b.v <> 0 THEN COALESCE(s.active, 0) ELSE 0 END), "
        "SUM(CASE WHEN b.m = %s THEN b.v ELSE 0 END) FROM bills b "
        "LEFT JOIN steps s ON s.n = b.n AND b.m >= s.f AND (s.u IS NULL OR b.m < s.u)"
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
