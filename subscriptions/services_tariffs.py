"""The offer's tariff over time: added, closed, a new price scheduled (re-exported by
`subscriptions.services`). Periods never overlap; what was billed keeps its amount."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import User

from . import rules
from .errors import ChargeError
from .models import Charge, Offer, Tariff


def tariff_create(
    *,
    offer: Offer,
    amount: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    by: User,
) -> Tariff:
    """Add a tariff period; refused when it overlaps another one.

    To change the price, give the current open-ended tariff an end date first (`tariff_close`).
    Charge lines keep the amount they were billed at.
    """
    if not rules.can_manage_offer(by):
        raise PermissionDenied
    if amount is None or amount < 0:
        raise ChargeError(_("Le montant d'un tarif est un nombre positif ou nul."))
    if ends_on is not None and ends_on < starts_on:
        raise ChargeError(_("La fin d'un tarif ne peut précéder son début."))
    with transaction.atomic():
        # Serialise tariff changes: the overlap check below must see every committed tariff.
        list(Offer.objects.select_for_update().filter(pk=offer.pk))
        overlapping = Tariff.objects.filter(starts_on__lte=ends_on or datetime.date.max).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
        )
        clash = overlapping.order_by("starts_on").first()
        if clash is not None:
            raise ChargeError(
                _("Ce tarif chevauche celui de %(amount)s € en vigueur à partir du %(start)s.")
                % {"amount": clash.amount, "start": formats.day(clash.starts_on)}
            )
        tariff = Tariff(offer=offer, amount=amount, starts_on=starts_on, ends_on=ends_on)
        tariff._history_user = by
        tariff.save()
        return tariff


def tariff_close(*, tariff: Tariff, ends_on: datetime.date, by: User) -> Tariff:
    """Give an open-ended tariff its last day (no-op when it already ends that day).

    Refused when months already billed at this tariff fall after `ends_on`, or when the new
    period would overlap another tariff.
    """
    if not rules.can_manage_offer(by):
        raise PermissionDenied
    with transaction.atomic():
        # The same lock as tariff_create: the overlap check sees every committed tariff.
        list(Offer.objects.select_for_update().filter(pk=tariff.offer_id))
        tariff = Tariff.objects.select_for_update().get(pk=tariff.pk)
        if tariff.ends_on == ends_on:
            return tariff
        if ends_on < tariff.starts_on:
            raise ChargeError(_("La fin d'un tarif ne peut précéder son début."))
        clash = (
            Tariff.objects.exclude(pk=tariff.pk)
            .filter(starts_on__lte=ends_on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=tariff.starts_on))
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            raise ChargeError(
                _("Ce tarif chevauche celui de %(amount)s € en vigueur à partir du %(start)s.")
                % {"amount": clash.amount, "start": formats.day(clash.starts_on)}
            )
        # Through the runs (a line's tariff and month are its run's): `run`'s index.
        if Charge.objects.filter(run__tariff=tariff, run__charge_month__month__gt=ends_on).exists():
            raise ChargeError(
                _("Des mois ont déjà été facturés à ce tarif après le %(day)s.")
                % {"day": formats.day(ends_on)}
            )
        tariff.ends_on = ends_on
        tariff._history_user = by
        tariff.save(update_fields=["ends_on"])
        return tariff


def tariff_schedule(*, by: User, offer: Offer, amount: Decimal, starts_on: datetime.date) -> Tariff:
    """Schedule a new price from the first day of a month to come, as a coordinator.

    The tariff in force then gets its last day (the day before), the new one runs open-ended;
    both changes are one transaction with their history rows. Refused: a date today or in the
    past, not the first of a month (charges are monthly), a month already billed (what was
    billed never changes), or a tariff already planned from that date or later.
    """
    if not rules.can_manage_offer(by):
        raise PermissionDenied
    if amount is None or amount < 0:
        raise ChargeError(_("Le montant d'un tarif est un nombre positif ou nul."))
    if starts_on <= clock.today():
        raise ChargeError(
            _("Un nouveau tarif se prévoit à partir d'une date à venir (après le %(day)s).")
            % {"day": formats.day(clock.today())}
        )
    if starts_on.day != 1:
        raise ChargeError(
            _("Les charges sont mensuelles : un tarif commence le premier jour d'un mois.")
        )
    with transaction.atomic():
        list(Offer.objects.select_for_update().filter(pk=offer.pk))
        planned = offer.tariffs.filter(starts_on__gte=starts_on).order_by("starts_on").first()
        if planned is not None:
            raise ChargeError(
                _("Un tarif de %(amount)s € est déjà prévu à partir du %(start)s.")
                % {"amount": planned.amount, "start": formats.day(planned.starts_on)}
            )
        # Through the runs (a line's tariff and month are its run's): `run`'s index.
        billed = Charge.objects.filter(
            run__tariff__offer=offer, run__charge_month__month__gte=starts_on
        )
        if billed.exists():
            raise ChargeError(
                _("Des charges sont déjà générées à partir du %(day)s : ce mois garde son tarif.")
                % {"day": formats.day(starts_on)}
            )
        current = offer.tariffs.filter(ends_on__isnull=True).first()
        if current is not None:
            tariff_close(tariff=current, ends_on=starts_on - datetime.timedelta(days=1), by=by)
        return tariff_create(offer=offer, amount=amount, starts_on=starts_on, by=by)
