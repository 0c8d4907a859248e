"""A long job's page shows its lines as they are written, not only when the job's one
transaction commits: on PostgreSQL the job's row says so while the body's transaction is still
open, and an import tells each slice of dwellings (a charge run each batch:
tests/subscriptions/test_charge_batches.py)."""

import psycopg
import pytest
from django.db import connection, transaction

from brest_internet.jobs import runner
from brest_internet.jobs.models import Job
from neighborhoods import register
from neighborhoods.models import Dwelling, RegisterImport, User
from neighborhoods.register import apply as register_apply
from tests import factories as f
from tests.jobs.postgres import dsn

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second connection that sees the first one's commits needs PostgreSQL",
)


def _report(job, *, todo, done):
    """Report `todo` then `done` lines through a job's Progress; the row's (done, todo) after."""
    progress = runner.Progress(job.pk)
    progress.todo(todo)
    progress.advance(done)
    progress.close()
    job.refresh_from_db()
    return job.lines_done, job.lines_todo


def _job(**fields):
    return Job.objects.create(
        kind="subscriptions.charges_generate",
        started_by=User.objects.system(),
        state=Job.State.RUNNING,
        **fields,
    )


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_the_page_sees_the_lines_done_while_the_body_s_transaction_is_open():
    job = _job()
    outside = psycopg.connect(dsn(), autocommit=True)  # what the job's page reads
    seen = []

    def read():
        row = outside.execute(
            "SELECT lines_done, lines_todo FROM jobs_job WHERE id = %s", [job.pk]
        ).fetchone()
        seen.append(row)

    try:
        with transaction.atomic():
            Dwelling.objects.create(  # the body's own (uncommitted) write
                neighbourhood=f.NeighbourhoodFactory(), reference="EN-COURS", address="1 rue"
            )
            progress = runner.Progress(job.pk)
            progress.todo(10)
            read()
            progress.advance(4)
            read()
            progress.advance(50)  # never past what is to do
            read()
            progress.close()
            assert not outside.execute(
                "SELECT 1 FROM neighborhoods_dwelling WHERE reference = 'EN-COURS'"
            ).fetchone()
    finally:
        outside.close()
    assert seen == [(0, 10), (4, 10), (10, 10)]


@pytest.mark.django_db(transaction=True)
@postgres_only
def test_a_job_row_the_body_itself_locked_is_written_by_the_body_without_waiting():
    job = _job()
    with transaction.atomic():
        Job.objects.select_for_update().get(pk=job.pk)  # the body's transaction holds the row
        # The connection aside skips the row: no wait on itself.
        assert _report(job, todo=3, done=2) == (2, 3)


@pytest.mark.django_db
def test_a_job_row_not_yet_committed_gets_its_progress_all_the_same():
    """A job run inline in a transaction (a test, the demo's loader): nobody else sees its
    row, which the body's own connection updates."""
    assert _report(_job(), todo=5, done=2) == (2, 5)


def test_an_import_tells_each_slice_of_dwellings(world, landlord_user, monkeypatch):
    monkeypatch.setattr(register_apply, "APPLY_SLICE", 2)
    lines = ["Référence;Quartier;Adresse;Bâtiment;Entrée;Statut"]
    lines += [f"TRANCHE-{i};{world.nbh.name};{i} rue;A;1;occupé" for i in range(5)]
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    _plan, pending = register.register_import_preview(
        user=landlord_user, name="tranches.csv", content=content
    )
    told = []
    _plan, pending = register.register_import_apply(
        user=landlord_user, pending_id=pending.pk, progress=told.append
    )
    assert told == [2, 2, 1]
    assert pending.status == RegisterImport.Status.APPLIED
    assert Dwelling.objects.filter(reference__startswith="TRANCHE-").count() == 5


@pytest.mark.django_db
@postgres_only
def test_progress_that_cannot_be_written_aside_never_stops_the_job(monkeypatch, caplog):
    """No second connection to be had (the server's limit reached): the body's own connection
    writes the progress, seen with its commit, and the job goes on."""
    from django.db import OperationalError

    def refused(alias):
        raise OperationalError("too many clients already")

    monkeypatch.setattr(runner.connections, "create_connection", refused)
    with transaction.atomic():
        assert _report(_job(), todo=4, done=3) == (3, 4)
    assert "progress not written aside" in caplog.text
