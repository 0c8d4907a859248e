"""A neighbourhood's sectors are created from its page, by a coordinator."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from neighborhoods import services
from neighborhoods.models import Meeting, Neighbourhood, Sector


def test_a_coordinator_adds_a_sector_from_the_neighbourhood_page(client_for, coordinator, world):
    client = client_for(coordinator)
    page = client.get(world.nbh.get_absolute_url()).content.decode()
    url = reverse("neighborhoods:sector_create", args=[world.nbh.slug])
    assert f'action="{url}"' in page and "Ajouter un secteur" in page
    response = client.post(
        url, {"name": "  Quizac  ", "expected_dwellings": "480", "planned_year": "2014"}
    )
    assert response.status_code == 302
    sector = Sector.objects.get(neighbourhood=world.nbh)
    assert (sector.name, sector.expected_dwellings, sector.planned_year) == ("Quizac", 480, 2014)
    assert sector.history.get().history_user == coordinator
    page = client.get(world.nbh.get_absolute_url()).content.decode()
    assert "Quizac (480)" in page


def test_a_name_the_neighbourhood_has_is_refused_whatever_its_case(client_for, coordinator, world):
    Sector.objects.create(neighbourhood=world.nbh, name="Bergot")
    url = reverse("neighborhoods:sector_create", args=[world.nbh.slug])
    response = client_for(coordinator).post(url, {"name": "bergot", "expected_dwellings": "0"})
    assert response.status_code == 400
    assert "a déjà un secteur « bergot »" in response.content.decode()
    assert Sector.objects.filter(neighbourhood=world.nbh).count() == 1


def test_a_blank_or_wrong_sector_is_refused_in_french(client_for, coordinator, world):
    url = reverse("neighborhoods:sector_create", args=[world.nbh.slug])
    client = client_for(coordinator)
    blank = client.post(url, {"name": "   ", "expected_dwellings": "0"})
    assert blank.status_code == 400
    assert "Ce champ est obligatoire" in blank.content.decode()
    data = {"name": "Kerhallet", "expected_dwellings": "0", "planned_year": "1990"}
    year = client.post(url, data)
    assert year.status_code == 400
    assert not Sector.objects.filter(neighbourhood=world.nbh).exists()


def test_only_a_coordinator_creates_a_sector(client_for, landlord_user, world):
    with pytest.raises(PermissionDenied):
        services.sector_create(by=landlord_user, neighbourhood=world.nbh, name="Bergot")
    page = client_for(landlord_user).get(world.nbh.get_absolute_url()).content.decode()
    assert "Ajouter un secteur" not in page
    assert not Sector.objects.exists()


def test_the_database_refuses_two_sectors_of_one_name(world):
    Sector.objects.create(neighbourhood=world.nbh, name="Bergot")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sector.objects.create(neighbourhood=world.nbh, name="Bergot")


def test_the_review_step_links_to_the_review_form(client_for, coordinator, landlord_user, world):
    Neighbourhood.objects.filter(pk=world.nbh.pk).update(stage=Neighbourhood.Stage.RUNNING)
    page = client_for(coordinator).get(world.nbh.get_absolute_url()).content.decode()
    review = reverse("dashboard:review_create", args=[world.nbh.slug])
    meeting = reverse("neighborhoods:meeting_create", args=[world.nbh.slug]) + "?type=bilan"
    assert f'href="{review}"' in page and f'href="{meeting}"' in page
    form = client_for(coordinator).get(meeting).content.decode()
    assert f'<option value="{Meeting.Kind.REVIEW}" selected>' in form
    other = client_for(landlord_user).get(world.nbh.get_absolute_url()).content.decode()
    assert f'href="{review}"' not in other
