"""What the home page shows to centre staff and to tenants' associations (a few queries each):
the support's and the votes' own figures, laid out for the page."""

from __future__ import annotations

from brest_internet.common import clock
from brest_internet.common.periods import Period
from neighborhoods.models import Neighbourhood
from support import stats as support_stats
from votes import stats as vote_stats

COMING_SESSIONS = 15
RECENT_SIGN_UPS = 10
OPEN_ADVICE = 10


def centre_home(user) -> dict:
    """Coming sessions of the user's centre with their sign-ups and waiting lists."""
    coming = support_stats.coming_sessions(user, clock.now(), COMING_SESSIONS)
    return {
        "coming_sessions": coming["sessions"],
        "coming_totals": coming["totals"],
        "waiting_lists": coming["waiting"],
        "recent_sign_ups": support_stats.recent_sign_ups(user, RECENT_SIGN_UPS),
    }


def association_home(user) -> dict:
    """Vote results of the association's neighbourhoods and the advice requests it holds."""
    advice = support_stats.advice_overview(user, OPEN_ADVICE)
    votes = vote_stats.vote_results(Neighbourhood.objects.visible_to(user), Period.of(None))
    return {
        "vote_results": list(votes.reverse()),
        "advice_counts": advice["counts"],
        "open_advice": advice["open"],
    }
