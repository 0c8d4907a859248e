"""Let coordinators make, revoke (change) and see the partners' tokens in the admin, and read
the API's call log."""

from django.db import migrations

from neighborhoods.roles import grant, revoke

GRANTED = {
    "coordinator": ["add_apitoken", "change_apitoken", "view_apitoken", "view_apicall"],
}


def forwards(apps, schema_editor):
    grant(apps, "api", GRANTED)


def backwards(apps, schema_editor):
    revoke(apps, "api", GRANTED)


class Migration(migrations.Migration):
    dependencies = [("api", "0001_partner_tokens_and_call_log")]

    operations = [migrations.RunPython(forwards, backwards)]
