"""Editing a workshop session: date, place, facilitator, places; the rules and the history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from support import services
from support.models import Registration
from support.services import SupportError

R = Registration.Status


def local(value):
    """A datetime as the edit form's field shows it."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def form_data(session, **changes):
    data = {
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        "place": session.place,
        "facilitator": session.facilitator,
        "capacity": session.capacity,
    }
    data.update(changes)
    return data


def sign_up(session, households, by):
    return [services.registration_create(session=session, household=h, by=by) for h in households]


def test_a_session_is_moved_to_another_date_with_its_history(make_session, centre_user):
    session = make_session(days=7)
    later = session.starts_at + datetime.timedelta(days=7)
    change = services.session_update(
        session=session,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)},
        by=centre_user,
    )
    assert change.changed == ["starts_at", "ends_at"]
    session.refresh_from_db()
    assert session.starts_at == later
    latest, before = session.history.all()[:2]
    assert latest.history_user == centre_user
    assert before.starts_at == later - datetime.timedelta(days=7)


def test_nothing_changed_is_a_no_op_without_history(make_session, centre_user):
    session = make_session()
    change = services.session_update(
        session=session, changes={"capacity": session.capacity}, by=centre_user
    )
    assert change.changed == []
    assert session.history.count() == 1


def test_places_cannot_drop_below_the_households_signed_up(make_session, households, centre_user):
    session = make_session(capacity=4)
    sign_up(session, households(3), centre_user)
    with pytest.raises(SupportError, match="3 foyers sont inscrits") as refused:
        services.session_update(session=session, changes={"capacity": 2}, by=centre_user)
    assert refused.value.field == "capacity"
    session.refresh_from_db()
    assert session.capacity == 4
    # As many places as households signed up is fine.
    services.session_update(session=session, changes={"capacity": 3}, by=centre_user)
    session.refresh_from_db()
    assert session.capacity == 3


def test_cancelled_sign_ups_do_not_hold_a_place(make_session, households, centre_user):
    session = make_session(capacity=3)
    first, *_others = sign_up(session, households(3), centre_user)
    services.registration_cancel(registration=first, by=centre_user)
    services.session_update(session=session, changes={"capacity": 2}, by=centre_user)
    session.refresh_from_db()
    assert session.capacity == 2


def test_places_added_go_to_the_waiting_list_first_come_first_served(
    make_session, households, centre_user
):
    session = make_session(capacity=1)
    _seat, second, third, fourth = sign_up(session, households(4), centre_user)
    change = services.session_update(session=session, changes={"capacity": 3}, by=centre_user)
    assert [r.pk for r in change.promoted] == [second.pk, third.pk]
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert (statuses[second.pk], statuses[third.pk], statuses[fourth.pk]) == (
        R.REGISTERED,
        R.REGISTERED,
        R.WAITING,
    )
    second.refresh_from_db()
    assert second.promoted_at is not None
    assert second.history.first().history_user == centre_user


def test_a_held_session_with_attendance_keeps_its_date(make_session, world, centre_user):
    session = make_session(days=-3)
    reg = Registration.objects.create(
        session=session, household=world.household, status=R.REGISTERED
    )
    services.attendance_record(session=session, marks={reg.pk: "attended"}, by=centre_user)
    earlier = session.starts_at - datetime.timedelta(days=1)
    with pytest.raises(SupportError, match="présence est notée") as refused:
        services.session_update(session=session, changes={"starts_at": earlier}, by=centre_user)
    assert refused.value.field == "starts_at"
    # Its place or facilitator can still be corrected.
    services.session_update(session=session, changes={"place": "Salle 2"}, by=centre_user)
    session.refresh_from_db()
    assert (session.starts_at, session.place) == (earlier + datetime.timedelta(days=1), "Salle 2")


def test_a_held_session_without_attendance_can_be_corrected(make_session, centre_user):
    session = make_session(days=-3)
    earlier = session.starts_at - datetime.timedelta(days=1)
    services.session_update(session=session, changes={"starts_at": earlier}, by=centre_user)
    session.refresh_from_db()
    assert session.starts_at == earlier


def test_a_coming_session_is_not_moved_into_the_past(make_session, centre_user):
    session = make_session(days=3)
    with pytest.raises(SupportError, match="dans le passé"):
        services.session_update(
            session=session,
            changes={"starts_at": timezone.now() - datetime.timedelta(days=1)},
            by=centre_user,
        )


