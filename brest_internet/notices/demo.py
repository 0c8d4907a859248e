"""Demo data of the notices: a few households of Kerourien and Valy-Hir who gave their contact
and consent, and what was sent to them in February 2014 (sent, failed, bounced, one waiting).

Loaded last (the notices app comes after every other), from records the other demos made;
nothing here changes a figure of theirs. Idempotent: consents unchanged write nothing, a notice
already prepared is not prepared again, and only a delivery still queued takes its demo state.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from neighborhoods.models import Organisation, User
from support.models import ComputerOrder, Registration

from .models import ConsentEvent, Delivery, Notice, OrganisationContact
from .services import consent_record, notice_queue

# Numbers and addresses reserved for fiction (ARCEP's 02 61 91 and 06 39 98 ranges; .invalid).
ORGANISATION_PHONES = {
    "Centre social de Kerourien": "02 61 91 00 10",
    "Confédération syndicale des familles": "02 61 91 00 20",
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def load(ctx):
    for name, phone in ORGANISATION_PHONES.items():
        org = Organisation.objects.filter(name=name).first()
        if org is not None:
            OrganisationContact.objects.get_or_create(organisation=org, defaults={"phone": phone})
    staff = User.objects.filter(username="animateur").first()
    candidates = (
        Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            session__neighbourhood__name="Kerourien",
            session__starts_at__date__lte=ctx.today,
            session__starts_at__date__gte=ctx.today - datetime.timedelta(days=25),
        )
        .select_related("household", "session")
        .order_by("session__starts_at", "id")[:50]
    )
    regs = list({reg.household_id: reg for reg in reversed(candidates)}.values())[-3:]
    order = (
        ComputerOrder.objects.filter(status=ComputerOrder.Status.PAID)
        .select_related("household")
        .order_by("paid_on", "id")
        .first()
    )
    if len(regs) < 3:
        ctx.progress(_("Pas d'inscriptions à Kerourien : avis non chargés."))
        return
    # (household, record, kind, email, phone, language, how each channel ended)
    cases = [
        (regs[0], Notice.Kind.SIGN_UP_CONFIRMED, True, True, "fr", "sent", "sent"),
        (regs[1], Notice.Kind.WORKSHOP_REMINDER, False, True, "fr", None, "failed"),
        (regs[2], Notice.Kind.SIGN_UP_CONFIRMED, True, True, "en", "bounced", "queued"),
    ]
    if order is not None:
        cases.append((order, Notice.Kind.COMPUTER_READY, True, True, "fr", "sent", "queued"))
    for n, (record, kind, email, sms, language, email_end, sms_end) in enumerate(cases, 1):
        household = record.household
        given = _at(ctx.today - datetime.timedelta(days=30), 10)
        consent_record(
            household=household,
            by=staff,
            source=ConsentEvent.Source.DESK,
            email=f"foyer{n}@demo.brest.invalid" if email else "",
            email_consent=email,
            phone=f"06 39 98 00 {n:02d}" if sms else "",
            sms_consent=sms,
            language=language,
            now=given,
        )
        when = _at(ctx.today - datetime.timedelta(days=20 - n), 9)
        notice = notice_queue(kind=kind, household=household, about=record, now=when, due_at=when)
        for channel, end in (("email", email_end), ("sms", sms_end)):
            if end is None or end == "queued":
                continue
            values = {"status": end, "attempts": 1, "sent_at": when, "updated_at": when}
            if end == "sent":
                values["provider_id"] = f"demo-{n}-{channel}"
            elif end == "bounced":
                values.update(provider_id=f"demo-{n}-{channel}", error="hard_bounce")
            else:
                values.update(
                    attempts=5,
                    sent_at=None,
                    error="SmsError: Brevo answered 400: invalid phone number",
                )
            Delivery.objects.filter(
                notice=notice, channel=channel, status=Delivery.Status.QUEUED
            ).update(**values)
        # The one still waiting: due after the demo's date (the sender would send it then).
        Delivery.objects.filter(notice=notice, status=Delivery.Status.QUEUED, attempts=0).update(
            next_attempt_at=_at(ctx.today + datetime.timedelta(days=1), 8)
        )
    ctx.progress(
        _("%(n)d foyers avec leur accord, %(d)d avis envoyés ou en attente")
        % {"n": len(cases), "d": Delivery.objects.count()}
    )
