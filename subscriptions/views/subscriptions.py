"""The subscriptions' pages: the list, a request, a subscription and its transitions, the
operator's list of requests and its batches, the subscription rate."""

import datetime

from django.contrib import messages
from django.db.models import Count, Max, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from brest_internet.common import clock
from brest_internet.common.links import link_to
from brest_internet.common.paginators import LookaheadPaginator, count_up_to
from brest_internet.common.views import form_errors_as_messages, report_and_redirect

from .. import exports, rules, services, stats
from ..forms import (
    ActivateForm,
    CancelForm,
    SendForm,
    SubscriptionFilterForm,
    SubscriptionRequestForm,
)
from ..models import Subscription
from .common import PAGE_SIZE, _sent_file, allowed, get_subscription_for_user


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


# The caption counts the rows listed up to this many, then says "more than".
LISTED_UP_TO = 1000
# What a row of the list shows: its own columns, its dwelling's, neighbourhood's, household's.
LISTED_COLUMNS = [
    "requested_on",
    "status",
    "activated_on",
    "dwelling__reference",
    "dwelling__neighbourhood__name",
    "household__name",
]


@allowed(rules.can_view_subscriptions)
@require_GET
def subscription_list(request):
    """The latest requests first, a page at a time; nothing here reads every subscription.

    The pager does not count the rows (`LookaheadPaginator`), the caption counts them up to
    `LISTED_UP_TO`, and the requests still to send are counted in the (status, requested_on,
    id) index: each query costs the same at 10 000 or 1 000 000 dwellings.
    """
    form, condition = _filters(request)
    scoped = rules.subscriptions_for(request.user)
    qs = (
        scoped.filter(condition)
        .select_related("dwelling__neighbourhood", "household")
        .only(*LISTED_COLUMNS)
    )
    paginator = LookaheadPaginator(qs.order_by("-requested_on", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # Each row's link and status, once per page rather than a reverse and a choices lookup
    # per row through the template (with the columns read, half the rows' cost).
    link = link_to("subscriptions:detail", "pk")
    statuses = {value: str(label) for value, label in Subscription.Status.choices}
    for sub in page:
        sub.link, sub.status_label = link(sub.pk), statuses[sub.status]
    listed, more = count_up_to(scoped.filter(condition), LISTED_UP_TO)
    pending, batches = None, []
    can_manage = rules.can_manage_subscriptions(request.user)
    if can_manage:
        pending = scoped.filter(status=Subscription.Status.REQUESTED).aggregate(
            n=Count("id"), last=Max("id")
        )
        batches = rules.request_batches_for(request.user).defer("content")[:5]
    return render(
        request,
        "subscriptions/subscription_list.html",
        {
            "form": form,
            "page": page,
            "listed": {"n": listed, "more": more},
            "pending": pending,
            "batches": batches,
            "can_manage": can_manage,
        },
    )


@allowed(rules.can_view_subscriptions)
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


@allowed(rules.can_view_subscriptions)
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
            "can_manage": rules.can_manage_subscriptions(request.user),
            "send_form": SendForm(initial={"sent_on": today}),
            "activate_form": ActivateForm(initial={"activated_on": today}),
            "cancel_form": CancelForm(initial={"cancelled_on": today}),
        },
    )


def _transition(request, pk, form_class):
    """Send, activate or cancel a subscription with the data of its form (`form.apply`)."""
    sub = get_subscription_for_user(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect(sub)
    return report_and_redirect(
        request, lambda: form.apply(sub, request.user), _("Abonnement mis à jour."), sub
    )


def _transition_view(form_class, name):
    @allowed(rules.can_manage_subscriptions)
    @require_POST
    def view(request, pk):
        return _transition(request, pk, form_class)

    view.__name__ = view.__qualname__ = name
    return view


subscription_send = _transition_view(SendForm, "subscription_send")
subscription_activate = _transition_view(ActivateForm, "subscription_activate")
subscription_cancel = _transition_view(CancelForm, "subscription_cancel")


@allowed(rules.can_manage_subscriptions)
@require_GET
def requests_csv(request):
    """The connection requests not yet sent to the operator, as a CSV file."""
    subs = rules.subscriptions_for(request.user).filter(status=Subscription.Status.REQUESTED)
    response = StreamingHttpResponse(
        exports.request_csv(subs), content_type="text/csv; charset=utf-8"
    )
    name = f"demandes-connexion-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allowed(rules.can_manage_subscriptions)
@require_POST
def requests_mark_sent(request):
    """Mark as sent the requests of the downloaded list (those up to the id it ended with)."""
    try:
        up_to = int(request.POST.get("up_to", ""))
    except ValueError:
        messages.error(request, _("Liste de demandes inconnue : téléchargez-la à nouveau."))
        return redirect("subscriptions:list")
    subs = rules.subscriptions_for(request.user).filter(pk__lte=up_to)
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


@allowed(rules.can_manage_subscriptions)
@require_GET
def requests_batch_file(request, pk):
    """A batch of requests sent to the operator: its file as it was sent, byte for byte."""
    batch = get_object_or_404(rules.request_batches_for(request.user), pk=pk)
    return _sent_file(batch, batch.filename)


@allowed(rules.can_view_subscriptions)
@require_GET
def subscription_rate(request):
    """Active subscriptions / dwellings per neighbourhood, month by month since the launch."""
    today = clock.today()
    neighbourhoods = list(
        rules.neighbourhoods_for(request.user)
        .filter(launched_on__isnull=False)
        .order_by("launched_on")
    )
    series, months, figures = [], [], []
    if neighbourhoods:
        start = min(n.launched_on for n in neighbourhoods)
        series = stats.subscription_series(neighbourhoods, start, today)
        days = [p.day for p in series[0].points]
        months = [
            (day, [s.points[i] for s in series]) for i, day in reversed(list(enumerate(days)))
        ]
        if rules.can_manage_charges(request.user):
            year_ago = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
            figures = stats.billed_per_subscriber(neighbourhoods, year_ago, today)
    return render(
        request,
        "subscriptions/rate.html",
        {"series": series, "months": months, "figures": figures},
    )
