"""The neighbourhoods' pages in a real browser: they work and pass axe (WCAG 2.1 AA)."""

import datetime

from playwright.sync_api import expect

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
    # A column outside the register is named on the preview; the preview can be abandoned.
    extra = tmp_path / "avec-naissance.csv"
    extra.write_bytes(
        "Référence;Quartier;Adresse;Statut;date de naissance\n"
        "KRR-B01-E1-0998;Kerourien de test;1 rue de Kerourien;vacant;12/03/1941\n".encode()
    )
    page.get_by_label("Fichier du registre (CSV ou XLSX)").set_input_files(str(extra))
    page.get_by_role("button", name="Vérifier le fichier (aperçu)").click()
    page.wait_for_load_state()
    assert "Colonnes ignorées : date de naissance." in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("button", name="Abandonner cet aperçu").click()
    page.wait_for_load_state()
    assert "Aperçu abandonné" in page.inner_text("main")
    assert_accessible(page)


def test_list_and_detail_on_a_phone_for_a_centre(
    page_at, login, assert_accessible, world, centre_user
):
    page = page_at(375)
    login(page, centre_user)
    page.goto(page.base_url + f"/quartiers/{world.nbh.slug}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.get_by_role("button", name="Proposer aux partenaires").count() == 0
    assert_accessible(page)


def test_keeping_the_register_day_to_day_is_accessible(
    page, login, assert_accessible, screenshot, world, landlord_user
):
    """Landlord staff: the register, a dwelling, a move-in (refused, then recorded), a
    move-out, a status change and a correction, each page passing axe."""
    from neighborhoods.models import Dwelling

    vacant = f.DwellingFactory(
        neighbourhood=world.nbh, reference="KRR-B09-E1-0900", status=Dwelling.Status.VACANT
    )
    login(page, landlord_user)
    page.goto(page.base_url + f"/quartiers/{world.nbh.slug}/")
    page.get_by_role("link", name="Tenir le registre : entrées, sorties, statuts").click()
    page.wait_for_load_state()
    assert "Registre des logements – Kerourien de test" in page.inner_text("h1")
    assert_accessible(page)

    page.get_by_label("Statut").select_option("vacant")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "1 logement" in page.inner_text("caption")
    assert_accessible(page)

    page.get_by_role("link", name="KRR-B09-E1-0900").click()
    page.wait_for_load_state()
    assert_accessible(page)

    page.get_by_role("link", name="Enregistrer l'entrée d'un foyer").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Nom du foyer").fill("Famille Kerjean")
    page.get_by_label("Téléphone (facultatif)").fill("02 98 00 00 01")
    page.get_by_label("Courriel (facultatif)").fill("kerjean@example.org")
    page.get_by_label("Entrée dans les lieux le").fill("2014-02-10")
    page.get_by_role("button", name="Enregistrer l'entrée").click()
    page.wait_for_load_state()
    assert "Un seul moyen de contact" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Courriel (facultatif)").fill("")
    page.get_by_role("button", name="Enregistrer l'entrée").click()
    page.wait_for_load_state()
    assert "Entrée du foyer Famille Kerjean le 10/02/2014 enregistrée" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "register-dwelling")

    page.get_by_role("link", name="Enregistrer la sortie du foyer").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Sortie le").fill("2014-02-20")
    page.get_by_role("button", name="Enregistrer la sortie").click()
    page.wait_for_load_state()
    assert "Le logement est vacant." in page.inner_text("main")

    page.get_by_role("link", name="Changer le statut").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Nouveau statut").select_option("out_of_service")
    page.get_by_label("Motif (facultatif)").fill("Dégât des eaux")
    page.get_by_role("button", name="Changer le statut").click()
    page.wait_for_load_state()
    assert "statut « Hors service »" in page.inner_text("main")

    page.get_by_role("link", name="Corriger les dates – Famille Kerjean").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Sortie le").fill("2014-02-18")
    page.get_by_label("Motif de la correction").fill("Date de l'état des lieux")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.wait_for_load_state()
    assert "Correction : Date de l'état des lieux" in page.inner_text("main")
    assert_accessible(page)
    vacant.refresh_from_db()
    assert vacant.status == Dwelling.Status.OUT_OF_SERVICE


def test_the_register_on_a_phone(page_at, login, assert_accessible, world, coordinator):
    page = page_at(375)
    login(page, coordinator)
    page.goto(page.base_url + f"/quartiers/{world.nbh.slug}/registre/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.goto(page.base_url + f"/quartiers/{world.nbh.slug}/registre/{world.dwelling.pk}/")
    assert "Famille Le Goff" in page.inner_text("main")
    assert_accessible(page)


def test_date_correction_pages_are_accessible(page, login, assert_accessible, world, coordinator):
    f.MeetingFactory(neighbourhood=world.nbh, kind=Meeting.Kind.PUBLIC)
    login(page, coordinator)
    page.goto(page.base_url + world.nbh.get_absolute_url())
    page.get_by_role("link", name="corriger la date de l'étape « Candidat »").click()
    page.wait_for_load_state()
    assert_accessible(page)
    # Refused (a date in the future): the page says why, keeps the reason, still passes axe.
    page.get_by_label("Date corrigée").fill("2031-01-01")
    page.get_by_label("Motif de la correction").fill("Année mal saisie")
    page.get_by_role("button", name="Corriger la date").click()
    page.wait_for_load_state()
    assert "est dans le futur" in page.inner_text("main")
    assert page.get_by_label("Motif de la correction").input_value() == "Année mal saisie"
    assert_accessible(page)
    page.get_by_label("Date corrigée").fill("2012-12-01")
    page.get_by_role("button", name="Corriger la date").click()
    page.wait_for_load_state()
    assert "Date corrigée du 1 janvier 2013 au 1 décembre 2012" in page.inner_text("main")
    assert_accessible(page)

    page.get_by_role("link", name="corriger la date Réunion publique").first.click()
    page.wait_for_load_state()
    assert "Réunion publique, enregistrée au 1 octobre 2013." in page.inner_text("main")
    assert_accessible(page)
