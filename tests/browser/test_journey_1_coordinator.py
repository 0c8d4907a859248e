"""Journey 1: a coordinator takes a new neighbourhood from candidate to running, then reviews it.

Through the real pages only: the "Nouveau quartier" form, the pipeline buttons, the meetings,
the register import (a semicolon CSV in Windows-1252 with French headers: preview, then confirm),
the vote (set-up, roll, sign-in, double-entered count with landlord staff, certification), the
launch and the review. axe checks every page reached, forms with errors included.
"""

import datetime

from playwright.sync_api import expect

from neighborhoods.models import Dwelling, Neighbourhood, Occupancy
from tests import factories as f

from .journeys import follow, iso, main_text, submit, today

NAME = "Quéliverzan de test"
REGISTER = (
    "Référence;Quartier;Adresse;Bâtiment;Entrée;Statut\n"
    f"QLV-A1-01;{NAME};2 rue de Quéliverzan;A1;1;occupé\n"
    f"QLV-A1-02;{NAME};2 rue de Quéliverzan;A1;1;occupé\n"
    f"QLV-A1-03;{NAME};2 rue de Quéliverzan;A1;2;occupé\n"
    f"QLV-A1-04;{NAME};2 rue de Quéliverzan;A1;2;vacant\n"
)


def test_coordinator_takes_a_neighbourhood_from_candidate_to_running(
    page,
    page_at,
    login,
    assert_accessible,
    screenshot,
    tmp_path,
    orgs,
    coordinator,
    landlord_user,
):
    day = today()
    partner = f.OrganisationFactory(name="Régie de quartier de test")
    taken = f.NeighbourhoodFactory(name="Kerbernier de test", landlord=orgs.landlord)
    login(page, coordinator)
    assert_accessible(page)  # the coordinator's home

    # 1. A new candidate, refused first (a name already taken), then created.
    page.goto(page.base_url + "/quartiers/")
    assert_accessible(page)
    follow(page, "Nouveau quartier")
    assert_accessible(page)
    page.get_by_label("Nom").fill(taken.name)
    page.get_by_label("Bailleur").select_option(label=orgs.landlord.name)
    submit(page, "Créer le quartier candidat")
    assert "Corrigez les erreurs ci-dessous." in main_text(page)
    assert "existe déjà" in main_text(page)
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nom").fill(NAME)
    page.get_by_label("Bailleur").select_option(label=orgs.landlord.name)
    page.get_by_label("Centre qui porte l'accompagnement").select_option(label=orgs.centre.name)
    page.get_by_label("Année prévue").fill(str(day.year))
    page.get_by_label("Logements annoncés").fill("4")
    page.get_by_label(str(orgs.association), exact=True).check()
    page.get_by_label(partner.name).check()
    screenshot(page, "journey1-new-neighbourhood")
    submit(page, "Créer le quartier candidat")
    assert "Quartier candidat créé" in main_text(page)
    nbh = Neighbourhood.objects.get(name=NAME)
    assert nbh.stage == Neighbourhood.Stage.CANDIDATE
    assert_accessible(page)

    # 2. Partner meeting, validated; then residents are informed.
    submit(page, "Proposer aux partenaires")
    assert "Rencontre des partenaires" in page.inner_text("h1")
    follow(page, "Ajouter une réunion")
    assert_accessible(page)
    page.get_by_label("Type").select_option("partners")
    page.get_by_label("Date").fill(iso(day))
    page.get_by_label("Lieu").fill("Maison pour tous")
    page.get_by_label("Décision").select_option("validated")
    page.get_by_label(partner.name).check()
    submit(page, "Enregistrer")
    assert "Réunion enregistrée." in main_text(page)
    assert_accessible(page)
    submit(page, "Informer les habitants")
    assert "Information et réunion publique" in page.inner_text("h1")
    assert_accessible(page)

    # 3. The landlord's register, imported by the coordinator: preview, then confirm.
    register = tmp_path / "registre-queliverzan.csv"
    register.write_bytes(REGISTER.encode("cp1252"))
    page.goto(page.base_url + "/quartiers/registre/import/")
    page.get_by_label("Fichier du registre (CSV ou XLSX)").set_input_files(str(register))
    submit(page, "Vérifier le fichier (aperçu)")
    preview = main_text(page)
    assert "Logements ajoutés 4" in preview
    assert f"{NAME} 4" in preview  # Windows-1252 accents read right
    assert_accessible(page)
    screenshot(page, "journey1-register-preview")
    submit(page, "Confirmer l'import")
    assert "Registre importé. Logements ajoutés : 4 ; mis à jour : 0." in main_text(page)
    assert_accessible(page)
    assert Dwelling.objects.filter(neighbourhood=nbh).count() == 4
    # Who lives where comes from the landlord's rental system, not from a page of this app.
    since = day - datetime.timedelta(days=400)
    for dwelling in Dwelling.objects.filter(neighbourhood=nbh, status=Dwelling.Status.OCCUPIED):
        f.OccupancyFactory(dwelling=dwelling, moved_in=since)
    assert Occupancy.objects.filter(dwelling__neighbourhood=nbh).count() == 3

    # 4. The public meeting; the vote opens.
    page.goto(page.base_url + nbh.get_absolute_url())
    assert "une réunion publique tenue" in main_text(page)
    follow(page, "Ajouter une réunion")
    page.get_by_label("Type").select_option("public")
    page.get_by_label("Date").fill(iso(day))
    page.get_by_label("Lieu").fill("Salle de Quéliverzan")
    submit(page, "Enregistrer")
    submit(page, "Ouvrir le vote des locataires")
    assert "Vote des locataires" in page.inner_text("h1")
    assert_accessible(page)

    # 5. Vote set-up (a paper vote of one day), roll, sign-in, first entry of the count.
    page.goto(page.base_url + "/votes/nouveau/")
    page.get_by_label("Quartier").select_option(label=NAME)
    page.get_by_label("Modalité").select_option("paper")
    page.get_by_label("Date de la liste électorale").fill(iso(day))
    page.get_by_label("Ouverture du vote").fill(iso(day))
    page.get_by_label("Clôture du vote").fill(iso(day - datetime.timedelta(days=1)))
    submit(page, "Créer le vote")
    assert "La clôture ne peut précéder l'ouverture du vote." in main_text(page)
    assert_accessible(page)
    page.get_by_label("Clôture du vote").fill(iso(day))
    submit(page, "Créer le vote")
    assert "Vote créé." in main_text(page)
    assert_accessible(page)
    submit(page, "Arrêter la liste électorale")
    assert "3 logements occupés" in main_text(page)
    page.get_by_label("Références des logements qui ont voté").fill(
        "QLV-A1-01\nQLV-A1-02\nQLV-A1-03"
    )
    sign_in_form = page.locator("form", has_text="Émarger des logements")
    sign_in_form.get_by_label("Bureau de vote ou lot").fill("Bureau unique – MPT")
    submit(page, "Enregistrer l'émargement")
    count = page.locator("form", has_text="Saisir ou corriger un dépouillement")
    count.get_by_label("Bureau de vote ou lot").fill("Bureau unique – MPT")
    for label, value in (("Oui", "2"), ("Non", "1"), ("Blancs", "0"), ("Nuls", "0")):
        count.get_by_label(label).fill(value)
    submit(page, "Enregistrer la première saisie")
    assert "masqué" not in main_text(page)
    assert_accessible(page)
    vote_url = page.url

    # Landlord staff confirm the count in their own browser (a second person types it blind).
    landlord = page_at(1280)
    login(landlord, landlord_user)
    landlord.goto(vote_url)
    assert "masqué jusqu'à la seconde saisie" in main_text(landlord)
    form = landlord.locator("form", has_text="Seconde saisie")
    for label, value in (("Oui", "2"), ("Non", "1"), ("Blancs", "0"), ("Nuls", "0")):
        form.get_by_label(label, exact=True).fill(value)
    submit(landlord, "Confirmer ce dépouillement", scope=form)
    assert_accessible(landlord)

    # 6. Certification (adopted: the neighbourhood moves to the launch), then the launch.
    page.reload()
    assert "Résultat provisoire" in main_text(page)
    submit(page, "Certifier le résultat")
    assert_accessible(page)  # the confirmation page: what will be certified
    submit(page, "Confirmer la certification")
    assert "Projet adopté" in main_text(page)
    assert_accessible(page)
    page.goto(page.base_url + nbh.get_absolute_url())
    assert "Lancement" in page.inner_text("h1")
    submit(page, "Mettre le service en route")
    assert "En service" in page.inner_text("h1")
    assert_accessible(page)
    screenshot(page, "journey1-neighbourhood-running")
    nbh.refresh_from_db()
    assert (nbh.stage, nbh.launched_on) == (Neighbourhood.Stage.RUNNING, day)
    stages = list(nbh.stage_changes.order_by("id").values_list("to_stage", flat=True))
    assert stages == ["candidate", "partners", "information", "vote", "launch", "running"]

    # 7. Later, the review: its form refused empty, then saved and read.
    page.goto(page.base_url + f"/tableau-de-bord/bilans/nouveau/{nbh.slug}/")
    assert_accessible(page)
    submit(page, "Enregistrer le bilan")
    assert "Ce champ est obligatoire." in main_text(page)
    assert_accessible(page)
    page.get_by_label("Constats").fill("Trois logements sur quatre ont voté ; deux oui.")
    page.get_by_label("Suites à donner").fill("Un atelier de découverte le samedi matin.")
    submit(page, "Enregistrer le bilan")
    assert "Bilan enregistré." in main_text(page)
    assert_accessible(page)
