"""Cancelling a vote: a page of its own, with its reason."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from neighborhoods.access import role_required

from .. import rules, services
from ..forms import CancelForm
from .base import get_vote_for_user


@role_required(*rules.ORGANISERS)
@require_http_methods(["GET", "POST"])
def vote_cancel(request, pk):
    """Cancel a vote not yet certified: a page of its own, which says what it means, and the
    reason, which is required."""
    vote = get_vote_for_user(request.user, pk)
    refusal = services.vote_cancel_refusal(vote)
    if refusal:
        messages.error(request, refusal)
        return redirect(vote)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_cancel(vote=vote, by=request.user, reason=form.cleaned_data["reason"])
        except services.VoteError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Vote annulé. Le quartier peut maintenant organiser un nouveau vote.")
            )
        return redirect(vote)
    context = {
        "vote": vote,
        "form": form,
        "signed_in": vote.participations.count() if vote.is_frozen else 0,
    }
    return render(request, "votes/cancel.html", context)
