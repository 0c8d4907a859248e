"""Households: the list, the household's page (everything the programme did with it), and
choosing the household a home help, an advice request or a computer is for."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from .. import access, rules
from ..households import current_dwelling, matching, with_dwelling_reference, with_support_record
from ..search import household_search
from .base import allowed, page


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def household_list(request):
    query = request.GET.get("q", "").strip()
    households = with_dwelling_reference(access.households_for(request.user)).order_by("name", "id")
    if query:
        households = matching(households, query)
    return render(
        request, "support/household_list.html", {"page": page(request, households), "q": query}
    )


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def household_detail(request, pk):
    """Everything the programme did with one household, on one page (constant queries)."""
    household = access.get_household_for_user(request.user, pk, with_support_record())
    return render(
        request,
        "support/household_detail.html",
        {"household": household},
    )


def household_living_in(user, pk):
    """A household `user` may see, with the dwelling it lives in now (404 without one)."""
    household = access.get_household_for_user(user, pk)
    dwelling = current_dwelling(household)
    if dwelling is None:
        raise Http404
    return household, dwelling


# What a household is chosen for, outside a session: the page that records it.
CHOOSE_FOR = {
    "aide-a-domicile": ("support:home_help_create", _lazy("Aide à domicile")),
    "conseil-juridique": ("support:advice_create", _lazy("Conseil juridique")),
    "ordinateur": ("support:order_create", _lazy("Ordinateur")),
}


@allowed(rules.can_run_support)
@require_http_methods(["GET"])
def household_choose(request):
    """Find the household a home help, an advice request or a computer is for, then go to its
    form. The household chosen is checked against the user's scope (404 outside it)."""
    purpose = request.GET.get("pour", "")
    if purpose not in CHOOSE_FOR:
        # No purpose (or an unknown one): first what the household is chosen for.
        purposes = [(key, label) for key, (_target, label) in CHOOSE_FOR.items()]
        return render(request, "support/household_choose.html", {"purposes": purposes})
    target, title = CHOOSE_FOR[purpose]
    chosen = request.GET.get("household", "")
    if chosen:
        household = access.get_household_for_user(request.user, chosen if chosen.isdigit() else 0)
        return redirect(target, pk=household.pk)
    search = household_search(request.user, request.GET.get("foyer", ""))
    return render(
        request,
        "support/household_choose.html",
        {
            "search": search,
            "title": title,
            "purpose": purpose,
            "search_hidden": [("pour", purpose)],
        },
    )
