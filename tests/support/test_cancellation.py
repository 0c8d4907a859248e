"""Cancellations keep who, when and why (the kit's `Cancellable`): a home-help visit, a
computer order, a sign-up. A cancelled visit or order always carries its moment, and who and
why never stand without it (database checks)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from brest_internet.common import clock
from support import services
from support.models import ComputerOrder, HomeHelpRequest, Registration
from support.services import SupportError


@pytest.fixture
def home_help(world):
    return HomeHelpRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        dwelling=world.dwelling,
        kind=HomeHelpRequest.Kind.MODEM,
        requested_on=datetime.date(2014, 2, 5),
    )


def test_a_cancelled_visit_says_who_and_when(home_help, centre_user):
    services.home_help_cancel(request=home_help, by=centre_user, reason="Le foyer a déménagé")
    home_help.refresh_from_db()
    assert home_help.status == HomeHelpRequest.Status.CANCELLED
    assert (home_help.cancelled_by, home_help.cancel_reason) == (centre_user, "Le foyer a déménagé")
    assert home_help.cancelled_at is not None


def test_another_centre_does_not_cancel_the_visit(home_help, other_centre_user):
    with pytest.raises(SupportError):
        services.home_help_cancel(request=home_help, by=other_centre_user)
    home_help.refresh_from_db()
    assert (home_help.status, home_help.cancelled_at) == (HomeHelpRequest.Status.REQUESTED, None)


def test_a_visit_cancelled_without_its_moment_is_refused_by_the_database(home_help):
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeHelpRequest.objects.filter(pk=home_help.pk).update(
            status=HomeHelpRequest.Status.CANCELLED
        )


def test_who_cancelled_stands_only_with_the_moment(home_help, centre_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeHelpRequest.objects.filter(pk=home_help.pk).update(cancelled_by=centre_user)


def test_a_cancelled_order_keeps_its_day_and_says_who(world, computers, centre_user):
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    services.computer_order_cancel(order=order, by=centre_user, on=datetime.date(2014, 2, 3))
    order.refresh_from_db()
    assert (order.status, order.cancelled_on, order.cancelled_by) == (
        ComputerOrder.Status.CANCELLED,
        datetime.date(2014, 2, 3),
        centre_user,
    )
    assert order.cancelled_at is not None


def test_an_order_cancelled_without_its_moment_is_refused_by_the_database(
    world, computers, centre_user
):
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ComputerOrder.objects.filter(pk=order.pk).update(
            status=ComputerOrder.Status.CANCELLED, cancelled_on=clock.today()
        )


def test_the_sign_ups_of_a_cancelled_session_carry_its_reason(
    make_session, households, centre_user
):
    session = make_session(capacity=1)
    seated, waiting = (
        services.registration_create(session=session, household=h, by=centre_user)
        for h in households(2)
    )
    services.session_cancel(session=session, reason="Animateur malade", by=centre_user)
    for reg in Registration.objects.filter(pk__in=[seated.pk, waiting.pk]):
        assert reg.status == Registration.Status.CANCELLED
        assert (reg.cancelled_by, reg.cancel_reason) == (centre_user, "Animateur malade")


def test_a_sign_up_cancelled_alone_says_who(make_session, households, centre_user):
    (household,) = households(1)
    reg = services.registration_create(session=make_session(), household=household, by=centre_user)
    services.registration_cancel(registration=reg, by=centre_user)
    reg.refresh_from_db()
    assert (reg.status, reg.cancelled_by) == (Registration.Status.CANCELLED, centre_user)
    assert reg.cancelled_at is not None
