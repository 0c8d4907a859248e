"""Consents and notices: the only code that writes `Contact`, `ConsentEvent`, `Notice` and
`Delivery` (the sending itself is in `notices.sending`).

The domain services call `notice_queue` where they make the change a household should hear
about (a sign-up, a visit planned, an order paid…), inside their own transaction: a refused
change queues nothing.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from neighborhoods.models import Household, User

from .models import Channel, ConsentEvent, Contact, Delivery, Language, Notice
from .sms import international
from .texts import notice_text


class NoticeError(Exception):
    """A refused change of contact or consent, with a message for the person who asked."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.field = field


_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,25}$")


def phone_normalise(number: str) -> str:
    """ "06 12 34 56 78" → "+33612345678"; "" stays ""; anything not a phone number is refused."""
    number = number.strip()
    if not number:
        return ""
    digits = international(number)
    if not _PHONE.match(number) or not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise NoticeError(
            _("« %(n)s » n'est pas un numéro de portable (par exemple 06 12 34 56 78).")
            % {"n": number[:30]},
            field="phone",
        )
    return "+" + digits


def email_normalise(address: str) -> str:
    address = address.strip()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError as exc:
        raise NoticeError(
            _("« %(a)s » n'est pas une adresse électronique.") % {"a": address[:60]},
            field="email",
        ) from exc
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"


def consent_record(
    *,
    household: Household,
    by: User | None,
    source: str,
    email: str = "",
    email_consent: bool = False,
    phone: str = "",
    sms_consent: bool = False,
    language: str = Language.FR,
    now: datetime.datetime | None = None,
) -> list[ConsentEvent]:
    """Record a household's contact and consents, channel by channel, as it gave them.

    A consent given (or given again for a new address) or withdrawn writes its event; an
    unchanged line writes none. A consent without its address, or a malformed one, is refused
    and nothing changes. Returns the events written.
    """
    now = now or timezone.now()
    if household.anonymised_at is not None:
        raise NoticeError(_("Ce foyer est anonymisé : il n'a plus de contact."))
    if language not in Language.values:
        raise NoticeError(_("Langue inconnue."), field="language")
    if source not in ConsentEvent.Source.values:
        raise NoticeError(_("Origine de l'accord inconnue."))
    email = email_normalise(email)
    phone = phone_normalise(phone)
    if email_consent and not email:
        raise NoticeError(_("Pour accepter les courriels, indiquez l'adresse."), field="email")
    if sms_consent and not phone:
        raise NoticeError(_("Pour accepter les SMS, indiquez le numéro."), field="phone")
    with transaction.atomic():
        Household.objects.select_for_update().only("pk").get(pk=household.pk)
        contact, _created = Contact.objects.select_for_update().get_or_create(household=household)
        events = []
        for channel, address, consent, addr_field, consent_field in (
            (Channel.EMAIL, email, email_consent, "email", "email_consent"),
            (Channel.SMS, phone, sms_consent, "phone", "sms_consent"),
        ):
            before = getattr(contact, consent_field)
            before_address = getattr(contact, addr_field)
            kind = None
            if consent and (not before or before_address != address):
                kind = ConsentEvent.Kind.GIVEN
            elif before and not consent:
                kind = ConsentEvent.Kind.WITHDRAWN
            if kind is not None:
                events.append(
                    ConsentEvent.objects.create(
                        household=household,
                        channel=channel,
                        kind=kind,
                        address=address if kind == ConsentEvent.Kind.GIVEN else before_address,
                        source=source,
                        at=now,
                        by=by,
                    )
                )
            setattr(contact, addr_field, address)
            setattr(contact, consent_field, consent)
        contact.language = language
        contact.updated_at = now
        contact.save()
        return events


