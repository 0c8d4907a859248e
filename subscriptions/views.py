"""Pages of the subscriptions app: subscriptions and their transitions, the monthly charges.

Who may do what: coordinators everything; the landlord's staff everything in their landlord's
neighbourhoods; centre staff see the subscriptions of the neighbourhoods their centre serves
and record requests. Every object is fetched through the user's scope (404 outside it).
"""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Prefetch, Q, Sum
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from brest_internet.common import clock
from brest_internet.common.views import form_errors_as_messages, report_and_redirect
from brest_internet.jobs.runner import JobAlreadyQueued
from neighborhoods.access import CENTRE, COORDINATOR, LANDLORD, role_required
from neighborhoods.models import Neighbourhood, Organisation

from . import exports, services, stats, tasks
from .forms import (
    ActivateForm,
    AdjustmentForm,
    CancelForm,
    GenerateForm,
    SendForm,
    SubscriptionFilterForm,
    SubscriptionRequestForm,
    TariffScheduleForm,
)
from .models import (
    Adjustment,
    ChargeExport,
    ChargeMonth,
    ChargeRun,
    LandlordMonth,
    MonthTotal,
    Offer,
    RequestBatch,
    Subscription,
    Tariff,
)

VIEWERS = (COORDINATOR, LANDLORD, CENTRE)
MANAGERS = (COORDINATOR, LANDLORD)
PAGE_SIZE = 50


def get_subscription_for_user(user, pk):
    return get_object_or_404(
        Subscription.objects.visible_to(user).select_related(
            "dwelling__neighbourhood", "household", "half_day", "requested_by"
        ),
        pk=pk,
    )


def _scope(user):
    return Neighbourhood.objects.visible_to(user)


# --- Subscriptions ---------------------------------------------------------------------------


def _filters(request):
    """The list's filter form and its conditions, as a Q (empty when unfiltered)."""
    form = SubscriptionFilterForm(request.GET or None, user=request.user)
    condition = Q()
    if form.is_valid():
        if form.cleaned_data["neighbourhood"]:
            condition &= Q(dwelling__neighbourhood=form.cleaned_data["neighbourhood"])
        if form.cleaned_data["status"]:
            condition &= Q(status=form.cleaned_data["status"])
    return form, condition


@role_required(*VIEWERS)
@require_GET
def subscription_list(request):
    form, condition = _filters(request)
    scoped = Subscription.objects.visible_to(request.user)
    requested = Q(status=Subscription.Status.REQUESTED)
    # One pass over the scope counts the rows listed and the requests still to send (the
    # paginator would otherwise run a COUNT of its own over the same join).
    counts = scoped.aggregate(
        listed=Count("id", filter=condition) if condition else Count("id"),
        pending=Count("id", filter=requested),
        last=Max("id", filter=requested),
    )
    qs = scoped.filter(condition).select_related("dwelling__neighbourhood", "household")
    paginator = Paginator(qs.order_by("-requested_on", "-id"), PAGE_SIZE)
    paginator.count = counts["listed"]
    page = paginator.get_page(request.GET.get("page"))
    pending, batches = None, []
    if request.user.has_role(*MANAGERS):
        pending = {"n": counts["pending"], "last": counts["last"]}
        batches = RequestBatch.objects.visible_to(request.user).defer("content")[:5]
    return render(
        request,
        "subscriptions/subscription_list.html",
        {
            "form": form,
            "page": page,
            "pending": pending,
            "batches": batches,
            "can_manage": request.user.has_role(*MANAGERS),
        },
    )


@role_required(*VIEWERS)
def subscription_create(request):
    form = SubscriptionRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sub = services.subscription_request(
                dwelling=data["dwelling"],
                household=data["household"],
                channel=data["channel"],
                by=request.user,
                requested_on=data["requested_on"],
                half_day=data["half_day"],
            )
        except services.SubscriptionError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Demande de connexion enregistrée."))
            return redirect(sub)
    return render(request, "subscriptions/subscription_form.html", {"form": form})


@role_required(*VIEWERS)
@require_GET
def subscription_detail(request, pk):
    sub = get_subscription_for_user(request.user, pk)
    today = clock.today()
    history = sub.history.select_related("history_user").order_by("-history_date")[:50]
    return render(
        request,
        "subscriptions/subscription_detail.html",
        {
            "sub": sub,
            "history": history,
            "can_manage": request.user.has_role(*MANAGERS),
            "send_form": SendForm(initial={"sent_on": today}),
            "activate_form": ActivateForm(initial={"activated_on": today}),
            "cancel_form": CancelForm(initial={"cancelled_on": today}),
        },
    )


