"""A month of charges keeps what it shows until the data next changes (figures_cache): the
tests commit, as the pages' users do."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from neighborhoods.models import Dwelling, User
from subscriptions.models import Adjustment, ChargeMonth
from subscriptions.services import charges_generate

pytestmark = pytest.mark.django_db(transaction=True)

URL = reverse("subscriptions:charges_month", args=["2013-02"])


@pytest.fixture
def billed(running, tariff):
    charges_generate(month="2013-02", by=User.objects.system())
    return ChargeMonth.objects.get(month=datetime.date(2013, 2, 1))


def load(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return response, len(queries)


def test_the_next_request_reads_what_the_month_showed(billed, coordinator, client_for):
    client = client_for(coordinator)
    first, computed = load(client)
    second, kept = load(client)
    assert second.context["totals"] == first.context["totals"]
    assert [b.name for b in second.context["summary"]] == [b.name for b in first.context["summary"]]
    assert kept < computed - 8


def test_an_adjustment_entered_is_on_the_next_page(running, billed, coordinator, client_for):
    client = client_for(coordinator)
    before, _n = load(client)
    assert before.context["adjustments"] == []
    Adjustment.objects.create(
        charge_month=billed,
        dwelling=Dwelling.objects.filter(neighbourhood=running.nbh).first(),
        neighbourhood=running.nbh,
        kind=Adjustment.Kind.DEBIT,
        amount=Decimal("2.00"),
        payer="landlord",
        reason="Branchement oublié",
        created_by=coordinator,
    )
    after, _n = load(client)
    assert [a.reason for a in after.context["adjustments"]] == ["Branchement oublié"]
    assert after.context["totals"]["adjustments"] == Decimal("2.00")
    assert "Branchement oublié" in after.content.decode()


def test_each_user_scope_landlord_and_language_has_its_own_page(
    billed, coordinator, landlord_user, other_landlord_user, client_for
):
    coordinator_page, _n = load(client_for(coordinator))
    assert 'id="bailleur"' in coordinator_page.content.decode()  # a coordinator chooses
    own, _n = load(client_for(landlord_user))
    assert 'id="bailleur"' not in own.content.decode()
    assert own.context["totals"] == coordinator_page.context["totals"]  # world's one landlord
    english = client_for(coordinator)
    english.cookies["django_language"] = "en"
    translated, _n = load(english)
    assert "February 2013" in translated.content.decode()
    # Another landlord's staff, after them: none of world's lines, nothing kept for others.
    other, _n = load(client_for(other_landlord_user))
    assert other.context["summary"] == []
    assert other.context["totals"]["dwellings"] == 0
