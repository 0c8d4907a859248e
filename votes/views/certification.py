"""The certification of a result by the coordination, in two steps."""

import logging

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from brest_internet.common import clock
from brest_internet.common.requests import refusal as refusal_page
from brest_internet.common.views import report
from neighborhoods.access import role_required

from .. import rules, services
from .base import get_vote_for_user

security_log = logging.getLogger("brest_internet.security")


@role_required(*rules.ORGANISERS)
@require_http_methods(["GET", "POST"])
def vote_certify(request, pk):
    """Certification, an irreversible act, in two steps (RGAA 11.12): this page shows what will
    be certified (the result, sign-ins against ballots); only its confirm button certifies,
    and only the figures it showed. A POST without that confirmation is refused.

    Landlord staff organise the vote but do not certify it: they get a 403 that says why and
    who does, rather than a bare refusal."""
    vote = get_vote_for_user(request.user, pk)
    if not rules.can_certify(request.user, vote):
        security_log.warning(
            "access refused user=%s path=%s reason=certify", request.user.pk, request.path
        )
        return refusal_page(
            request,
            status=403,
            title=_("Certification réservée à la coordination"),
            reason=services.certify_refusal_for_landlord(vote),
        )
    refusal = services.vote_certify_refusal(vote)
    if refusal:
        messages.error(request, refusal)
        return redirect("votes:result", pk=vote.pk) if vote.is_certified else redirect(vote)
    if request.method == "POST":
        expected = _confirmed_figures(request.POST)
        if expected is None:
            messages.error(
                request,
                _(
                    "La certification est définitive : vérifiez le résultat ci-dessous, puis "
                    "confirmez-la avec le bouton « Confirmer la certification »."
                ),
            )
            return redirect("votes:certify", pk=vote.pk)
        done = report(
            request,
            lambda: services.vote_certify(vote=vote, by=request.user, expected=expected),
            _("Vote certifié : le résultat est publié et l'étape du quartier mise à jour."),
        )
        if done:
            return redirect("votes:result", pk=vote.pk)
        return redirect("votes:certify", pk=vote.pk)
    today = clock.today()
    figures = vote.live_figures() if vote.is_frozen else None
    # Before the close, nothing of the result is shown (the certification is refused anyway).
    result = vote.result_of(figures) if figures and vote.is_closed(today) else None
    context = {
        "vote": vote,
        "figures": figures,
        "result": result,
        "tallies": services.tallies(vote) if vote.is_frozen else [],
        "problems": services.certification_problems(vote, today),
        "token": ":".join(map(str, services.certified_figures(figures))) if figures else "",
    }
    return render(request, "votes/certify.html", context)


def _confirmed_figures(data):
    """The figures the confirmation page showed, or None when the POST does not come from it."""
    if data.get("confirm") != "1":
        return None
    try:
        figures = tuple(int(n) for n in data.get("figures", "").split(":"))
    except ValueError:
        return None
    return figures if len(figures) == 5 else None