def _withdraw(*, channel: str, field: str, address: str, now) -> list[ConsentEvent]:
    consent_field = "email_consent" if channel == Channel.EMAIL else "sms_consent"
    events = []
    with transaction.atomic():
        for contact in Contact.objects.select_for_update().filter(
            **{field: address, consent_field: True}
        ):
            setattr(contact, consent_field, False)
            contact.updated_at = now
            contact.save(update_fields=[consent_field, "updated_at"])
            events.append(
                ConsentEvent.objects.create(
                    household_id=contact.household_id,
                    channel=channel,
                    kind=ConsentEvent.Kind.WITHDRAWN,
                    address=address,
                    source=ConsentEvent.Source.HOUSEHOLD,
                    at=now,
                )
            )
    return events


def consent_withdraw_by_number(
    *, number: str, now: datetime.datetime | None = None
) -> list[ConsentEvent]:
    """A STOP reply (or the provider's opt-out) from `number`: every household consenting to
    SMS on that number stops getting them. Returns the events written (none when unknown)."""
    digits = international(number)
    if not digits:
        return []
    return _withdraw(
        channel=Channel.SMS, field="phone", address="+" + digits, now=now or timezone.now()
    )


def consent_withdraw_by_email(
    *, address: str, now: datetime.datetime | None = None
) -> list[ConsentEvent]:
    """The provider's unsubscribe or complaint for `address`: no more e-mails to it."""
    try:
        address = email_normalise(address)
    except NoticeError:
        return []
    if not address:
        return []
    return _withdraw(
        channel=Channel.EMAIL, field="email__iexact", address=address, now=now or timezone.now()
    )


def households_reachable(*, household_ids) -> set[int]:
    """Which of these households consent to at least one channel (one query)."""
    if not household_ids:
        return set()
    return set(
        Contact.objects.filter(household_id__in=household_ids, household__anonymised_at=None)
        .filter(Q(email_consent=True) | Q(sms_consent=True))
        .values_list("household_id", flat=True)
    )


def notice_queue(
    *,
    kind: str,
    household: Household,
    about,
    due_at: datetime.datetime | None = None,
    occasion: str = "",
    expires_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Notice | None:
    """Prepare a notice for `household` about `about`, with one delivery per channel it
    consents to, due at `due_at` (now by default). Nothing when it consents to none; the same
    notice (kind, household, record, occasion) prepared twice is prepared once.
    Call it inside the transaction of the change it tells about.
    """
    now = now or timezone.now()
    if household.anonymised_at is not None:
        return None
    contact = Contact.objects.filter(household=household).first()
    channels = [c for c in Channel if contact is not None and contact.consents(c)]
    if not channels:
        return None
    about_type = ContentType.objects.get_for_model(about)
    existing = Notice.objects.filter(
        kind=kind, household=household, about_type=about_type, about_id=about.pk, occasion=occasion
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                kind=kind,
                household=household,
                about_type=about_type,
                about_id=about.pk,
                occasion=occasion,
                created_at=now,
                expires_at=expires_at,
            )
            text = notice_text(notice, contact.language)
            Delivery.objects.bulk_create(
                Delivery(
                    notice=notice,
                    household=household,
                    channel=channel,
                    address=contact.address(channel),
                    subject=text.subject if channel == Channel.EMAIL else "",
                    body=text.email() if channel == Channel.EMAIL else text.sms(),
                    next_attempt_at=due_at or now,
                    created_at=now,
                    updated_at=now,
                )
                for channel in channels
            )
    except IntegrityError:  # another sender prepared the same notice at the same moment
        return Notice.objects.filter(
            kind=kind,
            household=household,
            about_type=about_type,
            about_id=about.pk,
            occasion=occasion,
        ).first()
    return notice


def delivery_bounce(*, provider_id: str, reason: str, now: datetime.datetime | None = None) -> int:
    """The provider says a message it accepted did not reach its recipient. Returns how many
    deliveries were marked (0 for an id we never sent)."""
    if not provider_id:
        return 0
    now = now or timezone.now()
    return Delivery.objects.filter(
        provider_id=provider_id, status__in=[Delivery.Status.SENT, Delivery.Status.BOUNCED]
    ).update(
        status=Delivery.Status.BOUNCED,
        error=(reason or _("rejeté par le destinataire"))[:500],
        updated_at=now,
    )
