"""The register file's personal data leaves when it should (issue 13, section 6).

A preview keeps only the register's columns of the file (a phone or a birth date column is
dropped and named on the page), and that content is emptied once the import is applied,
abandoned, replaced by a new preview or left waiting for longer than REGISTER_PREVIEW_HOURS.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from neighborhoods import register
from neighborhoods.models import Dwelling, RegisterImport

pytestmark = pytest.mark.django_db

HEADER = "Référence;Quartier;Nom du locataire;Téléphone;Adresse;date de naissance;Statut"
ROW = "KRR-P1;Kerourien de test;Yvonne Kerjean;06 12 34 56 78;3 rue du Bois;12/03/1941;occupé"
PERSONAL = ["Yvonne Kerjean", "06 12 34 56 78", "12/03/1941", "Kerjean", "1941"]


def file_with_personal_columns():
    return (HEADER + "\r\n" + ROW + "\r\n").encode("utf-8-sig")


def preview(user, content=None):
    plan, pending = register.register_import_preview(
        user=user, name="registre.csv", content=content or file_with_personal_columns()
    )
    assert plan.ok, plan.errors
    return plan, pending


def stored(pending) -> str:
    pending.refresh_from_db()
    return bytes(pending.content).decode()


def test_columns_outside_the_register_are_dropped_and_named(world, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import"),
        {"file": SimpleUploadedFile("registre.csv", file_with_personal_columns(), "text/csv")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Colonnes ignorées : Nom du locataire, Téléphone, date de naissance." in page
    pending = RegisterImport.objects.get()
    content = stored(pending)
    assert "KRR-P1" in content and "3 rue du Bois" in content
    for value in PERSONAL:
        assert value not in content
    assert "naissance" not in content and "Téléphone" not in content


def test_the_kept_columns_import_what_was_previewed(world, coordinator):
    _plan, pending = preview(coordinator)
    plan, applied = register.register_import_apply(user=coordinator, pending_id=pending.pk)
    assert plan.ok
    dwelling = Dwelling.objects.get(reference="KRR-P1")
    assert dwelling.address == "3 rue du Bois"
    assert dwelling.status == Dwelling.Status.OCCUPIED
    assert applied.created_count == 1


def test_an_applied_import_keeps_no_content(world, coordinator):
    _plan, pending = preview(coordinator)
    register.register_import_apply(user=coordinator, pending_id=pending.pk)
    assert stored(pending) == ""
    assert pending.status == RegisterImport.Status.APPLIED
    assert pending.filename == "registre.csv"  # the trace of who imported what stays


def test_abandoning_a_preview_erases_it_and_imports_nothing(world, coordinator, client_for):
    _plan, pending = preview(coordinator)
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import_cancel", kwargs={"pk": pending.pk}), follow=True
    )
    assert "Aperçu abandonné" in response.content.decode()
    assert stored(pending) == ""
    assert pending.status == RegisterImport.Status.ABANDONED
    assert not Dwelling.objects.filter(reference="KRR-P1").exists()
    # Its confirmation is refused with a message, not applied from nothing.
    response = client_for(coordinator).post(
        reverse("neighborhoods:register_import_confirm", kwargs={"pk": pending.pk}), follow=True
    )
    assert "Cet aperçu a été abandonné" in response.content.decode()
    assert not Dwelling.objects.filter(reference="KRR-P1").exists()


def test_an_applied_import_cannot_be_abandoned(world, coordinator):
    _plan, pending = preview(coordinator)
    register.register_import_apply(user=coordinator, pending_id=pending.pk)
    with pytest.raises(register.RegisterFileError):
        register.register_import_cancel(user=coordinator, pending_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == RegisterImport.Status.APPLIED


def test_someone_elses_preview_cannot_be_abandoned(world, coordinator, landlord_user, client_for):
    _plan, pending = preview(coordinator)
    response = client_for(landlord_user).post(
        reverse("neighborhoods:register_import_cancel", kwargs={"pk": pending.pk})
    )
    assert response.status_code == 404
    assert stored(pending) != ""


def test_a_new_preview_abandons_the_users_earlier_one(world, coordinator, landlord_user):
    _plan, first = preview(coordinator)
    _plan, others = preview(landlord_user)
    _plan, second = preview(coordinator)
    assert stored(first) == "" and first.status == RegisterImport.Status.ABANDONED
    assert stored(second) != "" and second.status == RegisterImport.Status.PENDING
    assert stored(others) != ""  # another user's preview is theirs


def test_the_daily_job_erases_previews_older_than_the_setting(world, coordinator, settings):
    settings.REGISTER_PREVIEW_HOURS = 24
    _plan, old = preview(coordinator)
    RegisterImport.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=25)
    )
    _plan, applied = preview(coordinator)
    RegisterImport.objects.filter(pk=applied.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=30)
    )
    register.register_import_apply(user=coordinator, pending_id=applied.pk)
    RegisterImport.objects.create(uploaded_by=coordinator, filename="r.csv", content=b"x")
    recent = RegisterImport.objects.latest("pk")

    call_command("anonymise_departed_households")

    assert RegisterImport.objects.get(pk=old.pk).status == RegisterImport.Status.ABANDONED
    assert stored(RegisterImport.objects.get(pk=old.pk)) == ""
    assert RegisterImport.objects.get(pk=applied.pk).status == RegisterImport.Status.APPLIED
    assert stored(recent) == "x"


def test_purge_register_uploads_reports_what_it_erased(world, coordinator, capsys):
    _plan, old = preview(coordinator)
    RegisterImport.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=3)
    )
    call_command("purge_register_uploads")
    assert "1 aperçu d'import du registre effacé (" in capsys.readouterr().out
    assert stored(old) == ""


def test_the_database_refuses_content_on_an_import_that_no_longer_waits(world, coordinator):
    _plan, pending = preview(coordinator)
    register.register_import_apply(user=coordinator, pending_id=pending.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterImport.objects.filter(pk=pending.pk).update(content=b"Yvonne Kerjean")


def test_the_database_refuses_an_abandoned_import_with_an_import_date(world, coordinator):
    _plan, pending = preview(coordinator)
    register.register_import_cancel(user=coordinator, pending_id=pending.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterImport.objects.filter(pk=pending.pk).update(applied_at=timezone.now())


def test_a_preview_stored_whole_before_the_change_still_applies(world, coordinator):
    # Previews made before this release kept the raw file: they still confirm.
    content = (
        "Référence;Quartier;Adresse;Statut\r\nKRR-OLD;Kerourien de test;1 rue;vacant\r\n"
    ).encode()
    pending = RegisterImport.objects.create(
        uploaded_by=coordinator, filename="ancien.csv", content=content, rows=1
    )
    plan, applied = register.register_import_apply(user=coordinator, pending_id=pending.pk)
    assert plan.ok and Dwelling.objects.filter(reference="KRR-OLD").exists()
    assert stored(applied) == ""
