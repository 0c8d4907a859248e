"""The programme's figures, computed by the database in a fixed number of queries.

Every function here takes a queryset of neighbourhoods (the scope and the filters already
applied) and a `Period`, and returns figures made by aggregates, conditional counts and
correlated subqueries: the number of queries does not depend on the number of neighbourhoods,
dwellings, subscriptions, sessions or months. The subscription series and the amounts billed
follow the definitions of `subscriptions.stats` (the subscriptions app owns them), computed
set-based for national size (100 000 dwellings and more): subscriptions read once per page as
activation and cancellation events grouped by neighbourhood and day, then running sums
(`SubscriptionEvents`); amounts billed from the run's per-month totals, never from every line;
each neighbourhood's register counted once, and the programme's totals summed over those rows.

Definitions, so that a printed figure can be explained:
- dwellings of a neighbourhood: those of its register; before the register is imported, the
  number announced by the landlord (`expected_dwellings`);
- dwellings covered: those of the neighbourhoods whose vote adopted the offer (launch, running);
  dwellings to come: those of the neighbourhoods still on their way (candidate → vote);
- a vote's share: yes among the votes cast (yes + no), as the source reports it;
- subscription rate: active subscriptions per 100 dwellings of the register; "at launch": the
  subscriptions activated during the launch year (the source: "En 2010, 78 personnes se sont
  abonnés, soit 13 %");
- amount per subscriber: amount billed (charges and adjustments) per active subscriber and per
  month, over the months that were billed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db.models import (
    Count,
    DecimalField,
    Expression,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from brest_internet.common import clock
from brest_internet.common.figures import per, percent
from neighborhoods.models import Dwelling, Meeting, Neighbourhood, StageChange
from subscriptions import stats as subscription_stats
from subscriptions.models import Subscription
from support.models import (
    AdviceRequest,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
)
from votes.models import Vote

Stage = Neighbourhood.Stage
ADOPTED = (Stage.LAUNCH, Stage.RUNNING)
COMING = (Stage.CANDIDATE, Stage.PARTNERS, Stage.INFORMATION, Stage.VOTE)
# The pipeline in order, then the stops: the funnel's rows.
PIPELINE = (*COMING, *ADOPTED)
# A trend longer than this is drawn by quarter, so that its table stays readable.
MAX_MONTHLY_POINTS = 36


# --- Period ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` (None: since the beginning) to `end`, both included."""

    start: datetime.date | None
    end: datetime.date
    year: int | None = None

    @classmethod
    def of(cls, year: int | None = None, today: datetime.date | None = None) -> Period:
        today = today or clock.today()
        if year is None:
            return cls(None, today)
        return cls(datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today), year)

    def q(self, lookup: str) -> Q:
        """The condition "`lookup` falls in the period" (use `field__date` on a datetime)."""
        condition = Q(**{f"{lookup}__lte": self.end})
        if self.start is not None:
            condition &= Q(**{f"{lookup}__gte": self.start})
        return condition


def month_label(day: datetime.date) -> str:
    return date_format(day, "F Y")


# --- SQL building blocks -----------------------------------------------------------------------


