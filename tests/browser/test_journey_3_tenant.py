"""Journey 3: a tenant votes online with the code of their letter, on a phone (375 px), with the
keyboard alone; the same code cannot vote twice. axe on every page and state reached."""

import datetime

from neighborhoods.models import Neighbourhood
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
    vote = services.roll_freeze(vote=vote, by=None)
    return vote, services.codes_generate(vote=vote, by=None)[0][1]


def _fill_ballot(page, code, choice_key=None):
    """From the top of the ballot page: Tab to the code, type it, Tab to the choices, choose."""
    tab_to(page, lambda f: f["id"] == "id_code")
    assert has_visible_focus(page)
    page.keyboard.type(code)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "choice"
    assert has_visible_focus(page)
    if choice_key:
        page.keyboard.press(choice_key)
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

    # A mistyped code and no choice: the summary of errors takes the focus.
    _fill_ballot(page, "ABCD")
    press_enter(page)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    errors = page.inner_text("#erreurs")
    assert "Un code compte 12 caractères" in errors  # both errors at once
    assert "Choisissez oui, non ou blanc." in errors
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "journey3-ballot-errors-phone")

    # The summary's first link leads to the code, typed again in full; Tab, Space: "Oui".
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "A"
    page.keyboard.press("Enter")  # an in-page link: the focus moves to the field
    page.wait_for_function("document.activeElement.id === 'id_code'")
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    assert focused(page)["value"] == code
    page.keyboard.press("Tab")
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
    _fill_ballot(page, code, choice_key="Space")
    press_enter(page)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    assert "déjà servi" in page.inner_text("#erreurs")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    assert sum(vote.online_counts().values()) == 1
