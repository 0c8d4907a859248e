"""Workshops: seats, waiting list promoted first-come first-served, attendance, bad input."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from support import services
from support.models import Registration
from support.services import SupportError

R = Registration.Status


def test_sign_ups_beyond_capacity_go_to_the_waiting_list(make_session, households, centre_user):
    session = make_session(capacity=2)
    regs = [
        services.registration_create(session=session, household=h, by=centre_user)
        for h in households(4)
    ]
    assert [r.status for r in regs] == [R.REGISTERED, R.REGISTERED, R.WAITING, R.WAITING]


def test_cancelling_a_seat_promotes_the_first_in_line(make_session, households, centre_user):
    session = make_session(capacity=1)
    first, second, third = (
        services.registration_create(session=session, household=h, by=centre_user)
        for h in households(3)
    )
    promoted = services.registration_cancel(registration=first, by=centre_user)
    assert promoted.pk == second.pk
    second.refresh_from_db()
    third.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, second.status, third.status) == (R.CANCELLED, R.REGISTERED, R.WAITING)
    assert second.promoted_at is not None
    # The cancelled row is kept, with its history.
    assert first.cancelled_at is not None
    assert first.history.count() == 2


def test_cancelling_a_waiting_sign_up_promotes_nobody(make_session, households, centre_user):
    session = make_session(capacity=1)
    _seat, waiting, last = (
        services.registration_create(session=session, household=h, by=centre_user)
        for h in households(3)
    )
    assert services.registration_cancel(registration=waiting, by=centre_user) is None
    last.refresh_from_db()
    assert last.status == R.WAITING


def test_cancelling_twice_is_a_no_op(make_session, households, centre_user):
    reg = services.registration_create(
        session=make_session(), household=households(1)[0], by=centre_user
    )
    services.registration_cancel(registration=reg, by=centre_user)
    assert services.registration_cancel(registration=reg, by=centre_user) is None


def test_a_cancelled_household_may_sign_up_again(make_session, households, centre_user):
    session = make_session()
    household = households(1)[0]
    reg = services.registration_create(session=session, household=household, by=centre_user)
    services.registration_cancel(registration=reg, by=centre_user)
    again = services.registration_create(session=session, household=household, by=centre_user)
    assert again.status == R.REGISTERED
    assert Registration.objects.filter(session=session, household=household).count() == 2


def test_same_household_twice_is_refused_and_nothing_changes(
    make_session, world, centre_user, client_for
):
    session = make_session()
    services.registration_create(session=session, household=world.household, by=centre_user)
    with pytest.raises(SupportError, match="déjà inscrit"):
        services.registration_create(session=session, household=world.household, by=centre_user)
    response = client_for(centre_user).post(
        reverse("support:session_sign_up", args=[session.pk]),
        {"household": world.household.pk},
        follow=True,
    )
    assert "déjà inscrit" in response.content.decode()
    assert session.registrations.count() == 1


def test_one_active_registration_per_household_is_a_database_rule(make_session, world):
    session = make_session()
    Registration.objects.create(session=session, household=world.household, status=R.WAITING)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(session=session, household=world.household, status=R.REGISTERED)


def test_attendance_only_for_registered_is_a_database_rule(make_session, world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            session=make_session(),
            household=world.household,
            status=R.WAITING,
            attendance=Registration.Attendance.ATTENDED,
        )


def test_session_capacity_must_be_positive(make_session):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(capacity=0)


def test_no_sign_up_to_a_past_session(make_session, world, centre_user):
    with pytest.raises(SupportError, match="déjà eu lieu"):
        services.registration_create(
            session=make_session(days=-1), household=world.household, by=centre_user
        )


def test_attendance_on_a_future_session_is_refused(make_session, world, centre_user, client_for):
    session = make_session(days=3)
    reg = services.registration_create(session=session, household=world.household, by=centre_user)
    with pytest.raises(SupportError, match="pas encore eu lieu"):
        services.attendance_record(session=session, marks={reg.pk: "attended"}, by=centre_user)
    client = client_for(centre_user)
    url = reverse("support:session_attendance", args=[session.pk])
    response = client.post(url, {f"presence-{reg.pk}": "attended"}, follow=True)
    assert "pas encore eu lieu" in response.content.decode()
    reg.refresh_from_db()
    assert reg.attendance == ""


def test_attendance_is_marked_in_one_screen(make_session, households, centre_user, client_for):
    session = make_session(capacity=2, days=-2)
    a, b, c = households(3)
    regs = [
        Registration.objects.create(session=session, household=h, status=R.REGISTERED)
        for h in (a, b)
    ]
    waiting = Registration.objects.create(session=session, household=c, status=R.WAITING)
    client = client_for(centre_user)
    url = reverse("support:session_attendance", args=[session.pk])
    page = client.get(url).content.decode()
    assert f"presence-{regs[0].pk}" in page and f"presence-{waiting.pk}" not in page
    response = client.post(
        url, {f"presence-{regs[0].pk}": "attended", f"presence-{regs[1].pk}": "absent"}
    )
    assert response.status_code == 302
    assert sorted(Registration.objects.values_list("attendance", flat=True)) == [
        "",
        "absent",
        "attended",
    ]


def test_attendance_refuses_a_registration_of_another_session(make_session, world, centre_user):
    past = make_session(days=-2)
    other = make_session(days=-3)
    reg = Registration.objects.create(session=other, household=world.household, status=R.REGISTERED)
    with pytest.raises(SupportError):
        services.attendance_record(session=past, marks={reg.pk: "attended"}, by=centre_user)


def test_sign_up_through_the_page_reports_the_waiting_list(
    make_session, households, centre_user, client_for
):
    session = make_session(capacity=1)
    a, b = households(2)
    client = client_for(centre_user)
    url = reverse("support:session_sign_up", args=[session.pk])
    client.post(url, {"household": a.pk})
    response = client.post(url, {"household": b.pk}, follow=True)
    assert "liste d&#x27;attente" in response.content.decode()


def test_a_household_of_another_neighbourhood_cannot_be_signed_up(
    make_session, world, centre_user, client_for
):
    session = make_session()
    client_for(centre_user).post(
        reverse("support:session_sign_up", args=[session.pk]),
        {"household": world.other_household.pk},
    )
    assert not session.registrations.exists()


def test_a_session_is_created_at_the_centre_of_its_neighbourhood(
    world, topic, centre_user, client_for
):
    response = client_for(centre_user).post(
        reverse("support:session_create"),
        {
            "topic": topic.pk,
            "neighbourhood": world.nbh.pk,
            "starts_at": "2099-03-04T14:00",
            "ends_at": "2099-03-04T16:00",
            "facilitator": "Malo",
            "capacity": 8,
        },
    )
    assert response.status_code == 302
    session = world.nbh.workshop_sessions.get()
    assert session.centre == world.orgs.centre


def test_a_centre_cannot_create_a_session_in_another_neighbourhood(
    world, topic, centre_user, client_for
):
    response = client_for(centre_user).post(
        reverse("support:session_create"),
        {
            "topic": topic.pk,
            "neighbourhood": world.other_nbh.pk,
            "starts_at": "2099-03-04T14:00",
            "ends_at": "2099-03-04T16:00",
            "facilitator": "Malo",
            "capacity": 8,
        },
    )
    assert response.status_code == 200
    assert not world.other_nbh.workshop_sessions.exists()
