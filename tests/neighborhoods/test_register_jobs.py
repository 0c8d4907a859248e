"""A large register file (beyond REGISTER_JOB_ROWS) is checked and imported by background
jobs: the request only receives it; the job's page says when it can be confirmed; all or
nothing whatever happens to the worker."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brest_internet.jobs.models import Job
from neighborhoods import register
from neighborhoods.models import Dwelling, RegisterImport

HEADER = "Référence;Quartier;Adresse;Bâtiment;Entrée;Statut"


def register_file(nbh, n, start=0):
    lines = [
        f"GRAND-{i:06d};{nbh.name};{i} rue du Test;A;1;occupé" for i in range(start, start + n)
    ]
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("utf-8-sig")


@pytest.fixture
def small_jobs(settings):
    settings.REGISTER_JOB_ROWS = 5
    settings.JOBS_INLINE = False  # as on PostgreSQL, with a worker


def upload(client, content, name="registre.csv"):
    return client.post(
        reverse("neighborhoods:register_import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_a_large_file_is_checked_then_imported_by_jobs(
    small_jobs, world, landlord_user, client_for, job_queue
):
    client = client_for(landlord_user)
    response = upload(client, register_file(world.nbh, 8))
    check = Job.objects.get(kind="neighborhoods.register_import_check")
    assert response.url == reverse("jobs:detail", args=[check.pk])
    received = RegisterImport.objects.get()
    assert received.status == RegisterImport.Status.CHECKING
    # Not confirmable before its check.
    client.post(reverse("neighborhoods:register_import_confirm", args=[received.pk]))
    assert not Dwelling.objects.filter(reference__startswith="GRAND-").exists()

    job_queue.run_all()
    check.refresh_from_db()
    assert check.state == Job.State.SUCCEEDED
    assert "Logements à ajouter : 8." in check.result
    page = client.get(reverse("jobs:detail", args=[check.pk])).content.decode()
    assert reverse("neighborhoods:register_import") in page  # the way on to the confirmation
    received.refresh_from_db()
    assert received.status == RegisterImport.Status.PENDING and received.rows == 8
    import_page = client.get(reverse("neighborhoods:register_import")).content.decode()
    assert "attend votre confirmation" in import_page

    response = client.post(reverse("neighborhoods:register_import_confirm", args=[received.pk]))
    apply = Job.objects.get(kind="neighborhoods.register_import_apply")
    assert response.url == reverse("jobs:detail", args=[apply.pk])
    assert apply.lines_todo == 8
    job_queue.run_all()
    apply.refresh_from_db()
    assert apply.state == Job.State.SUCCEEDED
    assert (apply.lines_done, apply.lines_todo) == (8, 8)
    assert Dwelling.objects.filter(reference__startswith="GRAND-").count() == 8
    received.refresh_from_db()
    assert received.status == RegisterImport.Status.APPLIED and bytes(received.content) == b""


def test_a_large_file_with_errors_is_refused_whole_and_erased(
    small_jobs, world, landlord_user, client_for, job_queue
):
    content = register_file(world.nbh, 8) + "SANS-QUARTIER;Nulle part;1 rue;A;1;occupé\r\n".encode()
    upload(client_for(landlord_user), content)
    job_queue.run_all()
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    assert "refusé en entier" in job.error and "Ligne 10" in job.error
    received = RegisterImport.objects.get()
    assert received.status == RegisterImport.Status.ABANDONED and bytes(received.content) == b""
    assert not Dwelling.objects.filter(reference__startswith="GRAND-").exists()


def test_a_crash_while_applying_writes_nothing_and_the_retry_imports_it_whole(
    small_jobs, world, landlord_user, client_for, job_queue, monkeypatch
):
    client = client_for(landlord_user)
    upload(client, register_file(world.nbh, 8))
    job_queue.run_all()
    pending = RegisterImport.objects.get()
    client.post(reverse("neighborhoods:register_import_confirm", args=[pending.pk]))
    real_update = register.apply.bulk_create_with_history

    def create_then_crash(*args, **kwargs):
        real_update(*args, **kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(register.apply, "bulk_create_with_history", create_then_crash)
    with pytest.raises(RuntimeError):
        job_queue.run_all()
    assert not Dwelling.objects.filter(reference__startswith="GRAND-").exists()
    pending.refresh_from_db()
    assert pending.status == RegisterImport.Status.PENDING  # still there, to retry
    monkeypatch.setattr(register.apply, "bulk_create_with_history", real_update)
    # The worker retries it (here: queued again, as the crashed worker's upkeep does).
    job = Job.objects.get(kind="neighborhoods.register_import_apply")
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)
    from procrastinate.contrib.django import app

    app.tasks["neighborhoods.register_import_apply"](
        job_id=job.pk, pending_id=pending.pk, user_id=landlord_user.pk
    )
    assert Dwelling.objects.filter(reference__startswith="GRAND-").count() == 8
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.attempts == 2


def test_a_small_file_is_still_previewed_and_confirmed_in_the_request(
    small_jobs, world, landlord_user, client_for, job_queue
):
    client = client_for(landlord_user)
    response = upload(client, register_file(world.nbh, 3))
    assert response.status_code == 200 and "Confirmer l'import" in response.content.decode()
    pending = RegisterImport.objects.get()
    client.post(reverse("neighborhoods:register_import_confirm", args=[pending.pk]))
    assert Dwelling.objects.filter(reference__startswith="GRAND-").count() == 3
    assert not Job.objects.exists() and not job_queue.queued()


def test_a_received_file_never_checked_is_erased_by_the_daily_purge(world, landlord_user):
    import datetime

    from django.utils import timezone

    received = register.register_import_receive(
        user=landlord_user, name="registre.csv", content=register_file(world.nbh, 8)
    )
    later = timezone.now() + datetime.timedelta(days=3)
    assert register.register_imports_purge(now=later) == 1
    received.refresh_from_db()
    assert received.status == RegisterImport.Status.ABANDONED and bytes(received.content) == b""


def test_a_checking_import_must_keep_no_applied_date(world, landlord_user):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterImport.objects.create(
            uploaded_by=landlord_user,
            filename="x.csv",
            content=b"x",
            status=RegisterImport.Status.CHECKING,
            applied_at=timezone.now(),
        )
