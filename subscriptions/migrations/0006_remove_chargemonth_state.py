from django.db import migrations


class Migration(migrations.Migration):
    """The month's state now lives in LandlordMonth (filled by 0005)."""

    dependencies = [
        ("subscriptions", "0005_landlord_month_state"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='chargemonth',
            name='chargemonth_exported_has_date',
        ),
        migrations.RemoveField(
            model_name='chargemonth',
            name='exported_at',
        ),
        migrations.RemoveField(
            model_name='chargemonth',
            name='exported_by',
        ),
        migrations.RemoveField(
            model_name='chargemonth',
            name='status',
        ),
        migrations.RemoveField(
            model_name='historicalchargemonth',
            name='exported_at',
        ),
        migrations.RemoveField(
            model_name='historicalchargemonth',
            name='exported_by',
        ),
        migrations.RemoveField(
            model_name='historicalchargemonth',
            name='status',
        ),
    ]
