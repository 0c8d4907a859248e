"""The coordinator's dashboard, its CSV export, and the neighbourhood reviews ("bilans").

The dashboard is for coordinators (it is their home page too). Reviews are written by
coordinators and read by every partner of the neighbourhood (its landlord, centre and
tenants' associations): a review outside the reader's scope answers 404.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from brest_internet.common import clock, figures_cache, paginators
from brest_internet.common.files import csv_writer
from brest_internet.common.periods import Period
from brest_internet.programme.models import Review, with_last_review_end
from neighborhoods import stats as neighbourhood_stats
from neighborhoods.access import ALL_ROLES, COORDINATOR, role_required
from neighborhoods.models import Neighbourhood

from . import stats
from .forms import DashboardFilter, PeriodForm, ReviewForm, default_period

# --- Dashboard -----------------------------------------------------------------------------


def dashboard_context(request, *, paginated: bool = True) -> dict:
    """The filtered figures and the chart data of the dashboard (a fixed number of queries):
    the neighbourhoods' rows of the page asked (`page`), or of them all for the export."""
    today = clock.today()
    first = neighbourhood_stats.first_year() or today.year
    visible = Neighbourhood.objects.visible_to(request.user)
    form = DashboardFilter(
        request.GET or None, neighbourhoods=visible, years=range(first, today.year + 1)
    )
    year, chosen = None, None
    if form.is_bound and form.is_valid():
        year, chosen = form.cleaned_data["annee"], form.cleaned_data["quartier"]
    neighbourhoods = visible.filter(pk=chosen.pk) if chosen else visible
    page_number = paginators.page_number(request.GET.get("page")) if paginated else None
    period = Period.of(year, today)

    def compute():
        return stats.dashboard(neighbourhoods, period, page_number)

    if paginated:
        # Kept until the data next changes (figures_cache), for what the figures depend on.
        key = figures_cache.key(
            "dashboard",
            "all" if request.user.is_coordinator else request.user.role,
            request.user.organisation_id,
            chosen.pk if chosen else "",
            period.start,
            period.end,
            today,
            page_number,
        )
        data = figures_cache.cached(key, compute)
        # The figures' part of the page, kept drawn as well: it shows the figures and the
        # links of its pager, which keep the query string.
        query = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:16]
        figures_key = f"{key}:{query}"
    else:
        data = compute()
        figures_key = None
    return {
        "filter_form": form,
        "chosen_year": year,
        "chosen_neighbourhood": chosen,
        "query_string": request.GET.urlencode(),
        "dash": data,
        "charts": SimpleLazyObject(lambda: charts(data)),  # drawn only when not kept
        "figures_key": figures_key,
    }


def _float(value):
    return None if value is None else float(value)


def charts(data: stats.Dashboard) -> dict:
    """What the charts draw (read by static/dashboard/charts.js from json_script blocks)."""
    pipeline = [row for row in data.funnel if not row.stop]
    return {
        "funnel": {
            "type": "bar",
            "horizontal": True,
            "labels": [row.label for row in pipeline],
            "datasets": [
                {"label": _("Logements"), "data": [row.dwellings for row in pipeline]},
            ],
        },
        "trend": {
            "type": "line",
            "percent": True,
            "labels": data.trend.labels,
            "datasets": [
                {"label": _("Programme"), "data": [_float(r) for r in data.programme.rates]},
                *(
                    {"label": nbh.name, "data": [_float(rate) for rate in rates]}
                    for nbh, rates, _counts in data.trend.series
                ),
            ]
            if data.programme and data.programme.rates
            else [],
        },
        "attendance": {
            "type": "bar",
            "labels": [month.label for month in data.attendance],
            "datasets": [
                {"label": _("Inscrits"), "data": [m.registered for m in data.attendance]},
                {"label": _("Présents"), "data": [m.attended for m in data.attendance]},
            ],
        },
    }


@role_required(COORDINATOR)
@require_GET
def index(request):
    return render(request, "programme/dashboard/index.html", dashboard_context(request))


