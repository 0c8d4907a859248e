"""Launch half-days: their list, programming one, and the desk (the table where a household
is found or created and all it asks for recorded in one submit)."""

import datetime

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from brest_internet.common import clock

from .. import access, rules
from .. import services as s
from ..forms import HalfDayCreateForm, HalfDayForm
from ..households import matching, with_dwelling_reference
from ..models import HalfDayVisit, Registration, WorkshopSession
from .base import allowed

# The sessions a resident can sign up for at the table: those of the coming weeks.
UPCOMING = datetime.timedelta(days=60)
# The households a search at the desk shows at most.
DESK_MATCHES = 15


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def half_day_list(request):
    half_days = (
        access.half_days_for(request.user)
        .select_related("neighbourhood")
        .annotate(visits=Count("half_day_visits"))
        .order_by("-held_on", "-id")
    )
    return render(request, "support/half_day_list.html", {"half_days": half_days})


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def half_day_create(request):
    """Programme a launch half-day in a neighbourhood the user's centre serves."""
    form = HalfDayCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            half_day = s.half_day_create(**form.cleaned_data, by=request.user)
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Demi-journée de lancement programmée."))
            return redirect("support:half_day_desk", pk=half_day.pk)
    return render(
        request,
        "support/form.html",
        {"form": form, "title": _("Nouvelle demi-journée de lancement")},
    )


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def half_day_desk(request, pk):
    """The table of a launch half-day: find or create a household, record all it asks for."""
    half_day = access.get_half_day_for_user(request.user, pk)
    nbh = half_day.neighbourhood
    query = request.GET.get("q", "").strip()
    in_nbh = with_dwelling_reference(access.households_for(request.user, neighbourhood=nbh))
    if request.method == "POST":
        candidates = in_nbh
    elif query:
        found = matching(in_nbh, query, neighbourhood=nbh).order_by("name")[:DESK_MATCHES]
        candidates = in_nbh.filter(pk__in=[h.pk for h in found]).order_by("name")
    else:
        candidates = in_nbh.none()
    sessions = WorkshopSession.objects.upcoming(neighbourhood=nbh, now=clock.now(), within=UPCOMING)
    form = HalfDayForm(
        request.POST or None, half_day=half_day, households=candidates, sessions=sessions
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = s.half_day_record(
                half_day=half_day,
                by=request.user,
                household=data["household"],
                new_household_name=data["new_name"],
                new_household_phone=data["new_phone"],
                dwelling=data["dwelling"],
                connection=data["connection"],
                sessions=data["sessions"],
                computer=data["computer"],
                notes=data["notes"],
            )
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _summary(outcome))
            return redirect("support:half_day_desk", pk=half_day.pk)
    if request.method == "POST":
        # Shown again after an error: only the household that was chosen, not the whole
        # neighbourhood the choice was validated against.
        chosen = request.POST.get("household", "")
        form.fields["household"].queryset = in_nbh.filter(pk=chosen if chosen.isdigit() else 0)
    elif query and candidates:
        # After a search, the first household found takes the focus: arrows, then Tab.
        form.fields["household"].widget.attrs["autofocus"] = True
    recent = HalfDayVisit.objects.recent(half_day)
    return render(
        request,
        "support/half_day_desk.html",
        {
            "half_day": half_day,
            "form": form,
            "query": query,
            "searched": bool(query),
            "totals": HalfDayVisit.objects.totals(half_day),
            "recent": recent,
        },
    )


def _summary(outcome):
    parts = []
    if outcome.subscription is not None:
        parts.append(_("demande de connexion"))
    waiting = sum(1 for r in outcome.registrations if r.status == Registration.Status.WAITING)
    if outcome.registrations:
        parts.append(
            ngettext("%(n)d inscription", "%(n)d inscriptions", len(outcome.registrations))
            % {"n": len(outcome.registrations)}
        )
    if waiting:
        parts.append(
            ngettext("dont %(n)d en liste d'attente", "dont %(n)d en liste d'attente", waiting)
            % {"n": waiting}
        )
    if outcome.order is not None:
        parts.append(_("ordinateur à %(p)s €") % {"p": f"{outcome.order.price:.0f}"})
    what = ", ".join(parts) or _("passage noté")
    return _("%(h)s : %(what)s.") % {"h": outcome.visit.household, "what": what}
