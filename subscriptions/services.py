"""State changes of the subscriptions app: subscriptions, tariffs, the monthly charge run.

Each function locks what it changes inside a transaction, checks the current state, writes the
new state (django-simple-history keeps the history row), is a no-op when already done, and
raises `SubscriptionError` or `ChargeError` with a French message when it refuses.

The charge run lives here; the other sections have a module each, re-exported below so that
`services.subscription_request` and the like keep working: the subscriptions
(`services_subscriptions`), the tariffs (`services_tariffs`), a billed month's exports and its
adjustments (`services_exports`).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import Neighbourhood, Organisation, User

from . import billing_sql
from .billing_months import MONTH_RE, parse_month
from .billing_months import month_label as _label
from .errors import ChargeError, SubscriptionError
from .models import Charge, ChargeMonth, ChargeRun, LandlordMonth, Tariff
from .services_exports import adjustment_create, charge_adjustments_export, charge_month_export
from .services_subscriptions import (
    OPEN_STAGES,
    Channel,
    Status,
    subscription_activate,
    subscription_cancel,
    subscription_request,
    subscription_send,
    subscriptions_mark_sent,
)
from .services_tariffs import tariff_close, tariff_create, tariff_schedule

__all__ = [
    "MONTH_RE",
    "OPEN_STAGES",
    "ChargeError",
    "Channel",
    "Status",
    "SubscriptionError",
    "adjustment_create",
    "charge_adjustments_export",
    "charge_month_export",
    "charges_generate",
    "check_billable_month",
    "parse_month",
    "subscription_activate",
    "subscription_cancel",
    "subscription_request",
    "subscription_send",
    "subscriptions_mark_sent",
    "tariff_close",
    "tariff_create",
    "tariff_schedule",
]


def _today() -> datetime.date:
    return clock.today()


_fmt = formats.day


# --- The monthly charge run ------------------------------------------------------------------


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


def _insert_by_batches(neighbourhoods, lines: dict, rest: float, progress) -> int:
    """`insert_charges` by batches of neighbourhoods, telling `progress` each one's lines and
    resting `rest` times its duration after it (not after the last)."""
    added = 0
    batches = billing_sql.neighbourhood_batches(neighbourhoods, settings.CHARGE_RUN_BATCH)
    for i, ids in enumerate(batches):
        started = time.monotonic()
        batch = Neighbourhood.objects.filter(pk__in=ids)
        count = billing_sql.insert_charges(neighbourhoods=batch, batch=True, **lines)
        added += count
        progress(count)
        if i < len(batches) - 1:
            time.sleep((time.monotonic() - started) * rest)
    return added


def charges_generate(
    *,
    month,
    by: User,
    landlord: Organisation | None = None,
    rest: float = 0.0,
    progress: Callable[[int], object] | None = None,
) -> ChargeRun:
    """Bill month `month`: one line per dwelling of every neighbourhood running on its 1st.

    Only the dwellings of landlords whose month is not exported (locked) are billed; with
    `landlord`, only that landlord's. The lines are written by one INSERT … SELECT
    (`billing_sql.insert_charges`); a dwelling already billed for the month is skipped, so a
    second run adds nothing (and costs little), and two simultaneous runs give one set of lines
    (the month's row is locked). Refused when every landlord concerned has exported the month,
    for a future month, a month before any launch, or a day without a tariff in force. Returns
    the recorded run; `run.locked` lists the landlord months left out because exported.

    `rest` (a worker's run: JOBS_CHARGE_RUN_YIELD): the lines are written by batches of
    neighbourhoods (CHARGE_RUN_BATCH dwellings), still in the one transaction, with a pause of
    `rest` times each batch's duration after it, so that the pages keep a share of the database
    while a month of the whole programme is billed.

    `progress(lines)` is told the lines each statement added (each batch's, or the one
    statement's), while the transaction is still open: a job's page shows them as they come.
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
            lines = {
                "month": month,
                "amount": tariff.amount,
                "tariff_id": tariff.pk,
                "run_id": run.pk,
                "created_at": timezone.now(),
                "skip_existing": started_before,
            }
            tell = progress or (lambda lines: None)
            if rest > 0:
                added = _insert_by_batches(neighbourhoods, lines, rest, tell)
            else:
                added = billing_sql.insert_charges(neighbourhoods=neighbourhoods, **lines)
                tell(added)
            if added:
                billing_sql.refresh_statistics()
                transaction.on_commit(billing_sql.vacuum_charges)
        ChargeRun.objects.filter(pk=run.pk).update(
            lines_added=added,
            amount_added=tariff.amount * added,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        run.refresh_from_db()
        run.locked = locked
        return run
