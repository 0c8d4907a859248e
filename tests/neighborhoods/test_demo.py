"""The neighbourhoods' part of the Brest demo: the source's counts and stages, idempotent."""

import io
from types import SimpleNamespace

import pytest
from django.core.management.base import BaseCommand

from neighborhoods import demo, pipeline
from neighborhoods.management.commands.load_brest_demo import DemoContext
from neighborhoods.models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    StageChange,
    User,
)

Stage = Neighbourhood.Stage
COUNTS = {
    "Kerourien": 596,
    "Keredern": 1052,
    "Valy-Hir": 395,
    "Queliverzan": 500,
    "Bellevue": 1600,
    "Kerbernier": 710,
}


def run():
    out = io.StringIO()
    ctx = DemoContext(command=BaseCommand(stdout=out), password="motdepasse-de-demo")
    demo.load(ctx)
    return out.getvalue()


def snapshot():
    models = (Neighbourhood, Dwelling, Household, Occupancy, Meeting, StageChange)
    return {m.__name__: m.objects.count() for m in models} | {
        "stages": dict(Neighbourhood.objects.values_list("name", "stage")),
        "statuses": list(Dwelling.objects.order_by("pk").values_list("status", flat=True)),
    }


@pytest.fixture
def loaded(db):
    output = run()
    return output


def test_the_six_neighbourhoods_have_the_source_dwelling_counts(loaded):
    counts = {n.name: n.dwelling_count for n in Neighbourhood.objects.with_dwelling_counts()}
    assert counts == COUNTS
    bellevue = Neighbourhood.objects.get(name="Bellevue")
    assert {s.name: s.dwellings.count() for s in bellevue.sectors.all()} == {
        "Bergot": 560,
        "Quizac": 520,
        "Kerhallet": 520,
    }


def test_references_look_like_the_landlords(loaded):
    refs = set(Dwelling.objects.values_list("reference", flat=True))
    assert "KRR-B01-E1-0001" in refs
    assert "KRR-B04-E1-0154" in refs
    sample = Dwelling.objects.get(reference="KRR-B04-E1-0154")
    assert (sample.building, sample.entrance) == ("B04", "E1")
    assert sample.address.endswith("29200 Brest")


def test_a_few_vacant_everywhere_none_out_of_service_where_the_service_runs(loaded):
    for name in COUNTS:
        dwellings = Dwelling.objects.filter(neighbourhood__name=name)
        vacant = dwellings.filter(status=Dwelling.Status.VACANT).count()
        assert 0 < vacant < COUNTS[name] * 0.05, name
    for name in demo.TIMELINE:
        assert not Dwelling.objects.filter(
            neighbourhood__name=name, status=Dwelling.Status.OUT_OF_SERVICE
        ).exists()


def test_every_occupied_dwelling_has_one_household(loaded):
    occupied = Dwelling.objects.filter(status=Dwelling.Status.OCCUPIED).count()
    assert Occupancy.objects.filter(moved_out__isnull=True).count() == occupied
    former = sum(len(households) for households in demo.REGISTER_LIFE.values())
    assert Household.objects.count() == occupied + former


def test_a_few_vacant_dwellings_show_their_former_households(loaded):
    """Recorded through the register's moves by the landlord's account: the dwelling stays
    vacant, and its history says who recorded what and why."""
    former = Occupancy.objects.filter(moved_out__isnull=False).select_related(
        "household", "dwelling__neighbourhood"
    )
    assert {
        (o.dwelling.neighbourhood.name, o.household.name, o.moved_in, o.moved_out) for o in former
    } == {
        (name, household, moved_in, corrected or moved_out)
        for name, rows in demo.REGISTER_LIFE.items()
        for household, moved_in, moved_out, corrected in rows
    }
    landlord = User.objects.get(username="bailleur")
    for occupancy in former:
        assert occupancy.dwelling.status == Dwelling.Status.VACANT
        assert occupancy.history.latest().history_user == landlord
    le_bras = former.get(household__name="Famille Le Bras")
    assert le_bras.history.latest().history_change_reason == (
        "Correction : date de l'état des lieux de sortie"
    )
    assert "Registre, anciens foyers enregistrés : 4" in loaded
    assert "Registre, anciens foyers enregistrés : 0" in run()


