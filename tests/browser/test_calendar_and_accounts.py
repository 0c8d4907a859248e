"""The pages added for issue 16 in a browser: a centre's agenda page (address, renewal, contact)
and the account page's new buttons, with the keyboard, axe-checked, and at 320 px."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from support.calendar import calendar_token_regenerate
from support.models import CentreCalendar


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_centre_staff_renew_their_agenda_address_with_the_keyboard(
    page, login, assert_accessible, centre_user, orgs
):
    login(page, centre_user)
    page.goto(page.base_url + "/accompagnement/agenda/")
    assert "pas encore d'adresse" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Créer l'adresse de l'agenda").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#feed-url")
    first = page.inner_text("#feed-url")
    assert first.endswith(CentreCalendar.objects.get(centre=orgs.centre).token + ".ics")
    assert_accessible(page)
    page.get_by_role("button", name="Créer une nouvelle adresse").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=l'ancienne ne fonctionne plus")
    assert page.inner_text("#feed-url") != first
    page.locator("#id_contact").fill("02 98 00 00 00")
    page.get_by_role("button", name="Enregistrer le contact").click()
    assert "Le contact imprimé dans les fichiers d'agenda a changé." in page.inner_text("main")
    assert CentreCalendar.objects.get(centre=orgs.centre).contact == "02 98 00 00 00"
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert no_horizontal_scroll(page)


def test_the_account_page_with_its_new_buttons_is_accessible(
    page, login, assert_accessible, coordinator, landlord_user, orgs
):
    TOTPDevice.objects.create(user=landlord_user, name="TOTP", confirmed=True)
    calendar_token_regenerate(centre=orgs.centre, by=coordinator)
    login(page, coordinator)
    base = page.base_url
    page.goto(f"{base}/comptes/gestion/{landlord_user.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Réinitialiser la double authentification").click()
    assert "est réinitialisée" in page.inner_text("main")
    assert "Double authentification réinitialisée" in page.inner_text("main")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert no_horizontal_scroll(page)
    page.goto(f"{base}/accompagnement/agenda/")
    assert_accessible(page)
    page.get_by_role("link", name=str(orgs.centre.name)).click()
    assert_accessible(page)
    assert no_horizontal_scroll(page)
