"""Data protection: the notice, a household's export, anonymisation, the retention command."""

import datetime
import html
import json

import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from brest_internet.programme import gdpr
from neighborhoods.models import Household, Occupancy, User
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_notice_lists_what_is_kept_and_why_to_anyone(client):
    page = client.get(reverse("gdpr:notice")).content.decode()
    assert "Nom du foyer" in page
    assert "Participation au vote" in page
    assert "24 mois" in page


def test_export_gives_the_household_and_its_records(client_for, coordinator, world):
    response = client_for(coordinator).get(
        reverse("gdpr:household_export", kwargs={"pk": world.household.pk})
    )
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["foyer"]["nom"] == "Famille Le Goff"
    assert data["neighborhoods.Occupancy"][0]["dwelling_id"] == world.dwelling.pk


def test_anonymisation_removes_names_contacts_and_history(client_for, coordinator, world):
    household = world.household
    household.phone = "02 98 00 00 01"
    household.save()
    response = client_for(coordinator).post(
        reverse("gdpr:household_anonymise", kwargs={"pk": household.pk}), {"confirm": "yes"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.name == f"Foyer anonymisé n° {household.pk}"
    assert household.phone == ""
    assert household.anonymised_at is not None
    assert not Household.history.filter(name__contains="Le Goff").exists()
    # The household still occupies its dwelling: counts and charges do not move.
    assert Occupancy.objects.filter(household=household, moved_out__isnull=True).count() == 1


def test_anonymisation_needs_the_confirmation_box(client_for, coordinator, world):
    client_for(coordinator).post(
        reverse("gdpr:household_anonymise", kwargs={"pk": world.household.pk})
    )
    world.household.refresh_from_db()
    assert world.household.name == "Famille Le Goff"


def test_anonymising_twice_is_refused_with_a_message(client_for, coordinator, world):
    client = client_for(coordinator)
    url = reverse("gdpr:household_anonymise", kwargs={"pk": world.household.pk})
    client.post(url, {"confirm": "yes"})
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "déjà anonymisé" in response.content.decode()


def test_free_text_about_a_household_is_anonymised_too(world, coordinator):
    from support.models import AdviceRequest

    fields = {f.name for f in AdviceRequest._meta.get_fields()}
    request = AdviceRequest.objects.create(
        household=world.household,
        neighbourhood=world.nbh,
        association=world.orgs.association,
        topic=AdviceRequest.Topic.choices[0][0],
        question="Mme Le Goff, 06 11 22 33 44, veut résilier",
        **({"created_by": coordinator} if "created_by" in fields else {}),
    )
    gdpr.household_anonymise(household=world.household, by=User.objects.system())
    request.refresh_from_db()
    assert request.question == gdpr.ANONYMOUS_TEXT
    assert not AdviceRequest.history.filter(question__contains="Le Goff").exists()


def test_every_free_text_linked_to_a_household_is_classified():
    """A new text field on a household's record must be declared personal or not."""
    unclassified = []
    for model, _field in gdpr.household_links():
        label = model._meta.label
        for field in model._meta.concrete_fields:
            is_text = isinstance(field, models.TextField) or (
                isinstance(field, models.CharField) and not field.choices
            )
            if not is_text:
                continue
            if field.name in gdpr.PERSONAL_TEXT.get(label, []):
                continue
            if field.name in gdpr.NOT_PERSONAL.get(label, []):
                continue
            unclassified.append(f"{label}.{field.name}")
    assert not unclassified, f"classify these in brest_internet/programme/gdpr.py: {unclassified}"


def test_retention_command_anonymises_only_households_gone_long_enough(world):
    gone_long_ago = f.HouseholdFactory(name="Famille Partie")
    f.OccupancyFactory(
        household=gone_long_ago,
        dwelling=world.dwellings[1],
        moved_in=datetime.date(2005, 1, 1),
        moved_out=datetime.date(2010, 1, 1),
    )
    gone_recently = f.HouseholdFactory(name="Famille Récente")
    f.OccupancyFactory(
        household=gone_recently,
        dwelling=world.dwellings[2],
        moved_in=datetime.date(2005, 1, 1),
        moved_out=datetime.date.today() - datetime.timedelta(days=30),
    )
    call_command("anonymise_departed_households", stdout=open("/dev/null", "w"))  # noqa: SIM115
    gone_long_ago.refresh_from_db()
    gone_recently.refresh_from_db()
    world.household.refresh_from_db()
    assert gone_long_ago.anonymised_at is not None
    assert gone_recently.anonymised_at is None
    assert world.household.anonymised_at is None  # still living there


def test_the_household_list_keeps_its_queries_constant(
    client_for, coordinator, world, django_assert_max_num_queries
):
    client = client_for(coordinator)
    f.HouseholdFactory.create_batch(3)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("gdpr:households"))
    f.HouseholdFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("gdpr:households"))


