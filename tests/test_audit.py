"""The audit trail: who changed which business record, when; coordinators only."""

import pytest
from django.urls import reverse

from neighborhoods import pipeline
from neighborhoods.models import Neighbourhood

pytestmark = pytest.mark.django_db


def test_a_stage_change_shows_in_the_journal_with_its_author(client_for, coordinator, world):
    client = client_for(coordinator)
    pipeline.advance(world.nbh, to_stage=Neighbourhood.Stage.PARTNERS, by=coordinator)
    world.dwelling.status = "vacant"
    world.dwelling.save()
    page = client.get(reverse("audit_log")).content.decode()
    assert world.nbh.name in page
    assert world.dwelling.reference in page
    assert "Modification" in page


def test_the_journal_filters_by_record_type_and_author(client_for, coordinator, world):
    client = client_for(coordinator)
    response = client.get(reverse("audit_log"), {"model": "neighborhoods.Dwelling"})
    page = response.content.decode()
    assert world.dwelling.reference in page
    assert world.household.name not in page
    response = client.get(reverse("audit_log"), {"user": "personne"})
    assert "Aucune modification ne correspond" in response.content.decode()


def test_the_journal_costs_the_same_queries_however_many_changes(
    client_for, coordinator, world, django_assert_max_num_queries
):
    from tests.factories import DwellingFactory

    client = client_for(coordinator)
    client.get(reverse("audit_log"))
    DwellingFactory.create_batch(3, neighbourhood=world.nbh)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("audit_log"))
    DwellingFactory.create_batch(60, neighbourhood=world.nbh)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("audit_log"))


def test_only_coordinators_read_the_journal(client_for, landlord_user, centre_user):
    for user in (landlord_user, centre_user):
        assert client_for(user).get(reverse("audit_log")).status_code == 403


def test_a_change_reads_as_a_sentence_at_the_local_time(client_for, coordinator, world):
    from datetime import UTC, datetime

    coordinator.first_name, coordinator.last_name = "Anne", "Le Bris"
    coordinator.save(update_fields=["first_name", "last_name"])
    world.nbh.name = "Kerourien"
    world.nbh._history_date = datetime(2026, 12, 1, 20, 14, 13, 224618, tzinfo=UTC)
    world.nbh._history_user = coordinator
    world.nbh.save()
    page = client_for(coordinator).get(
        reverse("audit_log"), {"model": "neighborhoods.Neighbourhood"}
    )
    html = page.content.decode()
    # 20:14 UTC is 21:14 in Brest in December.
    assert "Kerourien, modifié le 1 décembre 2026 à 21:14 par Anne Le Bris" in html
    assert "01/12/2026 21:14" in html
    assert " as of " not in html
    assert "+00:00" not in html


def test_a_change_without_author_reads_as_a_sentence(client_for, coordinator, world):
    from datetime import UTC, datetime

    world.dwelling.status = "vacant"
    world.dwelling._history_date = datetime(2026, 7, 14, 9, 5, tzinfo=UTC)
    world.dwelling.save()
    html = (
        client_for(coordinator)
        .get(reverse("audit_log"), {"model": "neighborhoods.Dwelling"})
        .content.decode()
    )
    # Summer time: UTC+2.
    assert f"{world.dwelling.reference}, modifié le 14 juillet 2026 à 11:05<" in html
