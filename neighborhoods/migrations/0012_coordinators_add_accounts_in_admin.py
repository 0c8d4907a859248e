"""Let coordinators add accounts in the admin too: its add form now invites the person (no
password typed, `neighborhoods.accounts.account_invite`), as their own page does. They still
do not change accounts there (flags, groups): deactivating goes through their page."""

from django.db import migrations

from neighborhoods.roles import grant, revoke

GRANTED = {"coordinator": ["add_user"]}


def forwards(apps, schema_editor):
    grant(apps, "neighborhoods", GRANTED)


def backwards(apps, schema_editor):
    revoke(apps, "neighborhoods", GRANTED)


class Migration(migrations.Migration):
    dependencies = [("neighborhoods", "0011_account_events_resend_and_second_factor_reset")]

    operations = [migrations.RunPython(forwards, backwards)]
