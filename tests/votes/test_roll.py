"""The electoral roll: occupied dwellings at the roll date, frozen once, with a fingerprint."""

import datetime
import hashlib

import pytest
from django.db import IntegrityError

from neighborhoods.models import Occupancy, User
from tests import factories as f
from votes import services
from votes.models import RollEntry, Vote

from .factories import VoteFactory


def test_roll_has_one_entry_per_occupied_dwelling(nbh, world, make_vote):
    vote = make_vote()
    assert vote.status == Vote.Status.FROZEN
    assert vote.roll_size == 10
    assert set(vote.roll_entries.values_list("dwelling_id", flat=True)) == set(
        Occupancy.objects.filter(dwelling__neighbourhood=nbh).values_list("dwelling_id", flat=True)
    )
    # Another neighbourhood's dwellings are not on it.
    assert not vote.roll_entries.filter(dwelling=world.other_dwelling).exists()


def test_roll_follows_moves_around_the_roll_date(nbh, make_vote):
    roll_date = datetime.date.today() - datetime.timedelta(days=10)
    left_before = f.DwellingFactory(neighbourhood=nbh, reference="PARTI-AVANT")
    f.OccupancyFactory(dwelling=left_before, moved_out=roll_date)  # out on the day: not on it
    left_after = f.DwellingFactory(neighbourhood=nbh, reference="PARTI-APRES")
    f.OccupancyFactory(dwelling=left_after, moved_out=roll_date + datetime.timedelta(days=1))
    came_after = f.DwellingFactory(neighbourhood=nbh, reference="ARRIVE-APRES")
    f.OccupancyFactory(dwelling=came_after, moved_in=roll_date + datetime.timedelta(days=1))
    came_on = f.DwellingFactory(neighbourhood=nbh, reference="ARRIVE-LE-JOUR")
    f.OccupancyFactory(dwelling=came_on, moved_in=roll_date)
    f.DwellingFactory(neighbourhood=nbh, reference="VACANT")

    vote = make_vote(roll_date=roll_date)

    refs = set(vote.roll_entries.values_list("reference", flat=True))
    assert {"PARTI-APRES", "ARRIVE-LE-JOUR"} <= refs
    assert not refs & {"PARTI-AVANT", "ARRIVE-APRES", "VACANT"}
    assert vote.roll_size == 12


def test_fingerprint_is_sha256_of_sorted_references(vote):
    refs = sorted(vote.roll_entries.values_list("reference", flat=True))
    assert vote.roll_fingerprint == hashlib.sha256("\n".join(refs).encode()).hexdigest()


def test_register_changes_after_freezing_do_not_alter_the_roll(nbh, vote):
    before = (
        vote.roll_size,
        vote.roll_fingerprint,
        list(vote.roll_entries.values_list("reference")),
    )
    Occupancy.objects.filter(dwelling__neighbourhood=nbh).update(moved_out=datetime.date.today())
    newcomer = f.DwellingFactory(neighbourhood=nbh)
    f.OccupancyFactory(dwelling=newcomer, moved_in=datetime.date(2000, 1, 1))
    # Freezing again is a no-op.
    again = services.roll_freeze(vote=vote, by=User.objects.system())
    after = (
        again.roll_size,
        again.roll_fingerprint,
        list(vote.roll_entries.values_list("reference")),
    )
    assert after == before


def test_freezing_is_one_insert_select(vote, make_vote, django_assert_max_num_queries, nbh):
    Vote.objects.filter(pk=vote.pk).update(
        status=Vote.Status.CERTIFIED, certified_on=vote.closes_on
    )
    # 10 or 1 000 dwellings: the same handful of queries.
    draft = make_vote(frozen=False)
    system = User.objects.system()
    with django_assert_max_num_queries(8):
        services.roll_freeze(vote=draft, by=system)


def test_an_empty_roll_is_refused(world, landlord_user):
    nbh = f.NeighbourhoodFactory(landlord=world.orgs.landlord)
    vote = VoteFactory(neighbourhood=nbh)
    with pytest.raises(services.VoteError, match="vide"):
        services.roll_freeze(vote=vote, by=landlord_user)
    vote.refresh_from_db()
    assert vote.status == Vote.Status.DRAFT
    assert not RollEntry.objects.filter(vote=vote).exists()


def test_roll_cannot_be_frozen_before_its_date(make_vote):
    draft = make_vote(
        frozen=False,
        roll_date=datetime.date.today() + datetime.timedelta(days=1),
        opens_on=datetime.date.today() + datetime.timedelta(days=2),
        closes_on=datetime.date.today() + datetime.timedelta(days=3),
    )
    with pytest.raises(services.VoteError, match="qu'à partir du"):
        services.roll_freeze(vote=draft, by=User.objects.system())


def test_another_landlord_cannot_freeze(make_vote, other_landlord_user):
    draft = make_vote(frozen=False)
    with pytest.raises(services.VoteError, match="bailleur du quartier"):
        services.roll_freeze(vote=draft, by=other_landlord_user)


def test_one_open_vote_per_neighbourhood_constraint(vote):
    with pytest.raises(IntegrityError):
        VoteFactory(neighbourhood=vote.neighbourhood)


def test_dates_constraints(nbh):
    today = datetime.date.today()
    with pytest.raises(IntegrityError):
        VoteFactory(neighbourhood=nbh, opens_on=today, closes_on=today - datetime.timedelta(1))


def test_roll_date_after_opening_is_refused(nbh):
    today = datetime.date.today()
    with pytest.raises(IntegrityError):
        VoteFactory(neighbourhood=nbh, roll_date=today, opens_on=today - datetime.timedelta(1))


def test_minimum_turnout_is_a_percentage(nbh):
    with pytest.raises(IntegrityError):
        VoteFactory(neighbourhood=nbh, minimum_turnout=150)


def test_roll_entry_is_unique_per_dwelling(vote):
    entry = vote.roll_entries.first()
    with pytest.raises(IntegrityError):
        RollEntry.objects.create(vote=vote, dwelling=entry.dwelling, reference="X")
