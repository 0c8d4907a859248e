"""Legal advice: recording a household's question, the list, a request's page and its answer
(by the association it is assigned to)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from brest_internet.common import clock

from .. import access, rules
from .. import services as s
from ..forms import AdviceForm, AnswerForm
from ..models import AdviceRequest
from .base import allowed, by_status
from .households import household_living_in


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def advice_create(request, pk):
    household, dwelling = household_living_in(request.user, pk)
    form = AdviceForm(
        request.POST or None,
        neighbourhood=dwelling.neighbourhood,
        initial={"requested_on": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = s.advice_create(household=household, by=request.user, **form.cleaned_data)
        except s.SupportError as exc:
            exc.add_to(form)
        else:
            messages.success(request, _("Demande transmise à %(a)s.") % {"a": req.association})
            return redirect(req)
    title = _("Conseil juridique pour %(h)s") % {"h": household}
    return render(
        request, "support/form.html", {"form": form, "title": title, "household": household}
    )


@allowed(rules.can_read_advice)
@require_http_methods(["GET"])
def advice_list(request):
    advice = AdviceRequest.objects.visible_to(request.user).select_related(
        "household", "neighbourhood", "association"
    )
    return render(
        request,
        "support/advice_list.html",
        {
            **by_status(request, advice, AdviceRequest.Status),
            "may_record": rules.can_run_support(request.user),
        },
    )


@allowed(rules.can_read_advice)
@require_http_methods(["GET"])
def advice_detail(request, pk):
    advice = access.get_advice_for_user(request.user, pk)
    can_answer = rules.can_answer(request.user, advice)
    form = AnswerForm(initial={"answer": advice.answer}) if can_answer else None
    return render(
        request,
        "support/advice_detail.html",
        {
            "advice": advice,
            "form": form,
            "can_answer": can_answer,
            "show_phone": rules.can_see_phone(request.user, advice),
        },
    )


@allowed(rules.can_answer_advice)
@require_POST
def advice_answer(request, pk):
    advice = access.get_advice_for_user(request.user, pk)
    if not rules.can_answer(request.user, advice):
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
