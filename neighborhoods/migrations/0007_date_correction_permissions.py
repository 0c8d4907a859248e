"""Let coordinators see the corrections of dates in the admin (read-only there), and take from
every role the admin's add and change permissions on occupancies: a move goes through the
register's pages (`neighborhoods.moves`), the admin only shows them."""

from django.db import migrations

from neighborhoods.roles import grant, revoke

GRANTED = {"coordinator": ["view_datecorrection"]}
TAKEN = {
    "coordinator": ["add_occupancy", "change_occupancy"],
    "landlord": ["add_occupancy", "change_occupancy"],
}
KEPT = {"coordinator": ["view_occupancy"], "landlord": ["view_occupancy"]}


def forwards(apps, schema_editor):
    grant(apps, "neighborhoods", GRANTED)
    grant(apps, "neighborhoods", KEPT)  # the change permission also meant "view"
    revoke(apps, "neighborhoods", TAKEN)


def backwards(apps, schema_editor):
    grant(apps, "neighborhoods", TAKEN)
    revoke(apps, "neighborhoods", GRANTED)


class Migration(migrations.Migration):
    dependencies = [("neighborhoods", "0006_neighbourhood_name_key_and_date_corrections")]

    operations = [migrations.RunPython(forwards, backwards)]
