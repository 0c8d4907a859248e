"""The public page /donnees-ouvertes/ and its files: no login, the right content types, only
the files of a publication, a page that works before the first publication."""

import json

import pytest
from django.urls import reverse

from brest_internet.opendata import services
from brest_internet.opendata.models import Publication


@pytest.fixture(autouse=True)
def own_root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "donnees-ouvertes"


def test_the_page_works_before_anything_is_published(db, client):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune donnée n'est encore publiée" in html
    assert "Quartiers du programme" in html  # the datasets to come are described
    assert client.get(reverse("opendata:latest_file", args=["quartiers.csv"])).status_code == 404


def test_the_page_lists_each_dataset_with_its_files_licence_date_and_size(world, client):
    publication = services.opendata_publish(by=None)
    html = client.get(reverse("opendata:index")).content.decode()
    for resource in publication.resources:
        assert reverse("opendata:latest_file", args=[resource["path"]]) in html
        assert reverse("opendata:latest_file", args=[resource["schema"]]) in html
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in html
    assert "Licence Ouverte / Open Licence version 2.0" in html
    assert "Abonnements et accompagnement par quartier et par trimestre" in html
    assert "octets" in html or "Ko" in html  # sizes, in French


def test_a_csv_is_served_as_utf8_csv_to_download(world, client):
    services.opendata_publish(by=None)
    response = client.get(reverse("opendata:latest_file", args=["quartiers.csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="quartiers.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("quartier_id,quartier,commune,logements,")


def test_the_datapackage_is_served_as_json_with_the_licence(world, client):
    publication = services.opendata_publish(by=None)
    response = client.get(reverse("opendata:file", args=[publication.pk, "datapackage.json"]))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="datapackage.json"'
    package = json.loads(b"".join(response.streaming_content))
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert package["licenses"][0]["path"].startswith("https://www.etalab.gouv.fr/")
    assert [r["path"] for r in package["resources"]] == [
        "quartiers.csv",
        "quartiers_trimestres.csv",
        "lieux_mediation_numerique.csv",
    ]


@pytest.mark.parametrize(
    "filename", ["settings.py", "..%2F..%2Fsettings.py", ".en-cours", "quartiers.txt"]
)
def test_only_the_files_of_a_publication_are_served(world, client, filename):
    services.opendata_publish(by=None)
    assert client.get(f"/donnees-ouvertes/{filename}").status_code == 404


def test_an_unknown_publication_is_not_found(db, client):
    response = client.get(reverse("opendata:file", args=[999, "datapackage.json"]))
    assert response.status_code == 404


@pytest.mark.parametrize("earlier", [1, 15])
def test_the_page_takes_as_many_queries_with_many_publications(
    world, client, django_assert_max_num_queries, earlier
):
    from tests.dashboard.builders import dwellings

    for i in range(earlier):
        dwellings(world.nbh, 11, f"P{i}")  # new figures: a new publication each time
        services.opendata_publish(by=None)
    assert Publication.objects.count() == earlier
    with django_assert_max_num_queries(3):
        assert client.get(reverse("opendata:index")).status_code == 200
