"""Per neighbourhood and month, the subscriptions activated and ended (`SubscriptionMonth`).

Kept by the services that change what it counts, in their transaction:
`subscription_activate` adds an activation to the month of `activated_on`,
`subscription_cancel` an ending to the month of `cancelled_on` when the subscription had been
activated. Nothing else writes `activated_on` or `cancelled_on` (the demo and the benchmark
write rows in bulk and rebuild after). `subscription_months_rebuild` recounts from the
subscriptions, set-based (one DELETE, one INSERT … SELECT grouped by neighbourhood and month):
the migration's backfill, the benchmark, `manage.py summaries_rebuild` for a repair.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth

from brest_internet.common import sql

from .models import Subscription, SubscriptionMonth


def subscription_month_add(
    *, neighbourhood_id: int, day: datetime.date, activated: int = 0, ended: int = 0
) -> None:
    """Count an activation or an ending on `day` in its month's row (made when missing).

    Called inside the service's transaction, after the subscription's row is locked; the
    increment is an UPDATE … SET n = n + 1, so that two services counting in the same month
    at the same moment both count."""
    month = day.replace(day=1)
    row, created = SubscriptionMonth.objects.get_or_create(
        neighbourhood_id=neighbourhood_id,
        month=month,
        defaults={"activated": activated, "ended": ended},
    )
    if not created:
        SubscriptionMonth.objects.filter(pk=row.pk).update(
            activated=F("activated") + activated, ended=F("ended") + ended
        )


def _events(subscriptions, day_field: str, activated: int):
    """(neighbourhood, month, activated, ended) of `subscriptions` grouped by the month of
    `day_field`: the activations (activated=1) or the endings (activated=0)."""
    one, zero = Value(1, IntegerField()), Value(0, IntegerField())
    return (
        subscriptions.filter(activated_on__isnull=False)
        .filter(**{f"{day_field}__isnull": False})
        .annotate(nbh=F("dwelling__neighbourhood"), m=TruncMonth(day_field))
        .order_by()
        .values("nbh", "m")
        .annotate(
            a=Sum(one if activated else zero),
            e=Sum(zero if activated else one),
        )
        .values_list("nbh", "m", "a", "e")
    )


def subscription_months_refresh(neighbourhood_ids=None) -> None:
    """Recount `SubscriptionMonth` for `neighbourhood_ids` (ids or a queryset of neighbourhoods;
    None: every one) from the subscriptions, set-based: one DELETE, then one INSERT … SELECT of
    the activations and the endings grouped by neighbourhood and month (an activation and an
    ending in the same month share a row)."""
    rows = SubscriptionMonth.objects.all()
    subscriptions = Subscription.objects.all()
    if neighbourhood_ids is not None:
        if not isinstance(neighbourhood_ids, QuerySet):
            neighbourhood_ids = set(neighbourhood_ids)
            if not neighbourhood_ids:
                return
        rows = rows.filter(neighbourhood__in=neighbourhood_ids)
        subscriptions = subscriptions.filter(dwelling__neighbourhood__in=neighbourhood_ids)
    activations, a_params = _events(subscriptions, "activated_on", 1).query.sql_with_params()
    endings, e_params = _events(subscriptions, "cancelled_on", 0).query.sql_with_params()
    t, c = sql.table(SubscriptionMonth), lambda name: sql.col(SubscriptionMonth, name)
    columns = ", ".join(c(name) for name in ("neighbourhood", "month", "activated", "ended"))
    with transaction.atomic():
        rows.delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {t} ({columns}) SELECT u.nbh, u.m, SUM(u.a), SUM(u.e) "  # noqa: S608
                f"FROM ({activations} UNION ALL {endings}) u GROUP BY u.nbh, u.m",
                [*a_params, *e_params],
            )


def subscription_months_rebuild() -> None:
    """Every neighbourhood recounted (a repair, the backfill, the benchmark)."""
    subscription_months_refresh(None)
