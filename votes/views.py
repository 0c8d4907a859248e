"""Views of the votes app: organising a vote (landlord, coordination), the public online ballot,
and the certified results (every role, in its scope)."""

import logging
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from brest_internet.common import clock
from brest_internet.common.files import csv_writer
from brest_internet.common.requests import refusal as refusal_page
from brest_internet.common.views import report
from neighborhoods.access import (
    ALL_ROLES,
    COORDINATOR,
    LANDLORD,
    RoleRequiredMixin,
    role_required,
)

from . import services, throttle
from .forms import (
    STATIONS_DATALIST,
    BallotCodeForm,
    BallotForm,
    CancelForm,
    CodeReissueForm,
    CountForm,
    FiguresForm,
    ParticipationForm,
    VoteEditForm,
    VoteForm,
)
from .history import history_lines
from .models import CountEntry, PaperCount, Vote

MANAGERS = (COORDINATOR, LANDLORD)
security_log = logging.getLogger("brest_internet.security")


def get_vote_for_user(user, pk) -> Vote:
    """A vote `user` organises, or 404 (outside their landlord's neighbourhoods)."""
    return get_object_or_404(Vote.objects.managed_by(user).select_related("neighbourhood"), pk=pk)


def get_result_for_user(user, pk) -> Vote:
    """A certified vote of a neighbourhood `user` sees, or 404 (uncertified ones included)."""
    return get_object_or_404(
        Vote.objects.visible_to(user).certified().select_related("neighbourhood", "certified_by"),
        pk=pk,
    )


# --- Organising a vote -----------------------------------------------------------------------


class VoteListView(RoleRequiredMixin, ListView):
    roles = MANAGERS
    template_name = "votes/list.html"
    context_object_name = "votes"

    def get_queryset(self):
        return (
            Vote.objects.managed_by(self.request.user)
            .select_related("neighbourhood")
            .annotate(n_participations=Count("participations"))
            .order_by("-opens_on", "neighbourhood__name")
        )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def vote_create(request):
    form = VoteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        vote = form.save(commit=False)
        vote.created_by = request.user
        try:
            with transaction.atomic():
                vote.save()
        except IntegrityError:
            # Another vote of this neighbourhood was created meanwhile.
            form.add_error("neighbourhood", _("Ce quartier a déjà un vote en cours."))
            return render(request, "votes/form.html", {"form": form})
        messages.success(request, _("Vote créé. Arrêtez la liste électorale à sa date."))
        return redirect(vote)
    return render(request, "votes/form.html", {"form": form})


@role_required(*MANAGERS)
@require_GET
def vote_detail(request, pk):
    vote = get_vote_for_user(request.user, pk)
    return render(request, "votes/detail.html", _detail_context(request, vote))


def _detail_context(request, vote, *, participation_form=None):
    """What the vote's page shows; `participation_form` is a sign-in form sent back with its
    errors and everything typed in it."""
    today = clock.today()
    figures = vote.live_figures() if vote.is_frozen else None
    counts = list(vote.paper_counts.select_related("entered_by", "confirmed_by"))
    for count in counts:
        # Unique ids per form; the second person types the figures without seeing the first.
        count.confirm_form = FiguresForm(auto_id=f"id_c{count.pk}_%s")
    tallies = services.tallies(vote) if vote.is_frozen else []
    context = {
        "vote": vote,
        "figures": figures,
        "tallies": tallies,
        "stations": sorted({t.station for t in tallies if t.station}),
        "stations_datalist": STATIONS_DATALIST,
        "counts": counts,
        "closed": vote.is_closed(today),
        "problems": services.certification_problems(vote, today) if vote.is_frozen else [],
        "live_result": _live_result(vote, figures) if figures and vote.is_closed(today) else None,
        "participation_form": participation_form
        or (
            ParticipationForm(
                vote=vote,
                # Its own ids: the count form below has a "station" field too.
                auto_id="id_emargement_%s",
                # The sheet being typed in stays chosen from one batch to the next.
                initial={"station": services.normalise_station(request.GET.get("bureau", ""))},
            )
            if vote.is_frozen
            else None
        ),
        "count_form": CountForm(vote=vote) if vote.is_frozen else None,
        "history": history_lines(vote),
        "count_log": _count_log(vote),
        "reissues": list(
            vote.code_reissues.select_related("roll_entry", "reissued_by").order_by(
                "reissued_at", "id"
            )
        ),
        "certifiers": services.certifiers(),
        "may_certify": request.user.is_coordinator,
    }
    return context