def test_the_end_must_follow_the_start(make_session, centre_user):
    session = make_session()
    with pytest.raises(SupportError, match="doit suivre"):
        services.session_update(
            session=session, changes={"ends_at": session.starts_at}, by=centre_user
        )


def test_topic_and_neighbourhood_are_not_edited(make_session, world, centre_user):
    with pytest.raises(SupportError, match="neighbourhood"):
        services.session_update(
            session=make_session(), changes={"neighbourhood": world.other_nbh}, by=centre_user
        )


def test_a_cancelled_session_is_not_edited(make_session, centre_user):
    session = make_session()
    services.session_cancel(session=session, reason="Salle indisponible.", by=centre_user)
    with pytest.raises(SupportError, match="annulée"):
        services.session_update(session=session, changes={"capacity": 9}, by=centre_user)


# --- Through the page ---------------------------------------------------------------------------


def test_centre_staff_move_a_session_through_the_page(make_session, centre_user, client_for):
    session = make_session(days=7)
    client = client_for(centre_user)
    url = reverse("support:session_update", args=[session.pk])
    later = session.starts_at + datetime.timedelta(days=2)
    page = client.get(url).content.decode()
    assert local(session.starts_at) in page
    response = client.post(
        url,
        form_data(
            session,
            starts_at=local(later),
            ends_at=local(later + datetime.timedelta(hours=2)),
            facilitator="Gwenaëlle Tanguy",
        ),
        follow=True,
    )
    assert "Séance modifiée" in response.content.decode()
    session.refresh_from_db()
    assert session.facilitator == "Gwenaëlle Tanguy"
    assert local(session.starts_at) == local(later)
    # The session's page tells who moved it, from when to when.
    detail = client.get(session.get_absolute_url()).content.decode()
    assert "Modifications" in detail and "Gwenaëlle Tanguy" in detail


def test_too_few_places_through_the_page_is_a_clear_message(
    make_session, households, centre_user, client_for
):
    session = make_session(capacity=5)
    sign_up(session, households(4), centre_user)
    response = client_for(centre_user).post(
        reverse("support:session_update", args=[session.pk]), form_data(session, capacity=2)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "4 foyers sont inscrits : la séance ne peut pas avoir moins de 4 places." in page
    assert 'aria-invalid="true"' in page or "is-invalid" in page
    session.refresh_from_db()
    assert session.capacity == 5


def test_zero_places_is_refused_by_the_form(make_session, centre_user, client_for):
    session = make_session(capacity=5)
    response = client_for(centre_user).post(
        reverse("support:session_update", args=[session.pk]), form_data(session, capacity=0)
    )
    assert "au moins une place" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 5


def test_the_dates_of_a_session_with_attendance_are_locked_in_the_form(
    make_session, world, centre_user, client_for
):
    session = make_session(days=-3)
    reg = Registration.objects.create(
        session=session, household=world.household, status=R.REGISTERED
    )
    services.attendance_record(session=session, marks={reg.pk: "absent"}, by=centre_user)
    client = client_for(centre_user)
    url = reverse("support:session_update", args=[session.pk])
    assert "la séance a eu lieu à cette date" in client.get(url).content.decode()
    # A forged date is ignored (the field is disabled), the rest is saved.
    moved = local(session.starts_at - datetime.timedelta(days=1))
    response = client.post(url, form_data(session, starts_at=moved, place="Salle 2"))
    assert response.status_code == 302, response.context["form"].errors
    before = session.starts_at
    session.refresh_from_db()
    assert (session.starts_at, session.place) == (before, "Salle 2")


def test_another_centre_cannot_edit_the_session(make_session, other_centre_user, client_for):
    session = make_session()
    response = client_for(other_centre_user).post(
        reverse("support:session_update", args=[session.pk]), form_data(session, capacity=30)
    )
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.capacity == 2


def test_a_coordinator_edits_any_centres_session(make_session, coordinator, client_for):
    session = make_session()
    response = client_for(coordinator).post(
        reverse("support:session_update", args=[session.pk]), form_data(session, capacity=30)
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 30


def test_saving_the_form_unchanged_changes_nothing(make_session, centre_user, client_for):
    """The form shows dates to the minute: a session whose start has seconds is not 'moved'."""
    session = make_session()  # starts at now + 7 days, seconds and microseconds included
    assert session.starts_at.microsecond or session.starts_at.second
    response = client_for(centre_user).post(
        reverse("support:session_update", args=[session.pk]), form_data(session), follow=True
    )
    assert "Rien n&#x27;a changé" in response.content.decode()
    assert session.history.count() == 1
