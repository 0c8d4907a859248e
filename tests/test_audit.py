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
