"""The data migration that fills the normalised names before their unique constraint (0005)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("neighborhoods", "0004_register_import_permissions")]
AFTER = [("neighborhoods", "0005_neighbourhood_name_key_and_date_corrections")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_existing_names_get_their_normalised_form_and_twins_go_through():
    try:
        apps = migrate(BEFORE)
        Organisation = apps.get_model("neighborhoods", "Organisation")
        Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
        landlord = Organisation.objects.create(name="Bmh", kind="landlord")
        for name, slug in [("Kérourien", "kerourien"), ("Keredern", "keredern")]:
            Neighbourhood.objects.create(name=name, slug=slug, landlord=landlord)
        # Two rows that the new rule forbids, recorded before it.
        twin = Neighbourhood.objects.create(name="KEROURIEN", slug="kerourien-2", landlord=landlord)

        apps = migrate(AFTER)
        Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
        keys = dict(Neighbourhood.objects.values_list("slug", "name_key"))
        assert keys == {
            "kerourien": "kerourien",
            "keredern": "keredern",
            "kerourien-2": f"kerourien #{twin.pk}",
        }
        assert Neighbourhood.objects.get(slug="kerourien-2").name == "KEROURIEN"  # left as is

        apps = migrate(BEFORE)  # reversible
        assert apps.get_model("neighborhoods", "Neighbourhood").objects.count() == 3
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
