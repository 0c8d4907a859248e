"""Project-wide pages: the home page of each role, the health check and the error pages."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from neighborhoods.access import ASSOCIATION, CENTRE
from neighborhoods.models import Neighbourhood


@login_required
@require_GET
def home(request):
    """The home page of each role: the programme dashboard for coordinators; coming sessions
    and waiting lists for centre staff; vote results and advice requests for associations;
    and, for everyone but coordinators, the neighbourhoods in their scope."""
    from .dashboard.homes import association_home, centre_home
    from .dashboard.views import dashboard_context

    user = request.user
    if user.is_coordinator:
        return render(request, "home.html", dashboard_context(request))
    context = {
        "neighbourhoods": Neighbourhood.objects.visible_to(user)
        .select_related("landlord", "centre")
        .order_by("name")[:50]
    }
    if user.has_role(CENTRE):
        context.update(centre_home(user))
    elif user.has_role(ASSOCIATION):
        context.update(association_home(user))
    return render(request, "home.html", context)


@require_GET
@never_cache
def health(request):
    """A trivial page for load balancers and for the load test's floor: one query, no session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
