"""A neighbourhood's name is unique up to case and accents: "KEROURIEN" or "Kérourien" beside
"Kerourien" would be the same neighbourhood twice, with its register split in two."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from neighborhoods.models import Neighbourhood, normalise_name
from tests import factories as f


def test_the_normalised_name_drops_case_accents_and_extra_spaces():
    assert normalise_name("  Valy-Hir ") == normalise_name("VALY-HÎR") == "valy-hir"
    assert normalise_name("Kérourien") == normalise_name("kerourien")
    assert normalise_name("Kerourien") != normalise_name("Keredern")


def test_the_database_refuses_a_name_that_differs_only_by_case_or_accents(db):
    f.NeighbourhoodFactory(name="Kerourien")
    for name in ("KEROURIEN", "Kérourien", "kerourien "):
        with pytest.raises(IntegrityError), transaction.atomic():
            f.NeighbourhoodFactory(name=name)
    assert Neighbourhood.objects.filter(name__iexact="kerourien").count() == 1


def test_renaming_keeps_the_normalised_name_in_step(db):
    nbh = f.NeighbourhoodFactory(name="Bellevue")
    nbh.name = "Bergot"
    nbh.save(update_fields=["name"])
    nbh.refresh_from_db()
    assert nbh.name_key == "bergot"
    f.NeighbourhoodFactory(name="Bellevue")  # the old name is free again


def test_the_creation_page_says_which_neighbourhood_has_the_name(
    world, coordinator, client_for, orgs
):
    response = client_for(coordinator).post(
        reverse("neighborhoods:create"),
        {"name": "KÉROURIEN DE TEST", "landlord": orgs.landlord.pk, "expected_dwellings": "10"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le quartier « Kerourien de test » existe déjà" in page
    assert Neighbourhood.objects.count() == 2


def test_the_admin_says_it_too(world, coordinator, client_for, orgs):
    management = {
        f"{prefix}-{key}": value
        for prefix in ("sectors", "meetings", "stage_changes")
        for key, value in {
            "TOTAL_FORMS": 0,
            "INITIAL_FORMS": 0,
            "MIN_NUM_FORMS": 0,
            "MAX_NUM_FORMS": 1000,
        }.items()
    }
    response = client_for(coordinator).post(
        reverse("admin:neighborhoods_neighbourhood_add"),
        {
            "name": "Kerourièn de Test",
            "slug": "kerourien-bis",
            "city": "Brest",
            "landlord": orgs.landlord.pk,
            "expected_dwellings": 10,
            **management,
        },
    )
    assert response.status_code == 200
    assert "Le quartier « Kerourien de test » existe déjà" in response.content.decode()
    assert not Neighbourhood.objects.filter(slug="kerourien-bis").exists()
