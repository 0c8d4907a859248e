"""Statistical secrecy on small neighbourhoods: a count under OPEN_DATA_MIN_COUNT is an empty
cell, and so is any rate or count from which it could be worked out."""

import datetime
import shutil

import frictionless
import pytest

from brest_internet.opendata.services import opendata_publish
from neighborhoods.models import Neighbourhood
from tests import factories as f
from tests.dashboard.builders import certified_vote, dwellings, subscription

from .helpers import by, directory, rows

D = datetime.date
RUNNING = Neighbourhood.Stage.RUNNING


def running(orgs, name, homes):
    nbh = f.NeighbourhoodFactory(
        name=name,
        slug=name.lower().replace(" ", "-"),
        landlord=orgs.landlord,
        centre=orgs.centre,
        stage=RUNNING,
        launched_on=D(2013, 1, 10),
    )
    return nbh, dwellings(nbh, homes, name[:3].upper())


@pytest.fixture
def small(db, orgs):
    tiny, tiny_homes = running(orgs, "Petit Quartier", 8)
    certified_vote(tiny, on=D(2012, 12, 1), roll=8, yes=5, no=2)
    few, few_homes = running(orgs, "Peu Abonnes", 40)
    for d in few_homes[:5]:
        subscription(d, requested=D(2013, 2, 1), activated=D(2013, 2, 10))
    # 40 dwellings, 34 subscribers: the 6 who did not subscribe must not be worked out.
    most, most_homes = running(orgs, "Presque Tous", 40)
    for d in most_homes[:34]:
        subscription(d, requested=D(2013, 2, 1), activated=D(2013, 2, 10))
    # 40 on the roll, 35 voters: 5 abstainers; 30 yes, 5 no.
    certified_vote(most, on=D(2012, 12, 1), roll=40, yes=30, no=5)
    fine, fine_homes = running(orgs, "Grand Quartier", 60)
    for d in fine_homes[:20]:
        subscription(d, requested=D(2013, 2, 1), activated=D(2013, 2, 10))
    # 60 on the roll, 45 voters (15 abstain); 25 yes, 20 no.
    certified_vote(fine, on=D(2012, 12, 1), roll=60, yes=25, no=20)
    return opendata_publish(by=None, today=D(2013, 6, 30))


def test_a_neighbourhood_under_eleven_dwellings_shows_no_count(small):
    tiny = by(rows(small, "quartiers"), "quartier")["Petit Quartier"]
    assert (tiny["logements"], tiny["inscrits"], tiny["votants"]) == ("", "", "")
    assert (tiny["participation_pct"], tiny["oui_pct"]) == ("", "")
    assert tiny["vote_certifie_le"] == "2012-12-01"  # a date identifies no one


def test_few_subscribers_are_suppressed_with_their_rate(small):
    quarter = by(rows(small, "quartiers_trimestres"), "quartier", "trimestre")
    row = quarter[("Peu Abonnes", "2013-T1")]
    assert row["logements"] == "40"
    assert (row["abonnements_actifs"], row["taux_abonnement_pct"]) == ("", "")


def test_few_non_subscribers_are_not_given_away_by_difference(small):
    quarter = by(rows(small, "quartiers_trimestres"), "quartier", "trimestre")
    row = quarter[("Presque Tous", "2013-T1")]
    # 34 is over the threshold, but 40 - 34 = 6 households who did not subscribe.
    assert row["logements"] == "40"
    assert (row["abonnements_actifs"], row["taux_abonnement_pct"]) == ("", "")
    published = quarter[("Grand Quartier", "2013-T1")]
    assert (published["abonnements_actifs"], published["taux_abonnement_pct"]) == ("20", "33.3")


def test_few_abstainers_or_few_no_votes_suppress_the_vote_figures(small):
    nbhs = by(rows(small, "quartiers"), "quartier")
    most = nbhs["Presque Tous"]
    assert most["inscrits"] == "40"
    assert (most["votants"], most["participation_pct"], most["oui_pct"]) == ("", "", "")
    fine = nbhs["Grand Quartier"]
    assert (fine["votants"], fine["participation_pct"], fine["oui_pct"]) == ("45", "75.0", "55.6")


def test_the_schema_itself_refuses_a_count_under_the_threshold(small, tmp_path):
    """frictionless checks the minimum of every count field: a tampered file fails."""
    copy = tmp_path / "copie"
    shutil.copytree(directory(small), copy)
    assert frictionless.validate(str(copy / "datapackage.json")).valid
    path = copy / "quartiers.csv"
    text = path.read_text("utf-8").replace(",60,", ",7,", 1)
    path.write_text(text, "utf-8")
    report = frictionless.validate(
        frictionless.Resource(
            path="quartiers.csv", schema="quartiers.schema.json", basepath=str(copy)
        )
    )
    assert not report.valid
    errors = [error for task in report.tasks for error in task.errors]
    assert {error.type for error in errors} == {"constraint-error"}


def test_a_name_that_looks_like_a_formula_is_written_as_text(db, orgs):
    f.NeighbourhoodFactory(
        name='=HYPERLINK("http://x";"clic")', slug="formule", landlord=orgs.landlord
    )
    publication = opendata_publish(by=None)
    names = [r["quartier"] for r in rows(publication, "quartiers")]
    assert names == ['\'=HYPERLINK("http://x";"clic")']
