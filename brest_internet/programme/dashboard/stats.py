"""The programme's dashboard and a neighbourhood's review: the apps' figures, composed.

Each figure has one owner, which computes it set-based, in a fixed number of queries whatever
the number of neighbourhoods, dwellings, subscriptions, sessions or months: the registers and
the stages in `neighborhoods.stats`, the votes in `votes.stats`, the subscriptions and the
amounts billed in `subscriptions.stats`, the support in `support.stats`, and "review due" on
the neighbourhoods' QuerySet (`with_review_due`, from the last review meeting). The dashboard
takes a queryset of neighbourhoods (the scope and the filters already applied) and a `Period`,
reads each figure once per page, and lays them side by side; the trend of the subscription
rates is the only thing drawn here.

At national size (865 neighbourhoods, a million dwellings) the dashboard reads summaries kept by
the services, never the dwellings, subscriptions or charge lines: the register sizes
(`neighborhoods.RegisterSize`), the subscriptions activated and ended per month
(`subscriptions.SubscriptionMonth`), the workshops' sessions and sign-ups per month
(`support.WorkshopMonth`) and the months' totals (`MonthTotal`). Its tables show a
page of launched neighbourhoods by name; the programme's figures are summed by the database
over the whole scope; the export has every neighbourhood. The review page (one neighbourhood)
still reads the subscriptions' events.

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
  month, over the months that were billed;
- the programme's rate (the trend's first series): subscribers active in the neighbourhoods
  launched by the period's end, per 100 dwellings of the registers of those launched by that
  day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Min, Sum
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format

from brest_internet.common import figures_cache
from brest_internet.common.figures import percent
from brest_internet.common.periods import Period
from neighborhoods import stats as neighbourhood_stats
from neighborhoods.models import Neighbourhood
from subscriptions import stats as subscription_stats
from support import stats as support_stats
from votes import stats as vote_stats
from votes.models import Vote

from ..models import with_last_review_end

# A trend longer than this is drawn by quarter, so that its table stays readable.
MAX_MONTHLY_POINTS = 36


def month_label(day: datetime.date) -> str:
    return date_format(day, "F Y")


# --- Per neighbourhood ---------------------------------------------------------------------------


def _figure_rows(neighbourhoods, period: Period) -> list[Neighbourhood]:
    """The table's rows: register, support figures of the period, review status (the one rule:
    `with_review_due`), and the end of the last review written (`last_review_end`)."""
    qs = neighbourhoods.annotate(
        **support_stats.support_expressions(period),
        dwelling_count=neighbourhood_stats.kept_register_size(),
    )
    rows = list(with_last_review_end(qs.with_review_due()).order_by("name"))
    support_stats.add_registrations(rows, period)
    for nbh in rows:
        nbh.known_dwellings = neighbourhood_stats.known(nbh)
    return rows


def neighbourhood_figures(neighbourhoods, period: Period) -> list[Neighbourhood]:
    """One row per neighbourhood, by name: dwellings, support figures of the period,
    subscriptions of the launch year, review status.

    Three queries whatever the number of rows behind them: the neighbourhoods with their
    figures as correlated subqueries (the register counted once), their sign-ups grouped by
    neighbourhood, then the subscriptions' events (`SubscriptionEvents`).
    """
    rows = _figure_rows(neighbourhoods, period)
    launched = [n for n in rows if n.launched_on]
    events = subscription_stats.SubscriptionEvents(
        launched, subscription_stats.launch_year_days(launched)
    )
    subscription_stats.add_launch_year(rows, events)
    return rows


# --- Subscription rates over time ----------------------------------------------------------------


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
    launched: list[Neighbourhood],
    period: Period,
    events: subscription_stats.SubscriptionEvents | None = None,
) -> Trend:
    """Rates at each month end of the period (the definitions of `subscriptions.stats`): one
    query, or none when `events` (holding the trend's days) is given, plus one for the
    registers unless `launched` are rows of `neighbourhood_figures`."""
    if not launched:
        return Trend([], [])
    days, by_quarter = trend_days_of(launched, period)
    events = events or subscription_stats.SubscriptionEvents(launched, days)
    dwellings = subscription_stats.dwellings_of(launched)
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


# --- The dashboard -------------------------------------------------------------------------------


@dataclass
class ProgrammeTrend:
    """The programme's subscription rate at the trend's days: subscribers active in the
    neighbourhoods of the scope launched by the period's end, per 100 dwellings of the registers
    of those launched by that day (None before the first launch). A neighbourhood has no
    subscriber before its launch, so both sides count the same neighbourhoods."""

    rates: list[Decimal | None]
    counts: list[int | None]


def programme_trend(launched, days: list[datetime.date], events=None) -> ProgrammeTrend:
    """From the summaries, two queries whatever the number of neighbourhoods (plus one when the
    last day is inside a month): the subscriptions per month, summed over `launched` (a
    queryset; `events`: that `SubscriptionSummary(..., grouped=False)` holding `days`, when the
    caller has it), and the register sizes summed per launch month."""
    if not days:
        return ProgrammeTrend([], [])
    events = events or subscription_stats.SubscriptionSummary(launched, days, grouped=False)
    by_launch = (
        launched.annotate(launch=TruncMonth("launched_on"))
        .order_by()
        .values("launch")
        .annotate(dwellings=Sum(neighbourhood_stats.kept_register_size()))
        .values_list("launch", "dwellings")
    )
    launches = sorted((month, dwellings or 0) for month, dwellings in by_launch)
    rates, counts = [], []
    for day in days:
        dwellings = sum(n for month, n in launches if month <= day)
        if not any(month <= day for month, _n in launches):
            rates.append(None)
            counts.append(None)
            continue
        point = subscription_stats.Point(day, events.active_on(None, day), dwellings)
        rates.append(point.rate)
        counts.append(point.active)
    return ProgrammeTrend(rates, counts)


# The neighbourhoods' tables show a page of them (by name), and the trend the programme's rate
# with the neighbourhoods of that page: the figures of a row, a series, are read for the page
# only; the programme's figures are summed by the database over the whole scope.
PAGE_SIZE = 20
DUE_SHOWN = 10


@dataclass
class Dashboard:
    period: Period
    headline: dict
    funnel: list[neighbourhood_stats.FunnelRow]
    votes: list
    neighbourhoods: list
    totals: dict
    trend: Trend
    attendance: list[support_stats.MonthAttendance]
    billing: list[subscription_stats.Billing]
    billing_total: subscription_stats.Billing
    due: list = field(default_factory=list)
    due_count: int = 0
    programme: ProgrammeTrend | None = None
    page: Page | None = None
    votes_count: int = 0

    @property
    def launched(self):
        return [n for n in self.neighbourhoods if n.launched_on]

    @property
    def trend_rows(self):
        """The trend's table: one row per date, the programme's (rate, count) cell first, then
        one per neighbourhood of the page."""
        programme = self.programme or ProgrammeTrend([], [])
        cells = list(zip(programme.rates, programme.counts, strict=True))
        return [
            (label, [cells[i], *row]) if cells else (label, row)
            for i, (label, row) in enumerate(self.trend.rows)
        ]


def _page(neighbourhoods, page_number):
    """The page `page_number` of the scope's launched neighbourhoods by name (those the tables
    list; two queries: the count and the page's ids), and the queryset of its neighbourhoods;
    every neighbourhood without a page number (the CSV export)."""
    if page_number is None:
        return None, neighbourhoods
    launched = neighbourhoods.filter(launched_on__isnull=False)
    ids = launched.order_by("name", "pk").values_list("pk", flat=True)
    # Kept with the figures (figures_cache): without the scope's ids behind it.
    page = figures_cache.detached(Paginator(ids, PAGE_SIZE).get_page(page_number))
    return page, Neighbourhood.objects.filter(pk__in=page.object_list)


def dashboard(neighbourhoods, period: Period, page_number=None) -> Dashboard:
    """Every figure of the coordinator's dashboard, in a fixed number of queries (about twenty)
    whatever the size of the programme: the programme's figures (headline, funnel, support
    totals, amounts billed, its trend) summed by the database over `neighbourhoods` from the
    summaries the services keep; the tables' rows and the trend's series for the page
    `page_number` of neighbourhoods (None: all of them, for the export)."""
    page, shown = _page(neighbourhoods, page_number)
    rows = _figure_rows(shown, period)
    stages = neighbourhood_stats.stage_rows(neighbourhoods)
    scope_launched = neighbourhoods.filter(launched_on__lte=period.end)
    ever_launched = [n for n in rows if n.launched_on]
    launched = [n for n in ever_launched if n.launched_on <= period.end]
    bounds = subscription_stats.billing_bounds(scope_launched, period)
    first_launch = scope_launched.aggregate(first=Min("launched_on"))["first"]
    days, by_quarter = ([], False)
    if first_launch:
        days, by_quarter = trend_days(period.start or first_launch, period.end)
    # One read of the summaries for the launch years, the trend and the billed months.
    events = subscription_stats.SubscriptionSummary(
        ever_launched,
        subscription_stats.launch_year_days(ever_launched)
        + days
        + subscription_stats.billing_days(bounds),
    )
    subscription_stats.add_launch_year(rows, events)
    trend = _page_trend(launched, days, by_quarter, events)
    now = {nbh.pk: (rates[-1], counts[-1]) for nbh, rates, counts in trend.series}
    for nbh in rows:
        nbh.rate_now, nbh.subscribers_now = now.get(nbh.pk, (None, None))
    bills, _page_total = subscription_stats.billing(launched, period, bounds, events)
    # The programme's own figures (its trend, the last billed month's subscribers), summed by
    # the database over the whole scope in one read of the summaries.
    last_billed = subscription_stats.billing_days(bounds)[-1:]
    programme = subscription_stats.SubscriptionSummary(
        scope_launched, days + last_billed, grouped=False
    )
    due = with_last_review_end(neighbourhoods.with_review_due()).filter(review_due=True)
    votes = vote_stats.vote_results(neighbourhoods, period)
    workshops = support_stats.workshop_counts(neighbourhoods, period)
    return Dashboard(
        period=period,
        headline=neighbourhood_stats.headline(neighbourhoods, stages),
        funnel=neighbourhood_stats.funnel(neighbourhoods, stages),
        votes=list(vote_stats.vote_results(shown, period)),
        votes_count=votes.count() if page else 0,
        neighbourhoods=rows,
        totals=support_stats.scope_totals(neighbourhoods, period, workshops),
        trend=trend,
        programme=programme_trend(scope_launched, days, programme),
        attendance=support_stats.attendance_by_month(neighbourhoods, period, workshops),
        billing=bills,
        billing_total=subscription_stats.billing_total(scope_launched, bounds, programme),
        due=list(due.order_by("name")[:DUE_SHOWN]),
        due_count=due.count(),
        page=page,
    )


def _page_trend(launched, days, by_quarter: bool, events) -> Trend:
    """The series of the page's launched neighbourhoods at the programme's trend days."""
    if not days:
        return Trend([], [])
    trend = Trend(days, [month_label(d) for d in days], by_quarter=by_quarter)
    for nbh in launched:
        launch_month = nbh.launched_on.replace(day=1)
        rates, actives = [], []
        for day in days:
            if day < launch_month:
                rates.append(None)
                actives.append(None)
                continue
            point = subscription_stats.Point(day, events.active_on(nbh.pk, day), nbh.dwelling_count)
            rates.append(point.rate)
            actives.append(point.active)
        trend.series.append((nbh, rates, actives))
    return trend


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
    billing_total: subscription_stats.Billing | None


def review_figures(nbh: Neighbourhood, start: datetime.date, end: datetime.date) -> ReviewFigures:
    """The figures of `nbh`'s review over [start, end]: about ten queries, whatever the data."""
    period = Period(start, end)
    (support,) = _figure_rows(Neighbourhood.objects.filter(pk=nbh.pk), period)
    launched = [support] if nbh.launched_on and nbh.launched_on <= end else []
    trend_period = Period(max(start, nbh.launched_on), end) if launched else period
    bounds = subscription_stats.billing_bounds(launched, period)
    # One pass over the subscriptions for the launch year, the period's first and last days,
    # the trend and the billed months.
    ever = [support] if nbh.launched_on else []
    days = trend_days_of(launched, trend_period)[0] + subscription_stats.billing_days(bounds)
    events = subscription_stats.SubscriptionEvents(
        [support], subscription_stats.launch_year_days(ever) + days + [start, end]
    )
    subscription_stats.add_launch_year([support], events)
    subs = subscription_stats.period_counts(nbh, start, end)
    subs.update(
        active_start=events.active_on(nbh.pk, start), active_end=events.active_on(nbh.pk, end)
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
    bills, _total = subscription_stats.billing(launched, period, bounds, events)
    return ReviewFigures(
        neighbourhood=nbh,
        period=period,
        vote=vote_stats.last_certified(nbh, end),
        half_days=support_stats.launch_half_days(nbh, period),
        subscriptions=subs,
        support=support,
        trend=subscription_trend(launched, trend_period, events),
        billing=bills,
        billing_total=bills[0] if bills else None,
    )
