"""Organising a vote: the list, the creation, the vote's page, its edition and its roll."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import ListView

from brest_internet.common import clock
from brest_internet.common.views import report
from neighborhoods.access import RoleRequiredMixin, role_required

from .. import rules, services
from ..forms import (
    STATIONS_DATALIST,
    CountForm,
    FiguresForm,
    ParticipationForm,
    VoteEditForm,
    VoteForm,
)
from ..history import history_lines
from ..models import CountEntry
from .base import get_vote_for_user


class VoteListView(RoleRequiredMixin, ListView):
    roles = rules.ORGANISERS
    template_name = "votes/list.html"
    context_object_name = "votes"

    def get_queryset(self):
        return (
            rules.organised_by(self.request.user)
            .select_related("neighbourhood")
            .annotate(n_participations=Count("participations"))
            .order_by("-opens_on", "neighbourhood__name")
        )


@role_required(*rules.ORGANISERS)
@require_http_methods(["GET", "POST"])
def vote_create(request):
    form = VoteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_create(by=request.user, **form.cleaned_data)
        except services.VoteError as refusal:
            refusal.add_to(form)
            return render(request, "votes/form.html", {"form": form})
        messages.success(request, _("Vote créé. Arrêtez la liste électorale à sa date."))
        return redirect(vote)
    return render(request, "votes/form.html", {"form": form})


@role_required(*rules.ORGANISERS)
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
        count.figures_shown = rules.can_see_figures(request.user, count, count.entered_by_id)
        count.may_confirm = rules.can_confirm_count(request.user, count)
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
        "live_result": vote.result_of(figures) if figures and vote.is_closed(today) else None,
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
        "count_log": _count_log(vote, request.user),
        "reissues": list(
            vote.code_reissues.select_related("roll_entry", "reissued_by").order_by(
                "reissued_at", "id"
            )
        ),
        "certifiers": rules.certifiers(),
        "may_certify": rules.can_certify(request.user, vote),
    }
    return context


def _count_log(vote, user):
    """Every figure typed for the vote's counts, oldest first: who, when, which entry, and
    whether it agreed. One query whatever the number of counts. The figures of an entry are
    shown only once its count is confirmed: the second person types them without seeing them."""
    entries = list(CountEntry.objects.log_of(vote))
    for entry in entries:
        entry.figures_shown = rules.can_see_figures(user, entry.count, entry.entered_by_id)
    return entries


@role_required(*rules.ORGANISERS)
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


@require_POST
@role_required(*rules.ORGANISERS)
def roll_freeze(request, pk):
    vote = get_vote_for_user(request.user, pk)
    report(
        request,
        lambda: services.roll_freeze(vote=vote, by=request.user),
        _("Liste électorale arrêtée."),
    )
    return redirect(vote)