def _fr(value) -> str:
    """A number as French spreadsheets read it: decimal comma, no thousands separator."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(round(value, 1)))
    return str(value).replace(".", ",")


def csv_rows(context):
    """Every figure of the dashboard, one per line: section, neighbourhood, figure, date, value."""
    data: stats.Dashboard = context["dash"]
    period = data.period
    span = (
        str(period.year)
        if period.year
        else _("jusqu'au %(d)s") % {"d": date_format(period.end, "SHORT_DATE_FORMAT")}
    )
    everywhere = (
        context["chosen_neighbourhood"].name
        if context["chosen_neighbourhood"]
        else _("Tous les quartiers")
    )
    today = date_format(period.end, "SHORT_DATE_FORMAT")
    h = data.headline
    yield (
        _("Programme"),
        everywhere,
        _("Quartiers couverts (adoptés ou en service)"),
        today,
        h["covered_neighbourhoods"],
    )
    yield _("Programme"), everywhere, _("Logements couverts"), today, h["covered_dwellings"]
    yield _("Programme"), everywhere, _("Quartiers à venir"), today, h["coming_neighbourhoods"]
    yield _("Programme"), everywhere, _("Logements à venir"), today, h["coming_dwellings"]
    for row in data.funnel:
        yield _("Entonnoir"), row.label, _("Quartiers"), today, row.neighbourhoods
        yield _("Entonnoir"), row.label, _("Logements"), today, row.dwellings
    for vote in data.votes:
        certified = date_format(vote.certified_on, "SHORT_DATE_FORMAT")
        name = vote.neighbourhood.name
        yield _("Votes"), name, _("Inscrits"), certified, vote.roll_size
        yield _("Votes"), name, _("Votants"), certified, vote.voters
        yield _("Votes"), name, _("Participation (%)"), certified, vote.turnout
        yield _("Votes"), name, _("Oui"), certified, vote.yes_count
        yield _("Votes"), name, _("Non"), certified, vote.no_count
        yield _("Votes"), name, _("Blancs"), certified, vote.blank_count
        yield _("Votes"), name, _("Nuls"), certified, vote.spoiled_count
        yield _("Votes"), name, _("Oui parmi les suffrages exprimés (%)"), certified, vote.yes_share
    for nbh in data.neighbourhoods:
        yield _("Abonnements"), nbh.name, _("Logements"), today, nbh.known_dwellings
        if nbh.launched_on:
            launch = str(nbh.launched_on.year)
            yield (
                _("Abonnements"),
                nbh.name,
                _("Abonnés l'année du lancement"),
                launch,
                nbh.subscribed_launch_year,
            )
            yield (
                _("Abonnements"),
                nbh.name,
                _("Taux d'abonnement l'année du lancement (%)"),
                launch,
                nbh.launch_rate,
            )
    if data.programme:
        for day, rate, count in zip(
            data.trend.days, data.programme.rates, data.programme.counts, strict=True
        ):
            if rate is None:
                continue
            when = date_format(day, "SHORT_DATE_FORMAT")
            yield _("Abonnements"), everywhere, _("Abonnés actifs"), when, count
            yield _("Abonnements"), everywhere, _("Taux d'abonnement (%)"), when, rate
    for nbh, rates, counts in data.trend.series:
        for day, rate, count in zip(data.trend.days, rates, counts, strict=True):
            if rate is None:
                continue
            when = date_format(day, "SHORT_DATE_FORMAT")
            yield _("Abonnements"), nbh.name, _("Abonnés actifs"), when, count
            yield _("Abonnements"), nbh.name, _("Taux d'abonnement (%)"), when, rate
    labels = support_labels()
    for nbh in data.neighbourhoods:
        for name, label in labels:
            yield _("Accompagnement"), nbh.name, label, span, getattr(nbh, name)
        yield _("Accompagnement"), nbh.name, _("Taux de présence (%)"), span, nbh.attendance_rate
    for name, label in labels:
        yield _("Accompagnement"), everywhere, label, span, data.totals[name]
    for month in data.attendance:
        when = month.label
        yield _("Ateliers par mois"), everywhere, _("Séances"), when, month.sessions
        yield _("Ateliers par mois"), everywhere, _("Inscrits"), when, month.registered
        yield _("Ateliers par mois"), everywhere, _("Présents"), when, month.attended
        yield _("Ateliers par mois"), everywhere, _("Absents"), when, month.absent
    for bill in [*data.billing, data.billing_total]:
        name = bill.neighbourhood.name if bill.neighbourhood else everywhere
        yield _("Charges"), name, _("Montant facturé (€)"), span, bill.billed
        yield (
            _("Charges"),
            name,
            _("Montant facturé par abonné et par mois (€)"),
            span,
            bill.per_subscriber,
        )
        if bill.last_month:
            last = date_format(bill.last_month, "F Y")
            yield _("Charges"), name, _("Montant facturé (€)"), last, bill.last_billed
            yield _("Charges"), name, _("Abonnés actifs"), last, bill.last_subscribers
            yield (
                _("Charges"),
                name,
                _("Montant facturé par abonné (€)"),
                last,
                bill.last_per_subscriber,
            )


def support_labels():
    return [
        ("sessions", _("Séances d'atelier")),
        ("registered", _("Inscrits")),
        ("waiting", _("En liste d'attente")),
        ("attended", _("Présents")),
        ("absent", _("Absents")),
        ("visits", _("Passages aux demi-journées de lancement")),
        ("home_help", _("Demandes d'aide à domicile")),
        ("home_help_done", _("Aides à domicile réalisées")),
        ("advice", _("Demandes de conseil juridique")),
        ("advice_answered", _("Demandes de conseil répondues")),
        ("computers_sold", _("Ordinateurs vendus")),
        ("computer_revenue", _("Ventes d'ordinateurs (€)")),
    ]


@role_required(COORDINATOR)
@require_GET
def export_csv(request):
    """Every figure of the dashboard, with its filters: `;`, UTF-8 with BOM, French decimals."""
    context = dashboard_context(request, paginated=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    year = context["chosen_year"] or _("toutes-annees")
    response["Content-Disposition"] = f'attachment; filename="tableau-de-bord-{year}.csv"'
    response.write("\ufeff")
    writer = csv_writer(response, delimiter=";")
    writer.writerow([_("Rubrique"), _("Quartier"), _("Indicateur"), _("Période"), _("Valeur")])
    for section, where, label, when, value in csv_rows(context):
        writer.writerow([section, where, label, when, _fr(value)])
    return response


# --- Reviews -------------------------------------------------------------------------------


def get_review_for_user(user, pk):
    """The review `pk` if its neighbourhood is in `user`'s scope; 404 otherwise."""
    return get_object_or_404(
        Review.objects.visible_to(user).select_related("neighbourhood", "author"), pk=pk
    )


