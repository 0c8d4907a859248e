"""The launch half-day desk: one submit records a connection request, workshop sign-ups and a
computer order for a household, all or nothing, and the running totals follow."""

import datetime

import pytest
from django.urls import reverse

from neighborhoods.models import Household, Meeting, Occupancy
from subscriptions.models import Subscription
from support.models import ComputerOrder, HalfDayVisit, Registration
from tests import factories as f


@pytest.fixture
def half_day(launched):
    return Meeting.objects.create(
        neighbourhood=launched.nbh,
        kind=Meeting.Kind.LAUNCH,
        held_on=datetime.date(2014, 2, 5),
        place="Maison pour tous",
    )


def desk(half_day):
    return reverse("support:half_day_desk", args=[half_day.pk])


def test_search_finds_a_household_by_name_or_dwelling_reference(
    half_day, world, centre_user, client_for
):
    client = client_for(centre_user)
    by_name = client.get(desk(half_day), {"q": "le goff"}).content.decode()
    assert f'value="{world.household.pk}"' in by_name
    by_ref = client.get(desk(half_day), {"q": world.dwelling.reference}).content.decode()
    assert f'value="{world.household.pk}"' in by_ref
    # Households of another neighbourhood are never offered.
    other = client.get(desk(half_day), {"q": "autre"}).content.decode()
    assert f'value="{world.other_household.pk}"' not in other


def test_one_submit_records_everything_and_updates_the_totals(
    half_day, world, make_session, computers, centre_user, client_for
):
    sessions = [make_session(capacity=1), make_session(capacity=5, days=14)]
    Registration.objects.create(
        session=sessions[0],
        household=f.HouseholdFactory(),
        status=Registration.Status.REGISTERED,
    )
    client = client_for(centre_user)
    response = client.post(
        desk(half_day),
        {
            "household": world.household.pk,
            "connection": "on",
            "sessions": [s.pk for s in sessions],
            "computer": computers.cheap.pk,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "demande de connexion" in page and "dont 1 en liste d" in page
    sub = Subscription.objects.get()
    assert (sub.household, sub.dwelling, sub.half_day) == (
        world.household,
        world.dwelling,
        half_day,
    )
    assert sub.requested_on == half_day.held_on
    statuses = sorted(
        Registration.objects.filter(half_day=half_day).values_list("status", flat=True)
    )
    assert statuses == [Registration.Status.REGISTERED, Registration.Status.WAITING]
    order = ComputerOrder.objects.get()
    assert (order.half_day, order.price, order.ordered_on) == (half_day, 40, half_day.held_on)
    assert HalfDayVisit.objects.get().connection_requested


def test_a_new_household_is_created_in_a_free_dwelling(
    half_day, world, computers, centre_user, client_for
):
    free = world.dwellings[2]
    response = client_for(centre_user).post(
        desk(half_day),
        {"new_name": "Famille Nédélec", "dwelling_reference": free.reference, "connection": "on"},
    )
    assert response.status_code == 302
    household = Household.objects.get(name="Famille Nédélec")
    assert Occupancy.objects.get(household=household).dwelling == free
    assert Subscription.objects.get().household == household
    # Moved in through the register's rules: the dwelling is now occupied.
    free.refresh_from_db()
    assert free.status == free.Status.OCCUPIED


def test_a_new_household_in_a_dwelling_out_of_service_is_refused(
    half_day, world, centre_user, client_for
):
    closed = world.dwellings[2]
    type(closed).objects.filter(pk=closed.pk).update(status=closed.Status.OUT_OF_SERVICE)
    response = client_for(centre_user).post(
        desk(half_day),
        {"new_name": "Famille Fermée", "dwelling_reference": closed.reference, "connection": "on"},
    )
    assert response.status_code == 200
    assert "hors service" in response.content.decode()
    assert not Household.objects.filter(name="Famille Fermée").exists()
    assert not Subscription.objects.exists()


def test_a_refusal_undoes_the_whole_submission(
    half_day, world, make_session, computers, centre_user, client_for
):
    computers.laptop.stock = 0
    computers.laptop.save()
    session = make_session()
    response = client_for(centre_user).post(
        desk(half_day),
        {
            "household": world.household.pk,
            "connection": "on",
            "sessions": [session.pk],
            "computer": computers.laptop.pk,
        },
    )
    assert response.status_code == 200
    assert "Plus d&#x27;ordinateur" in response.content.decode()
    assert not Subscription.objects.exists()
    assert not Registration.objects.exists()
    assert not HalfDayVisit.objects.exists()
    assert not ComputerOrder.objects.exists()


def test_a_connection_refused_by_subscriptions_is_shown(world, centre_user, client_for):
    # The neighbourhood has not adopted the offer (candidate stage): no connection request.
    half_day = Meeting.objects.create(
        neighbourhood=world.nbh, kind=Meeting.Kind.LAUNCH, held_on=datetime.date(2014, 2, 5)
    )
    response = client_for(centre_user).post(
        desk(half_day), {"household": world.household.pk, "connection": "on"}
    )
    assert response.status_code == 200
    assert "offre" in response.content.decode()
    assert not HalfDayVisit.objects.exists()


def test_an_empty_submission_is_refused(half_day, world, centre_user, client_for):
    response = client_for(centre_user).post(desk(half_day), {"household": world.household.pk})
    assert "Rien à enregistrer" in response.content.decode()
    response = client_for(centre_user).post(desk(half_day), {"connection": "on"})
    assert "nouveau foyer" in response.content.decode()
    assert not HalfDayVisit.objects.exists()


def test_a_new_household_in_an_occupied_dwelling_is_refused(
    half_day, world, centre_user, client_for
):
    response = client_for(centre_user).post(
        desk(half_day),
        {
            "new_name": "Famille Doublon",
            "dwelling_reference": world.dwelling.reference,
            "connection": "on",
        },
    )
    assert response.status_code == 200
    assert not Household.objects.filter(name="Famille Doublon").exists()
