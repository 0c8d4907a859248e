"""Sending what is due: `notices_send_due` (run by `manage.py send_notifications`, and by the
job engine once it exists). Safe to run twice, and by two workers at once: each delivery is
taken under a row lock that the other skips (PostgreSQL's SKIP LOCKED), then marked.

Time-based notices (the workshop reminder two days before, the home visit the day before, the
vote coming) are prepared here, from the records as they are at that moment.
"""

from __future__ import annotations

import datetime
import smtplib
import zoneinfo
from dataclasses import dataclass

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from neighborhoods.models import Household, Occupancy
from support.models import HomeHelpRequest, Registration
from votes.models import Vote

from .models import Channel, Contact, Delivery, Notice
from .services import notice_queue
from .sms import SmsError, get_backend

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
REMINDER_BEFORE = datetime.timedelta(days=2)
# No SMS at night: from 20:00 to 08:00 (Paris) they wait for the morning.
QUIET_FROM, QUIET_UNTIL = datetime.time(20, 0), datetime.time(8, 0)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0
    deferred: int = 0
    prepared: int = 0


def sms_allowed_from(moment: datetime.datetime) -> datetime.datetime:
    """`moment` itself between 08:00 and 20:00 in Paris, else the next 08:00."""
    local = moment.astimezone(PARIS)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + datetime.timedelta(1)
    return datetime.datetime.combine(day, QUIET_UNTIL, tzinfo=PARIS)


def _consenting(prefix: str = "household__") -> Q:
    return Q(**{f"{prefix}contact__email_consent": True}) | Q(
        **{f"{prefix}contact__sms_consent": True}
    )


def notices_plan_due(*, now: datetime.datetime) -> int:
    """Prepare the time-based notices due by `now`; returns how many were prepared."""
    before = Notice.objects.count()
    # Workshop reminders, two days before; not for a household that joined in those two days
    # (its confirmation just told it the date).
    regs = (
        Registration.objects.filter(
            _consenting(),
            status=Registration.Status.REGISTERED,
            household__anonymised_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__starts_at__gt=now,
            session__starts_at__lte=now + REMINDER_BEFORE,
        )
        .select_related("session__topic", "session__centre", "household")
        .order_by("session__starts_at", "id")
    )
    for reg in regs:
        starts = reg.session.starts_at
        joined = reg.promoted_at or reg.registered_at
        if joined > starts - REMINDER_BEFORE:
            continue
        notice_queue(
            kind=Notice.Kind.WORKSHOP_REMINDER,
            household=reg.household,
            about=reg,
            occasion=starts.isoformat(),
            due_at=starts - REMINDER_BEFORE,
            expires_at=starts,
            now=now,
        )
    # Home visits, the day before.
    today = now.astimezone(PARIS).date()
    tomorrow = today + datetime.timedelta(days=1)
    visits = HomeHelpRequest.objects.filter(
        _consenting(),
        status=HomeHelpRequest.Status.SCHEDULED,
        scheduled_for=tomorrow,
        household__anonymised_at__isnull=True,
    ).select_related("household", "neighbourhood__centre")
    for req in visits:
        notice_queue(
            kind=Notice.Kind.VISIT_TOMORROW,
            household=req.household,
            about=req,
            occasion=tomorrow.isoformat(),
            expires_at=datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=PARIS),
            now=now,
        )
    # A vote coming: its dates and information meeting, to the households living there.
    horizon = today + datetime.timedelta(days=settings.NOTICES_VOTE_DAYS_BEFORE)
    votes = Vote.objects.filter(
        status=Vote.Status.FROZEN, opens_on__gte=today, opens_on__lte=horizon
    ).select_related("neighbourhood__centre")
    for vote in votes:
        living = Occupancy.objects.filter(
            moved_out__isnull=True, dwelling__neighbourhood=vote.neighbourhood
        ).values("household_id")
        households = Household.objects.filter(
            _consenting(prefix=""), pk__in=living, anonymised_at__isnull=True
        ).order_by("pk")
        closes = datetime.datetime.combine(
            vote.closes_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=PARIS
        )
        for household in households:
            notice_queue(
                kind=Notice.Kind.VOTE_COMING,
                household=household,
                about=vote,
                expires_at=closes,
                now=now,
            )
    return Notice.objects.count() - before


