"""The public contract `subscription_request`, used by the launch half-day form of support."""

import datetime

import pytest
from django.db import IntegrityError

from neighborhoods.models import Meeting, Neighbourhood, User
from subscriptions.models import Subscription
from subscriptions.services import SubscriptionError, subscription_request
from tests import factories as f


def test_request_is_recorded_with_its_half_day(running, half_day, centre_user):
    sub = subscription_request(
        dwelling=running.dwelling,
        household=running.household,
        channel="half_day",
        by=centre_user,
        half_day=half_day,
    )
    assert sub.status == Subscription.Status.REQUESTED
    assert sub.requested_on == half_day.held_on
    assert sub.requested_by == centre_user
    assert sub.history.count() == 1


def test_second_open_subscription_is_refused(running, centre_user):
    kwargs = {"dwelling": running.dwelling, "household": running.household, "by": centre_user}
    subscription_request(channel="phone", **kwargs)
    with pytest.raises(SubscriptionError, match="déjà un abonnement en cours"):
        subscription_request(channel="centre", **kwargs)
    assert Subscription.objects.count() == 1


def test_database_refuses_a_second_open_subscription(running):
    kwargs = {
        "dwelling": running.dwelling,
        "household": running.household,
        "channel": "phone",
        "requested_on": datetime.date(2013, 1, 1),
    }
    Subscription.objects.create(**kwargs)
    with pytest.raises(IntegrityError):
        Subscription.objects.create(**kwargs)


def test_dwelling_outside_a_running_neighbourhood_is_refused(world):
    with pytest.raises(SubscriptionError, match="n'a pas \\(ou plus\\) l'offre"):
        subscription_request(
            dwelling=world.dwelling,
            household=world.household,
            channel="phone",
            by=User.objects.system(),
        )


def test_launching_neighbourhood_accepts_requests(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.LAUNCH)
    sub = subscription_request(
        dwelling=world.dwelling,
        household=world.household,
        channel="centre",
        by=User.objects.system(),
    )
    assert sub.pk


def test_household_must_live_in_the_dwelling(running):
    with pytest.raises(SubscriptionError, match="n'occupe pas"):
        subscription_request(
            dwelling=running.dwellings[1],
            household=running.household,
            channel="phone",
            by=User.objects.system(),
        )


def test_centre_outside_its_scope_is_refused(running, other_centre_user):
    with pytest.raises(SubscriptionError, match="périmètre"):
        subscription_request(
            dwelling=running.dwelling,
            household=running.household,
            channel="phone",
            by=other_centre_user,
        )


def test_half_day_of_another_neighbourhood_or_kind_is_refused(running):
    other = f.MeetingFactory(neighbourhood=running.other_nbh, kind=Meeting.Kind.LAUNCH)
    public = f.MeetingFactory(neighbourhood=running.nbh, kind=Meeting.Kind.PUBLIC)
    for meeting in (other, public):
        with pytest.raises(SubscriptionError):
            subscription_request(
                dwelling=running.dwelling,
                household=running.household,
                channel="half_day",
                by=User.objects.system(),
                half_day=meeting,
            )


def test_unknown_channel_and_future_date_are_refused(running):
    kwargs = {
        "dwelling": running.dwelling,
        "household": running.household,
        "by": User.objects.system(),
    }
    with pytest.raises(SubscriptionError, match="Canal"):
        subscription_request(channel="mail", **kwargs)
    with pytest.raises(SubscriptionError, match="futur"):
        subscription_request(
            channel="phone", requested_on=datetime.date.today() + datetime.timedelta(2), **kwargs
        )
    assert not Subscription.objects.exists()


def test_error_message_is_french_text(running):
    kwargs = {
        "dwelling": running.dwelling,
        "household": running.household,
        "by": User.objects.system(),
    }
    subscription_request(channel="phone", **kwargs)
    with pytest.raises(SubscriptionError) as info:
        subscription_request(channel="phone", **kwargs)
    assert str(info.value).startswith("Le logement")
