"""The paper count: double entry by two different people, an append-only log, sane totals."""

import pytest
from django.db import IntegrityError, transaction

from votes import services
from votes.models import CountEntry, PaperCount

from .conftest import sign_in

F = services.Figures


@pytest.fixture
def counted(vote, landlord_user):
    sign_in(vote, 8)
    return services.count_enter(
        vote=vote, station="Bureau 1", channel="paper", figures=F(5, 2, 1, 0), by=landlord_user
    )


def test_same_figures_by_another_person_confirm(counted, second_landlord):
    count = services.count_confirm(count=counted, figures=F(5, 2, 1, 0), by=second_landlord)
    assert count.status == PaperCount.Status.CONFIRMED
    assert count.confirmed_by == second_landlord
    assert list(count.log.values_list("kind", "matches")) == [
        ("entry", None),
        ("confirmation", True),
    ]


def test_mismatch_is_shown_and_nothing_is_confirmed(counted, second_landlord):
    count = services.count_confirm(count=counted, figures=F(5, 1, 2, 0), by=second_landlord)
    assert count.status == PaperCount.Status.MISMATCH
    assert count.confirmed_by is None
    assert count.figures() == (5, 2, 1, 0)  # the first entry stands until corrected
    assert services.certification_problems(count.vote)


def test_the_same_person_cannot_confirm(counted, landlord_user):
    with pytest.raises(services.VoteError, match="autre personne"):
        services.count_confirm(count=counted, figures=F(5, 2, 1, 0), by=landlord_user)
    counted.refresh_from_db()
    assert counted.status == PaperCount.Status.PENDING
    assert counted.log.count() == 1


def test_the_database_refuses_a_confirmation_by_the_first_person(counted, landlord_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperCount.objects.filter(pk=counted.pk).update(
            status=PaperCount.Status.CONFIRMED, confirmed_by=landlord_user
        )


def test_the_database_refuses_confirmed_without_a_confirmer(counted):
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperCount.objects.filter(pk=counted.pk).update(status=PaperCount.Status.CONFIRMED)


def test_correction_after_a_mismatch_asks_for_a_new_confirmation(
    counted, landlord_user, second_landlord
):
    services.count_confirm(count=counted, figures=F(5, 1, 2, 0), by=second_landlord)
    count = services.count_enter(
        vote=counted.vote,
        station="Bureau 1",
        channel="paper",
        figures=F(5, 1, 2, 0),
        by=landlord_user,
    )
    assert count.status == PaperCount.Status.PENDING
    count = services.count_confirm(count=count, figures=F(5, 1, 2, 0), by=second_landlord)
    assert count.status == PaperCount.Status.CONFIRMED
    assert list(count.log.values_list("kind", flat=True)) == [
        "entry",
        "confirmation",
        "correction",
        "confirmation",
    ]


def test_the_log_is_append_only(counted):
    entry = counted.log.get()
    entry.yes = 99
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert CountEntry.objects.get(pk=entry.pk).yes == 5


def test_a_count_exceeding_the_roll_is_refused(vote, landlord_user):
    with pytest.raises(services.VoteError, match="dépasseraient la liste électorale"):
        services.count_enter(
            vote=vote, station="Bureau 1", channel="paper", figures=F(8, 2, 1, 0), by=landlord_user
        )
    assert not vote.paper_counts.exists()


def test_all_stations_together_may_not_exceed_the_roll(counted, landlord_user):
    with pytest.raises(services.VoteError, match="11 bulletins"):
        services.count_enter(
            vote=counted.vote,
            station="Bureau 2",
            channel="paper",
            figures=F(3, 0, 0, 0),
            by=landlord_user,
        )


def test_totals_must_match_the_sign_in_list_to_certify(counted, second_landlord, coordinator):
    services.count_confirm(count=counted, figures=F(5, 2, 1, 0), by=second_landlord)
    sign_in(counted.vote, 1)  # 9 signed in, 8 ballots counted
    problems = services.certification_problems(counted.vote)
    assert any("8 bulletins pour 9 émargements" in p for p in problems)
    with pytest.raises(services.VoteError, match="8 bulletins pour 9"):
        services.vote_certify(vote=counted.vote, by=coordinator)


def test_no_count_before_the_vote_closes(make_vote, landlord_user):
    import datetime

    today = datetime.date.today()
    vote = make_vote(closes_on=today + datetime.timedelta(days=2))
    with pytest.raises(services.VoteError, match="clôture"):
        services.count_enter(
            vote=vote, station="Bureau 1", channel="paper", figures=F(1, 0, 0, 0), by=landlord_user
        )


def test_another_landlord_cannot_enter_a_count(vote, other_landlord_user):
    with pytest.raises(services.VoteError):
        services.count_enter(
            vote=vote, station="B", channel="paper", figures=F(1, 0, 0, 0), by=other_landlord_user
        )
