"""The jobs' pages and rules: who sees which job, the progress people read, failures that stay
until acknowledged, and the upkeep that never leaves a job "running" for ever."""

import pytest
from asgiref.sync import async_to_sync
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from brest_internet.jobs import runner
from brest_internet.jobs.models import Job
from brest_internet.jobs.tasks import reconcile_now


def make_job(user, **fields):
    return Job.objects.create(kind="gdpr.anonymise_departed", started_by=user, **fields)


def failed(user):
    return make_job(user, state=Job.State.FAILED, finished_at=timezone.now(), error="Raté.")


def test_the_starter_and_the_coordinators_see_a_job_nobody_else(
    landlord_user, other_landlord_user, coordinator, centre_user, client_for
):
    job = make_job(landlord_user)
    url = reverse("jobs:detail", args=[job.pk])
    assert client_for(landlord_user).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(other_landlord_user).get(url).status_code == 404
    assert client_for(centre_user).get(url).status_code == 404
    listing = reverse("jobs:list")
    assert str(job.label) in client_for(coordinator).get(listing).content.decode()
    assert "Aucune tâche" in client_for(other_landlord_user).get(listing).content.decode()


def test_progress_is_seen_by_the_page_as_it_advances(landlord_user, client_for):
    job = make_job(landlord_user, state=Job.State.RUNNING)
    progress = runner.Progress(job.pk)
    progress.todo(10)
    progress.advance(4)
    page = client_for(landlord_user).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'value="4" max="10">40 %</progress>' in page
    assert "4 lignes faites sur 10 (40 %)" in page
    assert "<title>En cours – " in page
    progress.advance(50)  # never past what is to do
    job.refresh_from_db()
    assert job.lines_done == 10


def test_a_failed_job_stays_listed_until_someone_acknowledges_it(
    landlord_user, coordinator, client_for
):
    job = failed(landlord_user)
    listing = client_for(coordinator).get(reverse("jobs:list")).content.decode()
    assert "1 tâche en échec attend d'être vue." in listing
    page = client_for(landlord_user).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Raté." in page and "Marquer l'échec comme vu" in page
    response = client_for(coordinator).post(reverse("jobs:acknowledge", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.ACKNOWLEDGED
    assert job.acknowledged_by == coordinator and job.acknowledged_at is not None
    listing = client_for(coordinator).get(reverse("jobs:list")).content.decode()
    assert "attend d'être vue" not in listing
    assert "Échouée, vue" in listing  # still listed, with its story


def test_only_a_failed_job_can_be_acknowledged(landlord_user, client_for):
    job = make_job(landlord_user)
    client_for(landlord_user).post(reverse("jobs:acknowledge", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and job.acknowledged_by is None


def test_another_persons_failure_cannot_be_acknowledged(
    landlord_user, other_landlord_user, client_for
):
    job = failed(landlord_user)
    response = client_for(other_landlord_user).post(reverse("jobs:acknowledge", args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.state == Job.State.FAILED


def test_the_list_costs_the_same_queries_with_more_jobs(
    landlord_user, coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(coordinator)
    for _ in range(3):
        failed(landlord_user)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("jobs:list"))
    for _ in range(40):
        failed(landlord_user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("jobs:list"))


@pytest.mark.parametrize(
    "fields",
    [
        {"lines_todo": 3, "lines_done": 4},
        {"state": Job.State.ACKNOWLEDGED, "finished_at": timezone.now()},
        {"state": Job.State.SUCCEEDED},
    ],
    ids=["done-beyond-todo", "acknowledged-without-who", "finished-without-time"],
)
def test_the_database_refuses_an_inconsistent_job(landlord_user, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_job(landlord_user, **fields)


def test_a_job_run_again_after_it_finished_does_nothing(landlord_user):
    job = make_job(landlord_user, state=Job.State.SUCCEEDED, finished_at=timezone.now())
    calls = []
    runner.execute(job.pk, lambda progress: calls.append(1) or "fait", (), {})
    assert calls == []


def _stalled(job_queue, job, attempts):
    """A job a killed worker left "doing" (its worker is gone from the workers' table)."""
    from procrastinate.contrib.django import app

    job_id = app.tasks["gdpr.anonymise_departed"].defer(job_id=job.pk)
    row = job_queue.connector.jobs[job_id]
    row.update(status="doing", attempts=attempts, worker_id=None)
    Job.objects.filter(pk=job.pk).update(
        procrastinate_id=job_id, state=Job.State.RUNNING, started_at=timezone.now()
    )
    return job_id


def test_a_crashed_workers_job_is_retried_then_failed(settings, landlord_user, job_queue):
    from procrastinate.contrib.django import app

    settings.JOBS_MAX_ATTEMPTS = 2
    job = make_job(landlord_user)
    job_id = _stalled(job_queue, job, attempts=0)
    assert async_to_sync(reconcile_now)(app) == {"retried": 1, "failed": 0}
    assert job_queue.connector.jobs[job_id]["status"] == "todo"
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED and "relancée" in job.error

    job_queue.connector.jobs[job_id].update(status="doing", attempts=1, worker_id=None)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    assert async_to_sync(reconcile_now)(app) == {"retried": 0, "failed": 1}
    assert job_queue.connector.jobs[job_id]["status"] == "failed"
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.finished_at is not None
    assert "s'est arrêté 2 fois" in job.error


def test_a_job_the_queue_lost_is_marked_failed(landlord_user, job_queue):
    from procrastinate.contrib.django import app

    job = make_job(landlord_user, state=Job.State.RUNNING, procrastinate_id=424242)
    async_to_sync(reconcile_now)(app)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "perdue" in job.error


def test_the_daily_jobs_are_periodic_tasks():
    from procrastinate.contrib.django import app

    names = {p.task.name for p in app.periodic_registry.periodic_tasks.values()}
    assert {
        "subscriptions.charges_monthly",
        "gdpr.anonymise_daily",
        "backup.daily",
        "jobs.reconcile",
    } <= names
