"""A landlord's billed month once generated: its export (which locks it), the later batches of
adjustments, and the adjustments themselves (re-exported by `subscriptions.services`). Every file
is kept as sent."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import Dwelling, Neighbourhood, Organisation, User

from . import exports, rules
from .billing_months import month_label as _label
from .billing_months import parse_month
from .errors import ChargeError
from .models import (
    ADJUSTMENT_MAX,
    Adjustment,
    Charge,
    ChargeExport,
    ExportedAdjustment,
    LandlordMonth,
    Payer,
)


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


def _refuse_other_landlord(by: User, landlord: Organisation) -> None:
    if not rules.can_manage_charges(by, landlord):
        raise ChargeError(
            _("Les charges de %(landlord)s ne sont pas dans votre périmètre.")
            % {"landlord": landlord}
        )


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


def charge_month_export(*, month, landlord: Organisation, by: User) -> ChargeExport:
    """Lock a landlord's generated month and keep its file (no-op when already exported).

    The file (lot 1: every line of the month and the adjustments entered so far) is kept byte
    for byte: downloading it again gives the same file, whatever is added afterwards.
    Adjustments entered later go into batches of their own (`charge_adjustments_export`).
    The other landlords' months stay open: the run goes on billing their dwellings.
    """
    _refuse_other_landlord(by, landlord)
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


def charge_adjustments_export(*, month, landlord: Organisation, by: User) -> ChargeExport:
    """Export, as a new batch, the adjustments of a locked month not yet in any of its files.

    Each line of the batch says which month it corrects and when the batch was exported; the
    file is kept like the month's. Refused when the month is not exported yet (its adjustments
    go with it) or when no adjustment is waiting.
    """
    _refuse_other_landlord(by, landlord)
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
            "at": formats.day(clock.today()),
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
    by: User,
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
                .select_related("charge_month", "landlord")
                .first()
            )
        if lm is None:
            raise ChargeError(
                _("Le mois %(m)s n'a pas été facturé pour ce logement (%(d)s) : rien à corriger.")
                % {"m": _label(month), "d": dwelling}
            )
        _refuse_other_landlord(by, lm.landlord)
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
