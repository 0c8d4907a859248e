"""The admin: tariffs and subscriptions through the services, billed money read-only."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from neighborhoods.models import User
from subscriptions.models import Charge, Subscription, Tariff
from subscriptions.services import charges_generate
from tests import factories as f

D = datetime.date


@pytest.fixture
def admin_client(running, tariff, coordinator, client_for):
    return client_for(coordinator)


@pytest.fixture
def sub(running):
    return Subscription.objects.create(
        dwelling=running.dwelling,
        household=running.household,
        channel="centre",
        requested_on=D(2013, 1, 10),
    )


def act(client, action, *subs, **extra):
    return client.post(
        reverse("admin:subscriptions_subscription_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [s.pk for s in subs], **extra},
        follow=True,
    )


def test_adding_a_tariff_goes_through_the_service(admin_client, tariff):
    url = reverse("admin:subscriptions_tariff_add")
    data = {"offer": tariff.offer.pk, "amount": "1.50", "starts_on": "2014-06-01"}
    response = admin_client.post(url, {**data, "ends_on": "2014-12-31"})
    assert response.status_code == 200
    assert "chevauche" in response.content.decode()  # the service's refusal
    response = admin_client.post(url, data)
    assert "Un seul tarif peut être sans date de fin" in response.content.decode()
    assert Tariff.objects.count() == 1
    # Closing the current one first, through its change form (the service's tariff_close).
    change = reverse("admin:subscriptions_tariff_change", args=[tariff.pk])
    response = admin_client.post(change, {"ends_on": "2014-05-31"})
    assert response.status_code == 302
    tariff.refresh_from_db()
    assert tariff.ends_on == D(2014, 5, 31)
    response = admin_client.post(url, data)
    assert response.status_code == 302
    new = Tariff.objects.get(starts_on=D(2014, 6, 1))
    assert new.amount == Decimal("1.50")


def test_closing_a_tariff_before_a_billed_month_is_refused(admin_client, tariff):
    charges_generate(month="2013-05", by=User.objects.system())
    change = reverse("admin:subscriptions_tariff_change", args=[tariff.pk])
    response = admin_client.post(change, {"ends_on": "2013-04-30"})
    assert response.status_code == 200
    assert "déjà été facturés" in response.content.decode()
    tariff.refresh_from_db()
    assert tariff.ends_on is None


def test_extending_a_closed_tariff_over_the_next_one_is_refused(tariff):
    from subscriptions.services import ChargeError, tariff_close, tariff_create

    tariff_close(tariff=tariff, ends_on=D(2013, 5, 31), by=User.objects.system())
    tariff_create(
        offer=tariff.offer, amount=Decimal("2"), starts_on=D(2013, 6, 1), by=User.objects.system()
    )
    with pytest.raises(ChargeError, match="chevauche"):
        tariff_close(tariff=tariff, ends_on=D(2013, 12, 31), by=User.objects.system())
    tariff.refresh_from_db()
    assert tariff.ends_on == D(2013, 5, 31)


def test_subscription_actions_use_the_transitions(admin_client, sub, coordinator):
    response = act(admin_client, "send", sub)
    assert "Transmis le" in response.content.decode()  # the intermediate page
    act(admin_client, "send", sub, apply="1", sent_on="2013-01-12")
    sub.refresh_from_db()
    assert (sub.status, sub.sent_on) == ("sent", D(2013, 1, 12))
    act(admin_client, "activate", sub, apply="1", activated_on="2013-02-01", modem_serial="NC-9")
    sub.refresh_from_db()
    assert (sub.status, sub.modem_serial) == ("active", "NC-9")
    response = act(
        admin_client, "cancel", sub, apply="1", cancelled_on="2013-01-20", reason="Erreur"
    )
    assert "précède" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == "active"
    act(admin_client, "cancel", sub, apply="1", cancelled_on="2013-06-30", reason="Départ")
    sub.refresh_from_db()
    assert sub.status == "cancelled"
    assert sub.history.order_by("-history_date").first().history_user == coordinator


def test_activating_several_subscriptions_at_once_is_refused(admin_client, sub, running):
    occ = f.OccupancyFactory(dwelling=running.dwellings[1])
    other = Subscription.objects.create(
        dwelling=occ.dwelling, household=occ.household, channel="phone", requested_on=D(2013, 1, 1)
    )
    response = act(
        admin_client, "activate", sub, other, apply="1", activated_on="2013-02-01", modem_serial="X"
    )
    assert "un abonnement à la fois" in response.content.decode()
    assert not Subscription.objects.filter(status="active").exists()


def test_billed_money_is_read_only(admin_client, sub):
    charges_generate(month="2013-02", by=User.objects.system())
    line = Charge.objects.first()
    assert admin_client.get(reverse("admin:subscriptions_charge_add")).status_code == 403
    change = reverse("admin:subscriptions_charge_change", args=[line.pk])
    assert admin_client.get(change).status_code == 200  # a view, without a save button
    assert admin_client.post(change, {"amount": "0"}).status_code == 403
    delete = reverse("admin:subscriptions_charge_delete", args=[line.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Charge.objects.count() == 3
    delete = reverse("admin:subscriptions_subscription_delete", args=[sub.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:subscriptions_subscription_add")).status_code == 403


def test_admin_lists_answer_with_search_and_filters(admin_client, sub):
    charges_generate(month="2013-02", by=User.objects.system())
    for model in ("offer", "tariff", "subscription", "chargemonth", "landlordmonth"):
        url = reverse(f"admin:subscriptions_{model}_changelist")
        assert admin_client.get(url).status_code == 200, model
    for model in ("chargerun", "charge", "adjustment"):
        url = reverse(f"admin:subscriptions_{model}_changelist")
        assert admin_client.get(url, {"q": "LOG"}).status_code == 200, model
    url = reverse("admin:subscriptions_charge_changelist")
    assert admin_client.get(url, {"payer__exact": "tenant"}).context["cl"].result_count == 1


def test_charge_list_queries_do_not_grow_with_rows(
    admin_client, running, django_assert_max_num_queries
):
    charges_generate(month="2013-02", by=User.objects.system())
    url = reverse("admin:subscriptions_charge_changelist")
    with django_assert_max_num_queries(20) as small:
        assert admin_client.get(url).status_code == 200
    f.DwellingFactory.create_batch(30, neighbourhood=running.nbh)
    charges_generate(month="2013-03", by=User.objects.system())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 3 + 33


def test_subscription_list_shows_pages_of_25_in_the_same_queries(
    admin_client, running, django_assert_max_num_queries
):
    """A quarter of Django's 100 rows: the rows are what this list costs (see the admin)."""
    for i in range(30):
        Subscription.objects.create(
            dwelling=f.DwellingFactory(neighbourhood=running.nbh),
            household=f.HouseholdFactory(),
            channel="centre",
            requested_on=D(2013, 1, 1) + datetime.timedelta(days=i),
        )
    url = reverse("admin:subscriptions_subscription_changelist")
    first = admin_client.get(url)
    assert len(first.context["cl"].result_list) == 25
    with django_assert_max_num_queries(40) as counted:
        admin_client.get(url)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        second = admin_client.get(url, {"p": "2"})
    assert len(second.context["cl"].result_list) == 5
