"""A real worker (`manage.py procrastinate worker`) killed with SIGKILL in the middle of a
charge run: nothing half-written, and the restarted workers retry the job once and finish it.

PostgreSQL only (Procrastinate's queue is PostgreSQL's; on SQLite jobs run in the request), like
the other tests of real concurrent transactions. The run is held in the middle by a lock the
test takes on the charge table (the run's ANALYZE waits for it, after its INSERT of every
line): the worker is killed while its transaction holds all the lines, uncommitted.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from brest_internet.jobs.models import Job
from neighborhoods.models import Dwelling, Neighbourhood, Organisation
from subscriptions import tasks
from subscriptions.models import Charge, ChargeRun, Offer, Tariff
from tests import factories as f
from tests.jobs.postgres import dsn

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Procrastinate's queue and a real worker need PostgreSQL (set DATABASE_URL=postgres://…)",
)

DWELLINGS = 3000
ROOT = Path(__file__).resolve().parents[2]


def _url():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _worker(name):
    env = {
        **os.environ,
        "DATABASE_URL": _url(),
        "TESTING": "1",
        "READ_DOT_ENV": "0",
        "JOBS_HEARTBEAT_SECONDS": "1",
        "JOBS_STALLED_SECONDS": "3",
        "JOBS_RECONCILE_CRON": "* * * * * */2",
        # No daily or monthly job fires during the test.
        "JOBS_CHARGES_CRON": "0 0 1 1 *",
        "JOBS_ANONYMISE_CRON": "0 0 1 1 *",
        "JOBS_BACKUP_CRON": "0 0 1 1 *",
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "procrastinate", "worker", "--name", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _waiting_analyze(watch):
    row = watch.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE 'ANALYZE%%'"
    ).fetchone()
    return row[0] if row else None


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_nothing_and_the_job_is_retried():
    from procrastinate.contrib.django import app
    from procrastinate.contrib.django.django_connector import DjangoConnector

    operator = f.OrganisationFactory(name="Numericable", kind=Organisation.Kind.OPERATOR)
    offer = Offer.objects.create(operator=operator, name="NUMERISUN")
    Tariff.objects.create(offer=offer, amount=Decimal("1.00"), starts_on=datetime.date(2010, 1, 1))
    nbh = f.NeighbourhoodFactory(
        stage=Neighbourhood.Stage.RUNNING, launched_on=datetime.date(2012, 4, 1)
    )
    Dwelling.objects.bulk_create(
        Dwelling(neighbourhood=nbh, reference=f"W-{i:05d}", address=f"{i} rue", status="occupied")
        for i in range(DWELLINGS)
    )
    coordinator = f.UserFactory(role="coordinator", organisation=nbh.landlord)

    lock = psycopg.connect(dsn())  # a transaction of its own, held open
    # pg_stat_activity is read once per transaction: watched from an autocommit connection.
    watch = psycopg.connect(dsn(), autocommit=True)
    lock.execute(f"LOCK TABLE {Charge._meta.db_table} IN SHARE UPDATE EXCLUSIVE MODE")
    workers = []
    try:
        with app.replace_connector(DjangoConnector()):  # the real queue, not the test one
            job = tasks.charges_generate_defer(month="2013-01", by=coordinator, landlord=None)
        first = _worker("first")
        workers.append(first)
        victim = _wait(lambda: _waiting_analyze(watch), 40, "the run to reach its ANALYZE")
        job.refresh_from_db()
        assert job.state == Job.State.RUNNING and job.lines_todo == DWELLINGS
        # Its lines written but not committed: the job's page already counts them.
        assert job.lines_done == DWELLINGS
        assert Charge.objects.count() == 0

        first.send_signal(signal.SIGKILL)
        first.wait()
        lock.rollback()  # the orphaned transaction goes on, finds its client gone, rolls back
        _wait(
            lambda: (
                not watch.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [victim]
                ).fetchone()
            ),
            20,
            "the killed worker's transaction to end",
        )
        assert Charge.objects.count() == 0, "lines of a killed run were committed"
        assert ChargeRun.objects.count() == 0
        job.refresh_from_db()
        assert job.state == Job.State.RUNNING  # until the upkeep notices the dead worker

        # Two workers now: the stalled job is retried once, and run by one of them only.
        workers += [_worker("second"), _worker("third")]
        _wait(
            lambda: Job.objects.filter(pk=job.pk, state=Job.State.SUCCEEDED).exists(),
            45,
            "the retried job to succeed",
        )
        job.refresh_from_db()
        assert job.attempts == 2
        assert (job.lines_done, job.lines_todo) == (DWELLINGS, DWELLINGS)
        assert Charge.objects.filter(month=datetime.date(2013, 1, 1)).count() == DWELLINGS
        assert ChargeRun.objects.count() == 1
    except AssertionError:
        for process in workers:
            _stop(process)
            print(process.stderr.read().decode(errors="replace")[-3000:])  # noqa: T201
        raise
    finally:
        lock.close()
        watch.close()
        for process in workers:
            _stop(process)
