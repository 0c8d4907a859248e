"""Anonymising demo households leaves every figure of the dashboard unchanged."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from brest_internet.programme import gdpr
from neighborhoods.models import Household, User


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    call_command("load_brest_demo", stdout=io.StringIO())


def dashboard_figures(client):
    """Every figure of the dashboard, as its CSV export gives them, for 2014 and all years."""
    url = reverse("dashboard:export_csv")
    return [client.get(url, {"annee": year}).content.decode() for year in ("2014", "")]


def test_anonymising_demo_households_leaves_the_dashboard_unchanged(demo, client_for, coordinator):
    client = client_for(coordinator)
    before = dashboard_figures(client)
    assert "2043" in before[1].replace(" ", "").replace("\u202f", "")
    # The households the programme did the most with: subscriptions, sign-ups, orders.
    busiest = list(
        Household.objects.annotate(
            n=Count("subscriptions", distinct=True)
            + Count("workshop_registrations", distinct=True)
            + Count("computer_orders", distinct=True)
        )
        .filter(n__gt=0)
        .order_by("-n", "pk")[:25]
    )
    assert len(busiest) == 25
    ids = [h.pk for h in busiest]
    assert (
        gdpr.households_anonymise(
            households=Household.objects.filter(pk__in=ids), by=User.objects.system()
        )
        == 25
    )
    after = dashboard_figures(client)
    assert after == before
    for household in Household.objects.filter(pk__in=ids):
        assert household.name == f"Foyer anonymisé n° {household.pk}"
        assert household.phone == "" and household.email == ""
    historical_names = set(Household.history.filter(id__in=ids).values_list("name", flat=True))
    assert all(name.startswith("Foyer anonymisé") for name in historical_names)