def test_stages_of_february_2014(loaded):
    stages = dict(Neighbourhood.objects.values_list("name", "stage"))
    assert stages == {
        "Kerourien": Stage.VOTE,
        "Keredern": Stage.VOTE,
        "Valy-Hir": Stage.VOTE,
        "Queliverzan": Stage.CANDIDATE,
        "Bellevue": Stage.CANDIDATE,
        "Kerbernier": Stage.CANDIDATE,
    }
    years = dict(Neighbourhood.objects.values_list("name", "planned_year"))
    assert (years["Queliverzan"], years["Bellevue"], years["Kerbernier"]) == (2014, 2014, 2015)
    kerourien = Neighbourhood.objects.get(name="Kerourien")
    assert list(kerourien.stage_changes.values_list("to_stage", "happened_on")) == [
        ("candidate", demo.TIMELINE["Kerourien"]["partners"] - demo.datetime.timedelta(120)),
        ("partners", demo.TIMELINE["Kerourien"]["partners"] - demo.datetime.timedelta(14)),
        ("information", demo.TIMELINE["Kerourien"]["partners"]),
        ("vote", demo.TIMELINE["Kerourien"]["vote_opens"]),
    ]


def test_meetings_of_the_source(loaded):
    valy_hir = Neighbourhood.objects.get(name="Valy-Hir")
    launch_days = valy_hir.meetings.filter(kind=Meeting.Kind.LAUNCH)
    assert [m.held_on for m in launch_days] == demo.TIMELINE["Valy-Hir"]["launch_half_days"]
    assert launch_days[0].place == "Maison pour tous du Valy-Hir"
    partners = Meeting.objects.get(neighbourhood__name="Keredern", kind=Meeting.Kind.PARTNERS)
    assert partners.decision == Meeting.Decision.VALIDATED
    assert partners.held_on == demo.TIMELINE["Keredern"]["partners"]
    assert Meeting.objects.filter(kind=Meeting.Kind.ELECTED).count() == 6


def test_the_votes_demo_can_take_them_to_running(loaded):
    """What votes/demo.py does next works with the TIMELINE dates."""
    for name, dates in demo.TIMELINE.items():
        nbh = Neighbourhood.objects.get(name=name)
        vote = SimpleNamespace(is_certified=True, adopted=True, neighbourhood_id=nbh.pk)
        pipeline.record_vote_outcome(
            nbh, vote=vote, by=User.objects.system(), on=dates["certified"]
        )
        pipeline.advance(nbh, to_stage=Stage.RUNNING, by=User.objects.system(), on=dates["launch"])
        nbh.refresh_from_db()
        assert (nbh.stage, nbh.launched_on) == (Stage.RUNNING, dates["launch"])


def test_a_second_run_changes_nothing(loaded):
    before = snapshot()
    output = run()
    assert snapshot() == before
    assert "Kerourien : 596 logements (0 ajoutés)" in output


def test_a_second_run_after_the_votes_demo_changes_nothing(loaded):
    test_the_votes_demo_can_take_them_to_running(loaded)
    before = snapshot()
    run()
    assert snapshot() == before


def test_progress_is_shown(loaded):
    assert "Bellevue : 1600 logements (1600 ajoutés), étape « Candidat »" in loaded


def test_demo_accounts_have_addresses_on_a_reserved_domain(loaded):
    from neighborhoods.models import User

    # The system actor that loaded the demo cannot log in and receives no mail: no address.
    people = User.objects.exclude(pk=User.objects.system().pk)
    addresses = dict(people.values_list("username", "email"))
    assert addresses["coordinatrice"] == "coordinatrice@demo.brest.invalid"
    assert addresses["animateur"] == "animateur@demo.brest.invalid"
    assert all(a.endswith("@demo.brest.invalid") for a in addresses.values())


def test_a_demo_loaded_before_addresses_gets_them_at_the_next_load(loaded):
    from neighborhoods.models import User

    User.objects.filter(username="bailleur").update(email="")
    run()
    assert User.objects.get(username="bailleur").email == "bailleur@demo.brest.invalid"
    run()
    assert User.objects.filter(email="bailleur@demo.brest.invalid").count() == 1
