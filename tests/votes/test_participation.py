"""The sign-in list: a dwelling votes once, whatever the channel, and the database says so."""

import pytest
from django.db import IntegrityError, transaction

from votes import services
from votes.models import Participation, Vote

from .conftest import sign_in


def test_sign_in_by_references(vote, landlord_user):
    refs = list(vote.roll_entries.values_list("reference", flat=True)[:3])
    n = services.participations_record(
        vote=vote, references=refs, channel="paper", station="Bureau 1", by=landlord_user
    )
    assert n == 3
    assert vote.participations.filter(channel="paper").count() == 3


def test_the_database_refuses_a_second_participation_across_channels(make_vote):
    vote = make_vote(method=Vote.Method.MIXED)
    sign_in(vote, 1, "paper")
    first = vote.participations.get()
    for channel in ("postal", "online", "paper"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Participation.objects.create(vote=vote, dwelling_id=first.dwelling_id, channel=channel)
    assert vote.participations.count() == 1


def test_the_same_dwelling_may_vote_in_another_vote(vote, make_vote, nbh):
    sign_in(vote, 1)
    dwelling = vote.participations.get().dwelling
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.CERTIFIED, certified_on=vote.closes_on
    )
    later = make_vote()
    Participation.objects.create(vote=later, dwelling=dwelling, channel="paper")


def test_a_second_vote_by_the_same_dwelling_is_refused_with_a_message(make_vote, landlord_user):
    vote = make_vote(method=Vote.Method.MIXED)
    ref = vote.roll_entries.order_by("reference").first().reference
    services.participations_record(
        vote=vote, references=[ref], channel="paper", station="Bureau 1", by=landlord_user
    )
    other = vote.roll_entries.order_by("reference").last().reference
    with pytest.raises(services.VoteError, match=f"Ont déjà voté : {ref}"):
        services.participations_record(
            vote=vote,
            references=[other, ref],
            channel="postal",
            station="Correspondance",
            by=landlord_user,
        )
    # All or nothing: the other dwelling was not signed in either.
    assert vote.participations.count() == 1


def test_a_dwelling_not_on_the_roll_is_refused(vote, world, landlord_user):
    with pytest.raises(services.VoteError, match="Pas sur la liste"):
        services.participations_record(
            vote=vote,
            references=[world.other_dwelling.reference, "INCONNU"],
            channel="paper",
            station="Bureau 1",
            by=landlord_user,
        )
    assert not vote.participations.exists()


def test_a_channel_the_vote_does_not_use_is_refused(vote, landlord_user):
    ref = vote.roll_entries.first().reference
    with pytest.raises(services.VoteError, match="canal"):
        services.participations_record(
            vote=vote,
            references=[ref],
            channel="postal",
            station="Correspondance",
            by=landlord_user,
        )


def test_nobody_signs_in_before_the_roll_is_frozen(make_vote, landlord_user):
    draft = make_vote(frozen=False)
    with pytest.raises(services.VoteError, match="Arrêtez d'abord"):
        services.participations_record(
            vote=draft, references=["X"], channel="paper", station="Bureau 1", by=landlord_user
        )
