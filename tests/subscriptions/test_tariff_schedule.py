"""The offer, its operator and its tariffs have a page outside the admin, where a coordinator
schedules a new price from a month to come; what was billed never changes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from neighborhoods.models import User
from subscriptions import services
from subscriptions.models import Charge, Tariff
from subscriptions.services import charges_generate

D = datetime.date
URL = reverse("subscriptions:offer")


@pytest.fixture
def today(settings):
    """The programme's clock on 15 January 2013 (brest_internet/common/clock.py)."""
    settings.DEMO_TODAY = D(2013, 1, 15)
    return settings.DEMO_TODAY


def _schedule(client, offer, amount, starts_on):
    url = reverse("subscriptions:tariff_schedule", args=[offer.pk])
    return client.post(url, {"amount": amount, "starts_on": starts_on})


def test_the_offer_page_shows_operator_and_tariffs_with_their_dates(
    client_for, coordinator, tariff, today
):
    html = client_for(coordinator).get(URL).content.decode()
    assert "NUMERISUN" in html and "Numericable" in html
    assert "1,00 €" in html and "1 janvier 2010" in html and "En vigueur" in html
    assert 'action="' + reverse("subscriptions:tariff_schedule", args=[tariff.offer_id]) in html


def test_a_new_tariff_is_scheduled_from_a_month_to_come(client_for, coordinator, tariff, today):
    client = client_for(coordinator)
    response = _schedule(client, tariff.offer, "1,50", "2013-03-01")
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert tariff.ends_on == D(2013, 2, 28)
    new = Tariff.objects.get(starts_on=D(2013, 3, 1))
    assert (new.amount, new.ends_on) == (Decimal("1.50"), None)
    assert new.history.get().history_user == coordinator
    assert tariff.history.latest().history_user == coordinator
    html = client.get(URL).content.decode()
    assert "Nouveau tarif de 1,50 € prévu à partir du 01/03/2013." in html
    assert "Prévu" in html and "28 février 2013" in html


@pytest.mark.parametrize(
    ("starts_on", "message"),
    [
        ("2013-01-01", "une date à venir (après le 15/01/2013)"),
        ("2012-06-01", "une date à venir"),
        ("2013-03-15", "premier jour d&#x27;un mois"),
    ],
)
def test_a_past_or_mid_month_tariff_is_refused(
    client_for, coordinator, tariff, today, starts_on, message
):
    response = _schedule(client_for(coordinator), tariff.offer, "2", starts_on)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Tariff.objects.values_list("pk", "ends_on")) == [(tariff.pk, None)]


def test_a_tariff_already_planned_is_not_overlapped(client_for, coordinator, tariff, today):
    client = client_for(coordinator)
    _schedule(client, tariff.offer, "1.50", "2013-06-01")
    response = _schedule(client, tariff.offer, "1.20", "2013-04-01")
    assert response.status_code == 400
    assert "Un tarif de 1.50 € est déjà prévu à partir du 01/06/2013." in response.content.decode()
    assert Tariff.objects.count() == 2


def test_a_month_already_billed_keeps_its_tariff(
    client_for, coordinator, running, tariff, settings
):
    charges_generate(month="2013-02", by=User.objects.system())
    billed = list(Charge.objects.values_list("pk", "amount", "tariff_id"))
    settings.DEMO_TODAY = D(2013, 1, 20)  # the clock before the month that was billed
    response = _schedule(client_for(coordinator), tariff.offer, "3", "2013-02-01")
    assert response.status_code == 400
    assert "Des charges sont déjà générées à partir du 01/02/2013" in response.content.decode()
    assert list(Charge.objects.values_list("pk", "amount", "tariff_id")) == billed
    tariff.refresh_from_db()
    assert tariff.ends_on is None


def test_a_negative_amount_is_refused(client_for, coordinator, tariff, today):
    response = _schedule(client_for(coordinator), tariff.offer, "-1", "2013-03-01")
    assert response.status_code == 400
    assert Tariff.objects.count() == 1


def test_only_a_coordinator_schedules_a_tariff(landlord_user, tariff, today):
    with pytest.raises(PermissionDenied):
        services.tariff_schedule(
            by=landlord_user, offer=tariff.offer, amount=Decimal("2"), starts_on=D(2013, 3, 1)
        )
    assert Tariff.objects.count() == 1


def test_the_offer_page_keeps_its_queries_constant(
    client_for, coordinator, running, tariff, today, django_assert_max_num_queries
):
    client = client_for(coordinator)
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    for month in ("2012-10", "2012-11", "2012-12"):
        charges_generate(month=month, by=User.objects.system())
    services.tariff_schedule(
        by=coordinator, offer=tariff.offer, amount=Decimal("1.1"), starts_on=D(2013, 2, 1)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "<td>3</td>" in client.get(URL).content.decode()
