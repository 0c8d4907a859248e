"""The coordinators' account pages and the forgotten-password page in a browser: accessible."""

from django.core import mail
from playwright.sync_api import expect

from neighborhoods.models import User


def test_coordinator_creates_an_account_with_the_keyboard_and_mouse(
    page, login, assert_accessible, coordinator, orgs, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    login(page, coordinator)
    page.get_by_role("button", name="Pilotage").click()
    page.get_by_role("link", name="Comptes").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Comptes"
    assert_accessible(page)
    page.get_by_role("link", name="Créer un compte").click()
    page.locator("#id_first_name").fill("Nolwenn")
    page.locator("#id_last_name").fill("Riou")
    page.locator("#id_email").fill("nolwenn@centre.example")
    page.locator("#id_role").select_option(label="Centre social")
    page.locator("#id_organisation").select_option(label=str(orgs.landlord))
    page.get_by_role("button", name="Créer et envoyer l'invitation").click()
    assert "appartient à un centre social" in page.inner_text("main")
    assert_accessible(page)
    page.locator("#id_organisation").select_option(label=str(orgs.centre))
    page.get_by_role("button", name="Créer et envoyer l'invitation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Nolwenn Riou"
    assert User.objects.filter(email="nolwenn@centre.example").exists()
    assert_accessible(page)
    page.get_by_role("button", name="Désactiver").click()
    assert "Compte désactivé" in page.inner_text("main")
    assert len(mail.outbox) == 1


def test_the_forgotten_password_pages_are_accessible(page, live_server, assert_accessible, db):
    page.goto(live_server.url + "/comptes/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert_accessible(page)
    page.locator("#id_email").fill("personne@nulle-part.example")
    page.get_by_role("button", name="Recevoir un lien").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifiez votre messagerie"
    assert_accessible(page)


def test_the_two_factor_enrolment_page_is_accessible(
    page, login, assert_accessible, coordinator, settings
):
    settings.TWO_FACTOR_REQUIRED = True
    login(page, coordinator)
    assert page.get_by_role("heading", level=1).inner_text() == "Double authentification"
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_code").fill("12")
    page.get_by_role("button", name="Valider").click()
    assert "Le code a 6 chiffres." in page.inner_text("main")
    assert_accessible(page)
