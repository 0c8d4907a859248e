"""Let coordinators and landlord staff see the register imports in the admin."""

from django.db import migrations

from neighborhoods.roles import grant, revoke

PERMISSIONS = {
    "coordinator": ["view_registerimport"],
    "landlord": ["view_registerimport"],
}


def forwards(apps, schema_editor):
    grant(apps, "neighborhoods", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "neighborhoods", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("neighborhoods", "0003_register_import_and_review_meetings")]

    operations = [migrations.RunPython(forwards, backwards)]
