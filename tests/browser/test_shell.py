"""The login and home pages in a real browser: they work, in French, and pass axe."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations


def test_login_page_is_accessible(page, assert_accessible):
    page.goto(page.base_url + "/comptes/connexion/")
    assert page.title().startswith("Connexion")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)


def test_login_errors_are_accessible(page, assert_accessible, coordinator):
    page.goto(page.base_url + "/comptes/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(coordinator.username)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page.content()
    assert_accessible(page)


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("coordinator", "Vous coordonnez le programme"),
        ("landlord_user", "registre des logements"),
        ("centre_user", "Vous animez l'accompagnement"),
        ("association_user", "Vous représentez les locataires"),
    ],
)
def test_each_role_lands_on_its_french_home(
    page, login, assert_accessible, screenshot, request, persona, expected
):
    user = request.getfixturevalue(persona)
    login(page, user)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")
    assert expected in page.inner_text("main")
    assert_accessible(page)
    if persona == "coordinator":
        screenshot(page, "home-coordinator")


def test_skip_link_is_the_first_stop_of_the_keyboard(page, login, coordinator):
    login(page, coordinator)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#contenu"


def test_language_switcher_turns_the_page_to_english(page, login, coordinator):
    login(page, coordinator)
    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_axe_fails_on_an_unlabelled_field(page):
    """The check is real: a field without a label is reported."""
    page.goto(page.base_url + "/comptes/connexion/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<input type="text" name="orphan">\')'
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert "label" in ids


def test_menus_open_and_are_followed_with_the_keyboard(page, login, assert_accessible, coordinator):
    login(page, coordinator)
    menu = page.get_by_role("button", name="Accompagnement")
    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Ateliers"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/accompagnement/ateliers/")


def test_each_role_sees_only_its_menus(page, login, association_user):
    login(page, association_user)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("button", name="Votes")).to_be_visible()
    expect(nav.get_by_role("button", name="Accompagnement")).to_be_visible()
    assert nav.get_by_role("button", name="Pilotage").count() == 0
    assert nav.get_by_role("button", name="Abonnements").count() == 0


def _focused_text(page):
    return page.evaluate("document.activeElement.textContent").strip()


def test_session_warning_lets_the_user_stay_connected_with_the_keyboard(
    page, login, assert_accessible, screenshot, coordinator, settings
):
    """RGAA 13.1: before the idle timeout, an alert dialog with "Rester connecté" (focused);
    Enter keeps the session open past the time it would have closed."""
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_WARNING_SECONDS = 8
    login(page, coordinator)
    loaded = time.monotonic()
    dialog = page.get_by_role("alertdialog", name="Votre session va se fermer")
    dialog.wait_for(state="visible", timeout=10000)
    assert "Sans action de votre part" in dialog.inner_text()
    assert _focused_text(page) == "Rester connecté"
    assert_accessible(page)
    screenshot(page, "session-warning")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.locator("#session-status").inner_text() == "Votre session est prolongée."
    # Past the time the session would have closed without the button, it is still open.
    page.wait_for_timeout(max(0, (loaded + 13 - time.monotonic()) * 1000))
    page.goto(page.base_url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bonjour")


def test_without_an_answer_the_session_closes_and_says_so(
    page, login, assert_accessible, coordinator, settings
):
    settings.SESSION_COOKIE_AGE = 5
    settings.SESSION_WARNING_SECONDS = 3
    login(page, coordinator)
    page.get_by_role("alertdialog", name="Votre session va se fermer").wait_for(timeout=10000)
    closed = page.get_by_role("alertdialog", name="Votre session est fermée")
    closed.wait_for(timeout=10000)
    assert _focused_text(page) == "Se reconnecter"
    assert_accessible(page)
    page.goto(page.base_url + "/")
    assert "/comptes/connexion/" in page.url


def test_the_absolute_limit_is_announced_and_cannot_be_extended(
    page, login, assert_accessible, coordinator, settings
):
    settings.SESSION_MAX_HOURS = 30 / 3600  # 30 seconds after the login
    settings.SESSION_WARNING_SECONDS = 28
    login(page, coordinator)
    dialog = page.get_by_role("alertdialog", name="Votre session atteint sa durée maximale")
    dialog.wait_for(timeout=10000)
    assert "ne peut pas être prolongée" in dialog.inner_text()
    assert dialog.get_by_role("button", name="Rester connecté").count() == 0
    assert _focused_text(page) == "J'ai compris"
    assert_accessible(page)
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    # Dismissed, it does not come back before the session closes.
    page.wait_for_timeout(1500)
    expect(dialog).to_be_hidden()
