"""The charge run as a background job: queued from its page, followed on the job's page, one
at a time per landlord and month, monthly on the 1st, all or nothing when it fails."""

import datetime

import pytest
from django.urls import reverse

from brest_internet.jobs.models import Job
from brest_internet.jobs.runner import UNEXPECTED
from neighborhoods.models import User
from subscriptions import billing_sql, tasks
from subscriptions.models import Charge, ChargeRun

GENERATE = "subscriptions:charges_generate"


@pytest.fixture
def queued(settings):
    """As on PostgreSQL: the job goes to the queue and waits for a worker."""
    settings.JOBS_INLINE = False


def test_the_run_is_queued_then_done_by_a_worker(
    queued, running, tariff, landlord_user, client_for, job_queue
):
    client = client_for(landlord_user)
    response = client.post(reverse(GENERATE), {"month": "2013-02"})
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.state == Job.State.QUEUED
    assert job.started_by == landlord_user
    assert not Charge.objects.exists()
    page = client.get(response.url).content.decode()
    assert "En attente" in page
    assert "js/job-progress.js" in page  # it refreshes itself while the job is not over
    assert [row["task_name"] for row in job_queue.queued()] == [GENERATE.replace(":", ".")]

    assert job_queue.run_all() == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.lines_done, job.lines_todo) == (3, 3)
    assert Charge.objects.filter(month=datetime.date(2013, 2, 1)).count() == 3
    page = client.get(response.url).content.decode()
    assert "3 lignes ajoutées" in page
    assert f'<progress id="job-progress-{job.pk}" class="w-100" value="3" max="3">' in page
    assert "3 lignes faites sur 3" in page
    assert "js/job-progress.js" not in page


def test_a_second_run_of_the_same_landlord_and_month_is_refused_while_one_waits(
    queued, running, tariff, landlord_user, coordinator, client_for, job_queue
):
    client = client_for(landlord_user)
    first = client.post(reverse(GENERATE), {"month": "2013-02"})
    second = client.post(reverse(GENERATE), {"month": "2013-02"}, follow=True)
    assert second.redirect_chain[-1][0] == first.url
    assert "déjà en attente ou en cours" in second.content.decode()
    assert Job.objects.count() == 1
    assert len(job_queue.queued()) == 1
    # Another month, or the coordinator's run of every landlord, is another job.
    client.post(reverse(GENERATE), {"month": "2013-01"})
    client_for(coordinator).post(reverse(GENERATE), {"month": "2013-02"})
    assert len(job_queue.queued()) == 3
    job_queue.run_all()
    # Once the first is done, the month may be run again (it adds nothing).
    again = client.post(reverse(GENERATE), {"month": "2013-02"})
    job_queue.run_all()
    assert "0 ligne ajoutée" in client.get(again.url).content.decode()


def test_the_queue_refuses_the_same_lock_twice_even_behind_our_check(
    queued, running, tariff, landlord_user, job_queue
):
    """Two requests at the same moment both pass the Job check: Procrastinate's lock holds."""
    from procrastinate.contrib.django import app

    from brest_internet.jobs.runner import JobAlreadyQueued

    month = "2013-02"
    lock = tasks.charges_lock(month, landlord_user.organisation)
    app.tasks["subscriptions.charges_generate"].configure(queueing_lock=lock).defer(
        job_id=0, month=month, by_id=None, landlord_id=None
    )
    with pytest.raises(JobAlreadyQueued, match="déjà en attente"):
        tasks.charges_generate_defer(
            month=month, by=landlord_user, landlord=landlord_user.organisation
        )
    assert not Job.objects.exists()  # the row went with the refused transaction


def test_a_future_month_is_refused_before_anything_is_queued(
    queued, running, tariff, landlord_user, client_for, job_queue
):
    response = client_for(landlord_user).post(reverse(GENERATE), {"month": "2099-02"}, follow=True)
    assert "n&#x27;a pas commencé" in response.content.decode()
    assert not Job.objects.exists() and not job_queue.queued()


def test_without_a_worker_the_run_is_done_when_the_page_shows(
    settings, running, tariff, landlord_user, client_for, job_queue
):
    settings.JOBS_INLINE = True  # SQLite, `make run`
    response = client_for(landlord_user).post(reverse(GENERATE), {"month": "2013-02"}, follow=True)
    assert "3 lignes ajoutées" in response.content.decode()
    assert Job.objects.get().state == Job.State.SUCCEEDED
    assert not job_queue.queued()


def test_an_unexpected_error_writes_nothing_and_says_so_in_french(
    queued, running, tariff, landlord_user, client_for, job_queue, monkeypatch
):
    real_insert = billing_sql.insert_charges

    def insert_then_crash(**kwargs):
        real_insert(**kwargs)
        raise RuntimeError("the worker's disk is full")

    monkeypatch.setattr(billing_sql, "insert_charges", insert_then_crash)
    response = client_for(landlord_user).post(reverse(GENERATE), {"month": "2013-02"})
    with pytest.raises(RuntimeError):
        job_queue.run_all()  # the worker records the failure too
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert job.error == UNEXPECTED
    assert not Charge.objects.exists() and not ChargeRun.objects.exists()
    page = client_for(landlord_user).get(response.url).content.decode()
    assert "ses modifications ont été annulées" in page
    assert "disk" not in page


def test_a_refused_run_ends_failed_with_the_services_message(
    queued, running, tariff, landlord_user, client_for, job_queue
):
    from subscriptions.services import charge_month_export, charges_generate

    charges_generate(month="2013-02", by=User.objects.system())
    charge_month_export(month="2013-02", landlord=running.nbh.landlord, by=User.objects.system())
    response = client_for(landlord_user).post(reverse(GENERATE), {"month": "2013-02"})
    job_queue.run_all()
    job = Job.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert job.state == Job.State.FAILED
    assert "verrouillé" in job.error


def test_the_monthly_run_bills_the_month_just_started(running, tariff, job_queue):
    from procrastinate.contrib.django import app

    periodic = {p.task.name for p in app.periodic_registry.periodic_tasks.values()}
    assert "subscriptions.charges_monthly" in periodic
    tasks.charges_monthly(timestamp=0)
    job = Job.objects.get(kind="subscriptions.charges_monthly")
    assert job.state == Job.State.SUCCEEDED and job.started_by is None
    this_month = datetime.date.today().replace(day=1)
    assert Charge.objects.filter(month=this_month).count() == 3
    # Fired again (a retry), it bills nothing twice.
    tasks.charges_monthly(timestamp=0)
    assert Charge.objects.filter(month=this_month).count() == 3
