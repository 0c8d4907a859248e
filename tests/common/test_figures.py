"""One rounding for every figure the programme reports (brest_internet/common/figures.py)."""

from decimal import Decimal

from brest_internet.common.figures import per, percent
from subscriptions.stats import _rate
from votes.outcome import compute_result


def test_one_household_in_sixteen_is_six_point_three_percent_everywhere():
    # Half up, as people round by hand: 6.25 -> 6.3 (the subscription rate used to say 6.2).
    assert percent(1, 16) == Decimal("6.3")
    assert _rate(1, 16) == Decimal("6.3")
    result = compute_result(
        roll=16, voters=1, yes=1, no=0, blank=0, spoiled=0, minimum_turnout=None
    )
    assert result.turnout == Decimal("6.3")


def test_a_figure_over_nothing_is_none_not_zero():
    assert percent(0, 0) is None
    assert percent(None, 10) is None
    assert per(Decimal("10.00"), 0) is None


def test_amounts_shared_round_to_the_cent_half_up():
    assert per(Decimal("4.25"), 2) == Decimal("2.13")
    assert per(Decimal("12.00"), 12) == Decimal("1.00")
