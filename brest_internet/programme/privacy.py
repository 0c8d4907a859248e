"""Pages of data protection: the public notice, and the coordinators' handling of a household's
rights (export of its data, anonymisation)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brest_internet.common import clock
from brest_internet.jobs.runner import JobAlreadyQueued
from neighborhoods.access import COORDINATOR, role_required
from neighborhoods.models import Household, Occupancy

from . import gdpr, tasks


@require_GET
def notice(request):
    """What personal data the app keeps, why, for how long: public, tenants may read it."""
    return render(
        request,
        "programme/gdpr/notice.html",
        {
            "retention_months": settings.GDPR_RETENTION_MONTHS,
            "preview_hours": settings.REGISTER_PREVIEW_HOURS,
        },
    )


class HouseholdSearch(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Nom du foyer ou référence du logement"), required=False, max_length=100
    )


@role_required(COORDINATOR)
@require_GET
def households(request):
    form = HouseholdSearch(request.GET or None)
    # Namesakes are told apart by their dwellings (reference, neighbourhood, dates).
    namesakes = (
        Household.objects.filter(name=OuterRef("name"))
        .order_by()
        .values("name")
        .annotate(n=Count("pk"))
        .values("n")
    )
    occupancies = Prefetch(
        "occupancies",
        queryset=Occupancy.objects.select_related("dwelling__neighbourhood").order_by("moved_in"),
    )
    qs = (
        Household.objects.annotate(namesakes=Subquery(namesakes))
        .prefetch_related(occupancies)
        .order_by("name", "id")
    )
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        qs = qs.filter(Q(name__icontains=q) | Q(occupancies__dwelling__reference__icontains=q))
        qs = qs.distinct()
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "programme/gdpr/households.html",
        {"form": form, "page": page, "retention_months": settings.GDPR_RETENTION_MONTHS},
    )


@role_required(COORDINATOR)
@require_POST
def anonymise_departed(request):
    """Anonymise now, in a background job, the households gone beyond the retention period."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Cochez la case de confirmation pour anonymiser ces foyers."))
        return redirect("gdpr:households")
    try:
        job = tasks.anonymise_departed_defer(by=request.user)
    except JobAlreadyQueued as exc:
        messages.error(request, str(exc))
        if exc.job is None:
            return redirect("gdpr:households")
        job = exc.job
    return redirect("jobs:detail", pk=job.pk)


@role_required(COORDINATOR)
@require_GET
def household_export(request, pk):
    household = get_object_or_404(Household, pk=pk)
    response = HttpResponse(
        gdpr.household_export_json(household=household),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="foyer-{household.pk}.json"'
    return response


def _household(pk):
    occupancies = Prefetch(
        "occupancies",
        queryset=Occupancy.objects.select_related("dwelling__neighbourhood").order_by("moved_in"),
    )
    return get_object_or_404(Household.objects.prefetch_related(occupancies), pk=pk)


@role_required(COORDINATOR)
@require_GET
def household_data(request, pk):
    """The household's data as it reads them: French labels, dates, a page to print or send,
    beside the JSON file for machines."""
    household = _household(pk)
    sections = gdpr.household_export_readable(household=household)
    return render(
        request,
        "programme/gdpr/household_data.html",
        {"household": household, "sections": sections, "today": clock.today()},
    )


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def household_anonymise(request, pk):
    """GET: the household to be anonymised, told apart from its namesakes, and what anonymising
    it does; POST (with the box ticked): anonymise it."""
    household = _household(pk)
    if (
        request.method == "GET"
        or household.anonymised_at is None
        and (request.POST.get("confirm") != "yes")
    ):
        if request.method == "POST":
            messages.error(request, _("Cochez la case de confirmation pour anonymiser ce foyer."))
        return render(request, "programme/gdpr/household_anonymise.html", {"household": household})
    try:
        gdpr.household_anonymise(household=household, by=request.user)
    except gdpr.AnonymisationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Le foyer n° %(id)d est anonymisé ; ses chiffres restent comptés.")
            % {"id": household.pk},
        )
    return redirect("gdpr:households")
