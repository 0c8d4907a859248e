"""Fixtures of the subscriptions tests: a running neighbourhood, the offer and its €1 tariff."""

import datetime
from decimal import Decimal

import pytest

from neighborhoods.models import Meeting, Neighbourhood, Organisation
from subscriptions.models import Offer, Tariff
from tests import factories as f

LAUNCH = datetime.date(2012, 4, 1)


@pytest.fixture
def offer(db):
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    return Offer.objects.create(operator=operator, name="NUMERISUN")


@pytest.fixture
def tariff(offer):
    return Tariff.objects.create(
        offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1)
    )


@pytest.fixture
def running(world):
    """`world.nbh`, running since LAUNCH, with its three dwellings (one occupied)."""
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=LAUNCH
    )
    world.nbh.refresh_from_db()
    return world


@pytest.fixture
def half_day(running):
    return f.MeetingFactory(
        neighbourhood=running.nbh, kind=Meeting.Kind.LAUNCH, held_on=datetime.date(2012, 4, 5)
    )