def _retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off: base, 2×base, 4×base… after the 1st, 2nd, 3rd failure."""
    return datetime.timedelta(seconds=settings.NOTICES_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def _send_email(delivery: Delivery, connection) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "brest.invalid"
    message = EmailMessage(
        subject=delivery.subject,
        body=delivery.body,
        from_email=settings.NOTICES_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": make_msgid(domain=domain)},
        connection=connection,
    )
    message.send()
    status = getattr(message, "anymail_status", None)
    if status is not None and status.message_id:
        return str(status.message_id)
    return message.extra_headers["Message-ID"]


def _drop(delivery: Delivery, reason: str, now) -> None:
    delivery.status = Delivery.Status.DROPPED
    delivery.error = reason
    delivery.updated_at = now
    delivery.save(update_fields=["status", "error", "updated_at"])


def _no_longer_true(notice: Notice) -> str:
    """Why a notice prepared earlier no longer holds (the sign-up or the visit cancelled, the
    visit moved to another day since), or "" when it still does."""
    about = notice.about
    if isinstance(about, Registration):
        if about.status == Registration.Status.CANCELLED and (
            notice.kind != Notice.Kind.SESSION_CANCELLED
        ):
            return _("inscription annulée depuis")
    elif isinstance(about, HomeHelpRequest) and notice.occasion:
        if about.status != HomeHelpRequest.Status.SCHEDULED or (
            about.scheduled_for is None or about.scheduled_for.isoformat() != notice.occasion
        ):
            return _("visite annulée ou déplacée depuis")
    elif isinstance(about, Vote) and about.status == Vote.Status.CANCELLED:
        return _("vote annulé depuis")
    return ""


def _deliver(delivery: Delivery, *, now, connection, sms_backend, report: SendReport) -> None:
    notice = delivery.notice
    stale = _no_longer_true(notice)
    if stale:
        _drop(delivery, stale, now)
        report.dropped += 1
        return
    contact = Contact.objects.filter(household_id=delivery.household_id).first()
    if delivery.household.anonymised_at is not None:
        _drop(delivery, _("foyer anonymisé"), now)
        report.dropped += 1
        return
    if contact is None or not contact.consents(delivery.channel):
        _drop(delivery, _("accord retiré avant l'envoi"), now)
        report.dropped += 1
        return
    when = now
    if delivery.channel == Channel.SMS:
        when = sms_allowed_from(now)
    if notice.expires_at is not None and when >= notice.expires_at:
        _drop(delivery, _("trop tard : il serait arrivé après l'évènement"), now)
        report.dropped += 1
        return
    if when > now:
        delivery.next_attempt_at = when
        delivery.updated_at = now
        delivery.save(update_fields=["next_attempt_at", "updated_at"])
        report.deferred += 1
        return
    delivery.attempts += 1
    delivery.updated_at = now
    try:
        if delivery.channel == Channel.EMAIL:
            delivery.provider_id = _send_email(delivery, connection)[:200]
        else:
            delivery.provider_id = sms_backend.send(to=delivery.address, text=delivery.body)[:200]
    except (SmsError, AnymailError, smtplib.SMTPException, OSError) as exc:
        delivery.error = (f"{type(exc).__name__}: {exc}")[:500]
        if delivery.attempts >= settings.NOTICES_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            report.failed += 1
        else:
            delivery.next_attempt_at = now + _retry_delay(delivery.attempts)
            report.retried += 1
    else:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.error = ""
        report.sent += 1
    delivery.save(
        update_fields=[
            "attempts",
            "updated_at",
            "provider_id",
            "error",
            "status",
            "next_attempt_at",
            "sent_at",
        ]
    )


def notices_send_due(*, now: datetime.datetime | None = None) -> SendReport:
    """Prepare the time-based notices, then send every delivery due by `now`, each once.

    A provider error leaves the delivery queued for a later attempt (exponential back-off),
    failed after NOTICES_MAX_ATTEMPTS; an SMS due at night waits for 08:00; a notice whose
    moment has passed, or whose household withdrew its consent, is dropped, with the reason.
    """
    now = now or timezone.now()
    report = SendReport(prepared=notices_plan_due(now=now))
    connection = get_connection()
    sms_backend = get_backend()
    while True:
        with transaction.atomic():
            # One row at a time, locked: another sender running at the same moment skips it
            # and takes the next one, so no message goes twice. Its text, address and state
            # are written in the same transaction as the send.
            delivery = (
                Delivery.objects.due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("notice", "household")
                .order_by("next_attempt_at", "id")
                .first()
            )
            if delivery is None:
                break
            _deliver(
                delivery, now=now, connection=connection, sms_backend=sms_backend, report=report
            )
    return report
