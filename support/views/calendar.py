"""Calendar files of the workshops (see `support.calendar`): a session's `.ics`, a centre's
feed for its staff's calendar app, and the page that shows and renews the feed's address."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, rules
from .. import calendar as ics
from ..forms import ContactForm
from ..models import CentreCalendar
from .base import allowed


def _ics_response(content: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type=ics.CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A calendar app polls the feed; nothing in it is worth keeping in a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


@allowed(rules.can_run_support)
@require_GET
def session_ics(request, pk):
    """A session's file, for whoever may open the session's page (the same scope)."""
    session = access.get_session_for_user(request.user, pk, ics.sessions_for_calendar())
    content = ics.session_ics(session, contact=ics.contact_of(session.centre))
    return _ics_response(content, filename=f"atelier-{session.pk}.ics")


@require_GET
def calendar_feed(request, token):
    """A centre's feed, reached without a session: the secret in the address is the key."""
    calendar = CentreCalendar.objects.select_related("centre").filter(token=token).first()
    if calendar is None:
        raise Http404
    return _ics_response(ics.feed_ics(calendar))


def get_centre_for_user(user, pk):
    """A centre whose calendar `user` manages: any for a coordinator, their own for its staff."""
    return get_object_or_404(rules.centres_for(user), pk=pk)


@allowed(rules.can_run_support)
@require_GET
def calendar_index(request):
    if not request.user.is_coordinator:
        return redirect("support:calendar_detail", pk=request.user.organisation_id)
    centres = rules.centres_for(request.user).order_by("name")
    return render(request, "support/calendar_index.html", {"centres": centres})


@allowed(rules.can_run_support)
@require_http_methods(["GET", "POST"])
def calendar_detail(request, pk):
    centre = get_centre_for_user(request.user, pk)
    calendar = CentreCalendar.objects.select_related("token_set_by").filter(centre=centre).first()
    form = ContactForm(
        request.POST or None, initial={"contact": calendar.contact if calendar else ""}
    )
    if request.method == "POST" and form.is_valid():
        if ics.calendar_contact_set(
            centre=centre, contact=form.cleaned_data["contact"], by=request.user
        ):
            messages.success(request, _("Le contact imprimé dans les fichiers d'agenda a changé."))
        else:
            messages.info(request, _("Rien à faire : le contact était déjà celui-ci."))
        return redirect("support:calendar_detail", pk=centre.pk)
    feed_url = None
    if calendar is not None:
        feed_url = request.build_absolute_uri(
            reverse("support:calendar_feed", kwargs={"token": calendar.token})
        )
    return render(
        request,
        "support/calendar_detail.html",
        {
            "centre": centre,
            "calendar": calendar,
            "feed_url": feed_url,
            "form": form,
            "weeks_back": ics.FEED_WEEKS_BACK,
        },
    )


@allowed(rules.can_run_support)
@require_POST
def calendar_regenerate(request, pk):
    centre = get_centre_for_user(request.user, pk)
    existed = CentreCalendar.objects.filter(centre=centre).exists()
    ics.calendar_token_regenerate(centre=centre, by=request.user)
    messages.success(
        request,
        _("Nouvelle adresse créée : l'ancienne ne fonctionne plus.")
        if existed
        else _("L'adresse de l'agenda est créée."),
    )
    return redirect("support:calendar_detail", pk=centre.pk)
