"""Views of the support app: workshops, launch half-days, households, home help, advice,
computers. Role first (`role_required`), then the object through a scoped `get_*_for_user`
helper (404 outside the scope), then a service of `support.services` for any change."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from brest_internet.common import clock
from brest_internet.common.views import form_errors_as_messages, report_and_redirect
from neighborhoods.access import ASSOCIATION, CENTRE, COORDINATOR, role_required
from neighborhoods.models import Household, Occupancy

from . import access
from . import services as s
from .forms import (
    AdviceForm,
    AnswerForm,
    DoneForm,
    HalfDayCreateForm,
    HalfDayForm,
    HomeHelpForm,
    OrderForm,
    ScheduleForm,
    SessionCancelForm,
    SessionEditForm,
    SessionForm,
    SignUpForm,
    with_dwelling_reference,
)
from .models import (
    AdviceRequest,
    ComputerModel,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
)
from .search import household_search

STAFF = (COORDINATOR, CENTRE)
PAGE_SIZE = 50
UPCOMING = datetime.timedelta(days=60)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Workshops ---------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET"])
def session_list(request):
    past = request.GET.get("quand") == "passees"
    now = clock.now()
    sessions = (
        WorkshopSession.objects.visible_to(request.user)
        .with_counts()
        .select_related("topic", "centre", "neighbourhood")
    )
    if past:
        sessions = sessions.filter(starts_at__lte=now).order_by("-starts_at", "-id")
    else:
        sessions = sessions.filter(starts_at__gt=now).order_by("starts_at", "id")
    return render(
        request, "support/session_list.html", {"page": _page(request, sessions), "past": past}
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def session_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("Séance programmée."))
        return redirect(session)
    return render(request, "support/form.html", {"form": form, "title": _("Nouvelle séance")})


@role_required(*STAFF)
@require_http_methods(["GET"])
def session_detail(request, pk):
    session = access.get_session_for_user(
        request.user,
        pk,
        WorkshopSession.objects.with_counts().select_related(
            "topic", "centre", "neighbourhood", "cancelled_by"
        ),
    )
    registrations = session.registrations.select_related("household", "registered_by").order_by(
        "registered_at", "id"
    )
    registrations = list(registrations)
    # The waiting list in the order places are given: the first in line takes the next one.
    waiting = [r for r in registrations if r.status == Registration.Status.WAITING]
    can_sign_up = not session.is_cancelled and not session.has_started()
    search = household_search(
        request.user,
        request.GET.get("foyer", "") if can_sign_up else "",
        neighbourhood=session.neighbourhood,
    )
    return render(
        request,
        "support/session_detail.html",
        {
            "session": session,
            "registrations": registrations,
            "can_sign_up": can_sign_up,
            "search": search,
            "waiting": waiting,
            "changes": _session_changes(session),
        },
    )


# The changes of a session shown on its page (its creation and the cancellation are told apart).
SHOWN_CHANGES = ("starts_at", "ends_at", "place", "facilitator", "capacity")


def _session_changes(session):
    """Who changed what on the session, newest first: one query, whatever its history."""
    records = list(session.history.select_related("history_user").order_by("history_id"))
    changes = []
    for older, newer in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, included_fields=list(SHOWN_CHANGES))
        if delta.changes:
            changes.append(
                {
                    "at": newer.history_date,
                    "by": newer.history_user,
                    "fields": [
                        {
                            "label": WorkshopSession._meta.get_field(c.field).verbose_name,
                            "old": c.old,
                            "new": c.new,
                            "is_datetime": c.field in ("starts_at", "ends_at"),
                        }
                        for c in sorted(delta.changes, key=lambda c: SHOWN_CHANGES.index(c.field))
                    ],
                }
            )
    return changes[::-1]


def _dates_locked(session):
    """A session held whose attendance is taken keeps its date (it took place on it)."""
    return (
        session.has_started()
        and session.registrations.exclude(attendance=Registration.Attendance.UNKNOWN).exists()
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def session_update(request, pk):
    """Change a session's date, place, facilitator or places (its centre, or a coordinator)."""
    session = access.get_session_for_user(
        request.user,
        pk,
        WorkshopSession.objects.with_counts().select_related("topic", "neighbourhood"),
    )
    if session.is_cancelled:
        messages.error(request, _("Cette séance est annulée : elle ne se modifie plus."))
        return redirect(session)
    form = SessionEditForm(
        request.POST or None,
        instance=session,
        dates_locked=_dates_locked(session),
        registered=session.registered_count,
        waiting=session.waiting_count,
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = s.session_update(session=session, changes=form.changes(), by=request.user)
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            if change.changed:
                messages.success(request, _("Séance modifiée."))
            else:
                messages.info(request, _("Rien n'a changé."))
            if change.promoted:
                names = ", ".join(str(reg.household) for reg in change.promoted)
                messages.info(
                    request,
                    ngettext(
                        "Place ajoutée : %(names)s quitte la liste d'attente.",
                        "Places ajoutées : %(names)s quittent la liste d'attente.",
                        len(change.promoted),
                    )
                    % {"names": names},
                )
            return redirect(session)
    return render(request, "support/session_form.html", {"form": form, "session": session})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk):
    """Cancel a session in two steps (RGAA 11.12): its reason, then a confirmation that says
    how many sign-ups go with it. The count confirmed is checked again when cancelling."""
    session = access.get_session_for_user(
        request.user,
        pk,
        WorkshopSession.objects.with_counts().select_related("topic", "centre", "neighbourhood"),
    )
    if session.is_cancelled:
        messages.info(request, _("Cette séance est déjà annulée."))
        return redirect(session)
    held = _dates_locked(session)
    form = SessionCancelForm(request.POST or None)
    confirming = False
    if request.method == "POST" and not held and form.is_valid() and "change" not in request.POST:
        confirming = True
        if request.POST.get("confirm") == "1":
            try:
                cancelled = s.session_cancel(
                    session=session,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    expected=form.cleaned_data["expected"],
                )
            except s.SupportError as exc:
                exc.add_to(form)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Séance annulée, avec %(n)d inscription.",
                        "Séance annulée, avec %(n)d inscriptions.",
                        cancelled,
                    )
                    % {"n": cancelled},
                )
                return redirect(session)
    return render(
        request,
        "support/session_cancel.html",
        {
            "session": session,
            "form": form,
            "confirming": confirming,
            "held": held,
            "to_cancel": session.registered_count + session.waiting_count,
        },
    )