def _count(queryset, nbh_lookup: str):
    """COUNT of `queryset`'s rows for the outer neighbourhood, as a correlated subquery."""
    inner = (
        queryset.filter(**{nbh_lookup: OuterRef("pk")})
        .order_by()
        .values(nbh_lookup)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def _sum(queryset, nbh_lookup: str, field_name: str):
    inner = (
        queryset.filter(**{nbh_lookup: OuterRef("pk")})
        .order_by()
        .values(nbh_lookup)
        .annotate(total=Sum(field_name))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(inner, output_field=money), Value(Decimal("0.00")), output_field=money)


def _dwelling_count():
    """The register's size of the outer neighbourhood: COUNT(*), which its index answers alone
    (an index-only scan, no visit of the dwellings' rows)."""
    inner = (
        Dwelling.objects.filter(neighbourhood=OuterRef("pk"))
        .order_by()
        .values("neighbourhood")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def known_dwellings(neighbourhoods):
    """Annotate `known_dwellings` (register, else announced), counting the register once."""
    return neighbourhoods.annotate(
        known_dwellings=Coalesce(
            NullIf(_dwelling_count(), 0), F("expected_dwellings"), output_field=IntegerField()
        )
    )


def known(nbh) -> int | None:
    """The same in Python, for a neighbourhood annotated with `dwelling_count`."""
    return nbh.dwelling_count or nbh.expected_dwellings


# --- Pipeline ----------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: str
    label: str
    neighbourhoods: int
    dwellings: int
    stop: bool


def _stage_rows(neighbourhoods) -> list[tuple[str, int | None]]:
    """(stage, known dwellings) of each neighbourhood: one query, the register counted once."""
    return list(known_dwellings(neighbourhoods).order_by().values_list("stage", "known_dwellings"))


def funnel(neighbourhoods, rows=None) -> list[FunnelRow]:
    """Neighbourhoods and dwellings at each stage (pipeline order, then the stops).

    `rows`: the (stage, known dwellings) pairs when the caller already has them (the dashboard
    reads them with its table); otherwise one query.
    """
    rows = _stage_rows(neighbourhoods) if rows is None else rows
    found: dict[str, list[int]] = {}
    for stage, dwellings in rows:
        n_total = found.setdefault(stage, [0, 0])
        n_total[0] += 1
        n_total[1] += dwellings or 0
    stages = [*PIPELINE, *Neighbourhood.STOPS]
    return [
        FunnelRow(
            stage=stage,
            label=str(Stage(stage).label),
            neighbourhoods=found.get(stage, [0, 0])[0],
            dwellings=found.get(stage, [0, 0])[1],
            stop=stage in Neighbourhood.STOPS,
        )
        for stage in stages
    ]


def headline(neighbourhoods, rows=None) -> dict:
    """Neighbourhoods and dwellings covered (adopted or running) and to come (`rows`: as for
    `funnel`)."""
    rows = _stage_rows(neighbourhoods) if rows is None else rows
    figures = dict.fromkeys(
        (
            "covered_neighbourhoods",
            "covered_dwellings",
            "coming_neighbourhoods",
            "coming_dwellings",
            "running_neighbourhoods",
        ),
        0,
    )
    for stage, dwellings in rows:
        for group, stages in (("covered", ADOPTED), ("coming", COMING)):
            if stage in stages:
                figures[f"{group}_neighbourhoods"] += 1
                figures[f"{group}_dwellings"] += dwellings or 0
        if stage == Stage.RUNNING:
            figures["running_neighbourhoods"] += 1
    return figures


# --- Votes ---------------------------------------------------------------------------------------


def vote_results(neighbourhoods, period: Period):
    """Certified votes of the period, with turnout and the share of yes among votes cast."""
    cast = F("yes_count") + F("no_count")
    return (
        Vote.objects.certified()
        .filter(neighbourhood__in=neighbourhoods.values("pk"))
        .filter(period.q("certified_on"))
        .select_related("neighbourhood")
        .annotate(cast=cast)
        .order_by("certified_on", "neighbourhood__name")
    )


# --- Per neighbourhood: support, subscriptions at launch, reviews ------------------------------


SUPPORT_FIGURES = (
    "sessions",
    "registered",
    "waiting",
    "attended",
    "absent",
    "visits",
    "home_help",
    "home_help_done",
    "advice",
    "advice_answered",
    "computers_sold",
)


def support_expressions(period: Period) -> dict:
    """The support figures of the outer neighbourhood over `period`, as correlated subqueries
    (no join that would multiply rows): sessions held; visits at the launch half-days;
    home-help and legal-advice requests made; computers sold (paid) and what they brought in.
    The sign-ups are counted apart (`add_registrations`)."""
    sold = ComputerOrder.objects.filter(
        period.q("paid_on"),
        status__in=[ComputerOrder.Status.PAID, ComputerOrder.Status.HANDED_OVER],
    )
    help_requests = HomeHelpRequest.objects.filter(period.q("requested_on"))
    advice = AdviceRequest.objects.filter(period.q("requested_on"))
    return {
        "sessions": _count(
            WorkshopSession.objects.not_cancelled().filter(period.q("starts_at__date")),
            "neighbourhood",
        ),
        "visits": _count(
            HalfDayVisit.objects.filter(period.q("half_day__held_on")), "half_day__neighbourhood"
        ),
        "home_help": _count(help_requests, "neighbourhood"),
        "home_help_done": _count(
            help_requests.filter(status=HomeHelpRequest.Status.DONE), "neighbourhood"
        ),
        "advice": _count(advice, "neighbourhood"),
        "advice_answered": _count(
            advice.filter(status=AdviceRequest.Status.ANSWERED), "neighbourhood"
        ),
        "computers_sold": _count(sold, "neighbourhood"),
        "computer_revenue": _sum(sold, "neighbourhood", "price"),
    }


def handed_over_expression(period: Period) -> dict:
    """Computers handed over to their household during `period`, for the outer neighbourhood
    (the open data's figure; the dashboard counts those sold)."""
    handed_over = ComputerOrder.objects.filter(
        period.q("handed_over_on"), status=ComputerOrder.Status.HANDED_OVER
    )
    return {"computers_handed_over": _count(handed_over, "neighbourhood")}


REGISTRATION_FIGURES = ("registered", "waiting", "attended", "absent")


def add_registrations(rows, period: Period) -> None:
    """Set the sign-ups of the period's sessions on `rows` (registered, waiting list, present,
    absent): one query, a single pass over the sign-ups grouped by neighbourhood, rather than
    four correlated subqueries per neighbourhood."""
    status, attendance = Registration.Status, Registration.Attendance
    counts = {
        row.pop("session__neighbourhood"): row
        for row in Registration.objects.filter(session__neighbourhood__in=[n.pk for n in rows])
        .filter(period.q("session__starts_at__date"))
        .order_by()
        .values("session__neighbourhood")
        .annotate(
            registered=Count("pk", filter=Q(status=status.REGISTERED)),
            waiting=Count("pk", filter=Q(status=status.WAITING)),
            attended=Count("pk", filter=Q(attendance=attendance.ATTENDED)),
            absent=Count("pk", filter=Q(attendance=attendance.ABSENT)),
        )
    }
    none = dict.fromkeys(REGISTRATION_FIGURES, 0)
    for nbh in rows:
        for name, value in counts.get(nbh.pk, none).items():
            setattr(nbh, name, value)


def _support_rows(neighbourhoods, period: Period) -> list[Neighbourhood]:
    rows = list(neighbourhoods.annotate(**support_expressions(period)))
    add_registrations(rows, period)
    return rows


def launch_year_days(launched) -> list[datetime.date]:
    """The days `SubscriptionEvents` needs to count each neighbourhood's launch year."""
    years = {n.launched_on.year for n in launched}
    return [datetime.date(y, 12, 31) for year in years for y in (year - 1, year)]


def add_launch_year(rows, events: SubscriptionEvents) -> None:
    """Set `subscribed_launch_year` (subscriptions activated during the launch year) and
    `launch_rate` on rows of `neighbourhood_figures`."""
    for nbh in rows:
        nbh.subscribed_launch_year = 0
        if nbh.launched_on:
            year = nbh.launched_on.year
            nbh.subscribed_launch_year = events.activated_between(
                nbh.pk, datetime.date(year - 1, 12, 31), datetime.date(year, 12, 31)
            )
        nbh.launch_rate = percent(nbh.subscribed_launch_year, nbh.dwelling_count)


def _figure_rows(neighbourhoods, period: Period) -> list[Neighbourhood]:
    from brest_internet.programme.models import with_review_status

    qs = neighbourhoods.annotate(**support_expressions(period), dwelling_count=_dwelling_count())
    rows = list(with_review_status(qs).order_by("name"))
    add_registrations(rows, period)
    for nbh in rows:
        nbh.known_dwellings = known(nbh)
        nbh.attendance_rate = percent(nbh.attended, nbh.attended + nbh.absent)
    return rows


def neighbourhood_figures(neighbourhoods, period: Period) -> list[Neighbourhood]:
    """One row per neighbourhood, by name: dwellings, support figures of the period,
    subscriptions of the launch year, review status.

    Three queries whatever the number of rows behind them: the neighbourhoods with their
    figures as correlated subqueries (each one an index lookup of that neighbourhood's rows;
    the register counted once), their sign-ups grouped by neighbourhood, then the
    subscriptions' events (`SubscriptionEvents`). Ratios are
    worked out on the rows, from those counts.
    """
    rows = _figure_rows(neighbourhoods, period)
    launched = [n for n in rows if n.launched_on]
    add_launch_year(rows, SubscriptionEvents(launched, launch_year_days(launched)))
    return rows


def totals_of(rows) -> dict:
    """The support figures summed over rows of `neighbourhood_figures` (or `_support_rows`)."""
    totals = {name: sum(getattr(n, name) for n in rows) for name in SUPPORT_FIGURES}
    totals["computer_revenue"] = sum((n.computer_revenue for n in rows), Decimal("0.00"))
    totals["attendance_rate"] = percent(totals["attended"], totals["attended"] + totals["absent"])
    return totals


def support_totals(neighbourhoods, period: Period) -> dict:
    """The same support figures summed over `neighbourhoods`: two queries."""
    return totals_of(_support_rows(neighbourhoods, period))


# --- Workshops by month ------------------------------------------------------------------------


@dataclass
class MonthAttendance:
    month: datetime.date
    sessions: int = 0
    registered: int = 0
    attended: int = 0
    absent: int = 0

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def rate(self) -> Decimal | None:
        return percent(self.attended, self.attended + self.absent)


def attendance_by_month(neighbourhoods, period: Period) -> list[MonthAttendance]:
    """Sessions, sign-ups and attendance per month (months without a session shown as 0)."""
    status, attendance = Registration.Status, Registration.Attendance
    rows = (
        WorkshopSession.objects.not_cancelled()
        .filter(neighbourhood__in=neighbourhoods.values("pk"))
        .filter(period.q("starts_at__date"))
        .annotate(month=TruncMonth("starts_at"))
        .order_by()
        .values("month")
        .annotate(
            n_sessions=Count("pk", distinct=True),
            n_registered=Count("registrations", filter=Q(registrations__status=status.REGISTERED)),
            n_attended=Count(
                "registrations", filter=Q(registrations__attendance=attendance.ATTENDED)
            ),
            n_absent=Count("registrations", filter=Q(registrations__attendance=attendance.ABSENT)),
        )
    )
    by_month = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        by_month[month.replace(day=1)] = MonthAttendance(
            month.replace(day=1),
            row["n_sessions"],
            row["n_registered"],
            row["n_attended"],
            row["n_absent"],
        )
    if not by_month:
        return []
    first = period.start or min(by_month)
    last = max(by_month) if period.start is None else period.end
    return [
        by_month.get(m, MonthAttendance(m)) for m in subscription_stats.month_starts(first, last)
    ]


# --- Subscriptions -----------------------------------------------------------------------------


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
    sums answer "active on day d" (the definition of `subscriptions.stats`: activated on or
    before d, not cancelled on or before d) and "activated between two days".

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
        last = self.days[-1]

        rows = (
            Subscription.objects.filter(dwelling__neighbourhood__in=ids, activated_on__lte=last)
            .annotate(
                a=FirstDayOnOrAfter("activated_on", self.days),
                c=FirstDayOnOrAfter("cancelled_on", self.days),
            )
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
    """{id: register size}: read from the rows when `neighbourhood_figures` made them."""
    if all(hasattr(n, "dwelling_count") for n in neighbourhoods):
        return {n.pk: n.dwelling_count for n in neighbourhoods}
    return subscription_stats.dwelling_counts(neighbourhoods)


@dataclass
class Trend:
    """Subscription rate per neighbourhood at a series of dates (None before the launch)."""

    days: list[datetime.date]
    labels: list[str]
    series: list[tuple[Neighbourhood, list[Decimal | None], list[int | None]]] = field(
        default_factory=list
    )
    by_quarter: bool = False

    @property
    def rows(self):
        """The table: one row per date, one (rate, count) cell per neighbourhood."""
        return [
            (label, [(rates[i], counts[i]) for _nbh, rates, counts in self.series])
            for i, label in enumerate(self.labels)
        ]


def trend_days(start: datetime.date, end: datetime.date) -> tuple[list[datetime.date], bool]:
    """Month ends from `start` to `end` (and `end` itself); quarter ends when that is too many."""
    months = subscription_stats.month_starts(start, end)
    by_quarter = len(months) > MAX_MONTHLY_POINTS
    if by_quarter:
        months = [m for m in months if m.month % 3 == 0] or months[-1:]
    days = [min(subscription_stats.month_end(m), end) for m in months]
    if days[-1] != end:
        days.append(end)
    return days, by_quarter


def trend_days_of(launched, period: Period) -> tuple[list[datetime.date], bool]:
    if not launched:
        return [], False
    return trend_days(period.start or min(n.launched_on for n in launched), period.end)


def subscription_trend(
    launched: list[Neighbourhood], period: Period, events: SubscriptionEvents | None = None
) -> Trend:
    """Rates at each month end of the period (the definitions of `subscriptions.stats`): one
    query, or none when `events` (holding the trend's days) is given, plus one for the
    registers unless `launched` are rows of `neighbourhood_figures`."""
    if not launched:
        return Trend([], [])
    days, by_quarter = trend_days_of(launched, period)
    events = events or SubscriptionEvents(launched, days)
    dwellings = dwellings_of(launched)
    trend = Trend(days, [month_label(d) for d in days], by_quarter=by_quarter)
    at = [events.index[day] for day in days]
    for nbh in launched:
        launch_month = nbh.launched_on.replace(day=1)
        counts = events.active.get(nbh.pk)
        n = dwellings.get(nbh.pk, 0)
        rates, actives = [], []
        for day, i in zip(days, at, strict=True):
            if day < launch_month:
                rates.append(None)
                actives.append(None)
                continue
            point = subscription_stats.Point(day, counts[i] if counts else 0, n)
            rates.append(point.rate)
            actives.append(point.active)
        trend.series.append((nbh, rates, actives))
    return trend


# --- Charges -----------------------------------------------------------------------------------


@dataclass
class Billing:
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


def billed_by_month(launched, months: list[datetime.date]) -> dict:
    """{(neighbourhood id, month): amount billed (charges and adjustments)}. The charges are
    read from the totals the run keeps per month and neighbourhood (`MonthTotal`, written in the
    same statement as the lines), not summed over every line: two small queries, whatever the
    number of lines."""
    from subscriptions.models import Adjustment, MonthTotal

    billed = {
        (nbh, month): amount
        for nbh, month, amount in MonthTotal.objects.filter(
            neighbourhood__in=launched, month__gte=months[0], month__lte=months[-1]
        ).values_list("neighbourhood", "month", "amount")
    }
    for row in (
        Adjustment.objects.filter(
            neighbourhood__in=launched,
            charge_month__month__gte=months[0],
            charge_month__month__lte=months[-1],
        )
        .values("neighbourhood", "charge_month__month", "kind")
        .order_by()
        .annotate(total=Sum("amount"))
    ):
        key = (row["neighbourhood"], row["charge_month__month"])
        sign = -1 if row["kind"] == Adjustment.Kind.CREDIT else 1
        billed[key] = billed.get(key, Decimal(0)) + sign * row["total"]
    return billed


def billed_per_subscriber(
    launched, start: datetime.date, end: datetime.date, events: SubscriptionEvents | None = None
):
    """Per neighbourhood and month: amount billed (charges and adjustments) and active
    subscribers at the end of the month, as `subscriptions.stats.billed_per_subscriber` defines
    them (`billed_by_month`, and `SubscriptionEvents` unless `events` holds the month ends)."""
    months = subscription_stats.month_starts(start, end)
    billed = billed_by_month(launched, months)
    ends = [subscription_stats.month_end(m) for m in months]
    events = events or SubscriptionEvents(launched, ends)
    return [
        subscription_stats.MonthFigures(
            nbh,
            m,
            billed.get((nbh.pk, m), Decimal("0.00")),
            events.active_on(nbh.pk, month_end),
        )
        for nbh in launched
        for m, month_end in zip(months, ends, strict=True)
    ]


def billing_bounds(launched: list[Neighbourhood], period: Period) -> dict:
    """The first and last billed months of the period (None, None when nothing was billed)."""
    from subscriptions.models import MonthTotal

    if not launched:
        return {"first": None, "last": None}
    bounds = MonthTotal.objects.filter(neighbourhood__in=launched).filter(period.q("month"))
    return bounds.aggregate(first=Min("month"), last=Max("month"))


def billing_days(bounds: dict) -> list[datetime.date]:
    """The month ends `SubscriptionEvents` needs for the billed months."""
    if bounds["first"] is None:
        return []
    months = subscription_stats.month_starts(bounds["first"], bounds["last"])
    return [subscription_stats.month_end(m) for m in months]


def billing(
    launched: list[Neighbourhood],
    period: Period,
    bounds: dict | None = None,
    events: SubscriptionEvents | None = None,
) -> tuple[list[Billing], Billing]:
    """Per neighbourhood, and for them all: amount billed over the period's billed months and
    per subscriber (`billed_per_subscriber`; four small queries, fewer when the caller has
    `bounds` and `events`)."""
    total = Billing(None)
    if not launched:
        return [], total
    bounds = bounds or billing_bounds(launched, period)
    if bounds["first"] is None:
        return [Billing(n) for n in launched], total
    months = subscription_stats.month_starts(bounds["first"], bounds["last"])
    ends = [subscription_stats.month_end(m) for m in months]
    billed = billed_by_month(launched, months)
    events = events or SubscriptionEvents(launched, ends)
    at = [events.index[day] for day in ends]
    last = len(months) - 1
    bills = []
    # Per neighbourhood and billed month (`billed_per_subscriber`'s rows, without building them).
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


# --- The dashboard -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    headline: dict
    funnel: list[FunnelRow]
    votes: list
    neighbourhoods: list
    totals: dict
    trend: Trend
    attendance: list[MonthAttendance]
    billing: list[Billing]
    billing_total: Billing
    due: list = field(default_factory=list)

    @property
    def launched(self):
        return [n for n in self.neighbourhoods if n.launched_on]


def dashboard(neighbourhoods, period: Period) -> Dashboard:
    """Every figure of the coordinator's dashboard, in a fixed number of queries (about
    twelve): the headline, the funnel and the support totals are sums over the table's rows
    (one per neighbourhood), so that the register is counted once."""
    rows = _figure_rows(neighbourhoods, period)
    stages = [(n.stage, n.known_dwellings) for n in rows]
    ever_launched = [n for n in rows if n.launched_on]
    launched = [n for n in ever_launched if n.launched_on <= period.end]
    bounds = billing_bounds(launched, period)
    # One pass over the subscriptions for the launch years, the trend and the billed months.
    days = launch_year_days(ever_launched) + trend_days_of(launched, period)[0]
    events = SubscriptionEvents(ever_launched, days + billing_days(bounds))
    add_launch_year(rows, events)
    trend = subscription_trend(launched, period, events)
    now = {nbh.pk: (rates[-1], counts[-1]) for nbh, rates, counts in trend.series}
    for nbh in rows:
        nbh.rate_now, nbh.subscribers_now = now.get(nbh.pk, (None, None))
    bills, bill_total = billing(launched, period, bounds, events)
    return Dashboard(
        period=period,
        headline=headline(neighbourhoods, stages),
        funnel=funnel(neighbourhoods, stages),
        votes=list(vote_results(neighbourhoods, period)),
        neighbourhoods=rows,
        totals=totals_of(rows),
        trend=trend,
        attendance=attendance_by_month(neighbourhoods, period),
        billing=bills,
        billing_total=bill_total,
        due=[n for n in rows if n.review_due],
    )


def first_year() -> int | None:
    """The year of the first recorded step of any neighbourhood (the filter's first year)."""
    first = StageChange.objects.aggregate(first=Min("happened_on"))["first"]
    return first.year if first else None


# --- A neighbourhood's review ----------------------------------------------------------------


@dataclass
class ReviewFigures:
    neighbourhood: Neighbourhood
    period: Period
    vote: Vote | None
    half_days: list
    subscriptions: dict
    support: Neighbourhood
    trend: Trend
    billing: list
    billing_total: Billing | None


def review_figures(nbh: Neighbourhood, start: datetime.date, end: datetime.date) -> ReviewFigures:
    """The figures of `nbh`'s review over [start, end]: about ten queries, whatever the data."""
    period = Period(start, end)
    one = Neighbourhood.objects.filter(pk=nbh.pk)
    vote = (
        Vote.objects.certified()
        .filter(neighbourhood=nbh, certified_on__lte=end)
        .order_by("-certified_on", "-id")
        .first()
    )
    half_days = list(
        Meeting.objects.filter(neighbourhood=nbh, kind=Meeting.Kind.LAUNCH)
        .filter(period.q("held_on"))
        .annotate(
            visits=Count("half_day_visits", distinct=True),
            connection_requests=Count(
                "half_day_visits",
                filter=Q(half_day_visits__connection_requested=True),
                distinct=True,
            ),
        )
        .order_by("held_on")
    )
    (support,) = _figure_rows(one, period)
    launched = [support] if nbh.launched_on and nbh.launched_on <= end else []
    trend_period = Period(max(start, nbh.launched_on), end) if launched else period
    bounds = billing_bounds(launched, period)
    # One pass over the subscriptions for the launch year, the trend and the billed months.
    days = trend_days_of(launched, trend_period)[0] + billing_days(bounds)
    ever = [support] if nbh.launched_on else []
    events = SubscriptionEvents(ever, launch_year_days(ever) + days)
    add_launch_year([support], events)
    in_period = Q(activated_on__gte=start, activated_on__lte=end)
    subs = Subscription.objects.filter(dwelling__neighbourhood=nbh).aggregate(
        requested=Count("pk", filter=Q(requested_on__gte=start, requested_on__lte=end)),
        activated=Count("pk", filter=in_period),
        cancelled=Count("pk", filter=Q(cancelled_on__gte=start, cancelled_on__lte=end)),
        at_half_days=Count(
            "pk",
            filter=Q(
                channel=Subscription.Channel.HALF_DAY,
                requested_on__gte=start,
                requested_on__lte=end,
            ),
        ),
        active_start=Count(
            "pk",
            filter=Q(activated_on__lte=start)
            & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=start)),
        ),
        active_end=Count(
            "pk",
            filter=Q(activated_on__lte=end)
            & (Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=end)),
        ),
    )
    dwellings = support.dwelling_count
    subs.update(
        dwellings=dwellings,
        launch_year=nbh.launched_on.year if nbh.launched_on else None,
        launch_count=support.subscribed_launch_year,
        launch_rate=percent(support.subscribed_launch_year, dwellings),
        rate_start=percent(subs["active_start"], dwellings),
        rate_end=percent(subs["active_end"], dwellings),
    )
    trend = subscription_trend(launched, trend_period, events)
    bills, _total = billing(launched, period, bounds, events)
    return ReviewFigures(
        neighbourhood=nbh,
        period=period,
        vote=vote,
        half_days=half_days,
        subscriptions=subs,
        support=support,
        trend=trend,
        billing=bills,
        billing_total=bills[0] if bills else None,
    )
