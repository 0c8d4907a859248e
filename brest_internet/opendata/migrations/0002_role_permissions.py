"""Give the coordination the open data's permissions in the admin: the centres' places are
entered there; publications are only viewed (they are written by `opendata_publish`)."""

from django.db import migrations

from neighborhoods.roles import crud, grant, revoke

PERMISSIONS = {
    "coordinator": [*crud("centreplace"), *crud("publication", actions=("view",))],
}


def forwards(apps, schema_editor):
    grant(apps, "opendata", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "opendata", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_publications_and_centre_places"),
        ("neighborhoods", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
