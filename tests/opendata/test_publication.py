"""Publishing: the command is idempotent, a publication is complete or not there, and what was
published stays as it was."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from brest_internet.opendata import services
from brest_internet.opendata.models import CentrePlace, Publication
from tests.dashboard.builders import dwellings, grow

from .helpers import directory, rows

D = datetime.date


def publish_command():
    out = io.StringIO()
    call_command("publish_open_data", stdout=out)
    return out.getvalue()


def published_dirs():
    return sorted(p.name for p in services.root().iterdir()) if services.root().exists() else []


@pytest.fixture(autouse=True)
def own_root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "donnees-ouvertes"


def test_the_command_is_idempotent(world):
    first = publish_command()
    assert "publiées" in first
    files = {p.name: p.read_bytes() for p in directory(Publication.objects.get()).iterdir()}
    second = publish_command()
    assert "Rien de nouveau" in second
    assert Publication.objects.count() == 1
    assert len(published_dirs()) == 1
    again = {p.name: p.read_bytes() for p in directory(Publication.objects.get()).iterdir()}
    assert again == files


def test_new_figures_make_a_new_publication_and_the_old_one_stays_as_published(world, client):
    old = services.opendata_publish(by=None)
    old_bytes = (directory(old) / "quartiers.csv").read_bytes()
    dwellings(world.nbh, 30, "NEW")
    new = services.opendata_publish(by=None)
    assert new.pk != old.pk and new.checksum != old.checksum
    assert Publication.objects.latest_first().first() == new
    assert (directory(old) / "quartiers.csv").read_bytes() == old_bytes
    assert {r["logements"] for r in rows(new, "quartiers")} >= {"33"}
    # The old publication is still served, as published.
    response = client.get(f"/donnees-ouvertes/publications/{old.pk}/quartiers.csv")
    assert b"".join(response.streaming_content) == old_bytes


def test_a_publication_that_fails_half_way_leaves_the_previous_one(world, monkeypatch):
    previous = services.opendata_publish(by=None)
    dwellings(world.nbh, 30, "NEW")
    real_write = services._write

    def write_then_fail(target, files):
        real_write(target, dict(list(files.items())[:2]))
        raise OSError("disque plein")

    monkeypatch.setattr(services, "_write", write_then_fail)
    with pytest.raises(OSError):
        services.opendata_publish(by=None)
    assert list(Publication.objects.all()) == [previous]
    assert published_dirs() == [previous.directory]  # no half-written directory left


def test_a_publication_is_never_changed_nor_deleted(world):
    publication = services.opendata_publish(by=None)
    publication.checksum = "0" * 64
    with pytest.raises(ValueError):
        publication.save()
    with pytest.raises(ValueError):
        publication.delete()


def test_a_checksum_is_a_sha256(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(directory="x", checksum="abc")


def test_a_publication_has_a_directory(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(directory="", checksum="a" * 64)


@pytest.mark.parametrize(
    "fields",
    [{"postcode": "2920"}, {"postcode": "ABCDE"}, {"pivot": "123"}, {"pivot": "1234567890123X"}],
)
def test_a_place_has_a_french_postcode_and_a_siret(db, orgs, fields):
    values = {"centre": orgs.centre, "address": "1 rue de test", "postcode": "29200", **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        CentrePlace.objects.create(**values)


def test_a_place_of_the_centre_is_published_in_the_national_schema(world):
    CentrePlace.objects.create(centre=world.orgs.centre, address="2 rue Sisley", postcode="29200")
    publication = services.opendata_publish(by=None)
    (place,) = rows(publication, "lieux_mediation_numerique")
    assert place["nom"] == world.orgs.centre.name
    assert (place["adresse"], place["code_postal"], place["commune"]) == (
        "2 rue Sisley",
        "29200",
        "Brest",
    )
    assert place["pivot"] == "00000000000000"
    assert place["services"] == "Accès internet et matériel informatique"
    assert place["modalites_acces"] == "Se présenter"


# The grown programme launches from January 2011: 13 quarters to February 2014, two queries
# each for the support figures, and a fixed number (14) for everything else.
QUERIES = 40


@pytest.mark.parametrize("more", [2, 14])
def test_publishing_takes_as_many_queries_for_a_larger_programme(
    world, django_assert_max_num_queries, more
):
    grow(world.orgs, more)
    with django_assert_max_num_queries(QUERIES):
        services.opendata_publish(by=None, today=D(2014, 2, 28))
