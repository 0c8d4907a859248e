"""Fixtures of the support tests: a topic, sessions of `world.nbh`, households, computers."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from neighborhoods.models import Neighbourhood, Occupancy
from support.models import ComputerModel, WorkshopSession, WorkshopTopic
from tests import factories as f


@pytest.fixture
def topic(db):
    return WorkshopTopic.objects.create(name="Premiers pas sur Internet")


@pytest.fixture
def make_session(world, topic):
    """`make_session(capacity=2, days=7, nbh=None)`: a session `days` from now (negative: past)."""

    def make(capacity=2, days=7, nbh=None):
        nbh = nbh or world.nbh
        starts = timezone.now() + datetime.timedelta(days=days)
        return WorkshopSession.objects.create(
            topic=topic,
            centre=nbh.centre,
            neighbourhood=nbh,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            facilitator="Malo Quéré",
            capacity=capacity,
        )

    return make


@pytest.fixture
def households(world):
    """`households(n, nbh=None)`: n households, each living in a new dwelling of `nbh`."""

    def make(n, nbh=None):
        nbh = nbh or world.nbh
        result = []
        for _ in range(n):
            household = f.HouseholdFactory()
            Occupancy.objects.create(
                household=household,
                dwelling=f.DwellingFactory(neighbourhood=nbh),
                moved_in=datetime.date(2009, 1, 1),
            )
            result.append(household)
        return result

    return make


@pytest.fixture
def computers(db):
    return SimpleNamespace(
        cheap=ComputerModel.objects.create(name="Fixe reconditionné", price=40, stock=3),
        laptop=ComputerModel.objects.create(name="Portable reconditionné", price=70, stock=1),
    )


@pytest.fixture
def launched(world):
    """`world.nbh` with the offer adopted (launch stage), so connection requests are taken."""
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.LAUNCH)
    world.nbh.refresh_from_db()
    return world
