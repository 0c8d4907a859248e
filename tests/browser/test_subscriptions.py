"""Subscriptions and charges pages in a real browser: they work and pass axe, errors included."""

import datetime
from decimal import Decimal

from neighborhoods.models import Neighbourhood, Organisation, User
from subscriptions.models import Offer, Subscription, Tariff
from subscriptions.services import charges_generate
from tests import factories as f

D = datetime.date


def setup_running(world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=D(2012, 4, 1)
    )
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=D(2010, 1, 1))


def test_centre_records_a_request_and_sees_the_list(
    page, login, assert_accessible, world, centre_user
):
    setup_running(world)
    login(page, centre_user)
    page.goto(page.base_url + "/abonnements/nouvelle-demande/")
    assert_accessible(page)
    # Errors first: an unknown dwelling.
    page.get_by_label("Référence du logement").fill("INCONNU-1")
    page.get_by_role("button", name="Enregistrer la demande").click()
    assert "Aucun logement de référence" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Référence du logement").fill(world.dwelling.reference)
    page.get_by_label("Demande faite").select_option("centre")
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.wait_for_load_state()
    assert "Demande de connexion enregistrée" in page.inner_text("main")
    assert_accessible(page)
    page.goto(page.base_url + "/abonnements/")
    assert world.dwelling.reference in page.inner_text("main")
    assert_accessible(page)
    page.goto(page.base_url + "/abonnements/taux/")
    assert_accessible(page)


def test_landlord_moves_a_subscription_and_bills_a_month(
    page, login, assert_accessible, screenshot, world, landlord_user
):
    setup_running(world)
    sub = Subscription.objects.create(
        dwelling=world.dwelling,
        household=world.household,
        channel="phone",
        requested_on=D(2013, 1, 10),
    )
    charges_generate(month="2013-01", by=User.objects.system())
    login(page, landlord_user)
    page.goto(page.base_url + "/abonnements/")
    assert "Demandes à transmettre" in page.inner_text("main")
    assert_accessible(page)
    page.goto(page.base_url + f"/abonnements/{sub.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Marquer transmise").click()
    page.wait_for_load_state()
    assert "Transmis à l'opérateur" in page.inner_text("main")
    page.goto(page.base_url + "/abonnements/charges/")
    assert_accessible(page)
    page.get_by_label("Mois (AAAA-MM)").fill("2099-01")
    page.get_by_role("button", name="Générer les charges du mois").click()
    page.wait_for_load_state()
    assert "n'a pas commencé" in page.inner_text("main")
    assert_accessible(page)
    page.goto(page.base_url + "/abonnements/charges/2013-01/")
    assert "Récapitulatif par quartier" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "charges-month")
    page.goto(page.base_url + "/abonnements/charges/2013-01/ajustement/")
    page.get_by_role("button", name="Enregistrer l'ajustement").click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_coordinator_chooses_a_landlord_on_the_month_page(
    page, login, assert_accessible, world, coordinator
):
    setup_running(world)
    Neighbourhood.objects.filter(pk=world.other_nbh.pk).update(
        stage=Neighbourhood.Stage.RUNNING, launched_on=D(2012, 4, 1)
    )
    charges_generate(month="2013-01", by=User.objects.system())
    login(page, coordinator)
    page.goto(page.base_url + "/abonnements/charges/2013-01/")
    assert "État du mois par bailleur" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Bailleur", exact=True).select_option(str(world.nbh.landlord_id))
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert world.nbh.name in main
    assert world.other_nbh.landlord.name in main  # still listed in the landlords' states
    assert_accessible(page)
    page.goto(page.base_url + "/abonnements/charges/")
    assert_accessible(page)


def test_export_is_confirmed_before_it_locks_the_month(
    page, login, assert_accessible, world, landlord_user
):
    """RGAA 11.12: the month page leads to a summary; only its button exports and locks."""
    from subscriptions.models import LandlordMonth

    setup_running(world)
    charges_generate(month="2013-01", by=User.objects.system())
    login(page, landlord_user)
    page.goto(page.base_url + "/abonnements/charges/2013-01/")
    page.get_by_role("link", name="Exporter et verrouiller le mois (CSV)").click()
    page.wait_for_load_state()
    main = " ".join(page.inner_text("main").split())
    assert "Confirmer l'export des charges de janvier 2013" in main
    assert world.nbh.landlord.name in main
    assert "Cette action est définitive" in main
    assert_accessible(page)
    assert not LandlordMonth.objects.get(landlord=world.nbh.landlord).is_locked
    # Cancelling goes back to the month, nothing locked.
    page.get_by_role("link", name="Annuler et revenir au mois").click()
    page.wait_for_load_state()
    assert "Récapitulatif par quartier" in page.inner_text("main")
    assert not LandlordMonth.objects.get(landlord=world.nbh.landlord).is_locked
    page.go_back()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirmer : exporter et verrouiller le mois").click()
    assert download.value.suggested_filename.startswith("charges-2013-01-")
    assert LandlordMonth.objects.get(landlord=world.nbh.landlord).is_locked
    page.goto(page.base_url + "/abonnements/charges/2013-01/")
    assert "exporté le" in page.inner_text("main")
    assert_accessible(page)


def test_adjustments_after_the_export_leave_in_a_batch_of_their_own(
    page, login, assert_accessible, world, landlord_user
):
    """The locked month keeps its file (its SHA-256 shown); a later adjustment is exported,
    after a confirmation, in a batch of its own that the month page then lists."""
    import hashlib
    from pathlib import Path

    from subscriptions.models import ChargeExport
    from subscriptions.services import adjustment_create, charge_month_export

    setup_running(world)
    charges_generate(month="2013-01", by=User.objects.system())
    first = charge_month_export(month="2013-01", landlord=world.nbh.landlord, by=landlord_user)
    adjustment_create(
        month="2013-01",
        dwelling=world.dwelling,
        kind="credit",
        amount="0.50",
        reason="Logement muré",
        by=landlord_user,
    )
    login(page, landlord_user)
    page.goto(page.base_url + "/abonnements/charges/2013-01/")
    assert first.sha256 in page.inner_text("main")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Lot 1 : le mois").click()
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == first.sha256
    page.get_by_role("link", name="Exporter 1 ajustement saisi depuis l'export").click()
    page.wait_for_load_state()
    assert "1 ajustement n'est dans aucun fichier exporté" in " ".join(
        page.inner_text("main").split()
    )
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirmer : exporter les ajustements").click()
    assert "-ajustements-lot-2-" in download.value.suggested_filename
    assert ChargeExport.objects.count() == 2
    page.goto(page.base_url + "/abonnements/charges/2013-01/")
    assert "Lot 2 : ajustements" in page.inner_text("main")
    assert_accessible(page)
