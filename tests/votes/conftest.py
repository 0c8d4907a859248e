import datetime

import pytest

from neighborhoods.models import Neighbourhood, User
from votes import services
from votes.models import Vote

from .factories import VoteFactory, occupied_dwellings


@pytest.fixture
def nbh(world):
    """The world's neighbourhood, at the vote stage, with 10 occupied dwellings in all."""
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    world.nbh.refresh_from_db()
    occupied_dwellings(world.nbh, 10 - 1)  # the world already has one occupied dwelling
    return world.nbh


@pytest.fixture
def make_vote(nbh, landlord_user):
    """`make_vote(**fields)`: a vote of `nbh`, its roll frozen unless frozen=False."""

    def make(frozen=True, **fields):
        vote = VoteFactory(neighbourhood=fields.pop("neighbourhood", nbh), **fields)
        if frozen:
            vote = services.roll_freeze(vote=vote, by=landlord_user)
        return vote

    return make


@pytest.fixture
def vote(make_vote):
    return make_vote()


DEFAULT_STATION = {"paper": "Bureau 1", "postal": "Correspondance"}


def sign_in(vote, n, channel="paper", by=None, station=None):
    """Sign in the first `n` dwellings of the roll (not yet signed in) by `channel`, at
    `station` ("Bureau 1" for the ballot box, "Correspondance" for the postal vote), recorded
    by `by` (the system actor unless said)."""
    signed = vote.participations.values_list("dwelling_id", flat=True)
    refs = list(
        vote.roll_entries.exclude(dwelling_id__in=signed)
        .order_by("reference")
        .values_list("reference", flat=True)[:n]
    )
    return services.participations_record(
        vote=vote,
        references=refs,
        channel=channel,
        station=station or DEFAULT_STATION[channel],
        by=by or User.objects.system(),
    )


@pytest.fixture
def second_landlord(orgs):
    from tests import factories as f

    return f.UserFactory(username="bailleur2", organisation=orgs.landlord, role="landlord")


def yesterday():
    return datetime.date.today() - datetime.timedelta(days=1)


__all__ = ["Vote", "sign_in", "yesterday"]
