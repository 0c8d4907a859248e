"""Give the coordination the admin of this app: the offer and tariffs (written through the
services), subscriptions (moved on by actions), and a read-only view of everything billed."""

from django.db import migrations

from neighborhoods.roles import grant, revoke

PERMISSIONS = {
    "coordinator": [
        "view_offer",
        "add_offer",
        "change_offer",
        "view_tariff",
        "add_tariff",
        "change_tariff",
        "view_subscription",
        "change_subscription",
        "view_chargemonth",
        "view_landlordmonth",
        "view_chargerun",
        "view_charge",
        "view_adjustment",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, "subscriptions", PERMISSIONS)


def backwards(apps, schema_editor):
    revoke(apps, "subscriptions", PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0006_remove_chargemonth_state"),
        ("neighborhoods", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
