"""The register's size per neighbourhood (`RegisterSize`), kept by the register's writers.

The register changes in few places: the import (dwellings added), the admin (a dwelling added,
moved to another neighbourhood, or deleted) and the demo. Each calls `register_sizes_refresh`
for the neighbourhoods it touched, inside its own transaction, so that the size is never seen
out of step with the dwellings. A recount of those neighbourhoods (COUNT(*) on the index of the
dwellings' neighbourhood) rather than an increment: it is exact whatever the writer did, and
costs no more than the writer's own work. `register_sizes_rebuild` recounts every
neighbourhood in two statements (the migration that created the table, the benchmark after
its raw inserts, `manage.py summaries_rebuild` for a repair).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, QuerySet
from django.dispatch import Signal

from brest_internet.common import sql

from .models import Dwelling, RegisterSize

# Sent, inside the writer's transaction, when dwellings changed neighbourhood
# (`neighbourhood_ids`: where they were and where they are): the apps above keep their own
# per-neighbourhood summaries of those dwellings (subscriptions: `SubscriptionMonth`).
dwellings_moved = Signal()


def register_sizes_refresh(neighbourhood_ids=None) -> None:
    """Recount the registers of `neighbourhood_ids` (an iterable of ids or a queryset of
    neighbourhoods; None: all), set-based: one DELETE, one INSERT … SELECT."""
    sizes = RegisterSize.objects.all()
    dwellings = Dwelling.objects.all()
    if neighbourhood_ids is not None:
        if not isinstance(neighbourhood_ids, QuerySet):
            neighbourhood_ids = set(neighbourhood_ids)
            if not neighbourhood_ids:
                return
        sizes = sizes.filter(neighbourhood__in=neighbourhood_ids)
        dwellings = dwellings.filter(neighbourhood__in=neighbourhood_ids)
    counts = (
        dwellings.order_by()
        .values("neighbourhood")
        .annotate(n=Count("*"))
        .values_list("neighbourhood", "n")
    )
    with transaction.atomic():
        sizes.delete()
        sql.insert_from(RegisterSize, ["neighbourhood", "dwellings"], counts)


def register_sizes_rebuild() -> None:
    """Every neighbourhood's register recounted (a repair, the backfill, the benchmark)."""
    register_sizes_refresh(None)


def register_sizes_differ() -> dict[int, tuple[int, int]]:
    """{neighbourhood id: (kept, counted)} where the kept size is not the register's count:
    empty when the summary is right (the tests' and the repair command's check)."""
    counted = dict(
        Dwelling.objects.order_by()
        .values("neighbourhood")
        .annotate(n=Count("*"))
        .values_list("neighbourhood", "n")
    )
    kept = dict(RegisterSize.objects.values_list("neighbourhood", "dwellings"))
    return {
        nbh: (kept.get(nbh, 0), counted.get(nbh, 0))
        for nbh in set(counted) | set(kept)
        if kept.get(nbh, 0) != counted.get(nbh, 0)
    }
