"""Fixtures of the API tests: the partners and their tokens, a billed and exported month, a
request sent to the operator."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from brest_internet.api import services as api
from neighborhoods.models import Neighbourhood, Organisation, User
from subscriptions import services
from subscriptions.models import Offer, Subscription, Tariff
from tests import factories as f

LAUNCH = datetime.date(2012, 4, 1)


@pytest.fixture
def partners(world):
    """The landlord of world.nbh, its operator, the city, and a second landlord and operator."""
    orgs = world.orgs
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    other_operator = f.OrganisationFactory(name="Autre opérateur", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1))
    return SimpleNamespace(
        landlord=orgs.landlord,
        other_landlord=orgs.other_landlord,
        operator=operator,
        other_operator=other_operator,
        city=orgs.city,
    )


@pytest.fixture
def tokens(partners):
    """A token for every partner: {name: secret}."""
    return {
        name: api.token_create(organisation=getattr(partners, name), by=None).secret
        for name in ("landlord", "other_landlord", "operator", "other_operator", "city")
    }


@pytest.fixture
def call(tokens):
    """`call(partner, method, url, json=None)`: a request with `partner`'s token (None: none)."""

    def make(partner, method, url, json=None, **extra):
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[partner]}"} if partner else {}
        send = getattr(client, method)
        if json is not None:
            return send(url, json, content_type="application/json", **headers, **extra)
        return send(url, **headers, **extra)

    return make


@pytest.fixture
def programme(world, partners, landlord_user):
    """world.nbh running since April 2012; its month 2012-05 billed, adjusted and exported;
    the household's request sent to the operator in a batch."""
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=LAUNCH
    )
    Neighbourhood.objects.filter(pk=world.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=LAUNCH
    )
    world.nbh.refresh_from_db()
    services.charges_generate(month="2012-05", by=User.objects.system())
    services.adjustment_create(
        month="2012-05",
        dwelling=world.dwellings[1],
        kind="credit",
        amount="1,00",
        reason="Logement vide en mai",
        by=landlord_user,
    )
    world.month_export = services.charge_month_export(
        month="2012-05", landlord=partners.landlord, by=landlord_user
    )
    sub = services.subscription_request(
        dwelling=world.dwelling,
        household=world.household,
        channel=Subscription.Channel.CENTRE,
        by=User.objects.system(),
        requested_on=datetime.date(2012, 5, 2),
    )
    world.batch = services.subscriptions_mark_sent(
        subscriptions=Subscription.objects.filter(pk=sub.pk),
        by=landlord_user,
        on=datetime.date(2012, 5, 3),
    )
    world.sub = Subscription.objects.get(pk=sub.pk)
    return world
