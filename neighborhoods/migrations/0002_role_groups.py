"""Create the four role groups and give them this app's permissions."""

from django.db import migrations

from neighborhoods.roles import crud, grant, revoke

PERMISSIONS = {
    "coordinator": [
        *crud("organisation", "neighbourhood", "sector", "dwelling", "household", "occupancy"),
        *crud("meeting"),
        "view_user",
        "view_stagechange",
    ],
    "landlord": [
        "view_neighbourhood",
        "view_sector",
        "view_meeting",
        *crud("dwelling", "household", "occupancy"),
    ],
    "centre": ["view_neighbourhood", "view_dwelling", *crud("household")],
    "association": ["view_neighbourhood"],
}


def forwards(apps, schema_editor):
    grant(apps, "neighborhoods", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "neighborhoods", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("neighborhoods", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
