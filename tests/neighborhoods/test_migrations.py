"""The register's data migrations: 0005 empties the files of imports already applied, 0006 fills
the normalised names before their unique constraint."""

import pytest
from django.utils import timezone

from tests.migrations import migrate, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

FILE = "Référence;Quartier;Téléphone;Statut\r\nKRR-1;Q;06 12 34 56 78;occupé\r\n".encode()


def test_applied_imports_lose_their_file_and_waiting_ones_keep_it():
    try:
        apps = migrate([("neighborhoods", "0004_register_import_permissions")])
        User = apps.get_model("neighborhoods", "User")
        RegisterImport = apps.get_model("neighborhoods", "RegisterImport")
        user = User.objects.create(username="bailleur")
        applied = RegisterImport.objects.create(
            uploaded_by=user,
            filename="registre.csv",
            content=FILE,
            status="applied",
            applied_at=timezone.now(),
            created_count=1,
        )
        waiting = RegisterImport.objects.create(
            uploaded_by=user, filename="aperçu.csv", content=FILE
        )

        apps = migrate([("neighborhoods", "0005_register_import_keeps_no_data")])
        RegisterImport = apps.get_model("neighborhoods", "RegisterImport")
        applied = RegisterImport.objects.get(pk=applied.pk)
        assert bytes(applied.content) == b""
        assert (applied.filename, applied.status, applied.created_count) == (
            "registre.csv",
            "applied",
            1,
        )
        assert bytes(RegisterImport.objects.get(pk=waiting.pk).content) == FILE

        # Reversible: going back keeps the rows (an emptied file cannot come back).
        apps = migrate([("neighborhoods", "0004_register_import_permissions")])
        RegisterImport = apps.get_model("neighborhoods", "RegisterImport")
        assert bytes(RegisterImport.objects.get(pk=applied.pk).content) == b""
        assert RegisterImport.objects.count() == 2
    finally:
        migrate_to_latest()


def test_existing_names_get_their_normalised_form_and_twins_go_through():
    try:
        apps = migrate([("neighborhoods", "0005_register_import_keeps_no_data")])
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
        landlord = Organisation.objects.create(name="Bmh", kind="landlord")
        for name, slug in [("Kérourien", "kerourien"), ("Keredern", "keredern")]:
            Neighbourhood.objects.create(name=name, slug=slug, landlord=landlord)
        # Two rows that the new rule forbids, recorded before it.
        twin = Neighbourhood.objects.create(name="KEROURIEN", slug="kerourien-2", landlord=landlord)

        apps = migrate([("neighborhoods", "0006_neighbourhood_name_key_and_date_corrections")])
        Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
        keys = dict(Neighbourhood.objects.values_list("slug", "name_key"))
        assert keys == {
            "kerourien": "kerourien",
            "keredern": "keredern",
            "kerourien-2": f"kerourien #{twin.pk}",
        }
        assert Neighbourhood.objects.get(slug="kerourien-2").name == "KEROURIEN"  # left as is

        apps = migrate([("neighborhoods", "0005_register_import_keeps_no_data")])  # reversible
        assert apps.get_model("neighborhoods", "Neighbourhood").objects.count() == 3
    finally:
        migrate_to_latest()
