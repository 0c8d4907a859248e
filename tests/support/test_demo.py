"""The support part of the Brest demo tells the story of a session moved by its centre."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from neighborhoods.models import User
from support.models import Registration, WorkshopSession


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    out = io.StringIO()
    call_command("load_brest_demo", stdout=out)
    return out.getvalue()


def test_a_march_session_was_moved_by_the_centre_with_its_history(demo, client_for):
    assert "Séance du 23/03/2014 déplacée au 26/03/2014" in demo
    session = WorkshopSession.objects.get(
        neighbourhood__name="Kerourien", starts_at__date="2014-03-26"
    )
    assert not WorkshopSession.objects.filter(
        neighbourhood__name="Kerourien", starts_at__date="2014-03-23"
    ).exists()
    animateur = User.objects.get(username="animateur")
    moved, created = session.history.order_by("-history_id")[:2]
    assert moved.history_user == animateur
    assert created.starts_at.date().isoformat() == "2014-03-23"
    assert session.capacity == created.capacity + 2
    # The places added went to the waiting list, first come first served.
    promoted = session.registrations.filter(promoted_at=moved.history_date)
    waiting_before = promoted.count() + session.registrations.filter(status="waiting").count()
    assert promoted.count() == min(2, waiting_before)
    assert set(promoted.values_list("status", flat=True)) <= {Registration.Status.REGISTERED}
    # The centre's staff see who moved it on the session's page.
    page = client_for(animateur).get(reverse("support:session_detail", args=[session.pk]))
    text = " ".join(page.content.decode().split())
    assert (
        "Le 24/02/2014 10:00, par Malo Quéré : Début 23/03/2014 09:30 → 26/03/2014 09:30 ;" in text
    )
    assert f"Places {created.capacity} → {session.capacity}" in text
    # Loading again changes nothing.
    again = io.StringIO()
    call_command("load_brest_demo", stdout=again)
    assert "déplacée" not in again.getvalue()
    assert session.history.count() == 2


def test_each_demo_centre_has_a_calendar_feed_its_staff_read_on_their_page(demo, client_for):
    from django.test import Client

    from support.models import CentreCalendar

    animateur = User.objects.get(username="animateur")
    calendar = CentreCalendar.objects.get(centre=animateur.organisation)
    assert CentreCalendar.objects.count() == 3  # the three centres of the demo
    page = client_for(animateur).get(reverse("support:calendar_index"), follow=True)
    feed = reverse("support:calendar_feed", kwargs={"token": calendar.token})
    assert feed in page.content.decode()
    response = Client().get(feed)
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content
