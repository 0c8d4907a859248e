"""The programme's figures, computed by the database in a fixed number of queries.

Every function here takes a queryset of neighbourhoods (the scope and the filters already
applied) and a `Period`, and returns figures made by aggregates, conditional counts and
correlated subqueries: the number of queries does not depend on the number of neighbourhoods,
dwellings, subscriptions, sessions or months. The subscription series and the amounts billed
come from `subscriptions.stats` (the subscriptions app owns their definitions).

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
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, NullIf, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

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
        today = today or timezone.localdate()
        if year is None:
            return cls(None, today)
        return cls(datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today), year)

    def q(self, lookup: str) -> Q:
        """The condition "`lookup` falls in the period" (use `field__date` on a datetime)."""
        condition = Q(**{f"{lookup}__lte": self.end})
        if self.start is not None:
            condition &= Q(**{f"{lookup}__gte": self.start})
        return condition


def percent(part, whole) -> Decimal | None:
    """part / whole as a percentage with one decimal, rounded half up (None for 0 / 0)."""
    if not whole or part is None:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


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


def _ratio(part, whole):
    """part * 100 / whole in SQL, NULL when whole is 0."""
    return Cast(part, FloatField()) * 100.0 / NullIf(whole, 0)


def known_dwellings(neighbourhoods):
    """Annotate `dwelling_count` (register) and `known_dwellings` (register, else announced)."""
    return neighbourhoods.annotate(
        dwelling_count=_count(Dwelling.objects.all(), "neighbourhood")
    ).annotate(
        known_dwellings=Coalesce(
            NullIf(F("dwelling_count"), 0), F("expected_dwellings"), output_field=IntegerField()
        )
    )


# --- Pipeline ----------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    stage: str
    label: str
    neighbourhoods: int
    dwellings: int
    stop: bool


def funnel(neighbourhoods) -> list[FunnelRow]:
    """Neighbourhoods and dwellings at each stage (pipeline order, then the stops): one query."""
    found = {
        row["stage"]: row
        for row in known_dwellings(neighbourhoods)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"), total=Sum("known_dwellings"))
    }
    stages = [*PIPELINE, *Neighbourhood.STOPS]
    return [
        FunnelRow(
            stage=stage,
            label=str(Stage(stage).label),
            neighbourhoods=found.get(stage, {}).get("n", 0),
            dwellings=found.get(stage, {}).get("total") or 0,
            stop=stage in Neighbourhood.STOPS,
        )
        for stage in stages
    ]


def headline(neighbourhoods) -> dict:
    """Neighbourhoods and dwellings covered (adopted or running) and to come: one query."""
    adopted, coming = Q(stage__in=ADOPTED), Q(stage__in=COMING)
    figures = known_dwellings(neighbourhoods).aggregate(
        covered_neighbourhoods=Count("pk", filter=adopted),
        covered_dwellings=Sum("known_dwellings", filter=adopted, default=0),
        coming_neighbourhoods=Count("pk", filter=coming),
        coming_dwellings=Sum("known_dwellings", filter=coming, default=0),
        running_neighbourhoods=Count("pk", filter=Q(stage=Stage.RUNNING)),
    )
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
        .annotate(
            cast=cast,
            turnout=_ratio(F("voters"), F("roll_size")),
            yes_share=_ratio(F("yes_count"), cast),
        )
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
    (no join that would multiply rows): sessions held, their sign-ups, waiting list and
    attendance; visits at the launch half-days; home-help and legal-advice requests made;
    computers sold (paid) and what they brought in."""
    registrations = Registration.objects.filter(period.q("session__starts_at__date"))
    status, attendance = Registration.Status, Registration.Attendance
    sold = ComputerOrder.objects.filter(
        period.q("paid_on"),
        status__in=[ComputerOrder.Status.PAID, ComputerOrder.Status.HANDED_OVER],
    )
    help_requests = HomeHelpRequest.objects.filter(period.q("requested_on"))
    advice = AdviceRequest.objects.filter(period.q("requested_on"))
    by_session = "session__neighbourhood"
    return {
        "sessions": _count(
            WorkshopSession.objects.filter(period.q("starts_at__date")), "neighbourhood"
        ),
        "registered": _count(registrations.filter(status=status.REGISTERED), by_session),
        "waiting": _count(registrations.filter(status=status.WAITING), by_session),
        "attended": _count(registrations.filter(attendance=attendance.ATTENDED), by_session),
        "absent": _count(registrations.filter(attendance=attendance.ABSENT), by_session),
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


def neighbourhood_figures(neighbourhoods, period: Period):
    """One row per neighbourhood: dwellings, support figures of the period, subscriptions of
    the launch year, review status. One query, whatever the number of rows behind it."""
    from brest_internet.models import with_review_status

    launch_year = Subscription.objects.filter(
        activated_on__year=ExtractYear(OuterRef("launched_on"))
    )
    qs = known_dwellings(neighbourhoods).annotate(
        **support_expressions(period),
        subscribed_launch_year=_count(launch_year, "dwelling__neighbourhood"),
    )
    qs = qs.annotate(
        attendance_rate=_ratio(F("attended"), F("attended") + F("absent")),
        launch_rate=_ratio(F("subscribed_launch_year"), F("dwelling_count")),
    )
    return with_review_status(qs).order_by("name")


def support_totals(neighbourhoods, period: Period) -> dict:
    """The same support figures summed over `neighbourhoods`: one query (SUM of subqueries)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    totals = neighbourhoods.order_by().aggregate(
        **{
            name: Sum(
                expression,
                default=0,
                output_field=money if name == "computer_revenue" else IntegerField(),
            )
            for name, expression in support_expressions(period).items()
        }
    )
    totals["attendance_rate"] = percent(totals["attended"], totals["attended"] + totals["absent"])
    return totals


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
        WorkshopSession.objects.filter(neighbourhood__in=neighbourhoods.values("pk"))
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


def subscription_trend(launched: list[Neighbourhood], period: Period) -> Trend:
    """Rates at each month end of the period (three queries, via `subscriptions.stats`)."""
    if not launched:
        return Trend([], [])
    start = period.start or min(n.launched_on for n in launched)
    days, by_quarter = trend_days(start, period.end)
    counts = subscription_stats.active_counts_on(launched, days)
    dwellings = subscription_stats.dwelling_counts(launched)
    trend = Trend(days, [month_label(d) for d in days], by_quarter=by_quarter)
    for nbh in launched:
        rates, actives = [], []
        for i, day in enumerate(days):
            if day < nbh.launched_on.replace(day=1):
                rates.append(None)
                actives.append(None)
                continue
            point = subscription_stats.Point(
                day, counts.get((nbh.pk, i), 0), dwellings.get(nbh.pk, 0)
            )
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
        if not self.subscriber_months:
            return None
        return (self.billed / self.subscriber_months).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def last_per_subscriber(self) -> Decimal | None:
        if not self.last_subscribers:
            return None
        return (self.last_billed / self.last_subscribers).quantize(Decimal("0.01"), ROUND_HALF_UP)


def billing(launched: list[Neighbourhood], period: Period) -> tuple[list[Billing], Billing]:
    """Per neighbourhood, and for them all: amount billed over the period's billed months and
    per subscriber (`subscriptions.stats.billed_per_subscriber`; four queries)."""
    from subscriptions.models import Charge

    total = Billing(None)
    if not launched:
        return [], total
    bounds = Charge.objects.filter(neighbourhood__in=launched).filter(period.q("month"))
    bounds = bounds.aggregate(first=Min("month"), last=Max("month"))
    if bounds["first"] is None:
        return [Billing(n) for n in launched], total
    rows = subscription_stats.billed_per_subscriber(launched, bounds["first"], bounds["last"])
    per_nbh = {n.pk: Billing(n, last_month=bounds["last"]) for n in launched}
    total.last_month = bounds["last"]
    for row in rows:
        bill = per_nbh[row.neighbourhood.pk]
        for target in (bill, total):
            if row.billed:
                target.billed += row.billed
                target.subscriber_months += row.subscribers
                if target is bill:
                    target.months += 1
            if row.month == bounds["last"]:
                target.last_billed += row.billed
                target.last_subscribers += row.subscribers
    total.months = len(subscription_stats.month_starts(bounds["first"], bounds["last"]))
    return list(per_nbh.values()), total


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
    """Every figure of the coordinator's dashboard (a fixed number of queries, about twelve)."""
    figures = neighbourhood_figures(neighbourhoods, period)
    rows = list(figures)
    launched = [n for n in rows if n.launched_on and n.launched_on <= period.end]
    trend = subscription_trend(launched, period)
    now = {nbh.pk: (rates[-1], counts[-1]) for nbh, rates, counts in trend.series}
    for nbh in rows:
        nbh.rate_now, nbh.subscribers_now = now.get(nbh.pk, (None, None))
    bills, bill_total = billing(launched, period)
    return Dashboard(
        period=period,
        headline=headline(neighbourhoods),
        funnel=funnel(neighbourhoods),
        votes=list(vote_results(neighbourhoods, period)),
        neighbourhoods=rows,
        totals=support_totals(neighbourhoods, period),
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
    support = neighbourhood_figures(one, period).get()
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
    launched = [nbh] if nbh.launched_on and nbh.launched_on <= end else []
    trend = (
        subscription_trend(launched, Period(max(start, nbh.launched_on), end))
        if launched
        else Trend([], [])
    )
    bills, _total = billing(launched, period)
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
