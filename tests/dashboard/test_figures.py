"""The dashboard's figures against values computed by hand on `builders.build_small`.

Alpha (10 dwellings, running since March 2012), Beta (20, running since June 2013), Gamma
(candidate, 50 announced), Delta (vote, 5 in the register, 8 announced), Epsilon (declined, 30).
"""

import datetime
from decimal import Decimal

import pytest

from brest_internet.common.periods import Period
from brest_internet.programme.dashboard import stats
from brest_internet.programme.models import Review
from neighborhoods import stats as neighbourhood_stats
from neighborhoods.models import Meeting, Neighbourhood, User
from subscriptions import stats as subscription_stats
from support import stats as support_stats
from votes import stats as vote_stats

D = datetime.date
TODAY = D(2014, 2, 28)
YEAR_2013 = Period.of(2013, TODAY)
ALL_TIME = Period(None, D(2013, 12, 31))


@pytest.fixture
def everything(small):
    return Neighbourhood.objects.all()


def by_name(rows):
    return {row.name: row for row in rows}


def test_period_of_a_year_stops_today():
    assert Period.of(2014, TODAY) == Period(D(2014, 1, 1), TODAY, 2014)
    assert Period.of(2013, TODAY) == Period(D(2013, 1, 1), D(2013, 12, 31), 2013)
    assert Period.of(None, TODAY) == Period(None, TODAY, None)


def test_headline_counts_covered_and_coming_dwellings(everything):
    # Covered: Alpha 10 + Beta 20. To come: Gamma 50 (announced, no register) + Delta 5
    # (its register wins over the 8 announced). Epsilon, declined, is neither.
    assert neighbourhood_stats.headline(everything) == {
        "covered_neighbourhoods": 2,
        "covered_dwellings": 30,
        "coming_neighbourhoods": 2,
        "coming_dwellings": 55,
        "running_neighbourhoods": 2,
    }


def test_funnel_lists_every_stage_in_pipeline_order(everything):
    rows = {row.stage: row for row in neighbourhood_stats.funnel(everything)}
    assert [r.stage for r in neighbourhood_stats.funnel(everything)][:6] == list(
        neighbourhood_stats.PIPELINE
    )
    assert (rows["candidate"].neighbourhoods, rows["candidate"].dwellings) == (1, 50)
    assert (rows["vote"].neighbourhoods, rows["vote"].dwellings) == (1, 5)
    assert (rows["running"].neighbourhoods, rows["running"].dwellings) == (2, 30)
    assert (rows["declined"].neighbourhoods, rows["declined"].dwellings) == (1, 30)
    assert rows["declined"].stop and not rows["running"].stop
    assert rows["partners"].neighbourhoods == 0


def test_vote_results_share_of_votes_cast(everything):
    votes = list(vote_stats.vote_results(everything, Period.of(None, TODAY)))
    assert [v.neighbourhood.name for v in votes] == ["Alpha", "Beta"]
    alpha, beta = votes
    assert (alpha.cast, alpha.yes_share, alpha.turnout) == (8, 62.5, 80.0)
    # Beta: 6 yes, 4 no, 1 blank, 1 spoiled: 60 % of the 10 votes cast, 12 voters of 20.
    assert (beta.cast, beta.yes_share, beta.turnout) == (10, 60.0, 60.0)
    assert [v.neighbourhood.name for v in vote_stats.vote_results(everything, YEAR_2013)] == [
        "Beta"
    ]


def test_support_figures_per_neighbourhood_for_a_year(everything):
    rows = by_name(stats.neighbourhood_figures(everything, YEAR_2013))
    alpha, beta = rows["Alpha"], rows["Beta"]
    # Alpha 2013: two sessions (the June 2012 one is out), 3 registered, 1 waiting,
    # 2 present of 3 marked; one home help (done), one advice (answered), one computer (40 €).
    assert (alpha.sessions, alpha.registered, alpha.waiting) == (2, 3, 1)
    assert (alpha.attended, alpha.absent) == (2, 1)
    assert alpha.attendance_rate == Decimal("66.7")
    assert (alpha.home_help, alpha.home_help_done, alpha.advice, alpha.advice_answered) == (
        1,
        1,
        1,
        1,
    )
    assert (alpha.computers_sold, alpha.computer_revenue) == (1, Decimal("40"))
    assert alpha.visits == 0  # the launch half-day was in 2012
    assert (beta.sessions, beta.registered, beta.attended, beta.attendance_rate) == (1, 1, 0, None)
    assert (beta.computers_sold, beta.home_help, beta.advice) == (0, 1, 1)


