"""Computers: ordering one for a household, the list of models and orders, an order's page,
its payment, hand-over and cancellation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from brest_internet.common import clock
from brest_internet.common.views import report_and_redirect

from .. import access, rules
from .. import services as s
from ..forms import OrderForm
from ..models import ComputerModel, ComputerOrder
from .base import allowed, by_status
from .households import household_living_in


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def order_create(request, pk):
    household, dwelling = household_living_in(request.user, pk)
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


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def computer_list(request):
    orders = ComputerOrder.objects.visible_to(request.user).select_related(
        "household", "neighbourhood", "computer"
    )
    return render(
        request,
        "support/computer_list.html",
        {
            "models": ComputerModel.objects.offered().with_orders_pending(),
            **by_status(request, orders, ComputerOrder.Status),
        },
    )


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def order_detail(request, pk):
    order = access.get_order_for_user(request.user, pk)
    return render(request, "support/order_detail.html", {"order": order})


def _order_action(request, pk, action, done):
    order = access.get_order_for_user(request.user, pk)
    return report_and_redirect(request, lambda: action(order=order, by=request.user), done, order)


@allowed(rules.can_run_support)
@require_POST
def order_pay(request, pk):
    return _order_action(request, pk, s.computer_order_pay, _("Paiement enregistré."))


@allowed(rules.can_run_support)
@require_POST
def order_hand_over(request, pk):
    return _order_action(request, pk, s.computer_order_hand_over, _("Remise enregistrée."))


@allowed(rules.can_run_support)
@require_POST
def order_cancel(request, pk):
    return _order_action(request, pk, s.computer_order_cancel, _("Commande annulée."))
