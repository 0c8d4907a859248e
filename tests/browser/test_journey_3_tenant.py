"""Journey 3: a tenant votes online with the code of their letter, on a phone (375 px), with the
keyboard alone; the same code cannot vote twice. axe on every page and state reached."""

import datetime

from neighborhoods.models import Neighbourhood, User
from tests.votes.factories import VoteFactory, occupied_dwellings
from votes import services
from votes.models import Vote

from .journeys import focused, has_visible_focus, no_horizontal_scroll, press_enter, tab_to, today


def _open_online_vote(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    occupied_dwellings(world.nbh, 5)
    vote = VoteFactory(
        neighbourhood=world.nbh,
        method=Vote.Method.MIXED,
        opens_on=today() - datetime.timedelta(days=1),
        closes_on=today() + datetime.timedelta(days=6),
    )
    vote = services.roll_freeze(vote=vote, by=User.objects.system())
    return vote, services.codes_generate(vote=vote, by=User.objects.system())[0][1]


def _type_code(page, code):
    """From the top of the ballot page: Tab to the code, type it, Tab to its button."""
    tab_to(page, lambda f: f["id"] == "id_code")
    assert has_visible_focus(page)
    page.keyboard.type(code)
    tab_to(page, lambda f: f["type"] == "submit")
    assert has_visible_focus(page)


def test_tenant_votes_on_a_phone_with_the_keyboard_and_cannot_vote_twice(
    page_at, assert_accessible, screenshot, world
):
    vote, code = _open_online_vote(world)
    page = page_at(375, 740)
    page.goto(page.base_url + "/votes/voter/")
    assert page.get_by_role("heading", level=1).inner_text() == "Voter en ligne"
    assert no_horizontal_scroll(page)
    assert_accessible(page)

    # A mistyped code: the summary of errors takes the focus.
    _type_code(page, "ABCD")
    press_enter(page)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    assert "Un code compte 12 caractères" in page.inner_text("#erreurs")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "journey3-ballot-errors-phone")

    # The summary's first link leads to the code, typed again in full.
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "A"
    page.keyboard.press("Enter")  # an in-page link: the focus moves to the field
    page.wait_for_function("document.activeElement.id === 'id_code'")
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    assert focused(page)["value"] == code
    tab_to(page, lambda f: f["type"] == "submit")
    press_enter(page)

    # The question first, in large type; the choice after it. Continue without one: the error.
    assert page.get_by_role("heading", level=1).inner_text() == "La question du vote"
    assert page.locator(".ballot-question").inner_text() == vote.question
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    tab_to(page, lambda f: f["type"] == "submit")
    press_enter(page)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    assert "Choisissez oui, non ou blanc." in page.inner_text("#erreurs")
    assert_accessible(page)
    tab_to(page, lambda f: f["name"] == "choice")
    assert has_visible_focus(page)
    page.keyboard.press("Space")
    assert page.get_by_role("radio", name="Oui").is_checked()
    tab_to(page, lambda f: f["type"] == "submit")
    press_enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer votre vote"
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "journey3-ballot-confirm-phone")

    # Confirm: the first button of the page's form.
    tab_to(page, lambda f: f["type"] == "submit" and "Je vote" in f["text"])
    assert has_visible_focus(page)
    press_enter(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Votre vote est enregistré"
    assert_accessible(page)
    assert sum(vote.online_counts().values()) == 1
    assert vote.participations.count() == 1

    # The same code again (another family member, the next day): refused, clearly.
    page.goto(page.base_url + "/votes/voter/")
    _type_code(page, code)
    press_enter(page)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    assert "déjà servi" in page.inner_text("#erreurs")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    assert sum(vote.online_counts().values()) == 1
