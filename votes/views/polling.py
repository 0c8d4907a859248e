"""The polling day and the count: sign-ins, then each station's count, double-entered."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brest_internet.common.views import report
from neighborhoods.access import role_required

from .. import rules, services
from ..forms import CountForm, FiguresForm, ParticipationForm
from ..models import PaperCount
from .base import get_vote_for_user
from .organising import _detail_context


@require_POST
@role_required(*rules.ORGANISERS)
def participations_record(request, pk):
    vote = get_vote_for_user(request.user, pk)
    # The same ids as on the vote's page, so that the form sent back keeps its labels.
    form = ParticipationForm(request.POST, vote=vote, auto_id="id_emargement_%s")
    refusal = _(
        "Émargement refusé, rien n'a été enregistré : choisissez le canal, indiquez le bureau "
        "ou le lot et les références, puis corrigez les lignes signalées."
    )
    if form.is_valid():
        try:
            services.participations_record(
                vote=vote,
                references=form.reference_list(),
                channel=form.cleaned_data["channel"],
                station=form.cleaned_data["station"],
                by=request.user,
            )
        except services.SignInError as exc:
            form.point_at(exc)
        except services.VoteError as exc:
            refusal = _("Émargement refusé : %(why)s") % {"why": exc}
            form.add_error(None, str(exc))
    if not form.is_valid():
        # The page again, with the batch as typed: a sheet of sixty references is not typed
        # twice because one of them was wrong.
        messages.error(request, refusal)
        context = _detail_context(request, vote, participation_form=form)
        return render(request, "votes/detail.html", context, status=400)
    messages.success(request, _("Émargement enregistré."))
    station = services.normalise_station(form.cleaned_data["station"])
    return redirect(f"{vote.get_absolute_url()}?{urlencode({'bureau': station})}")


@require_POST
@role_required(*rules.ORGANISERS)
def count_enter(request, pk):
    vote = get_vote_for_user(request.user, pk)
    form = CountForm(request.POST, vote=vote)
    if not form.is_valid():
        messages.error(request, _("Dépouillement : chaque chiffre est un nombre entier positif."))
        return redirect(vote)
    report(
        request,
        lambda: services.count_enter(
            vote=vote,
            station=form.cleaned_data["station"],
            channel=form.cleaned_data["channel"],
            figures=form.figures(),
            by=request.user,
        ),
        _("Dépouillement saisi : une autre personne doit maintenant le confirmer."),
    )
    return redirect(vote)


@require_POST
@role_required(*rules.ORGANISERS)
def count_confirm(request, pk, count_pk):
    vote = get_vote_for_user(request.user, pk)
    count = get_object_or_404(PaperCount, vote=vote, pk=count_pk)
    form = FiguresForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Seconde saisie : chaque chiffre est un nombre entier positif."))
        return redirect(vote)
    try:
        count = services.count_confirm(count=count, figures=form.figures(), by=request.user)
    except services.VoteError as exc:
        messages.error(request, str(exc))
        return redirect(vote)
    if count.status == PaperCount.Status.CONFIRMED:
        messages.success(request, _("Les deux saisies concordent : dépouillement confirmé."))
    else:
        messages.error(
            request,
            _(
                "Les deux saisies de « %(station)s » ne concordent pas : rien n'est confirmé. "
                "Recomptez, puis corrigez la première saisie ou refaites la seconde."
            )
            % {"station": count.station},
        )
    return redirect(vote)
