"""State changes of the subscriptions app: subscriptions, tariffs, the monthly charge run.

Each function locks what it changes inside a transaction, checks the current state, writes the
new state (django-simple-history keeps the history row), is a no-op when already done, and
raises `SubscriptionError` or `ChargeError` with a French message when it refuses.
"""

from __future__ import annotations

import datetime
import re
import time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from brest_internet.common.errors import Refusal
from neighborhoods.models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    User,
)

from . import billing_sql, exports
from .models import (
    ADJUSTMENT_MAX,
    Adjustment,
    Charge,
    ChargeExport,
    ChargeMonth,
    ChargeRun,
    ExportedAdjustment,
    LandlordMonth,
    Offer,
    Payer,
    RequestBatch,
    SentRequest,
    Subscription,
    Tariff,
)

Status = Subscription.Status
Channel = Subscription.Channel
# A subscription may be requested once the vote adopted the offer (launch) and while it runs.
OPEN_STAGES = (Neighbourhood.Stage.LAUNCH, Neighbourhood.Stage.RUNNING)


class SubscriptionError(Refusal):
    """A subscription change refused; str() is a French message for the person who asked."""


class ChargeError(Refusal):
    """A tariff or charge operation refused; str() is a French message."""


def _today() -> datetime.date:
    return clock.today()


_fmt = formats.day


# --- Subscriptions ---------------------------------------------------------------------------


def subscription_request(
    *,
    dwelling: Dwelling,
    household: Household,
    channel: str,
    by: User | None,
    requested_on: datetime.date | None = None,
    half_day: Meeting | None = None,
) -> Subscription:
    """Record a household's connection request for its dwelling (status: requested).

    Refused when the dwelling already has an open subscription, when its neighbourhood has not
    adopted the offer (launch or running stage), when the household does not live there on
    `requested_on`, or when `half_day` is not a launch half-day of that neighbourhood.
    `requested_on` defaults to the half-day's date, else today.
    """
    if channel not in Channel.values:
        raise SubscriptionError(_("Canal de demande inconnu : %(c)s.") % {"c": channel})
    if half_day is not None:
        if channel != Channel.HALF_DAY:
            raise SubscriptionError(
                _(
                    "Une demi-journée de lancement n'est indiquée que pour une demande "
                    "faite ce jour-là."
                )
            )
        if half_day.kind != Meeting.Kind.LAUNCH:
            raise SubscriptionError(_("Cette réunion n'est pas une demi-journée de lancement."))
        if half_day.neighbourhood_id != dwelling.neighbourhood_id:
            raise SubscriptionError(
                _("Cette demi-journée de lancement concerne un autre quartier que le logement.")
            )
    requested_on = requested_on or (half_day.held_on if half_day else _today())
    if requested_on > _today():
        raise SubscriptionError(_("La date de la demande ne peut pas être dans le futur."))
    with transaction.atomic():
        # Lock the dwelling: two people entering the same request at the same moment are
        # serialised here, and the second one sees the first one's subscription.
        dwelling = (
            Dwelling.objects.select_for_update().select_related("neighbourhood").get(pk=dwelling.pk)
        )
        nbh = dwelling.neighbourhood
        if by is not None and not Neighbourhood.objects.visible_to(by).filter(pk=nbh.pk).exists():
            raise SubscriptionError(_("Ce logement n'est pas dans votre périmètre."))
        if nbh.stage not in OPEN_STAGES:
            raise SubscriptionError(
                _(
                    "Le quartier %(name)s n'a pas (ou plus) l'offre : il est à l'étape "
                    "« %(stage)s »."
                )
                % {"name": nbh.name, "stage": nbh.get_stage_display()}
            )
        if dwelling.status == Dwelling.Status.OUT_OF_SERVICE:
            raise SubscriptionError(_("Le logement %(ref)s est hors service.") % {"ref": dwelling})
        lives_there = Occupancy.objects.filter(
            dwelling=dwelling, household=household, moved_in__lte=requested_on
        ).exclude(moved_out__lte=requested_on)
        if not lives_there.exists():
            raise SubscriptionError(
                _("Le foyer %(h)s n'occupe pas le logement %(d)s au %(on)s.")
                % {"h": household, "d": dwelling, "on": _fmt(requested_on)}
            )
        existing = Subscription.objects.open().filter(dwelling=dwelling).first()
        if existing is not None:
            raise SubscriptionError(
                _("Le logement %(d)s a déjà un abonnement en cours (%(status)s).")
                % {"d": dwelling, "status": existing.get_status_display()}
            )
        try:
            with transaction.atomic():
                return Subscription.objects.create(
                    dwelling=dwelling,
                    household=household,
                    channel=channel,
                    half_day=half_day,
                    requested_on=requested_on,
                    requested_by=by,
                )
        except IntegrityError as exc:  # the partial unique index, if a row slipped in anyway
            raise SubscriptionError(_("Ce logement a déjà un abonnement en cours.")) from exc


