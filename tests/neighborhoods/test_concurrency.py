"""Two coordinators acting on the same neighbourhood at the same moment (PostgreSQL only:
SQLite serialises writers, so the row lock is only exercised on a real server)."""

import threading

import pytest
from django.db import connection, connections

from neighborhoods import pipeline
from neighborhoods.models import Neighbourhood, StageChange
from tests import factories as f

Stage = Neighbourhood.Stage


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_once_one_wins_the_other_gets_a_clear_message():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    nbh = f.NeighbourhoodFactory(stage=Stage.CANDIDATE)
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
                    n, to_stage=Stage.PARTNERS, by=None, expected_stage=Stage.CANDIDATE
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                lambda n: pipeline.stop(
                    n,
                    to_stage=Stage.ABANDONED,
                    by=None,
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