@role_required(*STAFF)
@require_POST
def session_sign_up(request, pk):
    session = access.get_session_for_user(request.user, pk)
    form = SignUpForm(
        request.POST,
        households=access.households_for(request.user, neighbourhood=session.neighbourhood),
    )
    if not form.is_valid():
        messages.error(request, _("Choisissez un foyer du quartier."))
        return redirect(session)
    try:
        reg = s.registration_create(
            session=session, household=form.cleaned_data["household"], by=request.user
        )
    except s.SupportError as exc:
        messages.error(request, str(exc))
    else:
        if reg.status == Registration.Status.WAITING:
            messages.warning(
                request, _("Séance complète : %(h)s est en liste d'attente.") % {"h": reg.household}
            )
        else:
            messages.success(request, _("Inscription enregistrée : %(h)s.") % {"h": reg.household})
    return redirect(session)


@role_required(*STAFF)
@require_POST
def registration_cancel(request, pk):
    reg = access.get_registration_for_user(request.user, pk)
    try:
        promoted = s.registration_cancel(registration=reg, by=request.user)
    except s.SupportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Inscription annulée : %(h)s.") % {"h": reg.household})
        if promoted is not None:
            messages.info(
                request,
                _("%(h)s quitte la liste d'attente et prend la place.") % {"h": promoted.household},
            )
    return redirect(reg.session)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk):
    session = access.get_session_for_user(
        request.user, pk, WorkshopSession.objects.select_related("topic", "neighbourhood")
    )
    registrations = list(
        session.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("household")
        .order_by("household__name", "id")
    )
    error = None
    if session.is_cancelled:
        error = _("La séance est annulée : pas de présence à noter.")
    elif not session.has_started():
        error = _("La séance n'a pas encore eu lieu : la présence se note après.")
    if request.method == "POST":
        marks = {}
        for reg in registrations:
            marks[reg.pk] = request.POST.get(f"presence-{reg.pk}", reg.attendance)
        try:
            changed = s.attendance_record(session=session, marks=marks, by=request.user)
        except s.SupportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                ngettext("%(n)d présence enregistrée.", "%(n)d présences enregistrées.", changed)
                % {"n": changed},
            )
            return redirect(session)
    return render(
        request,
        "support/session_attendance.html",
        {
            "session": session,
            "registrations": registrations,
            "error": error,
            "choices": Registration.Attendance.choices,
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET"])
def session_sheet(request, pk):
    """The attendance sheet to print: the session's date and place, the households signed up
    in alphabetical order with an empty column to sign, then the waiting list in its order."""
    session = access.get_session_for_user(
        request.user, pk, WorkshopSession.objects.select_related("topic", "centre", "neighbourhood")
    )
    registrations = list(
        session.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("household")
        .order_by("registered_at", "id")
    )
    registered = sorted(
        (r for r in registrations if r.status == Registration.Status.REGISTERED),
        key=lambda r: (r.household.name.casefold(), r.pk),
    )
    waiting = [r for r in registrations if r.status == Registration.Status.WAITING]
    return render(
        request,
        "support/session_sheet.html",
        {"session": session, "registered": registered, "waiting": waiting},
    )


# --- Launch half-days --------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET"])
def half_day_list(request):
    half_days = (
        access.half_days_for(request.user)
        .select_related("neighbourhood")
        .annotate(visits=Count("half_day_visits"))
        .order_by("-held_on", "-id")
    )
    return render(request, "support/half_day_list.html", {"half_days": half_days})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def half_day_create(request):
    """Programme a launch half-day in a neighbourhood the user's centre serves."""
    form = HalfDayCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            half_day = s.half_day_create(**form.cleaned_data, by=request.user)
        except s.SupportError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Demi-journée de lancement programmée."))
            return redirect("support:half_day_desk", pk=half_day.pk)
    return render(
        request,
        "support/form.html",
        {"form": form, "title": _("Nouvelle demi-journée de lancement")},
    )


def _half_day_totals(half_day):
    from subscriptions.models import Subscription

    orders = list(
        ComputerOrder.objects.filter(half_day=half_day)
        .exclude(status=ComputerOrder.Status.CANCELLED)
        .values("price")
        .annotate(n=Count("id"))
        .order_by("price")
    )
    regs = Registration.objects.filter(half_day=half_day).aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        waiting=Count("id", filter=Q(status=Registration.Status.WAITING)),
    )
    visits = HalfDayVisit.objects.filter(half_day=half_day).aggregate(
        visits=Count("id"), households=Count("household", distinct=True)
    )
    return {
        **visits,
        **regs,
        "connections": Subscription.objects.filter(half_day=half_day).count(),
        "orders": orders,
        "orders_total": sum(o["n"] for o in orders),
    }


@role_required(*STAFF)
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
        refs = Occupancy.objects.filter(
            moved_out__isnull=True,
            dwelling__neighbourhood=nbh,
            dwelling__reference__icontains=query,
        ).values("household_id")
        candidates = in_nbh.filter(Q(name__icontains=query) | Q(pk__in=refs)).order_by("name")[:15]
        candidates = in_nbh.filter(pk__in=[h.pk for h in candidates]).order_by("name")
    else:
        candidates = in_nbh.none()
    # The sessions of the coming weeks: what a resident can sign up for at the table.
    now = clock.now()
    sessions = (
        WorkshopSession.objects.not_cancelled()
        .filter(neighbourhood=nbh, starts_at__gt=now, starts_at__lte=now + UPCOMING)
        .with_counts()
        .select_related("topic")
        .order_by("starts_at", "id")
    )
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
    recent = (
        HalfDayVisit.objects.filter(half_day=half_day)
        .select_related("household")
        .order_by("-recorded_at", "-id")[:10]
    )
    return render(
        request,
        "support/half_day_desk.html",
        {
            "half_day": half_day,
            "form": form,
            "query": query,
            "searched": bool(query),
            "totals": _half_day_totals(half_day),
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


# --- Households --------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET"])
def household_list(request):
    query = request.GET.get("q", "").strip()
    households = with_dwelling_reference(access.households_for(request.user)).order_by("name", "id")
    if query:
        refs = Occupancy.objects.filter(
            moved_out__isnull=True, dwelling__reference__icontains=query
        ).values("household_id")
        households = households.filter(Q(name__icontains=query) | Q(pk__in=refs))
    return render(
        request, "support/household_list.html", {"page": _page(request, households), "q": query}
    )


def _subscriptions_prefetch():
    try:
        from subscriptions.models import Subscription
    except ImportError:  # pragma: no cover - the subscriptions app is part of the project
        return []
    return [
        Prefetch(
            "subscriptions",
            queryset=Subscription.objects.select_related("dwelling").order_by("-requested_on"),
        )
    ]


@role_required(*STAFF)
@require_http_methods(["GET"])
def household_detail(request, pk):
    """Everything the programme did with one household, on one page (constant queries)."""
    household = access.get_household_for_user(
        request.user,
        pk,
        Household.objects.prefetch_related(
            Prefetch(
                "occupancies",
                queryset=Occupancy.objects.select_related("dwelling__neighbourhood"),
            ),
            Prefetch(
                "workshop_registrations",
                queryset=Registration.objects.select_related(
                    "session__topic", "session__centre"
                ).order_by("-session__starts_at"),
            ),
            Prefetch(
                "half_day_visits",
                queryset=HalfDayVisit.objects.select_related("half_day").order_by("-recorded_at"),
            ),
            Prefetch("home_help_requests", queryset=HomeHelpRequest.objects.all()),
            Prefetch(
                "advice_requests", queryset=AdviceRequest.objects.select_related("association")
            ),
            Prefetch("computer_orders", queryset=ComputerOrder.objects.select_related("computer")),
            *_subscriptions_prefetch(),
        ),
    )
    return render(
        request,
        "support/household_detail.html",
        {"household": household, "has_subscriptions": hasattr(household, "subscriptions")},
    )


def _household_neighbourhood(household):
    dwelling = s.current_dwelling(household)
    if dwelling is None:
        raise Http404
    return dwelling


# What a household is chosen for, outside a session: the page that records it.
CHOOSE_FOR = {
    "aide-a-domicile": ("support:home_help_create", _lazy("Aide à domicile")),
    "conseil-juridique": ("support:advice_create", _lazy("Conseil juridique")),
    "ordinateur": ("support:order_create", _lazy("Ordinateur")),
}


@role_required(*STAFF)
@require_http_methods(["GET"])
def household_choose(request):
    """Find the household a home help, an advice request or a computer is for, then go to its
    form. The household chosen is checked against the user's scope (404 outside it)."""
    purpose = request.GET.get("pour", "")
    if purpose not in CHOOSE_FOR:
        # No purpose (or an unknown one): first what the household is chosen for.
        purposes = [(key, label) for key, (_target, label) in CHOOSE_FOR.items()]
        return render(request, "support/household_choose.html", {"purposes": purposes})
    target, title = CHOOSE_FOR[purpose]
    chosen = request.GET.get("household", "")
    if chosen:
        household = access.get_household_for_user(request.user, chosen if chosen.isdigit() else 0)
        return redirect(target, pk=household.pk)
    search = household_search(request.user, request.GET.get("foyer", ""))
    return render(
        request,
        "support/household_choose.html",
        {
            "search": search,
            "title": title,
            "purpose": purpose,
            "search_hidden": [("pour", purpose)],
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def home_help_create(request, pk):
    household = access.get_household_for_user(request.user, pk)
    dwelling = _household_neighbourhood(household)
    form = HomeHelpForm(request.POST or None, initial={"requested_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        req = form.save(commit=False)
        req.household = household
        req.dwelling = dwelling
        req.neighbourhood = dwelling.neighbourhood
        req.created_by = request.user
        req.save()
        messages.success(request, _("Demande d'aide à domicile enregistrée."))
        return redirect(req)
    title = _("Aide à domicile pour %(h)s") % {"h": household}
    return render(
        request, "support/form.html", {"form": form, "title": title, "household": household}
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def advice_create(request, pk):
    household = access.get_household_for_user(request.user, pk)
    dwelling = _household_neighbourhood(household)
    form = AdviceForm(
        request.POST or None,
        neighbourhood=dwelling.neighbourhood,
        initial={"requested_on": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        req = form.save(commit=False)
        req.household = household
        req.neighbourhood = dwelling.neighbourhood
        req.created_by = request.user
        req.save()
        messages.success(request, _("Demande transmise à %(a)s.") % {"a": req.association})
        return redirect(req)
    title = _("Conseil juridique pour %(h)s") % {"h": household}
    return render(
        request, "support/form.html", {"form": form, "title": title, "household": household}
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def order_create(request, pk):
    household = access.get_household_for_user(request.user, pk)
    dwelling = _household_neighbourhood(household)
    form = OrderForm(request.POST or None, initial={"ordered_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            order = s.computer_order_create(
                household=household,
                computer=form.cleaned_data["computer"],
                by=request.user,
                neighbourhood=dwelling.neighbourhood,
                ordered_on=form.cleaned_data["ordered_on"],
                extra_reason=form.cleaned_data["extra_reason"],
            )
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Commande enregistrée."))
            return redirect(order)
    title = _("Ordinateur pour %(h)s") % {"h": household}
    return render(
        request, "support/form.html", {"form": form, "title": title, "household": household}
    )


# --- Home help ---------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET"])
def home_help_list(request):
    status = request.GET.get("statut", "")
    requests = access.by_neighbourhood(
        HomeHelpRequest.objects.select_related("household", "neighbourhood", "dwelling"),
        request.user,
    )
    if status in HomeHelpRequest.Status.values:
        requests = requests.filter(status=status)
    return render(
        request,
        "support/home_help_list.html",
        {
            "page": _page(request, requests),
            "status": status,
            "statuses": HomeHelpRequest.Status.choices,
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET"])
def home_help_detail(request, pk):
    req = access.get_home_help_for_user(request.user, pk)
    return render(
        request,
        "support/home_help_detail.html",
        {
            "req": req,
            "schedule_form": ScheduleForm(initial={"on": req.scheduled_for}),
            # Both forms have a field `on`: ids of their own, so each label finds its field.
            "done_form": DoneForm(
                initial={"on": req.scheduled_for or clock.today()}, auto_id="faite_%s"
            ),
        },
    )


def _home_help_action(request, pk, form_class, action):
    req = access.get_home_help_for_user(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(req)
    return report_and_redirect(
        request,
        lambda: action(req, form.cleaned_data if form else {}),
        _("Demande mise à jour."),
        req,
    )


@role_required(*STAFF)
@require_POST
def home_help_schedule(request, pk):
    return _home_help_action(
        request,
        pk,
        ScheduleForm,
        lambda req, d: s.home_help_schedule(request=req, on=d["on"], by=request.user),
    )


@role_required(*STAFF)
@require_POST
def home_help_done(request, pk):
    return _home_help_action(
        request,
        pk,
        DoneForm,
        lambda req, d: s.home_help_done(
            request=req, on=d["on"], outcome=d["outcome"], by=request.user
        ),
    )


@role_required(*STAFF)
@require_POST
def home_help_cancel(request, pk):
    return _home_help_action(
        request, pk, None, lambda req, d: s.home_help_cancel(request=req, by=request.user)
    )


# --- Legal advice ------------------------------------------------------------------------------


@role_required(COORDINATOR, CENTRE, ASSOCIATION)
@require_http_methods(["GET"])
def advice_list(request):
    status = request.GET.get("statut", "")
    advice = AdviceRequest.objects.visible_to(request.user).select_related(
        "household", "neighbourhood", "association"
    )
    if status in AdviceRequest.Status.values:
        advice = advice.filter(status=status)
    return render(
        request,
        "support/advice_list.html",
        {
            "page": _page(request, advice),
            "status": status,
            "statuses": AdviceRequest.Status.choices,
        },
    )


@role_required(COORDINATOR, CENTRE, ASSOCIATION)
@require_http_methods(["GET"])
def advice_detail(request, pk):
    advice = access.get_advice_for_user(request.user, pk)
    can_answer = access.can_answer(request.user, advice)
    form = AnswerForm(initial={"answer": advice.answer}) if can_answer else None
    return render(
        request,
        "support/advice_detail.html",
        {
            "advice": advice,
            "form": form,
            "can_answer": can_answer,
            "show_phone": access.can_see_phone(request.user, advice),
        },
    )


@role_required(COORDINATOR, ASSOCIATION)
@require_POST
def advice_answer(request, pk):
    advice = access.get_advice_for_user(request.user, pk)
    if not access.can_answer(request.user, advice):
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            s.advice_answer(request=advice, answer=form.cleaned_data["answer"], by=request.user)
        except s.SupportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Réponse enregistrée."))
            return redirect(advice)
    else:
        messages.error(request, _("Écrivez la réponse avant de l'enregistrer."))
    return redirect(advice)


# --- Computers ---------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET"])
def computer_list(request):
    status = request.GET.get("statut", "")
    orders = access.by_neighbourhood(
        ComputerOrder.objects.select_related("household", "neighbourhood", "computer"),
        request.user,
    )
    if status in ComputerOrder.Status.values:
        orders = orders.filter(status=status)
    models = ComputerModel.objects.filter(active=True).annotate(
        ordered=Count(
            "orders",
            filter=Q(orders__status__in=[ComputerOrder.Status.ORDERED, ComputerOrder.Status.PAID]),
        )
    )
    return render(
        request,
        "support/computer_list.html",
        {
            "models": models,
            "page": _page(request, orders),
            "status": status,
            "statuses": ComputerOrder.Status.choices,
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET"])
def order_detail(request, pk):
    order = access.get_order_for_user(request.user, pk)
    return render(request, "support/order_detail.html", {"order": order})


def _order_action(request, pk, action, done):
    order = access.get_order_for_user(request.user, pk)
    return report_and_redirect(request, lambda: action(order=order, by=request.user), done, order)


@role_required(*STAFF)
@require_POST
def order_pay(request, pk):
    return _order_action(request, pk, s.computer_order_pay, _("Paiement enregistré."))


@role_required(*STAFF)
@require_POST
def order_hand_over(request, pk):
    return _order_action(request, pk, s.computer_order_hand_over, _("Remise enregistrée."))


@role_required(*STAFF)
@require_POST
def order_cancel(request, pk):
    return _order_action(request, pk, s.computer_order_cancel, _("Commande annulée."))
