"""Move each month's export state to the landlords billed that month.

Before: one ChargeMonth row per month, exported (locked) for everybody at once. After: one
LandlordMonth row per landlord with lines or adjustments that month, with the month's former
state, export date and author (so every month exported before stays locked for each landlord).
Reverse: a month is exported if any of its landlords exported it (the earliest export wins).
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone


def forwards(apps, schema_editor):
    ChargeMonth = apps.get_model("subscriptions", "ChargeMonth")
    LandlordMonth = apps.get_model("subscriptions", "LandlordMonth")
    HistoricalLandlordMonth = apps.get_model("subscriptions", "HistoricalLandlordMonth")
    Charge = apps.get_model("subscriptions", "Charge")
    Adjustment = apps.get_model("subscriptions", "Adjustment")
    Neighbourhood = apps.get_model("neighborhoods", "Neighbourhood")
    now = timezone.now()
    for cm in ChargeMonth.objects.order_by("month"):
        billed = Charge.objects.filter(month=cm.month).values("neighbourhood")
        adjusted = Adjustment.objects.filter(charge_month=cm).values("neighbourhood")
        landlords = (
            Neighbourhood.objects.filter(Q(pk__in=billed) | Q(pk__in=adjusted))
            .order_by("landlord")
            .values_list("landlord", flat=True)
            .distinct()
        )
        for landlord in landlords:
            lm, created = LandlordMonth.objects.get_or_create(
                charge_month=cm,
                landlord_id=landlord,
                defaults={
                    "status": cm.status,
                    "exported_at": cm.exported_at,
                    "exported_by_id": cm.exported_by_id,
                },
            )
            if created:
                HistoricalLandlordMonth.objects.create(
                    id=lm.pk,
                    charge_month_id=cm.pk,
                    landlord_id=landlord,
                    status=lm.status,
                    exported_at=lm.exported_at,
                    exported_by_id=lm.exported_by_id,
                    history_date=now,
                    history_type="+",
                    history_change_reason="0005_landlord_month_state",
                )


def backwards(apps, schema_editor):
    ChargeMonth = apps.get_model("subscriptions", "ChargeMonth")
    LandlordMonth = apps.get_model("subscriptions", "LandlordMonth")
    for cm in ChargeMonth.objects.all():
        first = (
            LandlordMonth.objects.filter(charge_month=cm, status="exported")
            .order_by("exported_at", "pk")
            .first()
        )
        if first is not None:
            ChargeMonth.objects.filter(pk=cm.pk).update(
                status="exported",
                exported_at=first.exported_at,
                exported_by_id=first.exported_by_id,
            )
    apps.get_model("subscriptions", "HistoricalLandlordMonth").objects.all().delete()
    LandlordMonth.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0004_landlord_month"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
