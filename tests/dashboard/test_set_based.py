"""The set-based counts the dashboard uses agree with the definitions they stand for.

`subscriptions.stats.SubscriptionEvents` (one grouped pass, running sums), and
`active_counts_on` built on it, must give on every day what the one definition of "active"
(`Subscription.objects.active_on`) counts row by row, and
the launch year's subscriptions what a plain count of the activations of that year gives; the
charges billed are read from the run's month totals, which must equal the sum of the lines.
"""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from brest_internet.common.periods import Period
from brest_internet.common.templatetags.figures import euros, num, pct, trend_cells
from brest_internet.programme.dashboard import stats
from neighborhoods.models import Dwelling, Neighbourhood
from subscriptions import stats as subscription_stats
from subscriptions.models import Charge, MonthTotal, Subscription

from .builders import dwellings, subscription

D = datetime.date


@pytest.fixture
def awkward(small):
    """Edge cases on Beta: activated and cancelled the same month, cancelled on a month's last
    day, activated on a month's last day, requested but never activated, cancelled before
    activation, and an activation after the last day asked for."""
    dw = dwellings(small.beta, 6, "X")
    subscription(dw[0], requested=D(2013, 7, 1), activated=D(2013, 7, 5), cancelled=D(2013, 7, 20))
    subscription(dw[1], requested=D(2013, 7, 1), activated=D(2013, 7, 2), cancelled=D(2013, 8, 31))
    subscription(dw[2], requested=D(2013, 8, 1), activated=D(2013, 8, 31))
    subscription(dw[3], requested=D(2013, 9, 1))
    subscription(dw[4], requested=D(2013, 9, 1), cancelled=D(2013, 9, 3))
    subscription(dw[5], requested=D(2013, 12, 1), activated=D(2014, 1, 15))
    return small


def test_active_counts_match_the_definition_row_by_row(awkward):
    launched = list(Neighbourhood.objects.exclude(launched_on=None).order_by("name"))
    for days in (
        [
            subscription_stats.month_end(m)
            for m in subscription_stats.month_starts(D(2012, 1, 1), D(2014, 2, 1))
        ],
        [D(2013, 7, 20), D(2013, 8, 30), D(2013, 8, 31), D(2013, 11, 15)],
        [D(2014, 2, 28)],
    ):
        expected = {
            (n.pk, i): Subscription.objects.active_on(day).filter(dwelling__neighbourhood=n).count()
            for n in launched
            for i, day in enumerate(days)
        }
        events = subscription_stats.SubscriptionEvents(launched, days)
        got = {
            (n.pk, i): events.active_on(n.pk, day) for n in launched for i, day in enumerate(days)
        }
        assert got == expected, days
        assert subscription_stats.active_counts_on(launched, days) == expected, days


def test_active_counts_take_one_query(awkward, django_assert_num_queries):
    launched = list(Neighbourhood.objects.exclude(launched_on=None))
    days = [
        subscription_stats.month_end(m)
        for m in subscription_stats.month_starts(D(2010, 1, 1), D(2014, 2, 1))
    ]
    with django_assert_num_queries(1):
        subscription_stats.SubscriptionEvents(launched, days)


def test_launch_year_counts_match_a_plain_count(awkward):
    rows = stats.neighbourhood_figures(Neighbourhood.objects.all(), Period.of(2013, D(2014, 2, 28)))
    for nbh in rows:
        expected = 0
        if nbh.launched_on:
            expected = Subscription.objects.filter(
                dwelling__neighbourhood=nbh, activated_on__year=nbh.launched_on.year
            ).count()
        assert nbh.subscribed_launch_year == expected, nbh.name


def test_month_totals_equal_the_sum_of_the_lines(small):
    for total in MonthTotal.objects.all():
        lines = Charge.objects.filter(month=total.month, neighbourhood=total.neighbourhood)
        assert lines.aggregate(s=Sum("amount"))["s"] == total.amount
        assert lines.count() == total.lines