def _transition(request, pk, form_class, action):
    sub = get_subscription_for_user(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(sub)
    return report_and_redirect(
        request, lambda: action(sub, form.cleaned_data), _("Abonnement mis à jour."), sub
    )


@role_required(*MANAGERS)
@require_POST
def subscription_send(request, pk):
    return _transition(
        request,
        pk,
        SendForm,
        lambda sub, d: services.subscription_send(
            subscription=sub, by=request.user, on=d["sent_on"]
        ),
    )


@role_required(*MANAGERS)
@require_POST
def subscription_activate(request, pk):
    return _transition(
        request,
        pk,
        ActivateForm,
        lambda sub, d: services.subscription_activate(
            subscription=sub,
            by=request.user,
            activated_on=d["activated_on"],
            modem_serial=d["modem_serial"],
        ),
    )


@role_required(*MANAGERS)
@require_POST
def subscription_cancel(request, pk):
    return _transition(
        request,
        pk,
        CancelForm,
        lambda sub, d: services.subscription_cancel(
            subscription=sub, by=request.user, cancelled_on=d["cancelled_on"], reason=d["reason"]
        ),
    )


@role_required(*MANAGERS)
@require_GET
def requests_csv(request):
    """The connection requests not yet sent to the operator, as a CSV file."""
    subs = Subscription.objects.visible_to(request.user).filter(
        status=Subscription.Status.REQUESTED
    )
    response = StreamingHttpResponse(
        exports.request_csv(subs), content_type="text/csv; charset=utf-8"
    )
    name = f"demandes-connexion-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*MANAGERS)
@require_POST
def requests_mark_sent(request):
    """Mark as sent the requests of the downloaded list (those up to the id it ended with)."""
    try:
        up_to = int(request.POST.get("up_to", ""))
    except ValueError:
        messages.error(request, _("Liste de demandes inconnue : téléchargez-la à nouveau."))
        return redirect("subscriptions:list")
    subs = Subscription.objects.visible_to(request.user).filter(pk__lte=up_to)
    batch = services.subscriptions_mark_sent(subscriptions=subs, by=request.user)
    if batch is None:
        messages.info(request, _("Aucune demande n'attendait d'être transmise."))
        return redirect("subscriptions:list")
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "%(n)d demande marquée transmise à l'opérateur (lot %(lot)d).",
                "%(n)d demandes marquées transmises à l'opérateur (lot %(lot)d).",
                batch.rows,
            )
            % {"n": batch.rows, "lot": batch.pk},
            reverse("subscriptions:requests_batch_file", args=[batch.pk]),
            _("Télécharger le fichier transmis (CSV)"),
        ),
    )
    return redirect("subscriptions:list")


