"""Cancelling a workshop session: a reason, a confirmation step, its sign-ups cancelled with it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from support import services
from support.models import Registration, WorkshopSession
from support.services import SupportError

R = Registration.Status


def sign_up(session, households, by):
    return [services.registration_create(session=session, household=h, by=by) for h in households]


def test_cancelling_a_session_cancels_its_sign_ups_and_keeps_everything(
    make_session, households, centre_user
):
    session = make_session(capacity=2)
    regs = sign_up(session, households(3), centre_user)  # two seats, one waiting
    earlier = services.registration_cancel(registration=regs[0], by=centre_user)
    assert earlier.pk == regs[2].pk  # the waiting one took the seat
    again = services.registration_create(
        session=session, household=regs[0].household, by=centre_user
    )  # back, on the waiting list
    cancelled = services.session_cancel(
        session=session, reason="  Animateur malade.  ", by=centre_user
    )
    assert cancelled == 3
    session.refresh_from_db()
    assert session.is_cancelled
    assert session.cancelled_by == centre_user
    assert session.cancel_reason == "Animateur malade."
    assert WorkshopSession.objects.filter(pk=session.pk).exists()  # never deleted
    rows = Registration.objects.filter(session=session)
    assert rows.count() == 4
    assert set(rows.values_list("status", flat=True)) == {R.CANCELLED}
    assert set(rows.exclude(pk=regs[0].pk).values_list("cancelled_at", flat=True)) == {
        session.cancelled_at
    }
    # Each sign-up cancelled with the session has a history row saying by whom and why.
    for reg in (regs[1], regs[2], again):
        latest = reg.history.first()
        assert (latest.status, latest.history_user, latest.history_type) == (
            R.CANCELLED,
            centre_user,
            "~",
        )
        assert latest.history_change_reason == "Animateur malade."
    # The sign-up cancelled before keeps its own date and history.
    regs[0].refresh_from_db()
    assert regs[0].cancelled_at < session.cancelled_at
    assert regs[0].history.count() == 2


def test_sign_ups_are_cancelled_in_one_update(make_session, households, centre_user):
    session = make_session(capacity=30)
    sign_up(session, households(25), centre_user)
    with CaptureQueriesContext(connection) as ctx:
        services.session_cancel(session=session, reason="Salle inondée.", by=centre_user)
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2  # the session, then all its sign-ups at once
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    history = [sql for sql in inserts if "historical" in sql]
    assert len(history) == 2  # the history of the session, then of the 25 sign-ups
    assert len(inserts) == 3  # and the dashboard's summary of the session's month, recounted
    # Whatever the number of sign-ups (PostgreSQL adds the recount's advisory lock).
    assert len(ctx.captured_queries) <= 19


def test_a_cancelled_session_takes_no_sign_up_and_no_attendance(make_session, world, centre_user):
    session = make_session()
    services.session_cancel(session=session, reason="Salle indisponible.", by=centre_user)
    with pytest.raises(SupportError, match="est annulée"):
        services.registration_create(session=session, household=world.household, by=centre_user)
    past = make_session(days=-2)
    services.session_cancel(session=past, reason="Personne n'est venu ouvrir.", by=centre_user)
    reg = Registration.objects.create(session=past, household=world.household, status=R.WAITING)
    with pytest.raises(SupportError, match="est annulée"):
        services.attendance_record(session=past, marks={reg.pk: "attended"}, by=centre_user)


def test_cancelling_twice_is_a_no_op(make_session, centre_user, coordinator):
    session = make_session()
    services.session_cancel(session=session, reason="Première raison.", by=centre_user)
    assert services.session_cancel(session=session, reason="Autre.", by=coordinator) == 0
    session.refresh_from_db()
    assert (session.cancel_reason, session.cancelled_by) == ("Première raison.", centre_user)
    assert session.history.count() == 2


def test_a_reason_is_required(make_session, centre_user):
    session = make_session()
    with pytest.raises(SupportError, match="motif") as refused:
        services.session_cancel(session=session, reason="   ", by=centre_user)
    assert refused.value.field == "reason"
    session.refresh_from_db()
    assert not session.is_cancelled


def test_a_session_with_attendance_taken_is_not_cancelled(make_session, world, centre_user):
    session = make_session(days=-2)
    reg = Registration.objects.create(
        session=session, household=world.household, status=R.REGISTERED
    )
    services.attendance_record(session=session, marks={reg.pk: "attended"}, by=centre_user)
    with pytest.raises(SupportError, match="a eu lieu"):
        services.session_cancel(session=session, reason="Erreur.", by=centre_user)
    session.refresh_from_db()
    reg.refresh_from_db()
    assert not session.is_cancelled and reg.status == R.REGISTERED


def test_a_count_that_changed_since_the_confirmation_cancels_nothing(
    make_session, households, centre_user
):
    session = make_session(capacity=5)
    sign_up(session, households(2), centre_user)
    with pytest.raises(SupportError, match="3 inscriptions seraient annulées"):
        sign_up(session, households(1), centre_user)
        services.session_cancel(session=session, reason="Grève.", by=centre_user, expected=2)
    session.refresh_from_db()
    assert not session.is_cancelled
    assert not session.registrations.filter(status=R.CANCELLED).exists()


def test_a_cancelled_session_has_its_date_and_reason_as_a_database_rule(make_session):
    session = make_session()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopSession.objects.filter(pk=session.pk).update(cancelled_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopSession.objects.filter(pk=session.pk).update(cancel_reason="Sans date.")


# --- Through the pages (RGAA 11.12: a confirmation step) ----------------------------------------


def test_cancelling_through_the_pages_asks_for_a_confirmation(
    make_session, households, centre_user, client_for
):
    session = make_session(capacity=2)
    sign_up(session, households(3), centre_user)
    client = client_for(centre_user)
    url = reverse("support:session_cancel", args=[session.pk])
    first = client.get(url).content.decode()
    assert "3 inscriptions seront annulées" in first
    assert 'name="reason"' in first
    # Step 1: the reason leads to the confirmation, which cancels nothing yet.
    response = client.post(url, {"reason": "Animateur malade."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Confirmer l'annulation" in page
    assert "3 inscriptions seront annulées" in page
    assert "2 foyers inscrits, 1 en liste d'attente" in page
    assert "Animateur malade." in page
    session.refresh_from_db()
    assert not session.is_cancelled
    # "Modifier le motif" goes back to the reason, filled in.
    back = client.post(url, {"reason": "Animateur malade.", "change": "1"}).content.decode()
    assert 'name="reason"' in back and "Animateur malade.</textarea>" in back
    # Step 2: confirmed.
    response = client.post(
        url, {"reason": "Animateur malade.", "expected": "3", "confirm": "1"}, follow=True
    )
    page = response.content.decode()
    assert "Séance annulée, avec 3 inscriptions." in page
    assert "Motif : Animateur malade." in " ".join(page.split())
    session.refresh_from_db()
    assert session.is_cancelled
    # The session's page no longer offers to sign up, edit or cancel.
    assert 'name="household"' not in page
    assert reverse("support:session_update", args=[session.pk]) not in page


def test_the_confirmation_is_shown_again_when_the_count_changed(
    make_session, households, centre_user, client_for
):
    session = make_session(capacity=5)
    sign_up(session, households(3), centre_user)
    response = client_for(centre_user).post(
        reverse("support:session_cancel", args=[session.pk]),
        {"reason": "Grève.", "expected": "2", "confirm": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Les inscriptions ont changé entre-temps" in page
    assert 'name="expected" value="3"' in page
    session.refresh_from_db()
    assert not session.is_cancelled


def test_no_reason_no_confirmation(make_session, centre_user, client_for):
    session = make_session()
    url = reverse("support:session_cancel", args=[session.pk])
    client = client_for(centre_user)
    for data in ({"reason": "  "}, {"reason": "", "expected": "0", "confirm": "1"}):
        response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Ce champ est obligatoire" in page
        assert "Confirmer l'annulation" not in page
    session.refresh_from_db()
    assert not session.is_cancelled


def test_the_list_shows_a_cancelled_session_as_cancelled(make_session, centre_user, client_for):
    cancelled = make_session()
    kept = make_session(days=8)
    services.session_cancel(session=cancelled, reason="Salle indisponible.", by=centre_user)
    page = client_for(centre_user).get(reverse("support:session_list")).content.decode()
    assert page.count("Annulée") == 1
    assert reverse("support:session_detail", args=[cancelled.pk]) in page
    assert reverse("support:session_detail", args=[kept.pk]) in page


def test_the_half_day_desk_offers_no_cancelled_session(
    make_session, world, centre_user, client_for
):
    import datetime

    from neighborhoods.models import Meeting

    half_day = Meeting.objects.create(
        neighbourhood=world.nbh, kind=Meeting.Kind.LAUNCH, held_on=datetime.date(2014, 2, 5)
    )
    cancelled, kept = make_session(days=3), make_session(days=4)
    services.session_cancel(session=cancelled, reason="Salle indisponible.", by=centre_user)
    response = client_for(centre_user).get(reverse("support:half_day_desk", args=[half_day.pk]))
    offered = list(response.context["form"].fields["sessions"].queryset)
    assert offered == [kept]


def test_attendance_page_of_a_cancelled_session_takes_nothing(
    make_session, world, centre_user, client_for
):
    session = make_session(days=-2)
    services.session_cancel(session=session, reason="Fermeture.", by=centre_user)
    page = (
        client_for(centre_user)
        .get(reverse("support:session_attendance", args=[session.pk]))
        .content.decode()
    )
    assert "La séance est annulée" in page


def test_another_centre_cannot_cancel_the_session(
    make_session, households, centre_user, other_centre_user, client_for
):
    session = make_session()
    sign_up(session, households(1), centre_user)
    response = client_for(other_centre_user).post(
        reverse("support:session_cancel", args=[session.pk]),
        {"reason": "Malveillance.", "expected": "1", "confirm": "1"},
    )
    assert response.status_code == 404
    session.refresh_from_db()
    assert not session.is_cancelled
    assert not session.registrations.filter(status=R.CANCELLED).exists()
