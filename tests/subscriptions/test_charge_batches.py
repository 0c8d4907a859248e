"""A worker's charge run writes its lines by batches of neighbourhoods and rests between them
(so that the pages keep their share of the database): the same lines and totals as one
statement, still all or nothing, and a run in the request never rests."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from brest_internet.jobs import runner
from brest_internet.jobs.models import Job
from neighborhoods.models import Dwelling, Neighbourhood, User
from subscriptions import billing_sql, services, tasks
from subscriptions.models import Charge, MonthTotal
from tests import factories as f

D = datetime.date


@pytest.fixture
def programme(running, tariff):
    """world.nbh (3 dwellings, one occupied) and three more running neighbourhoods: vacant and
    occupied dwellings, a dwelling whose second household followed a first one, a household
    gone before the month (its landlord pays); one neighbourhood not running."""
    nbhs = [running.nbh]
    for size in (4, 2, 5):
        nbh = f.NeighbourhoodFactory(
            stage=Neighbourhood.Stage.RUNNING,
            launched_on=D(2012, 4, 1),
            landlord=running.nbh.landlord,
        )
        for i in range(size):
            dwelling = f.DwellingFactory(
                neighbourhood=nbh,
                status=Dwelling.Status.VACANT if i == 0 else Dwelling.Status.OCCUPIED,
            )
            if i == 1:
                f.OccupancyFactory(
                    dwelling=dwelling, moved_in=D(2010, 1, 1), moved_out=D(2011, 5, 31)
                )
                f.OccupancyFactory(dwelling=dwelling, moved_in=D(2011, 6, 1))
            elif i == 2:
                f.OccupancyFactory(dwelling=dwelling, moved_out=D(2012, 1, 31))
            elif i > 2:
                f.OccupancyFactory(dwelling=dwelling)
        nbhs.append(nbh)
    idle = f.NeighbourhoodFactory(landlord=running.nbh.landlord)
    f.DwellingFactory(neighbourhood=idle)
    return nbhs


def lines_of(month):
    return sorted(
        Charge.objects.filter(month=month).values_list("dwelling", "payer", "household", "amount")
    )


def totals_of(month):
    return sorted(
        MonthTotal.objects.filter(month=month).values_list(
            "neighbourhood", "lines", "amount", "tenants", "landlord"
        )
    )


def test_a_run_by_batches_writes_the_lines_and_totals_of_one_statement(
    programme, settings, monkeypatch
):
    settings.CHARGE_RUN_BATCH = 3
    running = Neighbourhood.objects.running_on(D(2012, 5, 1))
    # world.nbh's 3 dwellings, the next one's 4, then 2 + 5: a neighbourhood is never split.
    assert [len(b) for b in billing_sql.neighbourhood_batches(running, 3)] == [1, 1, 2]
    rests = []
    monkeypatch.setattr(services.time, "sleep", rests.append)
    system = User.objects.system()
    whole = services.charges_generate(month="2012-05", by=system)
    assert rests == []
    with CaptureQueriesContext(connection) as ctx:
        batched = services.charges_generate(month="2012-06", by=system, rest=1.0)
    inserts = [
        q for q in ctx.captured_queries if f'INSERT INTO "{Charge._meta.db_table}"' in q["sql"]
    ]
    assert len(inserts) == 3
    assert len(rests) == 2  # after each batch but the last
    assert all(seconds >= 0 for seconds in rests)
    assert batched.lines_added == whole.lines_added == 14
    assert batched.amount_added == whole.amount_added
    may, june = lines_of(D(2012, 5, 1)), lines_of(D(2012, 6, 1))
    assert june == may
    assert sum(1 for line in june if line[1] == "tenant") == 1 + 2 + 1 + 3
    assert totals_of(D(2012, 6, 1)) == totals_of(D(2012, 5, 1))


def test_a_second_run_by_batches_adds_only_the_dwellings_without_their_line(
    programme, settings, monkeypatch
):
    settings.CHARGE_RUN_BATCH = 3
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    system = User.objects.system()
    services.charges_generate(month="2012-05", by=system, rest=1.0)
    assert services.charges_generate(month="2012-05", by=system, rest=1.0).lines_added == 0
    f.DwellingFactory(neighbourhood=programme[2], status=Dwelling.Status.VACANT)
    again = services.charges_generate(month="2012-05", by=system, rest=1.0)
    assert again.lines_added == 1
    total = MonthTotal.objects.get(month=D(2012, 5, 1), neighbourhood=programme[2])
    assert (total.lines, total.landlord) == (3, Decimal("2.00"))


def test_a_run_failing_in_its_last_batch_leaves_no_line(programme, settings, monkeypatch):
    settings.CHARGE_RUN_BATCH = 3
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    real = billing_sql.insert_charges
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(billing_sql, "insert_charges", failing)
    with pytest.raises(RuntimeError):
        services.charges_generate(month="2012-05", by=User.objects.system(), rest=1.0)
    assert not Charge.objects.filter(month=D(2012, 5, 1)).exists()
    assert not MonthTotal.objects.filter(month=D(2012, 5, 1)).exists()


@pytest.mark.parametrize("inline, rest", [(True, 0.0), (False, 0.5)])
def test_the_job_rests_on_a_worker_only(programme, settings, monkeypatch, inline, rest):
    settings.JOBS_CHARGE_RUN_YIELD = 0.5
    monkeypatch.setattr(tasks.runner, "runs_inline", lambda: inline)
    asked = []
    real = services.charges_generate

    def spy(**kwargs):
        asked.append(kwargs["rest"])
        return real(**{**kwargs, "rest": 0.0})

    monkeypatch.setattr(services, "charges_generate", spy)
    job = Job.objects.create(
        kind="subscriptions.charges_generate",
        started_by=User.objects.system(),
        state=Job.State.RUNNING,
    )
    tasks._run(runner.Progress(job.pk), month="2012-05", by=User.objects.system(), landlord=None)
    assert asked == [rest]
    assert Charge.objects.filter(month=D(2012, 5, 1)).count() == 14
    job.refresh_from_db()
    assert (job.lines_done, job.lines_todo) == (14, 14)


def test_a_run_tells_its_progress_each_batch_s_lines(programme, settings, monkeypatch):
    settings.CHARGE_RUN_BATCH = 3
    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    system = User.objects.system()
    told = []
    services.charges_generate(month="2012-05", by=system, rest=1.0, progress=told.append)
    assert told == [3, 4, 2 + 5]  # as they are written, before the run commits
    told.clear()
    services.charges_generate(month="2012-06", by=system, progress=told.append)
    assert told == [14]  # one statement: once
