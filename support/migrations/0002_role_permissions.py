"""Give the coordination the support app's permissions (the admin uses them).

Catalogues (topics, computer models and stock) are managed in the admin; the other records
are only viewed there, their states changing through `support.services`.
"""

from django.db import migrations

from neighborhoods.roles import crud, grant, revoke

PERMISSIONS = {
    "coordinator": [
        *crud("workshoptopic", "computermodel"),
        *crud(
            "workshopsession",
            "registration",
            "halfdayvisit",
            "homehelprequest",
            "advicerequest",
            "computerorder",
            actions=("view",),
        ),
    ],
}


def forwards(apps, schema_editor):
    grant(apps, "support", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "support", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_workshops_half_days_help_advice_computers"),
        ("neighborhoods", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
