"""The open data of the demo (issue §2, "Done when"): the files validate with frictionless,
reproduce the source's figures where they are not suppressed, and hold no count under the
threshold of statistical secrecy, nor a rate from which one could be worked out."""

import io

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse

from brest_internet.opendata.models import Publication
from support.models import HalfDayVisit, Registration
from votes.models import Vote

from .helpers import by, directory, rows, schema

SOURCE_DWELLINGS = {
    "Kerourien": "596",
    "Keredern": "1052",
    "Valy-Hir": "395",
    "Queliverzan": "500",
    "Bellevue": "1600",
    "Kerbernier": "710",
}


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = "demo-mot-de-passe-de-test"
    call_command("load_brest_demo", stdout=io.StringIO())
    return Publication.objects.get()


def check_counts_are_never_under_the_threshold(publication):
    """Every integer cell of every file (the schemas say which cells are counts)."""
    checked = 0
    for resource in publication.resources:
        name = resource["path"].removesuffix(".csv")
        counts = [f["name"] for f in schema(publication, name)["fields"] if f["type"] == "integer"]
        for row in rows(publication, name):
            for column in counts:
                if row[column] != "":
                    assert int(row[column]) >= settings.OPEN_DATA_MIN_COUNT, (name, column, row)
                    checked += 1
    assert checked > 100  # the check ran on real cells


def check_no_small_count_can_be_worked_out(publication):
    """A published rate never sits on a small count: neither its numerator nor what the
    numerator leaves of the denominator (worked out from the source's rows, not the files)."""
    low = settings.OPEN_DATA_MIN_COUNT
    votes = {
        v.neighbourhood.slug: v for v in Vote.objects.certified().select_related("neighbourhood")
    }
    for row in rows(publication, "quartiers"):
        if row["participation_pct"]:
            vote = votes[row["quartier_id"]]
            assert vote.voters >= low and vote.roll_size - vote.voters >= low
        if row["oui_pct"]:
            vote = votes[row["quartier_id"]]
            assert vote.yes_count >= low and vote.no_count >= low
    for row in rows(publication, "quartiers_trimestres"):
        if row["taux_abonnement_pct"]:
            active, homes = int(row["abonnements_actifs"]), int(row["logements"])
            assert active >= low and homes - active >= low
        else:
            assert row["abonnements_actifs"] == ""
        if row["taux_presence_pct"]:
            marks = Registration.objects.filter(
                session__neighbourhood__slug=row["quartier_id"],
                session__starts_at__date__gte=row["debut"],
                session__starts_at__date__lte=row["fin"],
            ).aggregate(
                present=Count("pk", filter=Q(attendance="attended")),
                absent=Count("pk", filter=Q(attendance="absent")),
            )
            assert marks["present"] >= low and marks["absent"] >= low
            assert int(row["presences_ateliers"]) == marks["present"]
    # No file adds up its rows into a total (a total less its published parts would give the
    # suppressed one away): every row is one neighbourhood, or one place.
    slugs = set(votes) | {r["quartier_id"] for r in rows(publication, "quartiers")}
    assert {r["quartier_id"] for r in rows(publication, "quartiers_trimestres")} <= slugs


def test_the_demo_publishes_open_data_that_tells_the_source(demo, client):
    report = frictionless.validate(str(directory(demo) / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note", "fieldName", "rowNumber"])

    nbhs = by(rows(demo, "quartiers"), "quartier")
    assert {name: r["logements"] for name, r in nbhs.items()} == SOURCE_DWELLINGS
    assert {n: r["oui_pct"] for n, r in nbhs.items() if r["oui_pct"]} == {
        "Kerourien": "61.0",
        "Keredern": "57.5",
        "Valy-Hir": "54.0",
    }
    assert nbhs["Valy-Hir"]["vote_certifie_le"] == "2013-12-18"
    assert nbhs["Valy-Hir"]["lancement_le"] == "2014-02-01"
    assert nbhs["Kerourien"]["etape"] == "running" and nbhs["Kerourien"]["vote_adopte"] == "true"
    assert nbhs["Kerbernier"]["etape"] == "candidate" and nbhs["Kerbernier"]["oui_pct"] == ""

    quarters = by(rows(demo, "quartiers_trimestres"), "quartier", "trimestre")
    # "En 2010, 78 personnes se sont abonnés, soit 13 %"; Keredern 101 (10 %) in 2012; and
    # "aujourd'hui" (early 2014) 69 (12 %) and 132 (13 %).
    figures = {
        key: (quarters[key]["abonnements_actifs"], quarters[key]["taux_abonnement_pct"])
        for key in [
            ("Kerourien", "2010-T4"),
            ("Keredern", "2012-T4"),
            ("Kerourien", "2014-T1"),
            ("Keredern", "2014-T1"),
        ]
    }
    assert figures == {
        ("Kerourien", "2010-T4"): ("78", "13.1"),
        ("Keredern", "2012-T4"): ("101", "9.6"),
        ("Kerourien", "2014-T1"): ("69", "11.6"),
        ("Keredern", "2014-T1"): ("132", "12.5"),
    }
    # Valy-Hir's two launch half-days (February 2014), as the support app recorded them.
    visits = HalfDayVisit.objects.filter(half_day__neighbourhood__name="Valy-Hir").count()
    assert visits >= settings.OPEN_DATA_MIN_COUNT
    assert quarters[("Valy-Hir", "2014-T1")]["visites_demi_journees"] == str(visits)

    places = by(rows(demo, "lieux_mediation_numerique"), "nom")
    assert set(places) == {
        "Centre social de Kerourien",
        "Centre social de Keredern",
        "Maison pour tous du Valy-Hir",
    }
    assert "Maîtrise des outils numériques du quotidien" in places["Centre social de Keredern"][
        "services"
    ].split("|")

    check_counts_are_never_under_the_threshold(demo)
    check_no_small_count_can_be_worked_out(demo)

    html = client.get(reverse("opendata:index")).content.decode()
    for name in ("quartiers.csv", "quartiers_trimestres.csv", "lieux_mediation_numerique.csv"):
        assert reverse("opendata:latest_file", args=[name]) in html
    assert reverse("opendata:latest_file", args=["datapackage.json"]) in html
    assert "Licence Ouverte" in html
