"""The coordinators' page "Nouveau quartier": a candidate through pipeline.create_candidate."""

from django.urls import reverse

from neighborhoods.models import Neighbourhood, StageChange
from tests import factories as f

URL = reverse("neighborhoods:create")


def _data(orgs, **overrides):
    data = {
        "name": "Queliverzan",
        "landlord": orgs.landlord.pk,
        "centre": orgs.centre.pk,
        "planned_year": "2014",
        "expected_dwellings": "500",
        "associations": [orgs.association.pk],
        "partners": [],
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_candidate_with_its_first_history_row(client_for, coordinator, orgs):
    partner = f.OrganisationFactory(name="Régie de quartier")
    response = client_for(coordinator).post(URL, _data(orgs, partners=[partner.pk]))
    nbh = Neighbourhood.objects.get(name="Queliverzan")
    assert response.status_code == 302
    assert response.url == nbh.get_absolute_url()
    assert nbh.slug == "queliverzan"
    assert nbh.stage == Neighbourhood.Stage.CANDIDATE
    assert (nbh.landlord, nbh.centre, nbh.planned_year, nbh.expected_dwellings) == (
        orgs.landlord,
        orgs.centre,
        2014,
        500,
    )
    assert list(nbh.associations.all()) == [orgs.association]
    assert list(nbh.partners.all()) == [partner]
    change = StageChange.objects.get(neighbourhood=nbh)
    assert (change.from_stage, change.to_stage, change.recorded_by) == (
        "",
        Neighbourhood.Stage.CANDIDATE,
        coordinator,
    )


def test_a_taken_slug_gets_a_number(client_for, coordinator, orgs):
    f.NeighbourhoodFactory(name="Autre nom", slug="bellevue")
    client_for(coordinator).post(URL, _data(orgs, name="Bellevue"))
    assert Neighbourhood.objects.get(name="Bellevue").slug == "bellevue-2"


def test_a_name_already_used_is_refused_and_nothing_is_created(client_for, coordinator, orgs):
    f.NeighbourhoodFactory(name="Queliverzan", slug="q")
    response = client_for(coordinator).post(URL, _data(orgs))
    assert response.status_code == 400
    assert "existe déjà" in response.content.decode()
    assert Neighbourhood.objects.filter(name="Queliverzan").count() == 1


def test_missing_landlord_and_odd_year_are_refused(client_for, coordinator, orgs):
    response = client_for(coordinator).post(
        URL, _data(orgs, landlord="", planned_year="1850", name="  ")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce champ est obligatoire." in page
    assert "Indiquez une année entre 2000 et 2100." in page
    assert not StageChange.objects.exists()


def test_a_centre_or_a_landlord_cannot_create(client_for, landlord_user, centre_user, orgs):
    for user in (landlord_user, centre_user):
        assert client_for(user).post(URL, _data(orgs)).status_code == 403
    assert not Neighbourhood.objects.filter(name="Queliverzan").exists()


def test_only_landlords_are_offered_as_landlord(client_for, coordinator, orgs):
    response = client_for(coordinator).get(URL)
    choices = {str(o) for o in response.context["form"].fields["landlord"].queryset}
    assert orgs.landlord.name in choices
    assert orgs.centre.name not in choices


def test_the_list_links_to_the_page_for_coordinators_only(
    client_for, coordinator, landlord_user, orgs
):
    assert URL in client_for(coordinator).get(reverse("neighborhoods:list")).content.decode()
    assert URL not in client_for(landlord_user).get(reverse("neighborhoods:list")).content.decode()


def test_an_absurd_number_of_dwellings_is_refused(client_for, coordinator, orgs):
    response = client_for(coordinator).post(URL, _data(orgs, expected_dwellings=str(10**20)))
    assert response.status_code == 400
    assert not Neighbourhood.objects.filter(name="Queliverzan").exists()


def test_ids_too_large_for_the_database_are_refused_as_bad_choices(client_for, coordinator, orgs):
    huge = str(2**63)
    response = client_for(coordinator).post(
        URL, _data(orgs, landlord=huge, centre=huge, associations=[huge], partners=[huge])
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {
        "landlord",
        "centre",
        "associations",
        "partners",
    }
