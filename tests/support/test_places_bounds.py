"""A session's places within bounds: 1 to 200, on the forms and in the database.

On PostgreSQL 40 000 places overflowed the column (a server error); on SQLite 99 999 999 999
was stored and moved the whole waiting list into the session."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from subscriptions.models import Offer
from support.models import ComputerModel, Registration, WorkshopSession, WorkshopTopic
from tests import factories as f

from .test_session_edit import form_data, sign_up

R = Registration.Status
TOO_MANY = "Une séance a au plus 200 places."


@pytest.mark.parametrize("places", ["201", "40000", "99999999999"])
def test_too_many_places_on_the_edit_form_is_a_clear_message(
    places, make_session, households, centre_user, client_for
):
    session = make_session(capacity=2)
    sign_up(session, households(4), centre_user)
    response = client_for(centre_user).post(
        reverse("support:session_update", args=[session.pk]), form_data(session, capacity=places)
    )
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 2
    # The waiting list has not moved.
    statuses = sorted(session.registrations.values_list("status", flat=True))
    assert statuses == [R.REGISTERED, R.REGISTERED, R.WAITING, R.WAITING]
    assert session.history.count() == 1


def test_two_hundred_places_are_accepted(make_session, centre_user, client_for):
    session = make_session(capacity=2)
    response = client_for(centre_user).post(
        reverse("support:session_update", args=[session.pk]), form_data(session, capacity=200)
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 200


@pytest.mark.parametrize("places", ["40000", "99999999999"])
def test_too_many_places_on_the_new_session_form_creates_nothing(
    places, world, topic, centre_user, client_for
):
    response = client_for(centre_user).post(
        reverse("support:session_create"),
        {
            "topic": topic.pk,
            "neighbourhood": world.nbh.pk,
            "starts_at": "2099-03-04T14:00",
            "ends_at": "2099-03-04T16:00",
            "facilitator": "Malo",
            "capacity": places,
        },
    )
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not WorkshopSession.objects.exists()


def test_the_database_refuses_more_than_two_hundred_places(make_session):
    session = make_session(capacity=2)
    with transaction.atomic(), pytest.raises(IntegrityError):
        WorkshopSession.objects.filter(pk=session.pk).update(capacity=201)
    session.refresh_from_db()
    assert session.capacity == 2


def _offer(**fields):
    operator = f.OrganisationFactory(kind="operator")
    return Offer(operator=operator, name="NUMERISUN", **fields)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: f.NeighbourhoodFactory.build(slug="x", planned_year=20000), "planned_year"),
        (
            lambda: f.NeighbourhoodFactory.build(slug="x", expected_dwellings=10**6),
            "expected_dwellings",
        ),
        (lambda: WorkshopTopic(name="Courriel", position=20000), "position"),
        (lambda: ComputerModel(name="Portable", price=40, stock=20000), "stock"),
        (lambda: _offer(download_mbps=20000), "download_mbps"),
    ],
)
def test_figures_typed_in_the_admin_are_bounded(world, make, field):
    """The admin validates the model: these figures fit the column (32 767 or more) but not the
    programme; SQLite would even store 99 999 999 999."""
    with pytest.raises(ValidationError) as refused:
        make().full_clean(exclude=["landlord", "centre"])
    assert field in refused.value.message_dict
