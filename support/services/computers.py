"""Computers: an order takes one from stock (never below zero), is paid, handed over, or
cancelled (the computer back in stock)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import Household, Meeting, User

from .. import rules
from ..models import ComputerModel, ComputerOrder
from .base import SupportError, check, dwelling_of
from .notify import notify


def computer_order_create(
    *,
    household: Household,
    computer: ComputerModel,
    by: User,
    neighbourhood=None,
    ordered_on: datetime.date | None = None,
    half_day: Meeting | None = None,
    extra_reason: str = "",
) -> ComputerOrder:
    """Order a computer for a household, taking it from stock (never below zero).

    The model's row is locked while the stock is read and decremented: two sales of the last
    computer at the same moment cannot both succeed; the CHECK (stock >= 0) is the last guard.
    A computer is subsidised: a household that already holds one (ordered, paid or handed
    over) gets another only with `extra_reason` (the household's row is locked, so two staff
    members selling to it at the same moment are served one after the other).
    """
    extra_reason = " ".join(extra_reason.split())
    check(rules.can_record_for(by, household))
    with transaction.atomic():
        Household.objects.select_for_update().only("pk").get(pk=household.pk)
        locked = ComputerModel.objects.select_for_update().get(pk=computer.pk)
        if not locked.active:
            raise SupportError(_("Le modèle %(c)s n'est plus proposé.") % {"c": locked})
        if locked.stock < 1:
            raise SupportError(
                _("Plus d'ordinateur « %(c)s » en stock : la commande n'est pas enregistrée.")
                % {"c": locked.name}
            )
        held = (
            ComputerOrder.objects.filter(household=household)
            .held()
            .select_related("computer")
            .order_by("ordered_on", "pk")
            .first()
        )
        if held is not None and not extra_reason:
            raise SupportError(
                _(
                    "Le foyer %(h)s a déjà un ordinateur du programme : %(c)s, commandé le "
                    "%(on)s (état : %(s)s). Un second ordinateur demande un motif."
                )
                % {
                    "h": household,
                    "c": held.computer.name,
                    "s": held.get_status_display().lower(),
                    "on": formats.day(held.ordered_on),
                },
                field="extra_reason",
            )
        if neighbourhood is None:
            neighbourhood = dwelling_of(household).neighbourhood
        locked.stock -= 1  # safe: the row is locked
        locked._history_user = by
        locked.save(update_fields=["stock"])
        return ComputerOrder.objects.create(
            household=household,
            neighbourhood=neighbourhood,
            computer=locked,
            price=locked.price,
            ordered_on=ordered_on or clock.today(),
            half_day=half_day,
            created_by=by,
            extra_reason=extra_reason if held is not None else "",
        )


def _lock_order(order: ComputerOrder, by: User) -> ComputerOrder:
    locked = ComputerOrder.objects.select_for_update().select_related("computer").get(pk=order.pk)
    check(rules.can_handle(by, locked))
    return locked


# The steps of an order, in their order: each is recorded once the one before is.
STEPS = [ComputerOrder.Status.ORDERED, ComputerOrder.Status.PAID, ComputerOrder.Status.HANDED_OVER]


def _order_step(
    *, order: ComputerOrder, by: User, to: str, on_field: str, on, refusal: str
) -> tuple[ComputerOrder, bool]:
    """Move an order to the step `to`, dated `on` (today by default); a no-op once there or
    beyond, refused with `refusal` unless it stands at the step just before. Returns the order
    and whether it moved."""
    with transaction.atomic():
        locked = _lock_order(order, by)
        if locked.status in STEPS and STEPS.index(locked.status) >= STEPS.index(to):
            return locked, False
        if locked.status != STEPS[STEPS.index(to) - 1]:
            raise SupportError(refusal)
        locked.status = to
        setattr(locked, on_field, on or clock.today())
        locked._history_user = by
        locked.save(update_fields=["status", on_field])
        return locked, True


def computer_order_pay(
    *, order: ComputerOrder, by: User, on: datetime.date | None = None
) -> ComputerOrder:
    """Record the payment of an ordered computer."""
    with transaction.atomic():
        locked, paid = _order_step(
            order=order,
            by=by,
            to=ComputerOrder.Status.PAID,
            on_field="paid_on",
            on=on,
            refusal=_("Cette commande est annulée : elle ne peut plus être payée."),
        )
        if paid:
            notify(kind="COMPUTER_READY", household=locked.household, about=locked)
        return locked


def computer_order_hand_over(
    *, order: ComputerOrder, by: User, on: datetime.date | None = None
) -> ComputerOrder:
    """Record that the household took its (paid) computer home."""
    locked, _moved = _order_step(
        order=order,
        by=by,
        to=ComputerOrder.Status.HANDED_OVER,
        on_field="handed_over_on",
        on=on,
        refusal=_("Un ordinateur n'est remis qu'une fois payé."),
    )
    return locked


def computer_order_cancel(
    *, order: ComputerOrder, by: User, on: datetime.date | None = None, reason: str = ""
) -> ComputerOrder:
    """Cancel an order not yet handed over; the computer goes back to stock."""
    with transaction.atomic():
        locked = _lock_order(order, by)
        if locked.status == ComputerOrder.Status.CANCELLED:
            return locked
        if locked.status == ComputerOrder.Status.HANDED_OVER:
            raise SupportError(_("L'ordinateur est déjà remis : la commande ne s'annule plus."))
        computer = ComputerModel.objects.select_for_update().get(pk=locked.computer_id)
        computer.stock += 1
        computer._history_user = by
        computer.save(update_fields=["stock"])
        locked.status = ComputerOrder.Status.CANCELLED
        locked.cancelled_on = on or clock.today()
        locked.mark_cancelled(by=by, reason=reason, at=clock.now())
        locked._history_user = by
        locked.save(update_fields=["status", "cancelled_on", *locked.cancellation_fields()])
        return locked
