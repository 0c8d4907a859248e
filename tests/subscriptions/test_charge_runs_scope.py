"""Each landlord sees only its own charge runs: a run's figures are that landlord's billing."""

import datetime

import pytest
from django.urls import reverse

from neighborhoods.models import Neighbourhood, User
from subscriptions.models import ChargeRun
from subscriptions.services import charges_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_landlords_billed(running, tariff, landlord_user, other_landlord_user):
    Neighbourhood.objects.filter(pk=running.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    own = charges_generate(month="2013-02", by=landlord_user, landlord=landlord_user.organisation)
    other = charges_generate(
        month="2013-02", by=other_landlord_user, landlord=other_landlord_user.organisation
    )
    everyone = charges_generate(month="2013-03", by=User.objects.system())
    return own, other, everyone


def _shown_runs(client, name, *args):
    return list(client.get(reverse(name, args=args)).context["runs"])


def test_a_landlord_sees_only_its_own_runs(two_landlords_billed, landlord_user, client_for):
    own, other, everyone = two_landlords_billed
    client = client_for(landlord_user)
    assert _shown_runs(client, "subscriptions:charges") == [own]
    assert _shown_runs(client, "subscriptions:charges_month", "2013-02") == [own]
    page = client.get(reverse("subscriptions:charges")).content.decode()
    assert str(other.landlord) not in page


def test_the_other_landlord_does_not_see_the_first_ones_runs(
    two_landlords_billed, other_landlord_user, client_for
):
    own, other, everyone = two_landlords_billed
    client = client_for(other_landlord_user)
    assert _shown_runs(client, "subscriptions:charges") == [other]
    assert _shown_runs(client, "subscriptions:charges_month", "2013-02") == [other]
    assert _shown_runs(client, "subscriptions:charges_month", "2013-03") == []


def test_the_coordinator_sees_every_run(two_landlords_billed, coordinator, client_for):
    own, other, everyone = two_landlords_billed
    client = client_for(coordinator)
    assert set(_shown_runs(client, "subscriptions:charges")) == {own, other, everyone}


def test_only_coordinators_and_landlords_have_runs_in_scope(
    two_landlords_billed, centre_user, association_user
):
    for user in (centre_user, association_user):
        assert not ChargeRun.objects.visible_to(user).exists()
