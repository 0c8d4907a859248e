"""Scope: a centre's staff reach only their centre's records; another centre's record reached
by changing the id in the URL answers 404 and changes nothing."""

import datetime

import pytest
from django.urls import reverse

from support import services
from support.models import ComputerOrder, HomeHelpRequest, Registration


@pytest.fixture
def other_records(world, make_session, computers, other_centre_user):
    """Records of `world.other_nbh`, served by the other centre."""
    session = make_session(nbh=world.other_nbh)
    reg = services.registration_create(
        session=session, household=world.other_household, by=other_centre_user
    )
    order = services.computer_order_create(
        household=world.other_household, computer=computers.cheap, by=other_centre_user
    )
    help_request = HomeHelpRequest.objects.create(
        household=world.other_household,
        neighbourhood=world.other_nbh,
        kind=HomeHelpRequest.Kind.FIRST_CONNECTION,
        requested_on=datetime.date(2014, 2, 1),
    )
    return session, reg, order, help_request


def test_another_centres_records_by_url_id_are_not_found(
    other_records, world, centre_user, client_for
):
    session, reg, order, help_request = other_records
    client = client_for(centre_user)
    for name, pk in [
        ("support:session_detail", session.pk),
        ("support:session_attendance", session.pk),
        ("support:household_detail", world.other_household.pk),
        ("support:order_create", world.other_household.pk),
        ("support:order_detail", order.pk),
        ("support:home_help_detail", help_request.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    for name, pk, data in [
        ("support:session_sign_up", session.pk, {"household": world.household.pk}),
        ("support:registration_cancel", reg.pk, {}),
        ("support:order_cancel", order.pk, {}),
        ("support:home_help_cancel", help_request.pk, {}),
    ]:
        assert client.post(reverse(name, args=[pk]), data).status_code == 404, name
    reg.refresh_from_db()
    order.refresh_from_db()
    help_request.refresh_from_db()
    assert reg.status == Registration.Status.REGISTERED
    assert order.status == ComputerOrder.Status.ORDERED
    assert help_request.status == HomeHelpRequest.Status.REQUESTED
    assert session.registrations.count() == 1


def test_lists_show_only_the_centres_own_records(other_records, world, centre_user, client_for):
    client = client_for(centre_user)
    for name in ("support:session_list", "support:computer_list", "support:home_help_list"):
        page = client.get(reverse(name)).content.decode()
        assert world.other_nbh.name not in page, name
    households = client.get(reverse("support:household_list")).content.decode()
    assert world.household.name in households
    assert world.other_household.name not in households


def test_the_coordinator_sees_every_centre(other_records, world, coordinator, client_for):
    page = client_for(coordinator).get(reverse("support:computer_list")).content.decode()
    assert world.other_household.name in page


def test_a_launch_half_day_of_another_centre_is_not_found(world, centre_user, client_for):
    from neighborhoods.models import Meeting

    half_day = Meeting.objects.create(
        neighbourhood=world.other_nbh, kind=Meeting.Kind.LAUNCH, held_on=datetime.date(2014, 2, 5)
    )
    url = reverse("support:half_day_desk", args=[half_day.pk])
    assert client_for(centre_user).get(url).status_code == 404
    # A meeting that is not a launch half-day is not a desk either.
    public = Meeting.objects.create(
        neighbourhood=world.nbh, kind=Meeting.Kind.PUBLIC, held_on=datetime.date(2014, 1, 5)
    )
    url = reverse("support:half_day_desk", args=[public.pk])
    assert client_for(centre_user).get(url).status_code == 404
