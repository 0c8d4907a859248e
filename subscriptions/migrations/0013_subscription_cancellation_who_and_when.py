"""Subscriptions adopt the kit's cancellation (who, when, why) beside the day the service stops.

`cancel_reason` keeps its name and rows; `cancelled_at` and `cancelled_by` are added here, filled
in 0014 and checked in 0015: each step in its own transaction, since PostgreSQL refuses to index
or alter a table that has updates pending in the same one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def refuse_reasons_without_cancellation(apps, schema_editor):
    """A reason belongs to a cancellation (the kit's check in 0015): a subscription still open
    that has one stops the migration with the list to look at, and nothing is changed."""
    Subscription = apps.get_model("subscriptions", "Subscription")
    reason_without_cancellation = list(
        Subscription.objects.exclude(status="cancelled")
        .exclude(cancel_reason="")
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    if reason_without_cancellation:
        raise RuntimeError(
            "Abonnements non résiliés qui ont un motif de résiliation : "
            f"{', '.join(map(str, reason_without_cancellation))}. Voyez-les avec la "
            "coordination avant de migrer."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("neighborhoods", "0015_user_people_manager"),
        ("subscriptions", "0012_bound_offer_speed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_reasons_without_cancellation, migrations.RunPython.noop),
        migrations.AddField(
            model_name="historicalsubscription",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="annulation le"),
        ),
        migrations.AddField(
            model_name="historicalsubscription",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="annulation par",
            ),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancelled_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="annulation le"),
        ),
        migrations.AddField(
            model_name="subscription",
            name="cancelled_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="annulation par",
            ),
        ),
    ]