def test_memoised_figures_keep_types_apart():
    assert num(40) == "40"
    assert pct(Decimal("57.5")) == "57,5\u00a0%" and pct(Decimal("57.50")) == "57,5\u00a0%"
    assert pct(40.0) == pct(40) == "40\u00a0%"
    assert euros(Decimal("40")) == euros(Decimal("40.00")) == "40,00\u00a0€"
    assert num(None) == pct(None) == "—"
    assert trend_cells([(None, None), (Decimal("11.6"), 1052)]) == (
        '<td class="text-end">—</td>'
        '<td class="text-end">11,6\u00a0% <span class="small">(1\u00a0052)</span></td>'
    )


@pytest.mark.parametrize(
    "period", [Period.of(2013, D(2014, 2, 28)), Period.of(None, D(2014, 2, 14))]
)
def test_summaries_give_the_figures_of_the_subscriptions_row_by_row(awkward, period):
    """The dashboard's figures read from the summaries (`SubscriptionMonth`, `MonthTotal`, the
    register sizes) equal the same figures computed from the rows (`SubscriptionEvents`,
    `billing` over every neighbourhood): the trend, the launch years, the amounts billed."""
    everything = Neighbourhood.objects.all()
    data = stats.dashboard(everything, period)
    rows = stats.neighbourhood_figures(everything, period)
    launched = [n for n in rows if n.launched_on and n.launched_on <= period.end]
    for nbh in rows:
        nbh.dwelling_count = Dwelling.objects.filter(neighbourhood=nbh).count()
    days = data.trend.days
    events = subscription_stats.SubscriptionEvents(launched, days)
    for nbh, _rates, counts in data.trend.series:
        launch = nbh.launched_on.replace(day=1)
        expected = [events.active_on(nbh.pk, d) if d >= launch else None for d in days]
        assert counts == expected, nbh.name
    assert {n.name: n.subscribed_launch_year for n in data.neighbourhoods} == {
        n.name: n.subscribed_launch_year for n in rows
    }
    programme = [sum(events.active_on(n.pk, d) for n in launched) for d in days]
    assert [c or 0 for c in data.programme.counts] == [
        c if r is not None else 0 for c, r in zip(programme, data.programme.rates, strict=True)
    ]
    _bills, total = subscription_stats.billing(launched, period)
    assert data.billing_total == total


def test_the_programmes_billing_equals_the_sum_of_its_neighbourhoods_at_the_edges(small):
    """`billing_total` (summed by the database, each bill joined to its step of the monthly
    summary) equals the total `billing` adds up neighbourhood by neighbourhood, when a month
    holds an adjustment without any line (Beta, November), a month is credited back to zero
    (Beta, October: its subscriber is not counted that month) and a month is billed before its
    neighbourhood's first subscription (Beta, June)."""
    from subscriptions.models import Adjustment, ChargeMonth, Payer

    from .builders import bill

    beta = Neighbourhood.objects.get(name="Beta")
    alpha = Neighbourhood.objects.get(name="Alpha")
    bill(beta, D(2013, 6, 1))
    october = bill(beta, D(2013, 10, 1))
    bill(alpha, D(2013, 11, 1))
    november = ChargeMonth.objects.get(month=D(2013, 11, 1))
    some_dwelling = beta.dwellings.first()

    def adjust(month, kind, amount):
        Adjustment.objects.create(
            charge_month=month,
            dwelling=some_dwelling,
            neighbourhood=beta,
            kind=kind,
            amount=Decimal(amount),
            payer=Payer.LANDLORD,
            reason="Régularisation",
        )

    adjust(november, Adjustment.Kind.DEBIT, "3.00")
    adjust(october, Adjustment.Kind.CREDIT, "20.00")
    period = Period.of(2013, D(2014, 2, 28))
    launched = Neighbourhood.objects.filter(launched_on__lte=period.end)
    bounds = subscription_stats.billing_bounds(launched, period)
    _bills, expected = subscription_stats.billing(list(launched), period, bounds)
    got = subscription_stats.billing_total(launched, bounds)
    assert got == expected
    # Billed: Alpha 10 + 9 (December's credit), Beta 20 (June) + 0 (October, credited back)
    # + 3 (November, the adjustment alone) + 20. Subscribers: Alpha 2 in November and December;
    # Beta 1 in November and December, none in June (none yet) nor in October (nothing billed).
    assert (got.billed, got.subscriber_months) == (Decimal("62.00"), 6)
