"""The monthly charges' pages: the months, a run, a month and its landlords, the export that
locks a landlord's month, its kept files, an adjustment."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from brest_internet.common import clock, figures_cache
from brest_internet.common.paginators import page_number
from brest_internet.common.widgets import QuickSelect
from brest_internet.jobs.runner import JobAlreadyQueued

from .. import rules, services, stats, tasks
from ..forms import AdjustmentForm, GenerateForm
from ..models import Adjustment, ChargeExport, ChargeMonth, LandlordMonth, MonthTotal
from .common import _sent_file, allowed


def _month_or_404(value):
    try:
        return services.parse_month(value)
    except services.ChargeError as exc:
        raise Http404(str(exc)) from exc


@allowed(rules.can_manage_charges)
@require_GET
def charges_index(request):
    scope = rules.neighbourhoods_for(request.user)
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
    adjusted = Adjustment.objects.filter(
        neighbourhood__in=scope, charge_month__in=[cm.pk for cm in charge_months]
    )
    for month, amount in stats.signed_adjustments(adjusted, "charge_month__month").items():
        total = totals.setdefault(month, {"lines": 0, "amount": 0})
        total["amount"] += amount
    states = {}
    for lm in LandlordMonth.objects.filter(
        charge_month__in=charge_months, landlord__in=rules.landlords_for(request.user)
    ).select_related("landlord"):
        states.setdefault(lm.charge_month_id, []).append(lm)
    months = [(cm, totals.get(cm.month), states.get(cm.pk, [])) for cm in charge_months]
    runs = rules.charge_runs_for(request.user).select_related(
        "charge_month", "run_by", "tariff", "landlord"
    )[:10]
    today = clock.today()
    form = GenerateForm(initial={"month": today.strftime("%Y-%m")})
    return render(
        request,
        "subscriptions/charges_index.html",
        {"months": months, "runs": runs, "form": form},
    )


@allowed(rules.can_manage_charges)
@require_POST
def charges_generate(request):
    form = GenerateForm(request.POST)
    month = request.POST.get("month", "")
    if form.is_valid():
        # The landlord's staff bill their own dwellings; coordinators every landlord's.
        landlord = rules.on_behalf_of(request.user)
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


# Rows of a month's summary per page (its neighbourhoods, in alphabetical order).
NEIGHBOURHOODS_PER_PAGE = 10
# The landlords' states per page (86 landlords at national size), and the latest adjustments
# and runs shown: what the month's page draws does not grow with the programme.
LANDLORDS_PER_PAGE = 10
LATEST_SHOWN = 20


def _charge_month_for(month):
    return get_object_or_404(ChargeMonth, month=_month_or_404(month))


def _selected_landlord(request, landlords):
    """The landlord whose lines the page shows: the staff's own, or the one a coordinator chose."""
    if not rules.acts_for_every_landlord(request.user):
        return get_object_or_404(landlords)
    try:
        pk = int(request.GET.get("bailleur", ""))
    except ValueError:
        return None
    return get_object_or_404(landlords, pk=pk)


@allowed(rules.can_manage_charges)
@require_GET
def charges_month(request, month):
    charge_month = _charge_month_for(month)
    landlords = rules.landlords_for(request.user)
    landlord = _selected_landlord(request, landlords)
    scope = rules.neighbourhoods_for(request.user)
    if landlord is not None:
        scope = scope.filter(landlord=landlord)
    numbers = {name: page_number(request.GET.get(name)) for name in ("page", "bailleurs")}

    def figures():
        return _month_figures(request.user, charge_month, landlords, landlord, scope, numbers)

    # Kept until the data next changes (figures_cache), for what they depend on.
    key = figures_cache.key(
        "charges-month",
        "all" if rules.acts_for_every_landlord(request.user) else request.user.role,
        request.user.organisation_id,
        charge_month.pk,
        landlord.pk if landlord else "",
        numbers["page"],
        numbers["bailleurs"],
    )
    return render(
        request,
        "subscriptions/charges_month.html",
        {"cm": charge_month, "landlord": landlord, **figures_cache.cached(key, figures)},
    )


