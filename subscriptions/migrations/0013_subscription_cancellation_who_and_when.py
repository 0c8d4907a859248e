"""Subscriptions adopt the kit's cancellation (who, when, why) beside the day the service stops.

`cancel_reason` keeps its name and rows; `cancelled_at` and `cancelled_by` are added and filled for
the subscriptions already cancelled: from the first history row that shows them cancelled (when
and by whom it was recorded), else from `cancelled_on` itself (midnight, local time) with nobody.
Their history rows at and after the cancellation get the same. The checks come in 0014, once the
rows are filled (PostgreSQL refuses to alter a table with updates pending in the transaction).
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def refuse_reasons_without_cancellation(apps, schema_editor):
    """A reason belongs to a cancellation (the kit's check in 0014): a subscription still open
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


def fill_cancellations(apps, schema_editor):
    Subscription = apps.get_model("subscriptions", "Subscription")
    History = apps.get_model("subscriptions", "HistoricalSubscription")
    first = History.objects.filter(id=OuterRef("pk"), status="cancelled").order_by(
        "history_date", "history_id"
    )
    cancelled = Subscription.objects.filter(status="cancelled", cancelled_at__isnull=True)
    cancelled.update(
        cancelled_at=Subquery(first.values("history_date")[:1]),
        cancelled_by=Subquery(first.values("history_user")[:1]),
    )
    # Rows written without history (bulk loads): the day the service stopped.
    left = list(cancelled.filter(cancelled_at__isnull=True).only("pk", "cancelled_on"))
    for sub in left:
        sub.cancelled_at = timezone.make_aware(
            datetime.datetime.combine(sub.cancelled_on, datetime.time.min)
        )
    Subscription.objects.bulk_update(left, ["cancelled_at"], batch_size=1000)
    own = Subscription.objects.filter(pk=OuterRef("id"))
    History.objects.filter(status="cancelled", cancelled_at__isnull=True).update(
        cancelled_at=Subquery(own.values("cancelled_at")[:1]),
        cancelled_by=Subquery(own.values("cancelled_by")[:1]),
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
        migrations.RunPython(fill_cancellations, migrations.RunPython.noop),
    ]
