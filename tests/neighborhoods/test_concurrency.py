"""Two coordinators acting on the same neighbourhood at the same moment (PostgreSQL only:
SQLite serialises writers, so the row lock is only exercised on a real server)."""

import threading

import pytest
from django.db import connection, connections

from neighborhoods import pipeline
from neighborhoods.models import Neighbourhood, StageChange, User
from tests import factories as f

Stage = Neighbourhood.Stage


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_once_one_wins_the_other_gets_a_clear_message():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    nbh = f.NeighbourhoodFactory(stage=Stage.CANDIDATE)
    system = User.objects.system()  # created before the threads race
    barrier = threading.Barrier(2)
    results = []

    def act(action):
        try:
            copy = Neighbourhood.objects.get(pk=nbh.pk)  # each saw the page as a candidate
            barrier.wait()
            action(copy)
            results.append("ok")
        except pipeline.TransitionError as error:
            results.append(str(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act,
            args=(
                lambda n: pipeline.advance(
                    n, to_stage=Stage.PARTNERS, by=system, expected_stage=Stage.CANDIDATE
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                lambda n: pipeline.stop(
                    n,
                    to_stage=Stage.ABANDONED,
                    by=system,
                    reason="Motif",
                    expected_stage=Stage.CANDIDATE,
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert any("entre-temps" in r for r in results)
    assert StageChange.objects.filter(neighbourhood=nbh).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_move_ins_into_one_dwelling_at_once_one_wins_the_other_is_told_why():
    """Two landlord staff record a household in the same vacant dwelling at the same moment:
    the dwelling's row lock makes the second one see the first household and be refused."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    import datetime

    from neighborhoods import moves
    from neighborhoods.models import Dwelling, Occupancy

    dwelling = f.DwellingFactory(status=Dwelling.Status.VACANT)
    system = User.objects.system()
    barrier = threading.Barrier(2)
    results = []

    def act(name):
        try:
            copy = Dwelling.objects.get(pk=dwelling.pk)  # each saw the page with nobody in it
            barrier.wait()
            moves.household_move_in(
                dwelling=copy, name=name, moved_in=datetime.date(2014, 2, 10), by=system
            )
            results.append("ok")
        except moves.MoveError as error:
            results.append(str(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(name,)) for name in ("Famille Un", "Famille Deux")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r == "ok" for r in results) == [False, True]
    assert any("habite déjà le logement" in r for r in results)
    assert Occupancy.objects.filter(dwelling=dwelling).count() == 1
