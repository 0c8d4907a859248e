"""The data migration that empties the files of register imports already applied (0005)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("neighborhoods", "0004_register_import_permissions")]
AFTER = [("neighborhoods", "0005_register_import_keeps_no_data")]
FILE = "Référence;Quartier;Téléphone;Statut\r\nKRR-1;Q;06 12 34 56 78;occupé\r\n".encode()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_applied_imports_lose_their_file_and_waiting_ones_keep_it():
    try:
        apps = migrate(BEFORE)
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

        apps = migrate(AFTER)
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
        apps = migrate(BEFORE)
        RegisterImport = apps.get_model("neighborhoods", "RegisterImport")
        assert bytes(RegisterImport.objects.get(pk=applied.pk).content) == b""
        assert RegisterImport.objects.count() == 2
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