def _month_figures(user, charge_month, landlords, landlord, scope, numbers) -> dict:
    """What the month's page shows, for `user` and the landlord chosen (`landlord`, or all of
    `landlords`), pages `numbers`: a fixed number of queries whatever the programme's size."""
    # A page of neighbourhoods at a time (865 at national size), the bottom line over them all:
    # the page reads the run's totals (`MonthTotal`) and counts the subscribers of its own
    # neighbourhoods only, so that it costs the same whatever the size of the programme.
    billed = scope.filter(
        Q(pk__in=MonthTotal.objects.filter(month=charge_month.month).values("neighbourhood"))
        | Q(pk__in=Adjustment.objects.filter(charge_month=charge_month).values("neighbourhood"))
    ).order_by("name", "pk")
    page = Paginator(billed, NEIGHBOURHOODS_PER_PAGE).get_page(numbers["page"])
    summary = stats.month_summary(charge_month.month, list(page))
    totals = stats.month_totals(charge_month.month, scope)
    figures = stats.month_figures(charge_month.month, summary)
    adjustments = (
        Adjustment.objects.filter(charge_month=charge_month, neighbourhood__in=scope)
        .select_related("dwelling", "neighbourhood", "created_by")
        .order_by("-created_at", "-pk")
    )
    billed_landlords = charge_month.landlords.filter(landlord__in=landlords)
    landlord_page = Paginator(
        billed_landlords.select_related("landlord", "exported_by").order_by("landlord__name", "pk"),
        LANDLORDS_PER_PAGE,
    ).get_page(numbers["bailleurs"])
    landlord_months = list(landlord_page)
    _attach_exports(charge_month, landlord_months)
    runs = (
        rules.charge_runs_for(user)
        .filter(charge_month=charge_month)
        .select_related("run_by", "tariff", "landlord")
        .order_by("-run_at", "-pk")
    )
    return {
        "landlord_months": landlord_months,
        "landlord_page": figures_cache.detached(landlord_page),
        "landlord_select": _landlord_select(billed_landlords, landlord),
        "summary": summary,
        "page": figures_cache.detached(page),
        "totals": totals,
        "figures": figures,
        **_latest("adjustments", adjustments),
        **_latest("runs", runs),
    }


def _landlord_select(landlord_months, landlord):
    """The choice of a landlord among those billed this month (86 at national size), as one
    string (`QuickSelect`): through the template, its options were a sixth of the page."""
    choices = landlord_months.order_by("landlord__name").values_list(
        "landlord_id", "landlord__name"
    )
    widget = QuickSelect(
        attrs={"id": "bailleur", "class": "form-select"}, choices=[("", _("Tous")), *choices]
    )
    return widget.render("bailleur", landlord.pk if landlord else "")


def _latest(name: str, queryset) -> dict:
    """The first LATEST_SHOWN rows of `queryset` as `name`, and `name_more`: whether there are
    others (one row read beyond them, no count)."""
    rows = list(queryset[: LATEST_SHOWN + 1])
    return {name: rows[:LATEST_SHOWN], f"{name}_more": len(rows) > LATEST_SHOWN}


def _totals(summary) -> dict:
    """The bottom line of a month's summary, as its file adds it up."""
    fields = ["dwellings", "amount", "tenants", "landlord", "adjustments", "total"]
    return {name: sum(getattr(bill, name) for bill in summary) for name in fields}


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


@allowed(rules.can_manage_charges)
@require_GET
def charges_export_confirm(request, month):
    """The step before an export locks a landlord's month (RGAA 11.12: a financial action that
    cannot be undone is confirmed): the month, the landlord, its lines and amount, and the button
    that exports. The landlord's staff confirm their own month; coordinators choose the landlord.
    """
    charge_month = _charge_month_for(month)
    landlord = _selected_landlord(request, rules.landlords_for(request.user))
    if landlord is None:
        messages.error(request, _("Choisissez le bailleur dont le mois est exporté."))
        return redirect("subscriptions:charges_month", month=charge_month.slug)
    landlord_month = get_object_or_404(
        charge_month.landlords.select_related("landlord", "exported_by"), landlord=landlord
    )
    _attach_exports(charge_month, [landlord_month])
    scope = rules.neighbourhoods_for(request.user).filter(landlord=landlord)
    summary = stats.month_summary(charge_month.month, scope)
    totals = _totals(summary)
    totals = {
        "lines": totals.pop("dwellings"),
        **totals,
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


@allowed(rules.can_manage_charges)
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
        pk = None if rules.acts_for_every_landlord(request.user) else request.user.organisation_id
    if pk is None:
        messages.error(request, _("Choisissez le bailleur dont le mois est exporté."))
        return redirect("subscriptions:charges_month", month=charge_month.slug)
    landlord = get_object_or_404(rules.landlords_for(request.user), pk=pk)
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


@allowed(rules.can_manage_charges)
@require_GET
def charges_export_file(request, pk):
    """One kept file of a landlord's month (the month or a batch of adjustments), as sent."""
    stored = get_object_or_404(
        ChargeExport.objects.select_related(
            "landlord_month__charge_month", "landlord_month__landlord"
        ),
        pk=pk,
        landlord_month__landlord__in=rules.landlords_for(request.user),
    )
    return _sent_file(stored, stored.filename)


@allowed(rules.can_manage_charges)
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
