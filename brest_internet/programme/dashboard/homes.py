"""What the home page shows to centre staff and to tenants' associations (a few queries each)."""

from __future__ import annotations

from django.db.models import Count, Q

from brest_internet.common import clock
from neighborhoods.models import Neighbourhood
from support.models import AdviceRequest, Registration, WorkshopSession

from . import stats

COMING_SESSIONS = 15
RECENT_SIGN_UPS = 10
OPEN_ADVICE = 10


def centre_home(user) -> dict:
    """Coming sessions of the user's centre with their sign-ups and waiting lists."""
    now = clock.now()
    coming = WorkshopSession.objects.visible_to(user).not_cancelled().filter(starts_at__gte=now)
    sessions = list(
        coming.with_counts()
        .select_related("topic", "neighbourhood")
        .order_by("starts_at", "id")[:COMING_SESSIONS]
    )
    totals = coming.aggregate(
        sessions=Count("pk", distinct=True),
        registered=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
        ),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
    )
    waiting = (
        Registration.objects.filter(
            session__in=[s.pk for s in sessions], status=Registration.Status.WAITING
        )
        .select_related("household", "session__topic")
        .order_by("session__starts_at", "registered_at", "id")
    )
    recent = (
        Registration.objects.filter(session__in=WorkshopSession.objects.visible_to(user))
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("household", "session__topic")
        .order_by("-registered_at", "-id")[:RECENT_SIGN_UPS]
    )
    return {
        "coming_sessions": sessions,
        "coming_totals": totals,
        "waiting_lists": list(waiting),
        "recent_sign_ups": list(recent),
    }


def association_home(user) -> dict:
    """Vote results of the association's neighbourhoods and the advice requests it holds."""
    requests = AdviceRequest.objects.visible_to(user)
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status=AdviceRequest.Status.OPEN)),
        answered=Count("pk", filter=Q(status=AdviceRequest.Status.ANSWERED)),
        total=Count("pk"),
    )
    open_requests = (
        requests.filter(status=AdviceRequest.Status.OPEN)
        .select_related("household", "neighbourhood")
        .order_by("requested_on", "id")[:OPEN_ADVICE]
    )
    votes = stats.vote_results(Neighbourhood.objects.visible_to(user), stats.Period.of(None))
    return {
        "vote_results": list(votes.reverse()),
        "advice_counts": counts,
        "open_advice": list(open_requests),
    }
