"""Lists and details run a number of SQL queries that does not grow with their rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

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
    # As many places as a session may hold (MAX_SESSION_PLACES): nobody waits.
    session = make_session(capacity=200)
    past = make_session(capacity=200, days=-3)
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
                household=world.household,
                computer=computers.cheap,
                by=centre_user,
                extra_reason="Un ordinateur de plus par tour",  # one household, many orders
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
    ("support:session_update", "session"),
    ("support:session_cancel", "session"),
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


def count_post_queries(client, url, data):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, data)
    assert response.status_code in (200, 302), url
    return len(ctx.captured_queries)


def test_editing_and_cancelling_a_session_do_not_grow_with_its_sign_ups(
    make_session, households, centre_user, client_for
):
    """The confirmation step, the cancellation itself and an edit that promotes the waiting
    list run as many queries for 30 sign-ups as for 3 (set-based updates, bulk history)."""
    client = client_for(centre_user)

    def measure(n):
        session = make_session(capacity=1)
        for household in households(n):
            services.registration_create(session=session, household=household, by=centre_user)
        start = timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M")
        end = timezone.localtime(session.ends_at).strftime("%Y-%m-%dT%H:%M")
        edit = count_post_queries(
            client,
            reverse("support:session_update", args=[session.pk]),
            {
                "starts_at": start,
                "ends_at": end,
                "place": "",
                "facilitator": "Malo",
                "capacity": n,  # every household on the waiting list gets a seat
            },
        )
        assert session.registrations.filter(status=Registration.Status.WAITING).count() == 0
        url = reverse("support:session_cancel", args=[session.pk])
        confirm = count_post_queries(client, url, {"reason": "Salle fermée."})
        cancel = count_post_queries(
            client, url, {"reason": "Salle fermée.", "expected": n, "confirm": "1"}
        )
        assert not session.registrations.exclude(status=Registration.Status.CANCELLED).exists()
        detail = count_queries(client, reverse("support:session_detail", args=[session.pk]))
        return edit, confirm, cancel, detail

    small = measure(3)
    assert measure(30) == small


def test_session_page_queries_do_not_grow_with_its_changes(make_session, centre_user, client_for):
    session = make_session(capacity=10)
    client = client_for(centre_user)
    url = reverse("support:session_detail", args=[session.pk])
    services.session_update(session=session, changes={"place": "Salle 1"}, by=centre_user)
    small = count_queries(client, url)
    for n in range(2, 12):
        services.session_update(session=session, changes={"capacity": 10 + n}, by=centre_user)
    services.session_cancel(session=session, reason="Fermeture.", by=centre_user)
    assert count_queries(client, url) <= small


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
