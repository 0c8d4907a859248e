"""Workshops: the sessions (list, programme, page, edit, cancel), their sign-ups, attendance
and the sheet to print. Rule first, then the session within the user's scope (404 outside
it), then a service of `support.services` for any change."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from brest_internet.common import clock, history
from brest_internet.common.formats import NONE

from .. import access, rules
from .. import services as s
from ..forms import SessionCancelForm, SessionEditForm, SessionForm, SignUpForm
from ..models import Registration, WorkshopSession
from ..search import household_search
from .base import allowed, page


@allowed(rules.can_run_support)
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
        request, "support/session_list.html", {"page": page(request, sessions), "past": past}
    )


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def session_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = s.session_create(**form.cleaned_data, by=request.user)
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Séance programmée."))
            return redirect(session)
    return render(request, "support/form.html", {"form": form, "title": _("Nouvelle séance")})


@allowed(rules.can_run_support)
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


def _minute(value) -> str:
    """A session's start or end as its page writes it (3/03/2014 09:30)."""
    return date_format(timezone.localtime(value), "j/m/Y H:i") if value else NONE


# The changes of a session shown on its page (its creation and the cancellation are told apart).
SHOWN_CHANGES = [
    history.Shown("starts_at", reads=_minute),
    history.Shown("ends_at", reads=_minute),
    "place",
    "facilitator",
    "capacity",
]


def _session_changes(session):
    """Who changed what on the session, newest first: one query, whatever its history."""
    records = session.history.select_related("history_user").order_by("history_id")
    return history.lines(records, SHOWN_CHANGES, changes_only=True)[::-1]


@allowed(rules.can_run_support)
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
        dates_locked=session.dates_locked(),
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


@allowed(rules.can_run_support)
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
    held = session.dates_locked()
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


@allowed(rules.can_run_support)
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


@allowed(rules.can_run_support)
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


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def session_attendance(request, pk):
    session = access.get_session_for_user(
        request.user, pk, WorkshopSession.objects.select_related("topic", "neighbourhood")
    )
    registrations = list(
        session.registrations.seated().select_related("household").order_by("household__name", "id")
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


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def session_sheet(request, pk):
    """The attendance sheet to print: the session's date and place, the households signed up
    in alphabetical order with an empty column to sign, then the waiting list in its order."""
    session = access.get_session_for_user(
        request.user, pk, WorkshopSession.objects.select_related("topic", "centre", "neighbourhood")
    )
    registrations = list(
        session.registrations.holding().select_related("household").order_by("registered_at", "id")
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
