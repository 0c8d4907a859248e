"""Every figure the dashboard shows, pinned on the Brest demo on its clock (3 March 2014, the
day `make run` opens on), and checked against a plain count of the rows it stands for.

Each figure has one owner (`neighborhoods.stats`, `votes.stats`, `subscriptions.stats`,
`support.stats`, the neighbourhoods' `with_review_due`); the dashboard only composes them. The
demo is loaded once for the module (in a transaction rolled back at the end), and each test
reads it in a savepoint of its own.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum
from django.test import override_settings
from django.urls import reverse

from brest_internet.common.figures import percent
from brest_internet.common.periods import Period
from brest_internet.programme.dashboard import stats
from brest_internet.programme.dashboard.homes import association_home, centre_home
from brest_internet.programme.models import Review
from neighborhoods.models import Dwelling, Neighbourhood, User
from subscriptions.models import Adjustment, Charge, Subscription
from support.models import ComputerOrder, Registration, WorkshopSession
from votes.models import Vote

D = datetime.date
TODAY = D(2014, 3, 3)


@pytest.fixture(scope="module")
def _demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_PASSWORD="demo-mot-de-passe-de-test", DEMO_TODAY=None),
        transaction.atomic(),
    ):
        call_command("load_brest_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def dash(_demo, db, settings):
    """The coordinator's dashboard of the whole programme, on the demo's day."""
    settings.DEMO_TODAY = TODAY
    return stats.dashboard(Neighbourhood.objects.all(), Period.of(None, TODAY))


def by_name(rows):
    return {row.name: row for row in rows}


def test_headline(dash):
    assert dash.headline == {
        "covered_neighbourhoods": 3,
        "covered_dwellings": 2043,
        "coming_neighbourhoods": 3,
        "coming_dwellings": 2810,
        "running_neighbourhoods": 3,
    }
    running = Neighbourhood.objects.filter(stage=Neighbourhood.Stage.RUNNING)
    assert Dwelling.objects.filter(neighbourhood__in=running).count() == 2043


def test_funnel(dash):
    rows = {row.stage: (row.neighbourhoods, row.dwellings) for row in dash.funnel}
    assert rows.pop("candidate") == (3, 2810)
    assert rows.pop("running") == (3, 2043)
    assert set(rows.values()) == {(0, 0)}
    candidates = Neighbourhood.objects.filter(stage=Neighbourhood.Stage.CANDIDATE)
    # No register imported yet: the dwellings the landlords announced.
    assert sum(n.expected_dwellings for n in candidates) == 2810


def test_votes(dash):
    votes = {
        v.neighbourhood.name: (
            v.roll_size,
            v.voters,
            v.turnout,
            v.yes_count,
            v.no_count,
            v.blank_count,
            v.spoiled_count,
            v.yes_share,
        )
        for v in dash.votes
    }
    assert votes == {
        "Kerourien": (482, 231, Decimal("47.9"), 122, 78, 20, 11, Decimal("61.0")),
        "Keredern": (937, 384, Decimal("41.0"), 207, 153, 16, 8, Decimal("57.5")),
        "Valy-Hir": (381, 198, Decimal("52.0"), 81, 69, 32, 16, Decimal("54.0")),
    }
    assert [v.neighbourhood.name for v in dash.votes] == ["Kerourien", "Keredern", "Valy-Hir"]
    assert Vote.objects.certified().count() == 3


def test_dwellings_per_neighbourhood(dash):
    known = {n.name: n.known_dwellings for n in dash.neighbourhoods}
    assert known == {
        "Bellevue": 1600,
        "Kerbernier": 710,
        "Keredern": 1052,
        "Kerourien": 596,
        "Queliverzan": 500,
        "Valy-Hir": 395,
    }
    assert Dwelling.objects.filter(neighbourhood__name="Keredern").count() == 1052


def test_subscriptions_of_the_launch_year(dash):
    rows = by_name(dash.neighbourhoods)
    launch = {
        name: (rows[name].subscribed_launch_year, rows[name].launch_rate)
        for name in ("Kerourien", "Keredern", "Valy-Hir")
    }
    assert launch == {
        "Kerourien": (78, Decimal("13.1")),
        "Keredern": (101, Decimal("9.6")),
        "Valy-Hir": (9, Decimal("2.3")),
    }
    assert (
        Subscription.objects.filter(
            dwelling__neighbourhood__name="Kerourien", activated_on__year=2010
        ).count()
        == 78
    )


def test_subscribers_and_rate_today(dash):
    rows = by_name(dash.neighbourhoods)
    now = {
        name: (rows[name].subscribers_now, rows[name].rate_now)
        for name in ("Kerourien", "Keredern", "Valy-Hir")
    }
    assert now == {
        "Kerourien": (69, Decimal("11.6")),
        "Keredern": (132, Decimal("12.5")),
        "Valy-Hir": (9, Decimal("2.3")),
    }
    assert rows["Bellevue"].subscribers_now is None  # not launched: no rate
    active = Subscription.objects.active_on(TODAY)
    assert active.filter(dwelling__neighbourhood__name="Keredern").count() == 132


def test_trend_of_the_subscription_rates(dash):
    # Four years since Kerourien's launch (March 2010): drawn by quarter, ending today.
    assert dash.trend.by_quarter
    assert dash.trend.labels[0] == "mars 2010" and dash.trend.labels[-1] == "mars 2014"
    assert dash.trend.days[-1] == TODAY and len(dash.trend.days) == 17
    series = {
        nbh.name: dict(zip(dash.trend.days, counts, strict=True))
        for nbh, _r, counts in dash.trend.series
    }
    assert series["Kerourien"][D(2010, 12, 31)] == 78
    assert series["Kerourien"][D(2013, 12, 31)] == 70
    assert series["Keredern"][D(2012, 3, 31)] is None  # before its launch
    assert series["Keredern"][D(2013, 12, 31)] == 131
    active = Subscription.objects.active_on(D(2013, 12, 31))
    assert active.filter(dwelling__neighbourhood__name="Kerourien").count() == 70


def test_support_per_neighbourhood(dash):
    names = (
        "sessions",
        "registered",
        "waiting",
        "attended",
        "absent",
        "attendance_rate",
        "visits",
        "home_help",
        "home_help_done",
        "advice",
        "advice_answered",
        "computers_sold",
        "computer_revenue",
    )
    rows = by_name(dash.neighbourhoods)
    support = {name: tuple(getattr(rows[name], f) for f in names) for name in rows}
    assert support["Kerourien"] == (96, 926, 78, 782, 144, Decimal("84.4"), 0, 3, 2, 4, 3, 22, 1180)
    assert support["Keredern"] == (46, 448, 27, 357, 91, Decimal("79.7"), 0, 3, 3, 4, 3, 22, 1180)
    assert support["Valy-Hir"] == (2, 15, 0, 2, 1, Decimal("66.7"), 41, 3, 1, 4, 0, 10, 550)
    assert support["Bellevue"] == (0, 0, 0, 0, 0, None, 0, 0, 0, 0, 0, 0, 0)
    kerourien = Registration.objects.filter(session__neighbourhood__name="Kerourien")
    assert kerourien.filter(status=Registration.Status.WAITING).count() == 78
    assert kerourien.filter(attendance=Registration.Attendance.ATTENDED).count() == 782


def test_support_totals(dash):
    assert dash.totals == {
        "sessions": 144,
        "registered": 1389,
        "waiting": 105,
        "attended": 1141,
        "absent": 236,
        "visits": 41,
        "home_help": 9,
        "home_help_done": 6,
        "advice": 12,
        "advice_answered": 6,
        "computers_sold": 54,
        "computer_revenue": Decimal("2910.00"),
        "attendance_rate": Decimal("82.9"),
    }
    assert percent(1141, 1141 + 236) == Decimal("82.9")
    held = WorkshopSession.objects.not_cancelled().filter(starts_at__date__lte=TODAY)
    assert held.count() == 144
    sold = ComputerOrder.objects.filter(
        status__in=[ComputerOrder.Status.PAID, ComputerOrder.Status.HANDED_OVER]
    )
    assert sold.aggregate(total=Sum("price"))["total"] == Decimal("2910.00")


def test_workshops_by_month(dash):
    months = dash.attendance
    # Every month from the first session (March 2010) to the last (February 2014).
    assert len(months) == 48
    first, last = months[0], months[-1]
    assert (first.label, first.sessions, first.registered, first.attended, first.absent) == (
        "mars 2010",
        2,
        18,
        14,
        4,
    )
    assert (last.label, last.sessions, last.registered, last.attended, last.absent) == (
        "février 2014",
        6,
        49,
        29,
        8,
    )
    assert sum(m.sessions for m in months) == 144
    assert sum(m.registered for m in months) == 1389


def test_amounts_billed(dash):
    bills = {
        b.neighbourhood.name: (
            b.billed,
            b.per_subscriber,
            b.last_billed,
            b.last_subscribers,
            b.last_per_subscriber,
        )
        for b in dash.billing
    }
    assert bills == {
        "Kerourien": (
            Decimal("28608.00"),
            Decimal("8.60"),
            Decimal("596.00"),
            69,
            Decimal("8.64"),
        ),
        "Keredern": (
            Decimal("24196.00"),
            Decimal("11.12"),
            Decimal("1052.00"),
            132,
            Decimal("7.97"),
        ),
        "Valy-Hir": (
            Decimal("395.00"),
            Decimal("43.89"),
            Decimal("395.00"),
            9,
            Decimal("43.89"),
        ),
    }
    total = dash.billing_total
    assert (total.billed, total.per_subscriber, total.last_month) == (
        Decimal("53199.00"),
        Decimal("9.65"),
        D(2014, 2, 1),
    )
    assert (total.last_billed, total.last_subscribers, total.last_per_subscriber) == (
        Decimal("2043.00"),
        210,
        Decimal("9.73"),
    )
    lines = Charge.objects.aggregate(total=Sum("amount"))["total"]
    credits = Adjustment.objects.filter(kind=Adjustment.Kind.CREDIT).aggregate(t=Sum("amount"))
    debits = Adjustment.objects.exclude(kind=Adjustment.Kind.CREDIT).aggregate(t=Sum("amount"))
    assert lines - (credits["t"] or 0) + (debits["t"] or 0) == Decimal("53199.00")


def test_review_due_is_the_neighbourhoods_rule(dash, settings):
    """On the demo's day no review is due: both services had their yearly review meeting on
    13 January 2014. The rule is the neighbourhood page's (from the last review meeting);
    the dashboard used to count from the end of the last written review (31 December 2013),
    and said both were due from 31 December 2014: they are due from 13 January 2015."""
    assert dash.due == []
    assert {n.name: n.review_due_on() for n in dash.neighbourhoods if n.launched_on} == {
        "Keredern": D(2015, 1, 13),
        "Kerourien": D(2015, 1, 13),
        "Valy-Hir": D(2015, 2, 1),
    }
    assert set(Review.objects.values_list("period_end", flat=True)) == {
        D(2010, 12, 31),
        D(2012, 12, 31),
        D(2013, 12, 31),
    }
    for day, due in ((D(2014, 12, 31), []), (D(2015, 1, 13), ["Keredern", "Kerourien"])):
        settings.DEMO_TODAY = day
        data = stats.dashboard(Neighbourhood.objects.all(), Period.of(None, day))
        assert [n.name for n in data.due] == due, day


def test_review_figures_of_kerourien_in_2013(_demo, db, settings):
    settings.DEMO_TODAY = TODAY
    review = Review.objects.get(neighbourhood__name="Kerourien", period_start=D(2013, 1, 1))
    figures = stats.review_figures(review.neighbourhood, review.period_start, review.period_end)
    assert figures.vote.certified_on == D(2009, 12, 15)
    assert figures.half_days == []
    subs = figures.subscriptions
    assert (subs["requested"], subs["activated"], subs["cancelled"]) == (3, 4, 12)
    assert (subs["active_start"], subs["active_end"]) == (79, 70)
    assert (subs["rate_start"], subs["rate_end"]) == (Decimal("13.3"), Decimal("11.7"))
    assert (subs["launch_year"], subs["launch_count"]) == (2010, 78)
    support = figures.support
    assert (support.sessions, support.registered, support.attended, support.absent) == (
        24,
        231,
        196,
        35,
    )
    bill = figures.billing_total
    assert (bill.billed, bill.months, bill.per_subscriber) == (
        Decimal("7152.00"),
        12,
        Decimal("8.01"),
    )
    mine = Subscription.objects.filter(dwelling__neighbourhood=review.neighbourhood)
    assert mine.active_on(D(2013, 1, 1)).count() == 79
    assert mine.filter(Q(cancelled_on__year=2013)).count() == 12


def test_the_homes_of_the_centre_and_the_association(_demo, db, settings):
    settings.DEMO_TODAY = TODAY
    centre = centre_home(User.objects.get(username="animateur"))
    assert centre["coming_totals"] == {"sessions": 2, "registered": 23, "waiting": 0}
    assert len(centre["coming_sessions"]) == 2 and centre["waiting_lists"] == []
    assert len(centre["recent_sign_ups"]) == 10
    association = association_home(User.objects.get(username="association"))
    assert association["advice_counts"] == {"open": 4, "answered": 4, "total": 8}
    assert len(association["open_advice"]) == 4
    assert [v.neighbourhood.name for v in association["vote_results"]] == [
        "Valy-Hir",
        "Keredern",
        "Kerourien",
    ]


def test_the_page_shows_them(dash, client_for):
    html = client_for(User.objects.get(username="coordinatrice"))
    page = html.get(reverse("dashboard:index")).content.decode()
    for figure in (
        "2\u00a0043",
        "2\u00a0810",
        "53\u00a0199,00\u00a0€",
        "82,9\u00a0%",
        "1\u00a0389",
    ):
        assert figure in page, figure


def test_the_demo_leaves_the_dashboards_summaries_right(_demo, db):
    """The demo writes its dwellings, subscriptions and workshops in bulk, then recounts the
    summaries: they equal the definitions computed from the rows."""
    from neighborhoods.summaries import register_sizes_differ
    from subscriptions.models import SubscriptionMonth
    from subscriptions.stats import SubscriptionSummary, month_end, month_starts
    from support.models import WorkshopMonth
    from support.summaries import workshop_months_differ

    assert register_sizes_differ() == {}
    assert workshop_months_differ() == {}
    assert WorkshopMonth.objects.exists()
    assert SubscriptionMonth.objects.exists()
    launched = list(Neighbourhood.objects.exclude(launched_on=None))
    days = [month_end(m) for m in month_starts(D(2009, 12, 1), TODAY)][:-1] + [TODAY]
    summary = SubscriptionSummary(launched, days)
    for nbh in launched:
        for day in days[::7] + [TODAY]:
            expected = Subscription.objects.active_on(day).filter(dwelling__neighbourhood=nbh)
            assert summary.active_on(nbh.pk, day) == expected.count(), (nbh.name, day)


def test_the_page_of_the_dashboard_shows_the_same_rows(_demo, db, settings):
    """The page (20 launched neighbourhoods by name) shows the rows of the whole export."""
    settings.DEMO_TODAY = TODAY
    everything = stats.dashboard(Neighbourhood.objects.all(), Period.of(None, TODAY))
    page = stats.dashboard(Neighbourhood.objects.all(), Period.of(None, TODAY), 1)
    assert [n.name for n in page.neighbourhoods] == [n.name for n in everything.launched]
    assert page.headline == everything.headline and page.totals == everything.totals
    assert page.billing_total == everything.billing_total
    assert [s[1:] for s in page.trend.series] == [s[1:] for s in everything.trend.series]