def _sent_file(stored, name):
    """The kept bytes of a file as sent, streamed, with their SHA-256 for the receiver."""
    response = StreamingHttpResponse(
        exports.thaw(stored.content), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Length"] = str(stored.size)
    response["X-Content-SHA256"] = stored.sha256
    return response


@role_required(*MANAGERS)
@require_GET
def requests_batch_file(request, pk):
    """A batch of requests sent to the operator: its file as it was sent, byte for byte."""
    batch = get_object_or_404(RequestBatch.objects.visible_to(request.user), pk=pk)
    return _sent_file(batch, batch.filename)


@role_required(*VIEWERS)
@require_GET
def subscription_rate(request):
    """Active subscriptions / dwellings per neighbourhood, month by month since the launch."""
    today = clock.today()
    neighbourhoods = list(
        _scope(request.user).filter(launched_on__isnull=False).order_by("launched_on")
    )
    series, months, figures = [], [], []
    if neighbourhoods:
        start = min(n.launched_on for n in neighbourhoods)
        series = stats.subscription_series(neighbourhoods, start, today)
        days = [p.day for p in series[0].points]
        months = [
            (day, [s.points[i] for s in series]) for i, day in reversed(list(enumerate(days)))
        ]
        if request.user.has_role(*MANAGERS):
            year_ago = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
            figures = stats.billed_per_subscriber(neighbourhoods, year_ago, today)
    return render(
        request,
        "subscriptions/rate.html",
        {"series": series, "months": months, "figures": figures},
    )


# --- Charges ---------------------------------------------------------------------------------


def _month_or_404(value):
    try:
        return services.parse_month(value)
    except services.ChargeError as exc:
        raise Http404(str(exc)) from exc


def _landlords(user):
    """The landlords whose months `user` handles: all for coordinators, their own for staff."""
    landlords = Organisation.objects.filter(kind=Organisation.Kind.LANDLORD)
    if user.is_coordinator:
        return landlords
    return landlords.filter(pk=user.organisation_id)


@role_required(*MANAGERS)
@require_GET
def charges_index(request):
    scope = _scope(request.user)
    charge_months = list(ChargeMonth.objects.order_by("-month")[:120])
    totals = {
        row["month"]: row
        for row in MonthTotal.objects.filter(
            neighbourhood__in=scope, month__in=[cm.month for cm in charge_months]
        )
        .values("month")
        .order_by()
        .annotate(lines=Sum("lines"), amount=Sum("amount"))
    }
    # The amount shown is what the month's files carry: its lines and its adjustments.
    for row in (
        Adjustment.objects.filter(
            neighbourhood__in=scope, charge_month__in=[cm.pk for cm in charge_months]
        )
        .values("charge_month__month", "kind")
        .order_by()
        .annotate(total=Sum("amount"))
    ):
        sign = -1 if row["kind"] == Adjustment.Kind.CREDIT else 1
        total = totals.setdefault(row["charge_month__month"], {"lines": 0, "amount": 0})
        total["amount"] += sign * row["total"]
    states = {}
    for lm in LandlordMonth.objects.filter(
        charge_month__in=charge_months, landlord__in=_landlords(request.user)
    ).select_related("landlord"):
        states.setdefault(lm.charge_month_id, []).append(lm)
    months = [(cm, totals.get(cm.month), states.get(cm.pk, [])) for cm in charge_months]
    runs = ChargeRun.objects.visible_to(request.user).select_related(
        "charge_month", "run_by", "tariff", "landlord"
    )[:10]
    today = clock.today()
    form = GenerateForm(initial={"month": today.strftime("%Y-%m")})
    return render(
        request,
        "subscriptions/charges_index.html",
        {"months": months, "runs": runs, "form": form},
    )


@role_required(*MANAGERS)
@require_POST
def charges_generate(request):
    form = GenerateForm(request.POST)
    month = request.POST.get("month", "")
    if form.is_valid():
        # The landlord's staff bill their own dwellings; coordinators every landlord's.
        landlord = None if request.user.is_coordinator else request.user.organisation
        # Queued (a worker bills the month: 50 s at a million dwellings), then followed on
        # the job's page; without a worker (SQLite) it has already run when the page shows.
        try:
            job = tasks.charges_generate_defer(
                month=form.cleaned_data["month"], by=request.user, landlord=landlord
            )
        except services.ChargeError as exc:
            messages.error(request, str(exc))
        except JobAlreadyQueued as exc:
            messages.error(request, str(exc))
            if exc.job is not None and (
                request.user.is_coordinator or exc.job.started_by_id == request.user.pk
            ):
                return redirect("jobs:detail", pk=exc.job.pk)
        else:
            return redirect("jobs:detail", pk=job.pk)
    else:
        messages.error(request, _("Indiquez le mois sous la forme AAAA-MM (%(v)s).") % {"v": month})
    return redirect("subscriptions:charges")


def _charge_month_for(month):
    return get_object_or_404(ChargeMonth, month=_month_or_404(month))


def _selected_landlord(request, landlords):
    """The landlord whose lines the page shows: the staff's own, or the one a coordinator chose."""
    if not request.user.is_coordinator:
        return get_object_or_404(landlords)
    try:
        pk = int(request.GET.get("bailleur", ""))
    except ValueError:
        return None
    return get_object_or_404(landlords, pk=pk)


@role_required(*MANAGERS)
@require_GET
def charges_month(request, month):
    charge_month = _charge_month_for(month)
    landlords = _landlords(request.user)
    landlord = _selected_landlord(request, landlords)
    scope = _scope(request.user)
    if landlord is not None:
        scope = scope.filter(landlord=landlord)
    summary = stats.month_summary(charge_month.month, scope)
    totals = {
        "dwellings": sum(b.dwellings for b in summary),
        "amount": sum(b.amount for b in summary),
        "tenants": sum(b.tenants for b in summary),
        "landlord": sum(b.landlord for b in summary),
        "adjustments": sum(b.adjustments for b in summary),
        "total": sum(b.total for b in summary),
    }
    figures = stats.month_figures(charge_month.month, summary)
    adjustments = (
        Adjustment.objects.filter(charge_month=charge_month, neighbourhood__in=scope)
        .select_related("dwelling", "neighbourhood", "created_by")
        .order_by("-created_at")
    )
    landlord_months = list(
        charge_month.landlords.filter(landlord__in=landlords).select_related(
            "landlord", "exported_by"
        )
    )
    _attach_exports(charge_month, landlord_months)
    runs = charge_month.runs.visible_to(request.user).select_related("run_by", "tariff", "landlord")
    return render(
        request,
        "subscriptions/charges_month.html",
        {
            "cm": charge_month,
            "landlord": landlord,
            "landlord_months": landlord_months,
            "summary": summary,
            "totals": totals,
            "figures": figures,
            "adjustments": adjustments,
            "runs": runs,
        },
    )


def _attach_exports(charge_month, landlord_months):
    """Give each landlord month its kept files and its adjustments not exported yet (two
    queries, whatever the number of landlords)."""
    files = {}
    for export in (
        ChargeExport.objects.filter(landlord_month__in=landlord_months)
        .defer("content")
        .select_related("created_by")
        .order_by("number")
    ):
        files.setdefault(export.landlord_month_id, []).append(export)
    # A month locked before files were kept gets its file, with the adjustments entered up to
    # its export, on its first download: those are not waiting for a batch.
    exported_at = LandlordMonth.objects.filter(
        charge_month=charge_month, landlord=OuterRef("neighbourhood__landlord")
    ).values("exported_at")[:1]
    pending = {
        row["neighbourhood__landlord"]: row
        for row in Adjustment.objects.filter(charge_month=charge_month, exported_in__isnull=True)
        .values("neighbourhood__landlord")
        .order_by()
        .annotate(n=Count("id"), early=Count("id", filter=Q(created_at__lte=exported_at)))
    }
    for lm in landlord_months:
        lm.files = files.get(lm.pk, [])
        row = pending.get(lm.landlord_id, {"n": 0, "early": 0})
        lm.pending = 0
        if lm.is_locked:
            lm.pending = row["n"] if lm.files else row["n"] - row["early"]


def _month_confirm_url(charge_month, landlord):
    url = reverse("subscriptions:charges_export_confirm", args=[charge_month.slug])
    return f"{url}?bailleur={landlord.pk}"


@role_required(*MANAGERS)
@require_GET
def charges_export_confirm(request, month):
    """The step before an export locks a landlord's month (RGAA 11.12: a financial action that
    cannot be undone is confirmed): the month, the landlord, its lines and amount, and the button
    that exports. The landlord's staff confirm their own month; coordinators choose the landlord.
    """
    charge_month = _charge_month_for(month)
    landlord = _selected_landlord(request, _landlords(request.user))
    if landlord is None:
        messages.error(request, _("Choisissez le bailleur dont le mois est exporté."))
        return redirect("subscriptions:charges_month", month=charge_month.slug)
    landlord_month = get_object_or_404(
        charge_month.landlords.select_related("landlord", "exported_by"), landlord=landlord
    )
    _attach_exports(charge_month, [landlord_month])
    scope = _scope(request.user).filter(landlord=landlord)
    summary = stats.month_summary(charge_month.month, scope)
    totals = {
        "lines": sum(b.dwellings for b in summary),
        "amount": sum(b.amount for b in summary),
        "adjustments": sum(b.adjustments for b in summary),
        "total": sum(b.total for b in summary),
        "adjustment_count": Adjustment.objects.filter(
            charge_month=charge_month, neighbourhood__in=scope
        ).count(),
    }
    return render(
        request,
        "subscriptions/charges_export_confirm.html",
        {
            "cm": charge_month,
            "landlord": landlord,
            "lm": landlord_month,
            "summary": summary,
            "totals": totals,
        },
    )


@role_required(*MANAGERS)
@require_POST
def charges_export(request, month):
    """Lock one landlord's month (its lines can no longer be regenerated) and stream its file.

    The landlord's staff export their own month; coordinators say which landlord's. Locking is
    irreversible, so it needs `confirm=yes`, which only the confirmation page sends; the file of
    a month already locked is downloaded again without it, byte for byte as first exported.
    With `lot=ajustements` (and `confirm=yes`), the adjustments entered since are exported as a
    new batch of their own.
    """
    charge_month = _charge_month_for(month)
    try:
        pk = int(request.POST.get("landlord", ""))
    except ValueError:
        pk = None if request.user.is_coordinator else request.user.organisation_id
    if pk is None:
        messages.error(request, _("Choisissez le bailleur dont le mois est exporté."))
        return redirect("subscriptions:charges_month", month=charge_month.slug)
    landlord = get_object_or_404(_landlords(request.user), pk=pk)
    still_open = charge_month.landlords.filter(
        landlord=landlord, status=LandlordMonth.Status.OPEN
    ).exists()
    if still_open and request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _(
                "L'export verrouille le mois de %(landlord)s : vérifiez-le et confirmez-le "
                "sur cette page. Rien n'a été exporté."
            )
            % {"landlord": landlord},
        )
        return redirect(_month_confirm_url(charge_month, landlord))
    export = services.charge_month_export
    if request.POST.get("lot") == "ajustements":
        # A new batch: a financial action as final as the month's export, confirmed likewise.
        if request.POST.get("confirm") != "yes":
            messages.error(
                request,
                _("Confirmez l'export des ajustements sur cette page. Rien n'a été exporté."),
            )
            return redirect(_month_confirm_url(charge_month, landlord))
        export = services.charge_adjustments_export
    try:
        stored = export(month=charge_month.month, landlord=landlord, by=request.user)
    except services.ChargeError as exc:
        messages.error(request, str(exc))
        return redirect("subscriptions:charges_month", month=charge_month.slug)
    return _sent_file(stored, stored.filename)


