"""Low-cost computers: stock never below zero; ordered → paid → handed over, or cancelled."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from brest_internet.common import clock
from support import services
from support.models import ComputerModel, ComputerOrder
from support.services import SupportError


def test_an_order_takes_one_computer_from_stock_at_its_price(world, computers, centre_user):
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    computers.cheap.refresh_from_db()
    assert computers.cheap.stock == 2
    assert order.price == 40
    assert order.neighbourhood == world.nbh


def test_a_sale_beyond_stock_is_refused_and_nothing_changes(
    world, computers, centre_user, client_for
):
    services.computer_order_create(
        household=world.household, computer=computers.laptop, by=centre_user
    )
    with pytest.raises(SupportError, match="stock"):
        services.computer_order_create(
            household=world.household, computer=computers.laptop, by=centre_user
        )
    response = client_for(centre_user).post(
        reverse("support:order_create", args=[world.household.pk]),
        {"computer": computers.laptop.pk, "ordered_on": "2014-02-20"},
    )
    assert response.status_code == 200
    assert "Plus d&#x27;ordinateur" in response.content.decode()
    computers.laptop.refresh_from_db()
    assert computers.laptop.stock == 0
    assert ComputerOrder.objects.count() == 1


def test_stock_cannot_go_negative_in_the_database(computers):
    with pytest.raises(IntegrityError), transaction.atomic():
        ComputerModel.objects.filter(pk=computers.laptop.pk).update(stock=-1)


def test_pay_then_hand_over(world, computers, centre_user, client_for):
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    client = client_for(centre_user)
    client.post(reverse("support:order_pay", args=[order.pk]))
    client.post(reverse("support:order_hand_over", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == ComputerOrder.Status.HANDED_OVER
    assert order.paid_on and order.handed_over_on
    # Already handed over: it does not come back to stock.
    with pytest.raises(SupportError):
        services.computer_order_cancel(order=order, by=centre_user)


def test_hand_over_before_payment_is_refused(world, computers, centre_user):
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    with pytest.raises(SupportError, match="payé"):
        services.computer_order_hand_over(order=order, by=centre_user)


def test_cancelling_puts_the_computer_back_in_stock(world, computers, centre_user):
    order = services.computer_order_create(
        household=world.household, computer=computers.laptop, by=centre_user
    )
    services.computer_order_cancel(order=order, by=centre_user)
    services.computer_order_cancel(order=order, by=centre_user)  # no-op
    computers.laptop.refresh_from_db()
    order.refresh_from_db()
    assert computers.laptop.stock == 1
    assert order.status == ComputerOrder.Status.CANCELLED
    with pytest.raises(SupportError):
        services.computer_order_pay(order=order, by=centre_user)


def test_a_paid_order_needs_its_date_in_the_database(world, computers):
    with pytest.raises(IntegrityError), transaction.atomic():
        ComputerOrder.objects.create(
            household=world.household,
            neighbourhood=world.nbh,
            computer=computers.cheap,
            price=40,
            status=ComputerOrder.Status.PAID,
        )


def test_a_second_computer_needs_a_reason(world, computers, centre_user, client_for):
    first = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    with pytest.raises(SupportError, match="Un second ordinateur demande un motif") as refused:
        services.computer_order_create(
            household=world.household, computer=computers.laptop, by=centre_user
        )
    assert refused.value.field == "extra_reason"
    url = reverse("support:order_create", args=[world.household.pk])
    response = client_for(centre_user).post(
        url, {"computer": computers.laptop.pk, "ordered_on": "2014-02-20"}
    )
    assert "Un second ordinateur demande un motif." in response.content.decode()
    assert ComputerOrder.objects.count() == 1
    computers.laptop.refresh_from_db()
    assert computers.laptop.stock == 1
    # With the reason it is stated, and kept on the order.
    response = client_for(centre_user).post(
        url,
        {
            "computer": computers.laptop.pk,
            "ordered_on": "2014-02-20",
            "extra_reason": "Ordinateur volé, plainte déposée",
        },
    )
    assert response.status_code == 302
    second = ComputerOrder.objects.exclude(pk=first.pk).get()
    assert second.extra_reason == "Ordinateur volé, plainte déposée"


def test_a_cancelled_order_leaves_the_household_free_to_order(world, computers, centre_user):
    first = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    services.computer_order_cancel(order=first, by=centre_user)
    second = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    assert second.extra_reason == ""


def test_the_database_refuses_two_computers_without_a_reason(world, computers, centre_user):
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    twin = {
        "household": world.household,
        "neighbourhood": world.nbh,
        "computer": computers.cheap,
        "price": 40,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        ComputerOrder.objects.create(**twin)
    ComputerOrder.objects.create(**twin, extra_reason="Panne irréparable")
    ComputerOrder.objects.filter(pk=order.pk).update(
        status=ComputerOrder.Status.CANCELLED,
        cancelled_on=order.ordered_on,
        cancelled_at=clock.now(),
    )
    ComputerOrder.objects.create(**twin)  # the first one cancelled: one without reason again
