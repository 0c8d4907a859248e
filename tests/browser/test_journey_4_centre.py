"""Journey 4: centre staff at a launch half-day, on a tablet (768 px), with the keyboard alone.

They log in, open the half-day's desk, find a household, record its connection request, a
workshop sign-up and a €40 computer order in one go; after the workshop they mark the
household present. axe on every page and state reached (errors and "too early" included).
"""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from neighborhoods.models import Meeting, Neighbourhood
from subscriptions.models import Subscription
from support.models import (
    ComputerModel,
    ComputerOrder,
    Registration,
    WorkshopSession,
    WorkshopTopic,
)

from .journeys import (
    focused,
    has_visible_focus,
    main_text,
    no_horizontal_scroll,
    press_enter,
    tab_to,
)


def _launch_half_day(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.LAUNCH)
    soon = timezone.now() + datetime.timedelta(days=3)
    session = WorkshopSession.objects.create(
        topic=WorkshopTopic.objects.create(name="Premiers pas sur internet"),
        centre=world.orgs.centre,
        neighbourhood=world.nbh,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
        facilitator="Malo Quéré",
        capacity=8,
    )
    half_day = Meeting.objects.create(
        neighbourhood=world.nbh,
        kind=Meeting.Kind.LAUNCH,
        held_on=timezone.localdate(),
        place="Maison pour tous",
    )
    ComputerModel.objects.create(name="Fixe reconditionné", price=40, stock=5)
    ComputerModel.objects.create(name="Portable reconditionné", price=70, stock=2)
    return half_day, session


def test_centre_staff_at_a_launch_half_day_on_a_tablet_with_the_keyboard_alone(
    page_at, assert_accessible, screenshot, world, centre_user
):
    half_day, session = _launch_half_day(world)
    page = page_at(768, 1024)

    # Log in with the keyboard.
    page.goto(page.base_url + "/comptes/connexion/")
    assert_accessible(page)
    tab_to(page, lambda f: f["name"] == "username")
    assert has_visible_focus(page)
    page.keyboard.type(centre_user.username)
    page.keyboard.press("Tab")
    page.keyboard.type("motdepasse-de-test")
    press_enter(page)
    assert_accessible(page)  # the centre's home

    # The list of half-days, then the desk of today's half-day (Tab to its link, Enter).
    page.goto(page.base_url + "/accompagnement/demi-journees/")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    tab_to(page, lambda f: f["tag"] == "A" and f.get("href", "").endswith(f"/{half_day.pk}/"))
    press_enter(page)
    assert no_horizontal_scroll(page)
    assert_accessible(page)

    # An empty submission first: the error is announced, the page stays accessible.
    tab_to(page, lambda f: f["type"] == "submit" and "Enregistrer" in f["text"], limit=80)
    press_enter(page)
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page)

    # Tab to the search, type, Enter; Space chooses the household found.
    tab_to(page, lambda f: f["id"] == "q")
    page.keyboard.type("Le Goff")
    press_enter(page)
    page.wait_for_function("document.activeElement.name === 'household'")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "connection")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "sessions")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "computer")
    page.keyboard.press("ArrowDown")  # from "no computer" to the €40 one
    tab_to(page, lambda f: f["type"] == "submit" and "Enregistrer" in f["text"])
    assert has_visible_focus(page)
    press_enter(page)
    assert "Famille Le Goff" in page.inner_text(".messages")
    assert Subscription.objects.filter(half_day=half_day, household=world.household).count() == 1
    assert Registration.objects.get(half_day=half_day).session == session
    assert ComputerOrder.objects.get(half_day=half_day).price == 40
    assert "1 demande de connexion" in " ".join(page.inner_text(".half-day-totals").split())
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "journey4-half-day-desk-768")

    # Before the workshop, attendance cannot be marked yet: the page says so.
    attendance = page.base_url + f"/accompagnement/ateliers/{session.pk}/presences/"
    page.goto(attendance)
    assert "La séance n'a pas encore eu lieu" in main_text(page)
    assert_accessible(page)

    # Three days later the workshop took place: present (ArrowDown on the select), Enter.
    past = timezone.now() - datetime.timedelta(hours=3)
    WorkshopSession.objects.filter(pk=session.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    page.goto(attendance)
    assert_accessible(page)
    tab_to(page, lambda f: f["tag"] == "SELECT")
    assert has_visible_focus(page)
    page.keyboard.press("ArrowDown")  # "Non renseignée" → "Présent"
    assert focused(page)["value"] == "attended"
    tab_to(page, lambda f: f["type"] == "submit")
    press_enter(page)
    assert "1 présence enregistrée." in main_text(page)
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    registration = Registration.objects.get(half_day=half_day)
    assert registration.attendance == Registration.Attendance.ATTENDED
