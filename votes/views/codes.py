"""The online codes: their letters, once, and a new code for a lost letter."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from brest_internet.common.files import csv_writer
from neighborhoods.access import role_required

from .. import rules, services
from ..forms import CodeReissueForm
from .base import get_vote_for_user


@require_POST
@role_required(*rules.ORGANISERS)
def codes_generate(request, pk):
    vote = get_vote_for_user(request.user, pk)
    try:
        codes = services.codes_generate(vote=vote, by=request.user)
    except services.VoteError as exc:
        messages.error(request, str(exc))
        return redirect(vote)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="codes-vote-{vote.pk}.csv"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    ballot_url = request.build_absolute_uri(reverse("votes:ballot"))
    writer.writerow(
        [_("Référence"), _("Adresse"), _("Quartier"), _("Code de vote"), _("Adresse du vote")]
    )
    for entry, code in codes:
        writer.writerow([entry.reference, entry.address, vote.neighbourhood.name, code, ballot_url])
    return response


@never_cache
@role_required(*rules.ORGANISERS)
@require_http_methods(["GET", "POST"])
def code_reissue(request, pk):
    """A new code for a dwelling whose letter was lost; the answer to the POST is its letter,
    to print (the plain code exists in that answer and nowhere else)."""
    vote = get_vote_for_user(request.user, pk)
    form = CodeReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry, code = services.code_reissue(
                vote=vote, reference=form.cleaned_data["reference"], by=request.user
            )
        except services.VoteError as exc:
            form.add_error("reference", str(exc))
        else:
            # never_cache: the letter, with its plain code, is stored by no cache.
            return render(
                request,
                "votes/code_letter.html",
                {
                    "vote": vote,
                    "entry": entry,
                    "code": code,
                    "ballot_url": request.build_absolute_uri(reverse("votes:ballot")),
                },
            )
    return render(request, "votes/code_reissue.html", {"vote": vote, "form": form})
