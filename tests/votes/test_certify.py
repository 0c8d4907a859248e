"""Certification: the coordinator closes the vote, the figures freeze, the pipeline moves."""

import datetime

import pytest

from neighborhoods.models import Neighbourhood, StageChange
from votes import services
from votes.models import Vote

from .conftest import sign_in

F = services.Figures


def count_and_confirm(vote, figures, by, confirmer, station="Bureau 1", channel="paper"):
    count = services.count_enter(
        vote=vote, station=station, channel=channel, figures=figures, by=by
    )
    return services.count_confirm(count=count, figures=figures, by=confirmer)


def test_certifying_an_adopted_vote_moves_to_launch(vote, landlord_user, coordinator):
    sign_in(vote, 8)
    count_and_confirm(vote, F(5, 2, 1, 0), landlord_user, coordinator)
    vote = services.vote_certify(vote=vote, by=coordinator)
    assert vote.is_certified and vote.adopted is True
    assert (vote.voters, vote.yes_count, vote.no_count, vote.blank_count) == (8, 5, 2, 1)
    nbh = Neighbourhood.objects.get(pk=vote.neighbourhood_id)
    assert nbh.stage == Neighbourhood.Stage.LAUNCH
    change = StageChange.objects.filter(neighbourhood=nbh).latest("id")
    assert change.note == str(vote)
    assert "projet adopté (71,4 % de oui parmi les suffrages exprimés)" in change.note


def test_certifying_a_rejected_vote_stops_the_pipeline(vote, landlord_user, coordinator):
    sign_in(vote, 6)
    count_and_confirm(vote, F(3, 3, 0, 0), landlord_user, coordinator)  # a tie
    vote = services.vote_certify(vote=vote, by=coordinator)
    assert vote.adopted is False
    nbh = Neighbourhood.objects.get(pk=vote.neighbourhood_id)
    assert nbh.stage == Neighbourhood.Stage.REJECTED
    assert "projet rejeté" in nbh.stage_changes.latest("id").note


def test_minimum_turnout_not_reached_rejects_at_certification(
    make_vote, landlord_user, coordinator
):
    vote = make_vote(minimum_turnout=50)
    sign_in(vote, 4)  # 40 % of 10
    count_and_confirm(vote, F(4, 0, 0, 0), landlord_user, coordinator)
    assert services.vote_certify(vote=vote, by=coordinator).adopted is False


def test_zero_voters_certifies_as_rejected(vote, coordinator):
    vote = services.vote_certify(vote=vote, by=coordinator)
    assert vote.voters == 0 and vote.adopted is False


def test_certifying_twice_is_refused_and_changes_nothing(vote, landlord_user, coordinator):
    sign_in(vote, 2)
    count_and_confirm(vote, F(2, 0, 0, 0), landlord_user, coordinator)
    services.vote_certify(vote=vote, by=coordinator)
    changes = StageChange.objects.count()
    history = vote.history.count()
    with pytest.raises(services.VoteError, match="déjà été certifié"):
        services.vote_certify(vote=vote, by=coordinator, on=datetime.date.today())
    assert StageChange.objects.count() == changes
    assert vote.history.count() == history


def test_a_pending_count_blocks_certification(vote, landlord_user, coordinator):
    sign_in(vote, 2)
    services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(2, 0, 0, 0), by=landlord_user
    )
    with pytest.raises(services.VoteError, match="sans seconde saisie"):
        services.vote_certify(vote=vote, by=coordinator)
    vote.refresh_from_db()
    assert not vote.is_certified


def test_only_a_coordinator_certifies(vote, landlord_user):
    with pytest.raises(services.VoteError, match="coordination"):
        services.vote_certify(vote=vote, by=landlord_user)


def test_no_certification_before_the_close(make_vote, coordinator):
    today = datetime.date.today()
    vote = make_vote(closes_on=today + datetime.timedelta(days=1))
    with pytest.raises(services.VoteError, match="pas clos"):
        services.vote_certify(vote=vote, by=coordinator)


def test_a_neighbourhood_not_at_the_vote_stage_refuses_and_rolls_back(vote, coordinator):
    Neighbourhood.objects.filter(pk=vote.neighbourhood_id).update(
        stage=Neighbourhood.Stage.INFORMATION
    )
    with pytest.raises(services.VoteError, match="n'est pas à l'étape du vote"):
        services.vote_certify(vote=vote, by=coordinator)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.FROZEN


def test_nothing_changes_after_certification(vote, landlord_user, coordinator):
    services.vote_certify(vote=vote, by=coordinator)
    with pytest.raises(services.VoteError, match="certifié"):
        sign_in(vote, 1)
    with pytest.raises(services.VoteError, match="certifié"):
        services.count_enter(
            vote=vote, station="B", channel="paper", figures=F(0, 0, 0, 0), by=landlord_user
        )


def test_online_and_paper_ballots_add_up(make_vote, landlord_user, coordinator):
    vote = make_vote(method=Vote.Method.MIXED)
    codes = services.codes_generate(vote=vote, by=landlord_user)
    for (_entry, code), choice in zip(codes[:3], ["yes", "no", "blank"], strict=True):
        services.ballot_cast(code=code, choice=choice)
    sign_in(vote, 2, "postal")
    count_and_confirm(vote, F(1, 1, 0, 0), landlord_user, coordinator, "Correspondance", "postal")
    # The online box is open until midnight of the last day: certification comes after.
    with pytest.raises(services.VoteError, match="pas clos"):
        services.vote_certify(vote=vote, by=coordinator)
    # A day later (a certification is never dated in the future): the box closed yesterday.
    Vote.objects.filter(pk=vote.pk).update(closes_on=vote.closes_on - datetime.timedelta(days=1))
    vote.refresh_from_db()
    vote = services.vote_certify(
        vote=vote, by=coordinator, on=vote.closes_on + datetime.timedelta(days=1)
    )
    assert (vote.voters, vote.yes_count, vote.no_count, vote.blank_count) == (5, 2, 2, 1)
    assert vote.adopted is False  # 2 of 4 cast: a tie
