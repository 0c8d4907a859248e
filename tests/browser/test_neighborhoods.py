"""The neighbourhoods' pages in a real browser: they work and pass axe (WCAG 2.1 AA)."""

import datetime

from neighborhoods.models import Meeting
from tests import factories as f


def test_coordinator_pages_are_accessible(
    page, login, assert_accessible, screenshot, world, coordinator
):
    f.MeetingFactory(
        neighbourhood=world.nbh,
        kind=Meeting.Kind.ELECTED,
        held_on=datetime.date(2013, 2, 1),
        minutes="Les élus soutiennent le projet.",
    )
    login(page, coordinator)
    base = page.base_url + "/quartiers/"

    page.goto(base)
    assert page.get_by_role("heading", level=1).inner_text() == "Quartiers"
    assert_accessible(page)
    page.get_by_label("Étape").select_option("candidate")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "Kerourien de test" in page.inner_text("main")
    assert_accessible(page)

    page.get_by_role("link", name="Kerourien de test").click()
    page.wait_for_load_state()
    assert_accessible(page)
    screenshot(page, "neighbourhood-detail")

    # A refused stop (no reason): the message is shown, the page still passes axe.
    page.locator("summary", has_text="Arrêter le processus").click()
    page.get_by_role("button", name="Arrêter").click()
    page.wait_for_load_state()
    # The browser's own validation keeps the empty reason from being sent.
    assert "Candidat" in page.inner_text("h1")

    page.get_by_role("button", name="Proposer aux partenaires").click()
    page.wait_for_load_state()
    assert "Rencontre des partenaires" in page.inner_text("h1")
    assert_accessible(page)

    page.goto(base + "entonnoir/")
    assert_accessible(page)


def test_meeting_form_with_errors_is_accessible(page, login, assert_accessible, world, coordinator):
    login(page, coordinator)
    page.goto(page.base_url + f"/quartiers/{world.nbh.slug}/reunions/nouvelle/")
    assert_accessible(page)
    page.get_by_label("Type").select_option("public")
    page.get_by_label("Date").fill("2013-11-05")
    page.get_by_label("Décision").select_option("validated")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "Seule une rencontre des partenaires porte une décision." in page.inner_text("main")
    assert_accessible(page)


def test_register_pages_are_accessible(
    page, login, assert_accessible, tmp_path, world, landlord_user
):
    login(page, landlord_user)
    page.goto(page.base_url + "/quartiers/registre/import/")
    assert_accessible(page)
    bad = tmp_path / "registre.csv"
    bad.write_bytes("Référence;Quartier;Adresse;Bâtiment;Entrée;Statut\n;Nulle part;;;;\n".encode())
    page.get_by_label("Fichier du registre (CSV ou XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()
    assert "Le fichier est refusé" in page.inner_text("main")
    assert_accessible(page)
    good = tmp_path / "bon.csv"
    good.write_bytes(
        "Référence;Quartier;Adresse;Bâtiment;Entrée;Statut\n"
        "KRR-B01-E1-0999;Kerourien de test;1 rue de Kerourien;B01;E1;occupé\n".encode("cp1252")
    )
    page.get_by_label("Fichier du registre (CSV ou XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_load_state()
    assert "Registre importé. Logements ajoutés : 1 ; mis à jour : 0." in page.inner_text("main")
    assert_accessible(page)


def test_list_and_detail_on_a_phone_for_a_centre(
    page_at, login, assert_accessible, world, centre_user
):
    page = page_at(375)
    login(page, centre_user)
    page.goto(page.base_url + f"/quartiers/{world.nbh.slug}/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("button", name="Proposer aux partenaires").count() == 0
    assert_accessible(page)