def _lock_subscription(subscription: Subscription) -> Subscription:
    return Subscription.objects.select_for_update().get(pk=subscription.pk)


def _check_day(day: datetime.date | None, after: datetime.date, after_label: str) -> datetime.date:
    day = day or _today()
    if day > _today():
        raise SubscriptionError(_("La date ne peut pas être dans le futur."))
    if day < after:
        raise SubscriptionError(
            _("La date (%(day)s) précède %(what)s (%(after)s).")
            % {"day": _fmt(day), "what": after_label, "after": _fmt(after)}
        )
    return day


def subscription_send(
    *, subscription: Subscription, by: User | None, on: datetime.date | None = None
) -> Subscription:
    """Mark a requested subscription as sent to the operator (no-op when already sent)."""
    with transaction.atomic():
        sub = _lock_subscription(subscription)
        if sub.status == Status.SENT:
            return sub
        if sub.status != Status.REQUESTED:
            raise SubscriptionError(
                _("Seule une demande non transmise peut être transmise (statut : %(s)s).")
                % {"s": sub.get_status_display()}
            )
        sub.sent_on = _check_day(on, sub.requested_on, _("la demande"))
        sub.status = Status.SENT
        sub._history_user = by
        sub.save(update_fields=["status", "sent_on"])
        return sub


def subscriptions_mark_sent(
    *, subscriptions, by: User | None, on: datetime.date | None = None
) -> RequestBatch | None:
    """Mark every still-requested subscription of the queryset as sent, as one batch.

    The batch keeps the operator's file as it is at that moment (bytes and SHA-256): it is
    downloaded again identical, whatever later happens to the households or the requests.
    Returns the batch, None when nothing was left to send.
    """
    with transaction.atomic():
        ids = list(subscriptions.filter(status=Status.REQUESTED).values_list("pk", flat=True))
        # The requests themselves are locked, not the neighbourhoods the caller's scope joins;
        # one cancelled meanwhile is no longer "requested" here, and is not sent.
        locked = Subscription.objects.filter(pk__in=ids, status=Status.REQUESTED)
        sent = [sub.pk for sub in locked.order_by("pk").select_for_update()]
        if not sent:
            return None
        for sub in Subscription.objects.filter(pk__in=sent).order_by("pk"):
            subscription_send(subscription=sub, by=by, on=on)
        frozen = exports.freeze(exports.request_csv(Subscription.objects.filter(pk__in=sent)))
        organisation = None if by is None or by.is_coordinator else by.organisation
        batch = RequestBatch.objects.create(
            content=frozen.content,
            sha256=frozen.sha256,
            size=frozen.size,
            rows=frozen.rows,
            created_by=by,
            organisation=organisation,
        )
        SentRequest.objects.bulk_create(
            [SentRequest(batch=batch, subscription_id=pk) for pk in sent]
        )
        return batch


def subscription_activate(
    *,
    subscription: Subscription,
    by: User | None,
    activated_on: datetime.date,
    modem_serial: str,
) -> Subscription:
    """Record the operator's activation (date and modem serial); no-op when already active."""
    modem_serial = (modem_serial or "").strip()
    with transaction.atomic():
        sub = _lock_subscription(subscription)
        if sub.status == Status.ACTIVE:
            return sub
        if sub.status == Status.CANCELLED:
            raise SubscriptionError(_("Un abonnement résilié ne peut pas être activé."))
        if not modem_serial:
            raise SubscriptionError(_("Indiquez le numéro de série du modem."))
        if activated_on is None:
            raise SubscriptionError(_("Indiquez la date d'activation."))
        sub.activated_on = _check_day(activated_on, sub.requested_on, _("la demande"))
        if sub.status == Status.REQUESTED:
            sub.sent_on = sub.sent_on or sub.activated_on
        sub.modem_serial = modem_serial
        sub.status = Status.ACTIVE
        sub._history_user = by
        sub.save(update_fields=["status", "sent_on", "activated_on", "modem_serial"])
        return sub


