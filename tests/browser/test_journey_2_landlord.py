"""Journey 2: landlord staff organise the count of a paper vote and bill a month of charges.

One staff member freezes the roll, signs in the voters and enters the count of the ballot box; a
second staff member of the same landlord types the same figures blind, a mismatch first; the
coordinator certifies. Then landlord staff run a month of charges and export it (which locks
their month). axe checks every page reached, errors included.
"""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

from neighborhoods.models import Neighbourhood, Organisation, User
from subscriptions.models import Charge, Offer, Tariff
from tests import factories as f
from votes.models import Vote

from .journeys import follow, iso, main_text, submit, today


def _setup(world, orgs):
    day = today()
    # The vote's neighbourhood: its three dwellings are occupied.
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.VOTE)
    for dwelling in world.dwellings[1:]:
        f.OccupancyFactory(dwelling=dwelling)
    vote = Vote.objects.create(
        neighbourhood=world.nbh,
        method=Vote.Method.PAPER,
        roll_date=day,
        opens_on=day,
        closes_on=day,
    )
    # Another neighbourhood of the same landlord, running since 2012: its charges are billed.
    running = f.NeighbourhoodFactory(
        name="Keredern de test",
        landlord=orgs.landlord,
        centre=orgs.centre,
        stage=Neighbourhood.Stage.RUNNING,
        launched_on=datetime.date(2012, 4, 1),
    )
    f.DwellingFactory.create_batch(4, neighbourhood=running)
    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1))
    return vote, running


def _fill(form, yes, no, blank, spoiled):
    for label, value in (("Oui", yes), ("Non", no), ("Blancs", blank), ("Nuls", spoiled)):
        form.get_by_label(label).fill(str(value))


def test_landlord_staff_count_a_paper_vote_and_bill_a_month(
    page,
    page_at,
    login,
    assert_accessible,
    screenshot,
    world,
    orgs,
    landlord_user,
    coordinator,
    settings,
):
    # No worker beside a browser test: the charge run's job runs in the request, as on a laptop
    # (the queued path, with a worker, is tested in tests/subscriptions/test_charge_jobs.py).
    settings.JOBS_INLINE = True
    vote, running = _setup(world, orgs)
    colleague = f.UserFactory(
        username="bailleur-2", organisation=orgs.landlord, role=User.Role.LANDLORD
    )
    references = "\n".join(d.reference for d in world.dwellings)

    # First staff member: the vote list, the vote, the roll, the sign-in, the first entry.
    login(page, landlord_user)
    assert_accessible(page)
    page.goto(page.base_url + "/votes/")
    assert_accessible(page)
    follow(page, world.nbh.name)
    assert_accessible(page)
    submit(page, "Arrêter la liste électorale")
    assert "3 logements occupés" in main_text(page)
    assert_accessible(page)
    sign_in_form = page.locator("form", has_text="Émarger des logements")
    sign_in_form.get_by_label("Bureau de vote ou lot").fill("Bureau 1 – centre social")
    page.get_by_label("Références des logements qui ont voté").fill("INCONNU-9")
    submit(page, "Enregistrer l'émargement")
    assert "Ligne 1 : « INCONNU-9 » n'est pas sur la liste électorale." in main_text(page)
    assert_accessible(page)
    page.get_by_label("Références des logements qui ont voté").fill(references)
    submit(page, "Enregistrer l'émargement")
    count = page.locator("form", has_text="Saisir ou corriger un dépouillement")
    count.get_by_label("Bureau de vote ou lot").fill("Bureau 1 – centre social")
    _fill(count, 2, 0, 1, 0)
    submit(page, "Enregistrer la première saisie")
    assert_accessible(page)
    screenshot(page, "journey2-vote-first-entry")

    # Second staff member, in another browser: a typing slip first (refused), then the figures.
    second = page_at(1280)
    login(second, colleague)
    second.goto(page.base_url + vote.get_absolute_url())
    assert "masqué jusqu'à la seconde saisie" in main_text(second)
    assert_accessible(second)
    form = second.locator("form", has_text="Seconde saisie")
    _fill(form, 1, 1, 1, 0)
    submit(second, "Confirmer ce dépouillement", scope=form)
    assert "ne concordent pas" in main_text(second)
    assert_accessible(second)
    # The first staff member sees the mismatch (the figures stay hidden from the second).
    page.reload()
    assert vote.paper_counts.get().get_status_display() in main_text(page)
    assert_accessible(page)
    # The second staff member recounts the ballots and confirms.
    form = second.locator("form", has_text="Seconde saisie")
    _fill(form, 2, 0, 1, 0)
    submit(second, "Confirmer ce dépouillement", scope=form)
    assert_accessible(second)
    assert vote.paper_counts.get().status == "confirmed"

    # The coordinator certifies.
    coordination = page_at(1280)
    login(coordination, coordinator)
    coordination.goto(page.base_url + vote.get_absolute_url())
    assert "Résultat provisoire" in main_text(coordination)
    assert_accessible(coordination)
    submit(coordination, "Certifier le résultat")
    assert_accessible(coordination)  # the confirmation page: what will be certified
    submit(coordination, "Confirmer la certification")
    assert "Projet adopté" in main_text(coordination)
    assert_accessible(coordination)
    vote.refresh_from_db()
    assert (vote.status, vote.yes_count, vote.no_count, vote.blank_count) == ("certified", 2, 0, 1)

    # Back to the first staff member: last month's charges, refused for a future month first.
    last_month = (today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    page.goto(page.base_url + "/abonnements/charges/")
    assert_accessible(page)
    page.get_by_label("Mois (AAAA-MM)").fill("2099-01")
    submit(page, "Générer les charges du mois")
    assert "n'a pas commencé" in main_text(page)
    assert_accessible(page)
    page.get_by_label("Mois (AAAA-MM)").fill(iso(last_month)[:7])
    submit(page, "Générer les charges du mois")
    # The run is a job: its page says what it did, then leads to the month's page.
    assert "4 lignes ajoutées, 4,00 €." in main_text(page)
    assert Charge.objects.filter(month=last_month).count() == 4
    assert_accessible(page)
    follow(page, "Voir le mois facturé")
    assert "Récapitulatif par quartier" in main_text(page)
    assert running.name in main_text(page)
    assert_accessible(page)
    # The export locks the month: it is confirmed on a summary page first (RGAA 11.12).
    follow(page, "Exporter et verrouiller le mois (CSV)")
    assert "Cette action est définitive" in main_text(page)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Confirmer : exporter et verrouiller le mois").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    assert len(rows) == 1 + 4, rows[:2]
    page.reload()
    assert "est déjà exporté" in main_text(page)
    assert_accessible(page)
    follow(page, "Revenir au mois")
    assert "exporté le" in main_text(page)
    assert_accessible(page)
    screenshot(page, "journey2-charges-month")
    # The list of months says it is exported (locked) for this landlord.
    page.goto(page.base_url + "/abonnements/charges/")
    assert_accessible(page)
