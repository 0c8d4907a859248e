"""The anonymisation (daily, and from the households page) and the daily backup as jobs."""

import datetime

import pytest
from django.urls import reverse

from brest_internet.jobs.models import Job
from brest_internet.programme import tasks
from tests import factories as f


@pytest.fixture
def gone_long_ago(world):
    household = f.HouseholdFactory(name="Famille Partie")
    f.OccupancyFactory(
        household=household,
        dwelling=world.dwellings[1],
        moved_in=datetime.date(2005, 1, 1),
        moved_out=datetime.date(2010, 1, 1),
    )
    return household


def test_the_coordinator_anonymises_departed_households_in_a_job(
    settings, gone_long_ago, coordinator, client_for, job_queue
):
    settings.JOBS_INLINE = False
    client = client_for(coordinator)
    refused = client.post(reverse("gdpr:anonymise_departed"), follow=True)
    assert "Cochez la case" in refused.content.decode() and not job_queue.queued()
    response = client.post(reverse("gdpr:anonymise_departed"), {"confirm": "yes"})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    again = client.post(reverse("gdpr:anonymise_departed"), {"confirm": "yes"}, follow=True)
    assert "déjà en attente ou en cours" in again.content.decode()
    assert len(job_queue.queued()) == 1
    job_queue.run_all()
    gone_long_ago.refresh_from_db()
    assert gone_long_ago.anonymised_at is not None
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.started_by == coordinator
    assert (job.lines_done, job.lines_todo) == (1, 1)
    assert "Foyer anonymisé (parti depuis plus de" in job.result and ") : 1." in job.result
    assert "Famille Partie" not in job.result


def test_the_daily_tick_anonymises_as_the_command_did(gone_long_ago, world):
    tasks.anonymise_daily(timestamp=0)
    gone_long_ago.refresh_from_db()
    world.household.refresh_from_db()
    assert gone_long_ago.anonymised_at is not None
    assert world.household.anonymised_at is None  # still living there
    job = Job.objects.get(kind="gdpr.anonymise_daily")
    assert job.state == Job.State.SUCCEEDED and job.started_by is None


# The copy reads the database from outside the test's transaction, which must be committed.
@pytest.mark.django_db(transaction=True)
def test_the_daily_backup_writes_one_whole_file_per_tick(settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path)
    tick = int(datetime.datetime(2026, 12, 2, 2, 0, tzinfo=datetime.UTC).timestamp())
    tasks.backup_daily(timestamp=tick)
    written = tmp_path / "brest-internet-20261202-0200.dump"
    assert written.stat().st_size > 0 and written.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [written.name]  # no ".partial" left
    size = written.stat().st_size
    tasks.backup_daily(timestamp=tick)  # a retry of the same tick: the file stays as it was
    assert written.stat().st_size == size
    job = Job.objects.filter(kind="backup.daily").order_by("-pk").first()
    assert job.state == Job.State.SUCCEEDED and "déjà écrite" in job.result


@pytest.mark.django_db(transaction=True)
def test_a_failed_backup_leaves_no_file_that_looks_whole(settings, tmp_path, monkeypatch):
    import sqlite3

    from brest_internet.programme.management.commands import backup_database

    settings.BACKUP_DIR = str(tmp_path)
    settings.JOBS_INLINE = True  # recorded, not re-raised as on a worker

    def write_half(target):
        with open(target, "wb") as half:
            half.write(b"half a backup")
        raise sqlite3.OperationalError("disk full")

    # Both ways of writing (pg_dump on PostgreSQL, SQLite's copy) fail half-way.
    monkeypatch.setattr(sqlite3, "connect", lambda target, *args, **kwargs: write_half(target))
    monkeypatch.setattr(backup_database.Command, "_pg_dump", lambda _c, t: write_half(t))
    tasks.backup_daily(timestamp=0)
    assert list(tmp_path.iterdir()) == []
    job = Job.objects.get(kind="backup.daily")
    assert job.state == Job.State.FAILED and "annulées" in job.error


def test_a_retried_tick_keeps_its_one_job_row(gone_long_ago):
    from types import SimpleNamespace

    context = SimpleNamespace(job=SimpleNamespace(id=77))  # what the worker passes
    tasks.anonymise_daily(context, timestamp=0)
    tasks.anonymise_daily(context, timestamp=0)  # the same queue job, run again
    job = Job.objects.get(kind="gdpr.anonymise_daily")
    assert job.procrastinate_id == 77 and job.state == Job.State.SUCCEEDED and job.attempts == 1
