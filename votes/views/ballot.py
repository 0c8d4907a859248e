"""The public online ballot: no login, the code of the letter is the key."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import services, throttle
from ..forms import BallotCodeForm, BallotForm

TOO_MANY_CODES = gettext_lazy(
    "Trop de codes refusés depuis cet appareil en peu de temps. Pour protéger le vote, "
    "attendez une minute avant de réessayer. Si votre code ne marche toujours pas, appelez "
    "votre bailleur ou votre centre social."
)


@never_cache
@require_http_methods(["GET", "POST"])
def ballot(request):
    """Three steps, no login, no session: the code of the letter; then the question of its
    vote, in large type, and the choice; then the confirmation.

    A client that typed too many wrong codes within a minute is refused before any code is
    looked up, a right one included (HTTP 429): the answer says nothing of the code.
    """
    if request.method != "POST":
        return _ballot_page(request, BallotCodeForm())
    post = request.POST
    code_form = BallotCodeForm(post)
    if throttle.is_locked_out(request):
        code_form.is_valid()
        code_form.add_error("code", str(TOO_MANY_CODES))
        return _ballot_page(request, code_form, status=429)
    if not code_form.is_valid():
        return _ballot_page(request, code_form)
    code = code_form.cleaned_data["code"]
    form = BallotForm(post)
    try:
        if post.get("confirm") == "1" and form.is_valid():
            vote = services.ballot_cast(code=code, choice=form.cleaned_data["choice"])
            return render(request, "votes/ballot_done.html", {"vote": vote}, status=200)
        found = services.code_find(code)
    except services.VoteError as exc:
        throttle.record_wrong_code(request)
        code_form.add_error("code", str(exc))
        return _ballot_page(request, code_form)
    if post.get("change") or ("choice" not in post and post.get("step") != "choice"):
        # The question first (from the code's page, or back from the confirmation).
        return _choice_page(request, BallotForm(initial=post.dict()), found.vote)
    if not form.is_valid():
        return _choice_page(request, form, found.vote)
    choice = form.cleaned_data["choice"]
    return render(
        request,
        "votes/ballot_confirm.html",
        {
            "vote": found.vote,
            "code": code,
            "choice": choice,
            "choice_label": dict(form.fields["choice"].choices)[choice],
        },
    )


def _ballot_page(request, form, status=200):
    tries = settings.BALLOT_CODE_TRIES_PER_MINUTE
    return render(request, "votes/ballot.html", {"form": form, "tries": tries}, status=status)


def _choice_page(request, form, vote):
    return render(request, "votes/ballot_choice.html", {"form": form, "vote": vote})