def test_support_figures_since_the_beginning(everything):
    alpha = by_name(stats.neighbourhood_figures(everything, ALL_TIME))["Alpha"]
    assert (alpha.sessions, alpha.registered, alpha.attended) == (3, 4, 3)
    assert (alpha.visits, alpha.computers_sold, alpha.computer_revenue) == (2, 2, Decimal("110"))


def test_a_cancelled_session_is_not_counted_as_held(everything):
    from support.models import WorkshopSession
    from support.services import session_cancel

    # Beta's 20 November 2013 session called off: its sign-up is cancelled with it.
    beta_session = WorkshopSession.objects.get(neighbourhood__name="Beta")
    assert (
        session_cancel(session=beta_session, reason="Animateur malade", by=User.objects.system())
        == 1
    )
    beta = by_name(stats.neighbourhood_figures(everything, YEAR_2013))["Beta"]
    assert (beta.sessions, beta.registered) == (0, 0)
    november = support_stats.attendance_by_month(everything, YEAR_2013)[10]
    assert (november.sessions, november.registered) == (1, 1)
    assert support_stats.support_totals(everything, YEAR_2013)["sessions"] == 2


def test_subscriptions_of_the_launch_year(everything):
    rows = by_name(stats.neighbourhood_figures(everything, YEAR_2013))
    # Alpha: two subscriptions activated in 2012 (one cancelled later) for 10 dwellings.
    assert (rows["Alpha"].subscribed_launch_year, rows["Alpha"].launch_rate) == (2, 20.0)
    assert (rows["Beta"].subscribed_launch_year, rows["Beta"].launch_rate) == (1, 5.0)
    assert rows["Gamma"].launch_rate is None


def test_support_totals_are_the_sum_of_the_rows(everything):
    totals = support_stats.support_totals(everything, YEAR_2013)
    assert totals == {
        "sessions": 3,
        "registered": 4,
        "waiting": 1,
        "attended": 2,
        "absent": 1,
        "visits": 0,
        "home_help": 2,
        "home_help_done": 1,
        "advice": 2,
        "advice_answered": 1,
        "computers_sold": 1,
        "computer_revenue": Decimal("40"),
        "attendance_rate": Decimal("66.7"),
    }


def test_attendance_by_month_fills_the_year(everything):
    months = support_stats.attendance_by_month(everything, YEAR_2013)
    assert len(months) == 12
    october, november = months[9], months[10]
    assert (october.sessions, october.registered, october.attended, october.absent) == (1, 2, 1, 1)
    assert (november.sessions, november.registered, november.attended) == (2, 2, 1)
    assert october.rate == Decimal("50.0")
    assert months[0].sessions == 0 and months[0].label == "janvier 2013"


def test_subscription_trend_month_by_month(everything):
    launched = [n for n in everything.order_by("name") if n.launched_on]
    trend = stats.subscription_trend(launched, YEAR_2013)
    assert len(trend.days) == 12 and not trend.by_quarter
    (alpha, alpha_rates, alpha_counts), (beta, beta_rates, beta_counts) = trend.series
    # Alpha: 3 active on 31 January 2013, 2 after the cancellation of 1 February.
    assert alpha_counts[:2] == [3, 2]
    assert alpha_rates[:2] == [Decimal("30.0"), Decimal("20.0")]
    # Beta is launched in June: nothing before, 1 of 20 from July.
    assert beta_rates[:5] == [None] * 5
    assert beta_rates[5:7] == [Decimal("0.0"), Decimal("5.0")]
    assert trend.rows[6] == ("juillet 2013", [(Decimal("20.0"), 2), (Decimal("5.0"), 1)])


def test_a_long_trend_is_drawn_by_quarter():
    days, by_quarter = stats.trend_days(D(2010, 3, 1), D(2014, 2, 28))
    assert by_quarter
    assert days[0] == D(2010, 3, 31) and days[1] == D(2010, 6, 30)
    assert days[-2:] == [D(2013, 12, 31), D(2014, 2, 28)]


def test_billing_per_subscriber(everything):
    launched = [n for n in everything.order_by("name") if n.launched_on]
    bills, total = subscription_stats.billing(launched, YEAR_2013)
    alpha, beta = bills
    # December 2013: Alpha 10 × 1 € minus a 1 € credit, for 2 subscribers; Beta 20 € for 1.
    assert (alpha.billed, alpha.last_subscribers, alpha.per_subscriber) == (
        Decimal("9.00"),
        2,
        Decimal("4.50"),
    )
    assert (beta.billed, beta.per_subscriber) == (Decimal("20.00"), Decimal("20.00"))
    assert (total.billed, total.subscriber_months, total.per_subscriber) == (
        Decimal("29.00"),
        3,
        Decimal("9.67"),
    )
    assert total.last_month == D(2013, 12, 1)


