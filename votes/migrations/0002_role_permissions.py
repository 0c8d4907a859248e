"""Give the role groups this app's permissions (read-only admin for the coordination)."""

from django.db import migrations

from neighborhoods.roles import grant, revoke

PERMISSIONS = {
    "coordinator": ["view_vote", "view_papercount", "view_countentry", "view_participation"],
}


def forwards(apps, schema_editor):
    grant(apps, "votes", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "votes", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("votes", "0001_votes_roll_ballots_counts"),
        ("neighborhoods", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