def subscription_cancel(
    *,
    subscription: Subscription,
    by: User | None,
    cancelled_on: datetime.date,
    reason: str,
) -> Subscription:
    """Cancel a subscription (date and reason); no-op when already cancelled.

    An active subscription cannot be cancelled before its activation date.
    """
    reason = (reason or "").strip()
    if not reason:
        raise SubscriptionError(_("Une résiliation doit être motivée."))
    with transaction.atomic():
        sub = _lock_subscription(subscription)
        if sub.status == Status.CANCELLED:
            return sub
        if cancelled_on is None:
            raise SubscriptionError(_("Indiquez la date de résiliation."))
        if sub.activated_on:
            sub.cancelled_on = _check_day(cancelled_on, sub.activated_on, _("l'activation"))
        else:
            sub.cancelled_on = _check_day(cancelled_on, sub.requested_on, _("la demande"))
        sub.cancel_reason = reason
        sub.status = Status.CANCELLED
        sub._history_user = by
        sub.save(update_fields=["status", "cancelled_on", "cancel_reason"])
        return sub


# --- Tariffs ---------------------------------------------------------------------------------


def tariff_create(
    *,
    offer: Offer,
    amount: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    by: User | None = None,
) -> Tariff:
    """Add a tariff period; refused when it overlaps another one.

    To change the price, give the current open-ended tariff an end date first (`tariff_close`).
    Charge lines keep the amount they were billed at.
    """
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
                % {"amount": clash.amount, "start": _fmt(clash.starts_on)}
            )
        tariff = Tariff(offer=offer, amount=amount, starts_on=starts_on, ends_on=ends_on)
        tariff._history_user = by
        tariff.save()
        return tariff


def tariff_close(*, tariff: Tariff, ends_on: datetime.date, by: User | None = None) -> Tariff:
    """Give an open-ended tariff its last day (no-op when it already ends that day).

    Refused when months already billed at this tariff fall after `ends_on`, or when the new
    period would overlap another tariff.
    """
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
                % {"amount": clash.amount, "start": _fmt(clash.starts_on)}
            )
        if tariff.charges.filter(month__gt=ends_on).exists():
            raise ChargeError(
                _("Des mois ont déjà été facturés à ce tarif après le %(day)s.")
                % {"day": _fmt(ends_on)}
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
    if not by.is_coordinator:
        raise PermissionDenied
    if amount is None or amount < 0:
        raise ChargeError(_("Le montant d'un tarif est un nombre positif ou nul."))
    if starts_on <= _today():
        raise ChargeError(
            _("Un nouveau tarif se prévoit à partir d'une date à venir (après le %(day)s).")
            % {"day": _fmt(_today())}
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
                % {"amount": planned.amount, "start": _fmt(planned.starts_on)}
            )
        billed = Charge.objects.filter(tariff__offer=offer, month__gte=starts_on)
        if billed.exists():
            raise ChargeError(
                _("Des charges sont déjà générées à partir du %(day)s : ce mois garde son tarif.")
                % {"day": _fmt(starts_on)}
            )
        current = offer.tariffs.filter(ends_on__isnull=True).first()
        if current is not None:
            tariff_close(tariff=current, ends_on=starts_on - datetime.timedelta(days=1), by=by)
        return tariff_create(offer=offer, amount=amount, starts_on=starts_on, by=by)


# --- The monthly charge run ------------------------------------------------------------------

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value) -> datetime.date:
    """The first day of the month given as "YYYY-MM" or as a date; ChargeError if malformed."""
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = MONTH_RE.match(str(value or "").strip())
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and year >= 1900:
            return datetime.date(year, month, 1)
    raise ChargeError(
        _("Mois invalide : « %(value)s ». Indiquez-le sous la forme AAAA-MM, par exemple 2014-03.")
        % {"value": value}
    )


def _label(month: datetime.date) -> str:
    return month.strftime("%m/%Y")


def check_billable_month(month: datetime.date) -> None:
    """Refuse a month after the current one, or before any neighbourhood's launch."""
    if month > _today().replace(day=1):
        raise ChargeError(
            _("Le mois %(m)s n'a pas commencé : il ne peut pas encore être facturé.")
            % {"m": _label(month)}
        )
    if not Neighbourhood.objects.filter(launched_on__lte=month).exists():
        raise ChargeError(
            _("Aucun quartier n'avait l'offre au 1er %(m)s : il n'y a rien à facturer.")
            % {"m": _label(month)}
        )


