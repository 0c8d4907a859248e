"""The subscriptions per neighbourhood and month (`SubscriptionMonth`) equal the definition
recomputed from the subscriptions after every service that changes them (request, activation,
cancellation, a move-out's cancellation) and after the rebuild; and the dashboard's "active on
a day" read from them equals `Subscription.objects.active_on`, row by row, on any day."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse

from neighborhoods.models import Occupancy, User
from neighborhoods.moves import household_move_out
from subscriptions.models import Subscription, SubscriptionMonth
from subscriptions.services import (
    subscription_activate,
    subscription_cancel,
    subscription_request,
)
from subscriptions.stats import SubscriptionSummary, month_end, month_starts
from subscriptions.summaries import subscription_months_rebuild
from tests import factories as f

D = datetime.date


def definition() -> dict:
    """{(neighbourhood, month): (activated, ended)} counted from the subscriptions themselves."""
    activated, ended = Counter(), Counter()
    for sub in Subscription.objects.select_related("dwelling"):
        nbh = sub.dwelling.neighbourhood_id
        if sub.activated_on:
            activated[nbh, sub.activated_on.replace(day=1)] += 1
            if sub.cancelled_on:
                ended[nbh, sub.cancelled_on.replace(day=1)] += 1
    return {key: (activated[key], ended[key]) for key in set(activated) | set(ended)}


def kept() -> dict:
    return {
        (row.neighbourhood_id, row.month): (row.activated, row.ended)
        for row in SubscriptionMonth.objects.all()
        if row.activated or row.ended
    }


def assert_summary_is_right(nbh):
    assert kept() == definition()
    days = [month_end(m) for m in month_starts(D(2013, 1, 1), D(2014, 3, 1))]
    days += [D(2013, 3, 1), D(2013, 6, 14), D(2014, 1, 15), D(2014, 1, 16)]
    for day in days:
        expected = Subscription.objects.active_on(day).filter(dwelling__neighbourhood=nbh).count()
        assert SubscriptionSummary([nbh], [day]).active_on(nbh.pk, day) == expected, day
        whole = SubscriptionSummary(type(nbh).objects.all(), [day], grouped=False)
        assert whole.active_on(None, day) == Subscription.objects.active_on(day).count(), day


@pytest.fixture
def system(db):
    return User.objects.system()


def request(world, dwelling, household, system, on):
    return subscription_request(
        dwelling=dwelling, household=household, channel="phone", by=system, requested_on=on
    )


def test_every_service_keeps_the_month_counts(running, system, landlord_user):
    nbh = running.nbh
    sub = request(running, running.dwelling, running.household, system, D(2013, 2, 1))
    assert_summary_is_right(nbh)
    subscription_activate(
        subscription=sub, by=system, activated_on=D(2013, 3, 1), modem_serial="NS-1"
    )
    assert_summary_is_right(nbh)
    # Activating twice is a no-op: counted once.
    subscription_activate(
        subscription=sub, by=system, activated_on=D(2013, 3, 1), modem_serial="NS-1"
    )
    assert kept() == {(nbh.pk, D(2013, 3, 1)): (1, 0)}
    # A move-out cancels through the service: an ending in January 2014.
    household_move_out(
        occupancy=Occupancy.objects.get(dwelling=running.dwelling),
        moved_out=D(2014, 1, 15),
        by=landlord_user,
    )
    assert kept() == {(nbh.pk, D(2013, 3, 1)): (1, 0), (nbh.pk, D(2014, 1, 1)): (0, 1)}
    assert_summary_is_right(nbh)


def test_a_request_cancelled_before_activation_never_counts(running, system):
    sub = request(running, running.dwelling, running.household, system, D(2013, 2, 1))
    subscription_cancel(subscription=sub, by=system, cancelled_on=D(2013, 2, 5), reason="Erreur")
    assert kept() == {}
    assert_summary_is_right(running.nbh)


def test_the_rebuild_gives_what_the_services_kept(running, system):
    sub = request(running, running.dwelling, running.household, system, D(2013, 2, 1))
    subscription_activate(
        subscription=sub, by=system, activated_on=D(2013, 3, 31), modem_serial="NS-1"
    )
    subscription_cancel(subscription=sub, by=system, cancelled_on=D(2013, 3, 31), reason="Parti")
    before = kept()
    SubscriptionMonth.objects.all().delete()
    subscription_months_rebuild()
    assert kept() == before == {(running.nbh.pk, D(2013, 3, 1)): (1, 1)}
    assert_summary_is_right(running.nbh)


def test_a_dwelling_moved_in_the_admin_takes_its_months_along(
    running, system, coordinator, client_for
):
    sub = request(running, running.dwelling, running.household, system, D(2013, 2, 1))
    subscription_activate(
        subscription=sub, by=system, activated_on=D(2013, 3, 1), modem_serial="NS-1"
    )
    elsewhere = f.NeighbourhoodFactory(landlord=running.nbh.landlord)
    dwelling = running.dwelling
    response = client_for(coordinator).post(
        reverse("admin:neighborhoods_dwelling_change", args=[dwelling.pk]),
        {
            "reference": dwelling.reference,
            "neighbourhood": elsewhere.pk,
            "address": dwelling.address,
            "occupancies-TOTAL_FORMS": 0,
            "occupancies-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert kept() == definition() == {(elsewhere.pk, D(2013, 3, 1)): (1, 0)}