def test_the_notice_says_what_each_role_sees_and_for_how_long(client, settings):
    settings.GDPR_RETENTION_MONTHS = 18
    settings.REGISTER_PREVIEW_HOURS = 6
    page = html.unescape(client.get(reverse("gdpr:notice")).content.decode())
    for role in (
        "La coordination du programme",
        "Le bailleur",
        "Le centre social",
        "L'association de locataires",
        "L'opérateur",
    ):
        assert role in page
    assert "Jusqu'à l'anonymisation du foyer, 18 mois après son départ" in page
    assert "24 mois" not in page
    assert "tant que la demande attend une réponse" in page
    assert "au plus tard 6 heures après son dépôt" in page
    assert "jamais le sens du vote" in page


def test_the_notices_durations_are_those_the_code_applies(world, settings):
    """The months and hours the page shows are the ones the daily job uses."""
    from django.utils import timezone

    from neighborhoods import register
    from neighborhoods.models import RegisterImport

    settings.GDPR_RETENTION_MONTHS = 18
    settings.REGISTER_PREVIEW_HOURS = 6
    occupancy = Occupancy.objects.get(household=world.household)
    occupancy.moved_out = timezone.localdate() - datetime.timedelta(days=19 * 31)
    occupancy.save(update_fields=["moved_out"])
    assert world.household in gdpr.departed_households()
    occupancy.moved_out = timezone.localdate() - datetime.timedelta(days=17 * 31)
    occupancy.save(update_fields=["moved_out"])
    assert world.household not in gdpr.departed_households()

    user = world.orgs.city.members.create(username="coordination-notice")
    pending = RegisterImport.objects.create(uploaded_by=user, filename="r.csv", content=b"x")
    assert register.register_imports_purge(now=timezone.now() + datetime.timedelta(hours=5)) == 0
    assert register.register_imports_purge(now=timezone.now() + datetime.timedelta(hours=7)) == 1
    pending.refresh_from_db()
    assert bytes(pending.content) == b""


@pytest.mark.django_db
def test_households_still_living_somewhere_are_left_out_by_an_anti_join(world):
    """The daily anonymisation's candidates: a household with a current occupancy is never
    one, found by NOT EXISTS (an anti-join), not NOT IN: at 1 000 000 dwellings PostgreSQL
    rescanned the NOT IN's million ids for every household (the count ran for more than
    twelve minutes; 0.3 s as an anti-join)."""
    from django.db import connection

    moved = f.HouseholdFactory(name="Famille partie")
    f.OccupancyFactory(
        household=moved,
        moved_in=datetime.date(2010, 1, 1),
        moved_out=datetime.date(2012, 1, 1),
    )
    departed = gdpr.departed_households()
    assert moved in departed
    assert world.household not in departed  # lives in its dwelling
    sql = str(departed.query)
    assert "NOT (EXISTS(" in sql
    assert " IN (SELECT" not in sql
    if connection.vendor == "postgresql":
        plan = departed.explain()
        assert "Anti Join" in plan and "SubPlan" not in plan