@role_required(*MANAGERS)
@require_GET
def charges_export_file(request, pk):
    """One kept file of a landlord's month (the month or a batch of adjustments), as sent."""
    stored = get_object_or_404(
        ChargeExport.objects.select_related(
            "landlord_month__charge_month", "landlord_month__landlord"
        ),
        pk=pk,
        landlord_month__landlord__in=_landlords(request.user),
    )
    return _sent_file(stored, stored.filename)


@role_required(*MANAGERS)
def adjustment_create(request, month):
    charge_month = _charge_month_for(month)
    form = AdjustmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.adjustment_create(
                month=charge_month.month,
                dwelling=data["dwelling"],
                kind=data["kind"],
                amount=data["amount"],
                reason=data["reason"],
                payer=data["payer"] or None,
                by=request.user,
            )
        except services.ChargeError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Ajustement enregistré."))
            return redirect(reverse("subscriptions:charges_month", args=[charge_month.slug]))
    return render(request, "subscriptions/adjustment_form.html", {"form": form, "cm": charge_month})


# --- The offer and its tariffs ----------------------------------------------------------------


def _offer_page(request, forms=None, status=200):
    """The offers with their operator and every tariff with its dates of effect and the months
    billed at it (a fixed number of queries)."""
    offers = Offer.objects.select_related("operator").prefetch_related(
        Prefetch(
            "tariffs",
            queryset=Tariff.objects.annotate(
                months_billed=Count("runs__charge_month", distinct=True)
            ).order_by("starts_on"),
        )
    )
    today = clock.today()
    forms = forms or {}
    for offer in offers:
        offer.schedule_form = forms.get(offer.pk) or TariffScheduleForm(
            auto_id=f"tarif-{offer.pk}-%s"
        )
    return render(
        request, "subscriptions/offer.html", {"offers": offers, "today": today}, status=status
    )


@role_required(COORDINATOR)
@require_GET
def offer(request):
    return _offer_page(request)


@role_required(COORDINATOR)
@require_POST
def tariff_schedule(request, pk):
    offer = get_object_or_404(Offer, pk=pk)
    form = TariffScheduleForm(request.POST, auto_id=f"tarif-{offer.pk}-%s")
    if form.is_valid():
        try:
            tariff = services.tariff_schedule(by=request.user, offer=offer, **form.cleaned_data)
        except services.ChargeError as error:
            form.add_error("starts_on", str(error))
        else:
            messages.success(
                request,
                _("Nouveau tarif de %(amount)s € prévu à partir du %(day)s.")
                % {
                    "amount": exports.money(tariff.amount),
                    "day": tariff.starts_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect("subscriptions:offer")
    return _offer_page(request, forms={offer.pk: form}, status=400)
