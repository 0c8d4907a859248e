"""A household that leaves its dwelling: its subscription there ends on the day it left."""

import datetime

import pytest

from neighborhoods.models import Occupancy, User
from neighborhoods.moves import MoveError, household_move_out
from subscriptions.models import Subscription
from subscriptions.services import subscription_activate, subscription_request
from tests import factories as f

D = datetime.date


@pytest.fixture
def subscribed(running, landlord_user):
    sub = subscription_request(
        dwelling=running.dwelling,
        household=running.household,
        channel="phone",
        by=User.objects.system(),
        requested_on=D(2013, 2, 1),
    )
    subscription_activate(
        subscription=sub,
        by=User.objects.system(),
        activated_on=D(2013, 3, 1),
        modem_serial="NS-0001",
    )
    return running


def occupancy_of(world):
    return Occupancy.objects.get(household=world.household, dwelling=world.dwelling)


def test_a_move_out_cancels_the_households_subscription_on_that_day(subscribed, landlord_user):
    household_move_out(
        occupancy=occupancy_of(subscribed), moved_out=D(2014, 1, 15), by=landlord_user
    )
    sub = Subscription.objects.get()
    assert (sub.status, sub.cancelled_on) == (Subscription.Status.CANCELLED, D(2014, 1, 15))
    assert sub.cancel_reason == "Départ du logement le 15/01/2014"
    assert sub.history.latest().history_user == landlord_user


def test_a_subscription_still_requested_is_cancelled_too(running, landlord_user):
    subscription_request(
        dwelling=running.dwelling,
        household=running.household,
        channel="phone",
        by=User.objects.system(),
    )
    household_move_out(
        occupancy=occupancy_of(running), moved_out=datetime.date.today(), by=landlord_user
    )
    assert Subscription.objects.get().status == Subscription.Status.CANCELLED


def test_other_households_keep_their_subscription(subscribed, landlord_user):
    other = f.HouseholdFactory(name="Famille Voisine")
    neighbour = subscribed.dwellings[1]
    f.OccupancyFactory(household=other, dwelling=neighbour)
    theirs = subscription_request(
        dwelling=neighbour,
        household=other,
        channel="phone",
        by=User.objects.system(),
        requested_on=D(2013, 2, 1),
    )
    household_move_out(
        occupancy=occupancy_of(subscribed), moved_out=D(2014, 1, 15), by=landlord_user
    )
    theirs.refresh_from_db()
    assert theirs.status == Subscription.Status.REQUESTED


def test_a_move_out_before_the_activation_is_refused_and_changes_nothing(subscribed, landlord_user):
    with pytest.raises(MoveError, match="activation"):
        household_move_out(
            occupancy=occupancy_of(subscribed), moved_out=D(2013, 2, 15), by=landlord_user
        )
    assert occupancy_of(subscribed).moved_out is None
    assert Subscription.objects.get().status == Subscription.Status.ACTIVE