def _count_log(vote):
    """Every figure typed for the vote's counts, oldest first: who, when, which entry, and
    whether it agreed. One query whatever the number of counts. The figures of an entry are
    shown only once its count is confirmed: the second person types them without seeing them."""
    return list(
        CountEntry.objects.filter(count__vote=vote)
        .select_related("count", "entered_by")
        .order_by("entered_at", "id")
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def vote_edit(request, pk):
    """The draft's dates, method, minimum turnout and question, until its roll is frozen."""
    vote = get_vote_for_user(request.user, pk)
    refusal = services.vote_edit_refusal(vote)
    if refusal:
        messages.error(request, refusal)
        return redirect(vote)
    form = VoteEditForm(request.POST or None, instance=vote)
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_update(vote=vote, by=request.user, changes=form.cleaned_data)
        except services.VoteError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Vote modifié."))
        return redirect(vote)
    return render(request, "votes/form.html", {"form": form, "vote": vote})


@role_required(*MANAGERS)
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


def _live_result(vote, figures):
    return services.compute_result(
        roll=vote.roll_size,
        voters=figures["voters"],
        yes=figures["yes"],
        no=figures["no"],
        blank=figures["blank"],
        spoiled=figures["spoiled"],
        minimum_turnout=vote.minimum_turnout,
    )


@require_POST
@role_required(*MANAGERS)
def roll_freeze(request, pk):
    vote = get_vote_for_user(request.user, pk)
    report(
        request,
        lambda: services.roll_freeze(vote=vote, by=request.user),
        _("Liste électorale arrêtée."),
    )
    return redirect(vote)


@require_POST
@role_required(*MANAGERS)
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
@role_required(*MANAGERS)
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
@role_required(*MANAGERS)
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


@require_POST
@role_required(*MANAGERS)
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
@role_required(*MANAGERS)
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


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def vote_certify(request, pk):
    """Certification, an irreversible act, in two steps (RGAA 11.12): this page shows what will
    be certified (the result, sign-ins against ballots); only its confirm button certifies,
    and only the figures it showed. A POST without that confirmation is refused.

    Landlord staff organise the vote but do not certify it: they get a 403 that says why and
    who does, rather than a bare refusal."""
    vote = get_vote_for_user(request.user, pk)
    if not request.user.is_coordinator:
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
    result = _live_result(vote, figures) if figures and vote.is_closed(today) else None
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


# --- The public online ballot ------------------------------------------------------------------


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


# --- Certified results ----------------------------------------------------------------------


class ResultListView(RoleRequiredMixin, ListView):
    roles = ALL_ROLES
    template_name = "votes/results.html"
    context_object_name = "votes"

    def get_queryset(self):
        return (
            Vote.objects.visible_to(self.request.user)
            .certified()
            .select_related("neighbourhood")
            .order_by("-certified_on", "neighbourhood__name")
        )


class ResultDetailView(RoleRequiredMixin, DetailView):
    roles = ALL_ROLES
    template_name = "votes/result_detail.html"
    context_object_name = "vote"

    def get_object(self, queryset=None):
        return get_result_for_user(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vote = self.object
        context["counts"] = list(vote.paper_counts.order_by("channel", "station"))
        context["online"] = vote.online_counts()
        return context


def _fr(value, places=1):
    if value is None:
        return ""
    return f"{Decimal(value):.{places}f}".replace(".", ",")


@role_required(*ALL_ROLES)
@require_GET
def results_csv(request):
    votes = (
        Vote.objects.visible_to(request.user)
        .certified()
        .select_related("neighbourhood")
        .order_by("-certified_on", "neighbourhood__name")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="resultats-votes.csv"'
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    writer.writerow(
        [
            _("Quartier"),
            _("Ouverture"),
            _("Clôture"),
            _("Certifié le"),
            _("Inscrits"),
            _("Votants"),
            _("Participation (%)"),
            _("Oui"),
            _("Non"),
            _("Blancs"),
            _("Nuls"),
            _("Suffrages exprimés"),
            _("Oui parmi les exprimés (%)"),
            _("Participation minimale (%)"),
            _("Résultat"),
        ]
    )
    for vote in votes:
        r = vote.result
        writer.writerow(
            [
                vote.published_name,
                date_format(vote.opens_on, "SHORT_DATE_FORMAT"),
                date_format(vote.closes_on, "SHORT_DATE_FORMAT"),
                date_format(vote.certified_on, "SHORT_DATE_FORMAT"),
                r.roll,
                r.voters,
                _fr(r.turnout),
                r.yes,
                r.no,
                r.blank,
                r.spoiled,
                r.cast,
                _fr(r.yes_share),
                vote.minimum_turnout or "",
                _("Adopté") if r.adopted else _("Rejeté"),
            ]
        )
    return response