def test_billing_without_charges(everything):
    bills, total = subscription_stats.billing(
        [n for n in everything if n.launched_on], Period.of(2012, TODAY)
    )
    assert total.billed == 0 and total.per_subscriber is None
    assert all(b.billed == 0 for b in bills)


def test_dashboard_puts_it_together(everything):
    data = stats.dashboard(everything, YEAR_2013)
    alpha = by_name(data.neighbourhoods)["Alpha"]
    assert (alpha.subscribers_now, alpha.rate_now) == (2, Decimal("20.0"))
    assert [n.name for n in data.launched] == ["Alpha", "Beta"]
    assert data.headline["covered_dwellings"] == 30
    assert data.billing_total.billed == Decimal("29.00")


def test_filter_by_neighbourhood(small):
    data = stats.dashboard(Neighbourhood.objects.filter(pk=small.beta.pk), YEAR_2013)
    assert [n.name for n in data.neighbourhoods] == ["Beta"]
    assert data.headline["covered_dwellings"] == 20
    assert data.totals["sessions"] == 1
    assert [v.neighbourhood.name for v in data.votes] == ["Beta"]
    assert data.billing_total.billed == Decimal("20.00")


def test_review_due_follows_the_last_review_meeting(small, coordinator, settings):
    """The one rule of the programme (`with_review_due`): a running service is due for its
    review REVIEW_DUE_MONTHS after its last review meeting, or after its launch before any.
    A review written on the dashboard keeps its own period (`last_review_end`, the next one's
    default start) but does not decide: the neighbourhood page and the dashboard agree."""
    settings.REVIEW_DUE_MONTHS = 12
    settings.DEMO_TODAY = TODAY
    rows = by_name(stats.neighbourhood_figures(Neighbourhood.objects.all(), YEAR_2013))
    # Alpha launched two years ago, Beta nine months ago; neither has had a review meeting.
    assert rows["Alpha"].review_due and not rows["Beta"].review_due
    assert not rows["Gamma"].review_due  # not running
    Review.objects.create(
        neighbourhood=small.alpha,
        period_start=D(2012, 3, 1),
        period_end=D(2013, 6, 30),
        findings="…",
        next_steps="…",
        author=coordinator,
    )
    rows = by_name(stats.neighbourhood_figures(Neighbourhood.objects.all(), YEAR_2013))
    assert rows["Alpha"].review_due and rows["Alpha"].last_review_end == D(2013, 6, 30)
    Meeting.objects.create(
        neighbourhood=small.alpha, kind=Meeting.Kind.REVIEW, held_on=D(2013, 7, 4)
    )
    data = stats.dashboard(Neighbourhood.objects.all(), YEAR_2013)
    alpha = by_name(data.neighbourhoods)["Alpha"]
    assert not alpha.review_due and data.due == []
    assert alpha.last_review_on == D(2013, 7, 4)
    assert alpha.review_due_on() == D(2014, 7, 4) == small.alpha.review_due_on()
    for day, due in ((D(2014, 7, 3), False), (D(2014, 7, 4), True)):
        settings.DEMO_TODAY = day
        rows = stats.dashboard(Neighbourhood.objects.all(), YEAR_2013).due
        assert ("Alpha" in [n.name for n in rows]) is due, day


def test_review_figures_of_alpha(small):
    figures = stats.review_figures(small.alpha, D(2013, 1, 1), D(2013, 12, 31))
    assert figures.vote.result.yes_share == Decimal("62.5")
    assert figures.half_days == []  # the launch half-day was in 2012
    subs = figures.subscriptions
    assert (subs["active_start"], subs["active_end"], subs["dwellings"]) == (2, 2, 10)
    assert (subs["launch_year"], subs["launch_count"], subs["launch_rate"]) == (
        2012,
        2,
        Decimal("20.0"),
    )
    assert (subs["activated"], subs["cancelled"], subs["requested"]) == (1, 1, 1)
    assert (subs["rate_start"], subs["rate_end"]) == (Decimal("20.0"), Decimal("20.0"))
    assert (figures.support.sessions, figures.support.attended) == (2, 2)
    assert figures.billing_total.billed == Decimal("9.00")
    assert len(figures.trend.days) == 12


def test_review_figures_of_the_launch_period(small):
    figures = stats.review_figures(small.alpha, D(2012, 1, 1), D(2012, 12, 31))
    (half_day,) = figures.half_days
    assert (half_day.visits, half_day.connection_requests) == (2, 1)
    assert figures.trend.days[0] == D(2012, 3, 31)  # from the launch
    assert figures.billing_total.months == 0


def test_review_figures_before_any_vote(small):
    figures = stats.review_figures(small.gamma, D(2013, 1, 1), D(2013, 12, 31))
    assert figures.vote is None and figures.trend.series == []
    assert figures.subscriptions["launch_year"] is None
    assert figures.billing_total is None
