"""The accessibility statement (déclaration d'accessibilité), public, in the RGAA 4.1 format."""

import datetime
import time

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from brest_internet.common.sessions import restart_idle_timeout, session_limits

# The figures of the self-assessment in docs/accessibility/rgaa-autoevaluation.md: keep both
# in step when the assessment is redone.
ASSESSED_ON = datetime.date(2026, 12, 1)
CRITERIA = {"met": 68, "not_met": 1, "not_applicable": 37}


@require_GET
def statement(request):
    applicable = CRITERIA["met"] + CRITERIA["not_met"]
    rate = round(100 * CRITERIA["met"] / applicable, 1)
    return render(
        request,
        "programme/accessibility/statement.html",
        {"assessed_on": ASSESSED_ON, "criteria": CRITERIA, "applicable": applicable, "rate": rate},
    )


@require_GET
def sitemap(request):
    """The site map (RGAA 12.1, 12.3): the same entries as the menu, for the visitor's role."""
    return render(request, "programme/accessibility/sitemap.html")


@login_required
@require_POST
@never_cache
def session_keepalive(request):
    """The "Rester connecté" button of the session warning (RGAA 13.1): the request itself
    restarts the idle timeout, however recent its last restart. The absolute limit is left as
    it is: the answer says how long both have left, and the page warns again in time."""
    now = time.time()
    restart_idle_timeout(request, now)
    limits = session_limits(request, now)
    return JsonResponse({"idle_seconds": limits["idle"], "absolute_seconds": limits["absolute"]})
