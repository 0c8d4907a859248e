"""Give the coordination the right to keep the organisations' phone numbers that the notices
give as "who to call" (the admin uses the permissions)."""

from django.db import migrations

from neighborhoods.roles import crud, grant, revoke

PERMISSIONS = {"coordinator": crud("organisationcontact")}


def forwards(apps, schema_editor):
    grant(apps, "notices", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "notices", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_contacts_consents_and_deliveries"),
        ("neighborhoods", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
