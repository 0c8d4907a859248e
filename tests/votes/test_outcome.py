"""The adoption rule: yes strictly above half of the votes cast, optional minimum turnout."""

from decimal import Decimal

from votes.outcome import compute_result


def result(**kw):
    figures = {"roll": 100, "voters": 0, "yes": 0, "no": 0, "blank": 0, "spoiled": 0}
    figures.update(kw)
    figures.setdefault("voters", 0)
    return compute_result(**figures)


def test_more_yes_than_no_is_adopted():
    r = result(voters=50, yes=26, no=24)
    assert r.adopted
    assert r.cast == 50
    assert r.yes_share == Decimal("52.0")
    assert r.turnout == Decimal("50.0")


def test_tie_is_not_adopted():
    assert not result(voters=40, yes=20, no=20).adopted


def test_blank_and_spoiled_are_not_votes_cast():
    r = result(voters=40, yes=11, no=10, blank=15, spoiled=4)
    assert r.cast == 21
    assert r.adopted  # 11 of 21 cast, although only 11 of 40 voters


def test_all_blank_is_not_adopted():
    r = result(voters=30, blank=30)
    assert r.yes_share is None
    assert not r.adopted


def test_zero_voters_is_not_adopted():
    r = result(voters=0)
    assert r.turnout == Decimal("0.0")
    assert not r.adopted


def test_empty_roll_has_no_turnout():
    assert result(roll=0).turnout is None


def test_minimum_turnout_not_reached_rejects():
    assert not result(voters=29, yes=29, minimum_turnout=30).adopted


def test_minimum_turnout_reached_exactly_adopts():
    r = result(voters=30, yes=16, no=14, minimum_turnout=30)
    assert r.turnout_reached
    assert r.adopted


def test_minimum_turnout_is_compared_exactly_not_rounded():
    # 2 of 3 = 66.67 %: the minimum 67 % is not reached although 66.7 rounds near it.
    assert not compute_result(
        roll=3, voters=2, yes=2, no=0, blank=0, spoiled=0, minimum_turnout=67
    ).adopted


def test_source_shares_round_as_published():
    assert result(voters=200, yes=122, no=78).yes_share == Decimal("61.0")
    assert result(roll=1000, voters=400, yes=230, no=170).yes_share == Decimal("57.5")
    assert result(voters=100, yes=54, no=46).yes_share == Decimal("54.0")
