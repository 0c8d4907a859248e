"""Home help: recording a request for a household, the list, a request's page, and its
planning, visit and cancellation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from brest_internet.common import clock
from brest_internet.common.views import form_errors_as_messages, report_and_redirect

from .. import access, rules
from .. import services as s
from ..forms import DoneForm, HomeHelpForm, ScheduleForm
from ..models import HomeHelpRequest
from .base import allowed, by_status
from .households import household_living_in


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def home_help_create(request, pk):
    household, _dwelling = household_living_in(request.user, pk)
    form = HomeHelpForm(request.POST or None, initial={"requested_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            req = s.home_help_create(household=household, by=request.user, **form.cleaned_data)
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Demande d'aide à domicile enregistrée."))
            return redirect(req)
    title = _("Aide à domicile pour %(h)s") % {"h": household}
    return render(
        request, "support/form.html", {"form": form, "title": title, "household": household}
    )


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def home_help_list(request):
    requests = HomeHelpRequest.objects.visible_to(request.user).select_related(
        "household", "neighbourhood", "dwelling"
    )
    return render(
        request,
        "support/home_help_list.html",
        by_status(request, requests, HomeHelpRequest.Status),
    )


@allowed(rules.can_run_support)
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


@allowed(rules.can_run_support)
@require_POST
def home_help_schedule(request, pk):
    return _home_help_action(
        request,
        pk,
        ScheduleForm,
        lambda req, d: s.home_help_schedule(request=req, on=d["on"], by=request.user),
    )


@allowed(rules.can_run_support)
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


@allowed(rules.can_run_support)
@require_POST
def home_help_cancel(request, pk):
    return _home_help_action(
        request, pk, None, lambda req, d: s.home_help_cancel(request=req, by=request.user)
    )
