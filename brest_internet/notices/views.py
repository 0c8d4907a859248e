"""The notices' pages: the consent line (posted from the household page and the half-day
desk), the staff list of failed and bounced deliveries, and the providers' webhooks (public,
authenticated by the secret in their URL)."""

import hmac
import json
import logging

from anymail.exceptions import AnymailError
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from neighborhoods.access import CENTRE, COORDINATOR, role_required
from support import access

from . import services
from .forms import ConsentLineForm
from .models import Delivery
from .sms import international

log = logging.getLogger(__name__)
STAFF = (COORDINATOR, CENTRE)
PAGE_SIZE = 50


@role_required(*STAFF)
@require_POST
def consent_record(request, pk):
    household = access.get_household_for_user(request.user, pk)
    form = ConsentLineForm(request.POST)
    target = request.POST.get("next", "")
    # Back to the page of the line (a path of this site), never to a URL name or elsewhere.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    household_url = reverse("support:household_detail", kwargs={"pk": household.pk})
    if not form.is_valid():
        messages.error(request, _("Le contact n'est pas enregistré : vérifiez la ligne."))
        return HttpResponseRedirect(target or household_url)
    data = form.cleaned_data
    try:
        events = services.consent_record(
            household=household,
            by=request.user,
            source=data["source"],
            email=data["email"],
            email_consent=data["email_consent"],
            phone=data["phone"],
            sms_consent=data["sms_consent"],
            language=data["language"],
        )
    except services.NoticeError as exc:
        messages.error(request, str(exc))
    else:
        if events:
            said = ", ".join(
                f"{e.get_channel_display()} : {e.get_kind_display().lower()}" for e in events
            )
            messages.success(request, _("Contact de %(h)s : %(s)s.") % {"h": household, "s": said})
        else:
            messages.success(request, _("Contact de %(h)s enregistré.") % {"h": household})
    return HttpResponseRedirect(target or household_url)


@role_required(*STAFF)
@require_GET
def failures(request):
    """Deliveries that failed for good or bounced, for the households the user may see."""
    rows = (
        Delivery.objects.problems()
        .filter(household__in=access.households_for(request.user).values("pk"))
        .select_related("notice", "household")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/failures.html", {"page": page})


def _check_secret(secret: str) -> None:
    expected = settings.NOTICES_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404


@csrf_exempt
@require_POST
def sms_webhook(request, secret):
    """Brevo's transactional SMS webhook: a STOP reply or an opt-out withdraws the SMS consent
    of that number; a hard bounce marks the delivery. Shape: one JSON object (or a list) with
    `to` / `from` or `phone`, `msg_status` or `event`, `messageId`, and `reply` / `text`."""
    _check_secret(secret)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest("invalid JSON")
    events = payload if isinstance(payload, list) else [payload]
    for event in events:
        if not isinstance(event, dict):
            return HttpResponseBadRequest("invalid event")
        status = str(event.get("msg_status") or event.get("event") or "").lower()
        reply = str(event.get("reply") or event.get("text") or "").strip().upper()
        # A reply comes *from* the household's number; a status report is *to* it. The other
        # field may hold the sender's name: take the first that is a number.
        numbers = [str(event.get(k) or "") for k in ("from", "to", "phone", "recipient")]
        number = next((n for n in numbers if len(international(n)) >= 8), "")
        if status in ("unsubscribe", "unsubscribed", "stop") or reply.startswith("STOP"):
            services.consent_withdraw_by_number(number=number)
        elif status in ("hardbounce", "hard_bounce", "rejected", "blacklisted"):
            services.delivery_bounce(
                provider_id=str(event.get("messageId") or event.get("message_id") or ""),
                reason=status,
            )
    return HttpResponse("ok", content_type="text/plain")


def _email_parser():
    """Anymail's parser of the configured provider's tracking webhook (Brevo or Mailjet)."""
    if settings.EMAIL_PROVIDER == "mailjet":
        from anymail.webhooks.mailjet import MailjetTrackingWebhookView as View
    else:
        from anymail.webhooks.brevo import BrevoTrackingWebhookView as View
    # The secret in our URL authenticates the request: no basic-auth warning from Anymail.
    return type("Parser", (View,), {"warn_if_no_basic_auth": False})()


@csrf_exempt
@require_POST
def email_webhook(request, secret):
    """The e-mail provider's tracking webhook: bounces and rejections mark the delivery;
    an unsubscribe or a complaint withdraws the e-mail consent of that address."""
    _check_secret(secret)
    try:
        events = _email_parser().parse_events(request)
    except (AnymailError, ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("invalid event")
    for event in events:
        if event.event_type in ("bounced", "rejected", "failed"):
            services.delivery_bounce(
                provider_id=event.message_id or "",
                reason=event.mta_response or event.description or event.event_type,
            )
        elif event.event_type in ("unsubscribed", "complained") and event.recipient:
            services.consent_withdraw_by_email(address=event.recipient)
    return HttpResponse("ok", content_type="text/plain")
