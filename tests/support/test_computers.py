"""Low-cost computers: stock never below zero; ordered → paid → handed over, or cancelled."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

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
