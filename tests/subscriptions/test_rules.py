"""Who may: the same rules (`subscriptions.rules`) behind the pages, the services and the admin.

The pages' side is the permission matrix; here, the services refuse what the rules refuse,
whoever calls them, and leave the data as it was; the system actor does the programme's runs.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from neighborhoods.models import User
from subscriptions import rules
from subscriptions.models import Adjustment, ChargeExport, Subscription, Tariff
from subscriptions.services import (
    ChargeError,
    SubscriptionError,
    adjustment_create,
    charge_month_export,
    charges_generate,
    subscription_cancel,
    subscription_request,
    subscription_send,
    tariff_create,
)

D = datetime.date


@pytest.fixture
def requested(running, centre_user):
    return subscription_request(
        dwelling=running.dwelling,
        household=running.household,
        channel="centre",
        by=centre_user,
        requested_on=D(2013, 1, 10),
    )


def test_centre_staff_record_a_request_but_do_not_send_it(requested, centre_user):
    with pytest.raises(SubscriptionError, match="périmètre"):
        subscription_send(subscription=requested, by=centre_user, on=D(2013, 1, 12))
    assert Subscription.objects.get().status == Subscription.Status.REQUESTED


def test_another_landlords_staff_cannot_cancel_a_subscription(requested, other_landlord_user):
    with pytest.raises(SubscriptionError, match="périmètre"):
        subscription_cancel(
            subscription=requested, by=other_landlord_user, cancelled_on=D(2013, 1, 12), reason="x"
        )
    assert Subscription.objects.get().cancelled_at is None


def test_a_cancellation_records_who_and_when_beside_the_day(requested, landlord_user):
    sub = subscription_cancel(
        subscription=requested, by=landlord_user, cancelled_on=D(2013, 1, 12), reason=" Parti "
    )
    sub.refresh_from_db()
    assert (sub.status, sub.cancelled_on, sub.cancel_reason) == (
        "cancelled",
        D(2013, 1, 12),
        "Parti",
    )
    assert sub.cancelled_by == landlord_user and sub.cancelled_at is not None
    assert Subscription.objects.cancelled().get() == sub


def test_another_landlords_staff_cannot_export_nor_adjust_the_month(
    running, tariff, other_landlord_user
):
    charges_generate(month="2013-01", by=User.objects.system())
    with pytest.raises(ChargeError, match="périmètre"):
        charge_month_export(month="2013-01", landlord=running.nbh.landlord, by=other_landlord_user)
    with pytest.raises(ChargeError, match="périmètre"):
        adjustment_create(
            month="2013-01",
            dwelling=running.dwelling,
            kind="credit",
            amount="1",
            reason="Vide",
            by=other_landlord_user,
        )
    assert not ChargeExport.objects.exists() and not Adjustment.objects.exists()


def test_only_the_coordination_adds_a_tariff(tariff, landlord_user):
    with pytest.raises(PermissionDenied):
        tariff_create(
            offer=tariff.offer, amount=Decimal("2"), starts_on=D(2030, 1, 1), by=landlord_user
        )
    assert Tariff.objects.count() == 1


def test_the_system_actor_runs_the_programme_but_opens_no_page(running, tariff):
    system = User.objects.system()
    assert rules.can_manage_charges(system, running.nbh.landlord)
    assert rules.can_manage_subscriptions(system) and rules.can_manage_offer(system)
    assert not rules.can_view_subscriptions(system)
    run = charges_generate(month="2013-01", by=system)
    export = charge_month_export(month="2013-01", landlord=running.nbh.landlord, by=system)
    assert run.run_by == system and export.created_by == system


def test_a_visitor_may_nothing(running):
    from django.contrib.auth.models import AnonymousUser

    visitor = AnonymousUser()
    assert not any(
        rule(visitor)
        for rule in (
            rules.can_view_subscriptions,
            rules.can_manage_subscriptions,
            rules.can_manage_charges,
            rules.can_manage_offer,
        )
    )
