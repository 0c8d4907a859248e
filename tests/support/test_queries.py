"""Lists and details run a number of SQL queries that does not grow with their rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from neighborhoods.models import Meeting
from support import services
from support.models import (
    AdviceRequest,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def grow(world, make_session, households, computers, centre_user, launched):
    """`grow(n)`: add n rows of everything to the world's neighbourhood and its household."""
    half_day = Meeting.objects.create(
        neighbourhood=world.nbh, kind=Meeting.Kind.LAUNCH, held_on=datetime.date(2014, 2, 5)
    )
    computers.cheap.stock = 1000
    computers.cheap.save()
    session = make_session(capacity=1000)
    past = make_session(capacity=1000, days=-3)
    world.support = type("S", (), {"half_day": half_day, "session": session, "past": past})

    def add(n):
        for household in households(n):
            make_session(days=30)
            services.registration_create(session=session, household=household, by=centre_user)
            Registration.objects.create(
                session=past, household=household, status=Registration.Status.REGISTERED
            )
            services.computer_order_create(
                household=household, computer=computers.cheap, by=centre_user
            )
            HomeHelpRequest.objects.create(
                household=household, neighbourhood=world.nbh, kind="modem"
            )
            AdviceRequest.objects.create(
                household=household,
                neighbourhood=world.nbh,
                association=world.orgs.association,
                topic="change",
                question="?",
            )
            HalfDayVisit.objects.create(half_day=half_day, household=household)
        # …and as much for the one household whose history is shown.
        for _ in range(n):
            s = make_session(days=40)
            services.registration_create(session=s, household=world.household, by=centre_user)
            services.computer_order_create(
                household=world.household, computer=computers.cheap, by=centre_user
            )
            HomeHelpRequest.objects.create(
                household=world.household, neighbourhood=world.nbh, kind="modem"
            )
            AdviceRequest.objects.create(
                household=world.household,
                neighbourhood=world.nbh,
                association=world.orgs.association,
                topic="change",
                question="?",
            )
            HalfDayVisit.objects.create(half_day=half_day, household=world.household)

    return add


PAGES = [
    ("support:session_list", None),
    ("support:session_detail", "session"),
    ("support:session_attendance", "past"),
    ("support:half_day_list", None),
    ("support:half_day_desk", "half_day"),
    ("support:household_list", None),
    ("support:household_detail", "household"),
    ("support:home_help_list", None),
    ("support:advice_list", None),
    ("support:computer_list", None),
]


@pytest.mark.parametrize("name, target", PAGES)
def test_queries_do_not_grow_with_rows(name, target, grow, world, centre_user, client_for):
    client = client_for(centre_user)

    def url():
        if target is None:
            return reverse(name)
        if target == "household":
            return reverse(name, args=[world.household.pk])
        return reverse(name, args=[getattr(world.support, target).pk])

    grow(3)
    small = count_queries(client, url())
    grow(27)
    assert count_queries(client, url()) <= small, name


def test_details_run_few_queries(world, centre_user, client_for, make_session, computers):
    """The detail pages of a single record: a handful of queries each."""
    order = services.computer_order_create(
        household=world.household, computer=computers.cheap, by=centre_user
    )
    advice = AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic="change",
        question="?",
    )
    home_help = HomeHelpRequest.objects.create(
        household=world.household, neighbourhood=world.nbh, kind="modem"
    )
    client = client_for(centre_user)
    for name, pk in [
        ("support:order_detail", order.pk),
        ("support:advice_detail", advice.pk),
        ("support:home_help_detail", home_help.pk),
    ]:
        assert count_queries(client, reverse(name, args=[pk])) <= 8, name
