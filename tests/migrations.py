"""Helpers for the tests of data migrations, shared by every app's."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def migrate(targets):
    """Migrate to `targets` and return the models as the database now holds them.

    Migrating one app back leaves the other apps where they are, so the models are those of every
    migration still applied, not only of the targets' ancestors: a later column of another app
    (a neighbourhood's normalised name, say) is then known to the test that writes its rows.
    """
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    loader = MigrationLoader(connection)
    applied = {node for node in loader.applied_migrations if node in loader.graph.nodes}
    leaves = [
        node
        for node in applied
        if not any(child.key in applied for child in loader.graph.node_map[node].children)
    ]
    return loader.project_state(leaves).apps


def migrate_to_latest():
    """Every app to its last migration: what a test that migrated an app back leaves behind,
    so that the tests after it find every table (migrating `neighborhoods` back unapplies the
    apps that stand on it too)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def create_neighbourhood(apps, **fields):
    """A neighbourhood row through historical models, with its normalised name where it has one."""
    model = apps.get_model("neighborhoods", "Neighbourhood")
    if any(field.name == "name_key" for field in model._meta.fields):
        fields.setdefault("name_key", fields["slug"])
    return model.objects.create(**fields)