def _landlord_months(charge_month: ChargeMonth, landlord_ids) -> list[LandlordMonth]:
    """The landlords' rows of the month, created when missing, locked (a few landlords)."""
    for landlord_id in landlord_ids:
        if not LandlordMonth.objects.filter(
            charge_month=charge_month, landlord_id=landlord_id
        ).exists():
            LandlordMonth.objects.create(charge_month=charge_month, landlord_id=landlord_id)
    return list(
        LandlordMonth.objects.select_for_update()
        .filter(charge_month=charge_month, landlord_id__in=landlord_ids)
        .select_related("landlord")
        .order_by("landlord__name")
    )


def _locked_message(month: datetime.date, lm: LandlordMonth) -> str:
    return _(
        "Le mois %(m)s de %(landlord)s a été exporté le %(at)s : il est verrouillé. "
        "Corrigez-le par des lignes d'ajustement."
    ) % {
        "m": _label(month),
        "landlord": lm.landlord,
        "at": _fmt(timezone.localtime(lm.exported_at)),
    }


def charges_generate(*, month, by: User | None, landlord: Organisation | None = None) -> ChargeRun:
    """Bill month `month`: one line per dwelling of every neighbourhood running on its 1st.

    Only the dwellings of landlords whose month is not exported (locked) are billed; with
    `landlord`, only that landlord's. The lines are written by one INSERT … SELECT
    (`billing_sql.insert_charges`); a dwelling already billed for the month is skipped, so a
    second run adds nothing (and costs little), and two simultaneous runs give one set of lines
    (the month's row is locked). Refused when every landlord concerned has exported the month,
    for a future month, a month before any launch, or a day without a tariff in force. Returns
    the recorded run; `run.locked` lists the landlord months left out because exported.
    """
    month = parse_month(month)
    check_billable_month(month)
    tariff = Tariff.objects.in_force_on(month).order_by("-starts_on").first()
    if tariff is None:
        raise ChargeError(
            _("Aucun tarif n'est en vigueur au 1er %(m)s : ajoutez-en un avant de facturer.")
            % {"m": _label(month)}
        )
    started = time.monotonic()
    with transaction.atomic():
        billing_sql.disable_jit()
        charge_month, _created = ChargeMonth.objects.get_or_create(month=month)
        # Two runs of the same month queue here; the second one then finds every line written.
        # An export locks its landlord's row (below) and so waits for a run in progress.
        charge_month = ChargeMonth.objects.select_for_update().get(pk=charge_month.pk)
        running = Neighbourhood.objects.running_on(month)
        if landlord is not None:
            running = running.filter(landlord=landlord)
        landlord_ids = sorted(set(running.values_list("landlord", flat=True)))
        months = _landlord_months(charge_month, landlord_ids)
        locked = [lm for lm in months if lm.is_locked]
        if locked and len(locked) == len(months):
            raise ChargeError(" ".join(_locked_message(month, lm) for lm in locked))
        neighbourhoods = running.exclude(landlord__in=[lm.landlord_id for lm in locked])
        run = ChargeRun.objects.create(
            charge_month=charge_month, run_by=by, tariff=tariff, landlord=landlord
        )
        # Under the month's lock nobody else writes its lines, so these checks stay true until
        # the INSERT: a month without any line yet takes the plain INSERT (no conflict to look
        # for); a month already billed is only written again if a dwelling lacks its line (a
        # re-run then costs one anti-join instead of a conflicting insert of every line).
        started_before = Charge.objects.filter(month=month).exists()
        added = 0
        if not started_before or billing_sql.any_dwelling_unbilled(
            month=month, neighbourhoods=neighbourhoods
        ):
            added = billing_sql.insert_charges(
                month=month,
                neighbourhoods=neighbourhoods,
                amount=tariff.amount,
                tariff_id=tariff.pk,
                run_id=run.pk,
                created_at=timezone.now(),
                skip_existing=started_before,
            )
            if added:
                billing_sql.refresh_statistics()
        ChargeRun.objects.filter(pk=run.pk).update(
            lines_added=added,
            amount_added=tariff.amount * added,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        run.refresh_from_db()
        run.locked = locked
        return run


def _landlord_adjustments(lm: LandlordMonth):
    return Adjustment.objects.filter(
        charge_month_id=lm.charge_month_id, neighbourhood__landlord_id=lm.landlord_id
    )


def _store_export(
    lm: LandlordMonth, *, kind: str, adjustments, by: User | None, batch: str = ""
) -> ChargeExport:
    """Write one file of the month and keep it (under the landlord month's lock)."""
    month = lm.charge_month.month
    neighbourhoods = Neighbourhood.objects.filter(landlord_id=lm.landlord_id)
    adjustments = list(adjustments.order_by("created_at", "id"))
    carried = Adjustment.objects.filter(pk__in=[a.pk for a in adjustments])
    with_charges = kind == ChargeExport.Kind.MONTH
    frozen = exports.freeze(
        exports.charge_csv(
            month, neighbourhoods, adjustments=carried, with_charges=with_charges, batch=batch
        )
    )
    amount = sum((a.signed_amount for a in adjustments), Decimal("0.00"))
    if with_charges:
        billed = Charge.objects.filter(month=month, neighbourhood__in=neighbourhoods)
        amount += billed.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    last = lm.exports.order_by("-number").values_list("number", flat=True).first() or 0
    export = ChargeExport.objects.create(
        landlord_month=lm,
        number=1 if with_charges else last + 1,
        kind=kind,
        amount=amount,
        content=frozen.content,
        sha256=frozen.sha256,
        size=frozen.size,
        rows=frozen.rows,
        created_by=by,
    )
    ExportedAdjustment.objects.bulk_create(
        [ExportedAdjustment(export=export, adjustment=a) for a in adjustments]
    )
    return export


def _month_export(lm: LandlordMonth) -> ChargeExport:
    """The kept file of a locked month (lot 1).

    A month locked before files were kept gets it now: its lines (append-only, and no run adds
    any once it is locked) and the adjustments entered up to its export; later ones wait for a
    batch of their own.
    """
    export = lm.exports.filter(kind=ChargeExport.Kind.MONTH).first()
    if export is None:
        earlier = _landlord_adjustments(lm).filter(created_at__lte=lm.exported_at)
        export = _store_export(
            lm, kind=ChargeExport.Kind.MONTH, adjustments=earlier, by=lm.exported_by
        )
    return export


def _lock_landlord_month(month: datetime.date, landlord: Organisation) -> LandlordMonth:
    lm = (
        LandlordMonth.objects.select_for_update()
        .filter(charge_month__month=month, landlord=landlord)
        .select_related("charge_month", "landlord")
        .first()
    )
    if lm is None:
        raise ChargeError(
            _("Le mois %(m)s n'a pas encore été généré pour %(landlord)s : rien à exporter.")
            % {"m": _label(month), "landlord": landlord}
        )
    return lm


def charge_month_export(*, month, landlord: Organisation, by: User | None) -> ChargeExport:
    """Lock a landlord's generated month and keep its file (no-op when already exported).

    The file (lot 1: every line of the month and the adjustments entered so far) is kept byte
    for byte: downloading it again gives the same file, whatever is added afterwards.
    Adjustments entered later go into batches of their own (`charge_adjustments_export`).
    The other landlords' months stay open: the run goes on billing their dwellings.
    """
    month = parse_month(month)
    with transaction.atomic():
        lm = _lock_landlord_month(month, landlord)
        if lm.is_locked:
            return _month_export(lm)
        lm.status = LandlordMonth.Status.EXPORTED
        lm.exported_at = timezone.now()
        lm.exported_by = by
        lm._history_user = by
        lm.save(update_fields=["status", "exported_at", "exported_by"])
        return _store_export(
            lm, kind=ChargeExport.Kind.MONTH, adjustments=_landlord_adjustments(lm), by=by
        )


def charge_adjustments_export(*, month, landlord: Organisation, by: User | None) -> ChargeExport:
    """Export, as a new batch, the adjustments of a locked month not yet in any of its files.

    Each line of the batch says which month it corrects and when the batch was exported; the
    file is kept like the month's. Refused when the month is not exported yet (its adjustments
    go with it) or when no adjustment is waiting.
    """
    month = parse_month(month)
    with transaction.atomic():
        lm = _lock_landlord_month(month, landlord)
        if not lm.is_locked:
            raise ChargeError(
                _(
                    "Le mois %(m)s de %(landlord)s n'est pas encore exporté : ses ajustements "
                    "partiront avec lui."
                )
                % {"m": _label(month), "landlord": landlord}
            )
        _month_export(lm)
        pending = _landlord_adjustments(lm).filter(exported_in__isnull=True)
        if not pending.exists():
            raise ChargeError(
                _("Aucun ajustement de %(m)s n'attend d'export : rien à exporter.")
                % {"m": _label(month)}
            )
        number = (lm.exports.order_by("-number").values_list("number", flat=True).first()) + 1
        batch = _("ajustements du mois %(m)s, lot %(n)d exporté le %(at)s") % {
            "m": _label(month),
            "n": number,
            "at": _fmt(_today()),
        }
        return _store_export(
            lm, kind=ChargeExport.Kind.ADJUSTMENTS, adjustments=pending, by=by, batch=batch
        )


def adjustment_create(
    *,
    month,
    dwelling: Dwelling,
    kind: str,
    amount,
    reason: str,
    by: User | None,
    payer: str | None = None,
) -> Adjustment:
    """Correct a billed month for one dwelling with a credit or a debit and its reason.

    The dwelling must have its line for the month; the adjustment belongs to the month of the
    landlord of the line's neighbourhood. Amounts are above 0 and at most `ADJUSTMENT_MAX`; a
    credit never takes back more than the dwelling still owes for the month (its line and
    debits, less earlier credits). The payer defaults to the one of the line.
    """
    month = parse_month(month)
    reason = (reason or "").strip()
    if not reason:
        raise ChargeError(_("Un ajustement doit être motivé."))
    if kind not in Adjustment.Kind.values:
        raise ChargeError(_("Nature d'ajustement inconnue."))
    try:
        amount = Decimal(str(amount).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ChargeError(_("Montant invalide.")) from exc
    if amount <= 0:
        raise ChargeError(_("Le montant d'un ajustement est positif."))
    if amount > ADJUSTMENT_MAX:
        raise ChargeError(
            _(
                "Un ajustement ne dépasse pas %(max)s € (la charge est de quelques euros par "
                "logement et par mois) : vérifiez le montant (%(amount)s €)."
            )
            % {"max": exports.money(ADJUSTMENT_MAX), "amount": exports.money(amount)}
        )
    with transaction.atomic():
        line = Charge.objects.filter(month=month, dwelling=dwelling).first()
        lm = None
        if line is not None:
            landlord_id = Neighbourhood.objects.filter(pk=line.neighbourhood_id).values("landlord")
            # The landlord's month, locked: its adjustments are written one after the other,
            # so the credit check below sees every earlier one (two credits at once queue here).
            lm = (
                LandlordMonth.objects.select_for_update()
                .filter(charge_month__month=month, landlord_id__in=landlord_id)
                .select_related("charge_month")
                .first()
            )
        if lm is None:
            raise ChargeError(
                _("Le mois %(m)s n'a pas été facturé pour ce logement (%(d)s) : rien à corriger.")
                % {"m": _label(month), "d": dwelling}
            )
        if kind == Adjustment.Kind.CREDIT:
            same_line = Adjustment.objects.filter(charge_month=lm.charge_month, dwelling=dwelling)
            earlier = {
                row["kind"]: row["total"]
                for row in same_line.values("kind").order_by().annotate(total=Sum("amount"))
            }
            owed = (
                line.amount
                + earlier.get(Adjustment.Kind.DEBIT, 0)
                - earlier.get(Adjustment.Kind.CREDIT, 0)
            )
            if amount > owed:
                raise ChargeError(
                    _(
                        "Cet avoir de %(amount)s € dépasse ce que le logement %(d)s doit encore "
                        "pour %(m)s (%(owed)s € : sa ligne et ses compléments, moins les avoirs "
                        "déjà saisis)."
                    )
                    % {
                        "amount": exports.money(amount),
                        "d": dwelling,
                        "m": _label(month),
                        "owed": exports.money(owed),
                    }
                )
        if payer is None:
            payer = line.payer
        if payer not in Payer.values:
            raise ChargeError(_("Payeur inconnu."))
        return Adjustment.objects.create(
            charge_month=lm.charge_month,
            dwelling=dwelling,
            neighbourhood_id=line.neighbourhood_id,
            kind=kind,
            amount=amount,
            payer=payer,
            reason=reason,
            created_by=by,
        )