@role_required(*ALL_ROLES)
@require_GET
def review_list(request):
    """The reviews in the reader's scope, and the running neighbourhoods due for one."""
    neighbourhoods = list(
        with_last_review_end(Neighbourhood.objects.visible_to(request.user).with_review_due())
        .filter(launched_on__isnull=False)
        .order_by("name")
    )
    reviews = (
        Review.objects.visible_to(request.user)
        .select_related("neighbourhood", "author")
        .order_by("-period_end", "neighbourhood__name")[:200]
    )
    return render(
        request,
        "programme/dashboard/review_list.html",
        {
            "neighbourhoods": neighbourhoods,
            "reviews": reviews,
            "REVIEW_DUE_MONTHS": settings.REVIEW_DUE_MONTHS,
        },
    )


def _review_page(request, nbh, form, period_form, period, review=None, status=200):
    return render(
        request,
        "programme/dashboard/review_form.html",
        {
            "nbh": nbh,
            "form": form,
            "period_form": period_form,
            "review": review,
            "figures": stats.review_figures(nbh, *period),
        },
        status=status,
    )


def _chosen_period(request, default):
    """The period asked in the query string (`debut`, `fin`), else `default`."""
    period_form = PeriodForm(
        request.GET if "debut" in request.GET else None,
        initial={"debut": default[0], "fin": default[1]},
    )
    if period_form.is_bound and period_form.is_valid():
        return period_form, (period_form.cleaned_data["debut"], period_form.cleaned_data["fin"])
    return period_form, default


def _save(form):
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error(
            None, _("Ce quartier a déjà un bilan pour cette période : modifiez-le plutôt.")
        )
        return None


def _review_form(request, nbh, review, default, success_message):
    """GET: the figures of the chosen period and the texts; POST: save them."""
    period_form, period = _chosen_period(request, default)
    if request.method == "POST":
        form = ReviewForm(request.POST, instance=review, neighbourhood=nbh)
        if form.is_valid() and _save(form):
            messages.success(request, success_message)
            return redirect(review)
        status = 400
    else:
        form = ReviewForm(
            instance=review,
            neighbourhood=nbh,
            initial={"period_start": period[0], "period_end": period[1]},
        )
        status = 400 if period_form.errors else 200
    editing = review if review.pk else None
    return _review_page(request, nbh, form, period_form, period, editing, status)


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def review_create(request, slug):
    """Write a review: the figures of the period are shown above the coordinator's texts."""
    nbh = get_object_or_404(
        with_last_review_end(Neighbourhood.objects.visible_to(request.user)), slug=slug
    )
    default = default_period(nbh, nbh.last_review_end, clock.today())
    review = Review(neighbourhood=nbh, author=request.user)
    return _review_form(request, nbh, review, default, _("Bilan enregistré."))


@role_required(COORDINATOR)
@require_http_methods(["GET", "POST"])
def review_edit(request, pk):
    review = get_review_for_user(request.user, pk)
    default = (review.period_start, review.period_end)
    return _review_form(request, review.neighbourhood, review, default, _("Bilan mis à jour."))


@role_required(*ALL_ROLES)
@require_GET
def review_detail(request, pk):
    """The review as a report: printable on A4, or saved as PDF from the browser."""
    review = get_review_for_user(request.user, pk)
    figures = stats.review_figures(review.neighbourhood, review.period_start, review.period_end)
    return render(
        request,
        "programme/dashboard/review_detail.html",
        {
            "review": review,
            "nbh": review.neighbourhood,
            "figures": figures,
            "review_chart": review_chart(figures),
        },
    )


def review_chart(figures: stats.ReviewFigures) -> dict:
    return {
        "type": "line",
        "percent": True,
        "labels": figures.trend.labels,
        "datasets": [
            {"label": nbh.name, "data": [_float(rate) for rate in rates]}
            for nbh, rates, _counts in figures.trend.series
        ],
    }
