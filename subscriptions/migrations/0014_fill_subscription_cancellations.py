"""The subscriptions already cancelled get who and when: from the first history row that shows
them cancelled (when and by whom it was recorded), else from `cancelled_on` itself (midnight,
local time) with nobody. Their history rows at and after the cancellation get the same."""

import datetime

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone


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
        ("subscriptions", "0013_subscription_cancellation_who_and_when"),
    ]

    operations = [
        migrations.RunPython(fill_cancellations, migrations.RunPython.noop),
    ]
