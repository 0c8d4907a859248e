"""What the programme counts of its votes: the certified results, with turnout and the share of
yes among the votes cast (yes + no, as the source reports it)."""

from __future__ import annotations

import datetime

from django.db.models import F

from brest_internet.common.periods import Period

from .models import Vote


def vote_results(neighbourhoods, period: Period):
    """Certified votes of the period, with turnout and the share of yes among votes cast."""
    cast = F("yes_count") + F("no_count")
    return (
        Vote.objects.certified()
        .filter(neighbourhood__in=neighbourhoods.values("pk"))
        .filter(period.q("certified_on"))
        .select_related("neighbourhood")
        .annotate(cast=cast)
        .order_by("certified_on", "neighbourhood__name")
    )


def last_certified(nbh, until: datetime.date) -> Vote | None:
    """The last vote of `nbh` certified on or before `until` (a review's vote), or None."""
    return (
        Vote.objects.certified()
        .filter(neighbourhood=nbh, certified_on__lte=until)
        .order_by("-certified_on", "-id")
        .first()
    )
