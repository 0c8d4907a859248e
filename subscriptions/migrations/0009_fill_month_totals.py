"""Fill the per-month, per-neighbourhood totals from the lines billed before they existed.

One INSERT … SELECT … GROUP BY (the database adds everything up). Reverse: empty the table.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Charge = apps.get_model("subscriptions", "Charge")
    MonthTotal = apps.get_model("subscriptions", "MonthTotal")
    qn = schema_editor.connection.ops.quote_name

    def col(model, name):
        return qn(model._meta.get_field(name).column)

    month, nbh, amount, payer = (col(Charge, f) for f in ("month", "neighbourhood", "amount", "payer"))
    columns = ", ".join(
        col(MonthTotal, f) for f in ("month", "neighbourhood", "lines", "amount", "tenants", "landlord")
    )
    tenants = f"sum(CASE WHEN {payer} = 'tenant' THEN {amount} ELSE 0 END)"
    landlord = f"sum(CASE WHEN {payer} = 'tenant' THEN 0 ELSE {amount} END)"
    schema_editor.execute(
        f"INSERT INTO {qn(MonthTotal._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {month}, {nbh}, count(*), sum({amount}), {tenants}, {landlord} "
        f"FROM {qn(Charge._meta.db_table)} GROUP BY {month}, {nbh}"
    )


def backwards(apps, schema_editor):
    apps.get_model("subscriptions", "MonthTotal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0008_month_totals"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
