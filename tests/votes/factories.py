"""Factories and helpers for the votes tests."""

import datetime

import factory
from factory.django import DjangoModelFactory

from neighborhoods.models import Neighbourhood
from tests import factories as f
from votes.models import Vote

TODAY = datetime.date.today


class VoteFactory(DjangoModelFactory):
    class Meta:
        model = Vote

    neighbourhood = factory.SubFactory(f.NeighbourhoodFactory, stage=Neighbourhood.Stage.VOTE)
    method = Vote.Method.PAPER
    roll_date = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=10))
    opens_on = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=3))
    closes_on = factory.LazyFunction(lambda: TODAY())


def occupied_dwellings(nbh, n, moved_in=datetime.date(2008, 1, 1)):
    """`n` dwellings of `nbh`, each with a household living there since `moved_in`."""
    dwellings = f.DwellingFactory.create_batch(n, neighbourhood=nbh)
    for d in dwellings:
        f.OccupancyFactory(dwelling=d, moved_in=moved_in)
    return dwellings
