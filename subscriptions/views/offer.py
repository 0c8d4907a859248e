"""The offer's page: the operator, every tariff with its dates, a new price scheduled."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from brest_internet.common import clock

from .. import exports, rules, services
from ..forms import TariffScheduleForm
from ..models import Offer, Tariff
from .common import allowed


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


@allowed(rules.can_manage_offer)
@require_GET
def offer(request):
    return _offer_page(request)


@allowed(rules.can_manage_offer)
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
