"""The housing register day to day: move-ins, move-outs, dwelling statuses, corrections.

The only code, with the register import and the admin, that writes `Occupancy` rows and
`Dwelling.status` from the app's pages. Each function locks the dwelling's row first (two
landlord staff may record the same move at the same moment), checks the register's rules,
writes in one transaction and leaves a historical row (simple-history) with who and why:

- a dwelling has at most one household on any day (periods run from the move-in day included
  to the move-out day excluded, as the monthly charge reads them);
- nobody moves out before moving in, and no date is in the future (the status says what the
  dwelling is today);
- nobody moves into a dwelling out of service;
- a household in place means the dwelling is occupied: moving in makes it occupied, and it
  cannot be marked vacant or out of service before its household moves out; moving out makes
  it vacant unless the landlord's staff say otherwise.

An occupancy is never deleted: a wrong one is corrected (its dates), with a reason.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from brest_internet.common.errors import Refusal

from .models import Dwelling, Household, Occupancy, User, overlap_message

Status = Dwelling.Status


# Sent inside a move-out's transaction, once the occupancy has ended (arguments: occupancy,
# moved_out, by): the apps above this one end what the household had in the dwelling (the
# subscriptions app, its subscription there). A MoveError raised by a receiver refuses the whole
# move-out.
household_moved_out = Signal()


class MoveError(Refusal):
    """A change of the register refused, with a message for the person who asked (translated)."""


def _today() -> datetime.date:
    return clock.today()


_d = formats.day


def _lock(dwelling: Dwelling) -> Dwelling:
    return Dwelling.objects.select_for_update().get(pk=dwelling.pk)


def _not_in_future(day: datetime.date, what: str) -> None:
    if day > _today():
        raise MoveError(
            _(
                "La date %(what)s (%(day)s) est dans le futur : enregistrez-la le jour venu, "
                "le statut du logement dit ce qu'il est aujourd'hui."
            )
            % {"what": what, "day": _d(day)}
        )


def _check_free(dwelling: Dwelling, moved_in, moved_out=None, *, exclude=None) -> None:
    others = Occupancy.objects.filter(dwelling=dwelling)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    other = (
        others.overlapping(moved_in, moved_out)
        .select_related("household")
        .order_by("moved_in")
        .first()
    )
    if other is not None:
        raise MoveError(overlap_message(other))


def _save(obj, *, by: User, reason: str, update_fields=None) -> None:
    """Save with the history's author (the acting user, or the system actor) and reason."""
    obj._history_user = by
    obj._change_reason = reason[:100]
    if update_fields is None:
        obj.save()
    else:
        obj.save(update_fields=update_fields)


def _set_status(dwelling: Dwelling, status: str, *, by: User, reason: str) -> bool:
    if dwelling.status == status:
        return False
    dwelling.status = status
    _save(dwelling, by=by, reason=reason, update_fields=["status", "updated_at"])
    return True


def current_occupancy(dwelling: Dwelling) -> Occupancy | None:
    """The household in place in `dwelling` (with its household), or None."""
    return Occupancy.objects.current().filter(dwelling=dwelling).select_related("household").first()


def household_move_in(
    *,
    dwelling: Dwelling,
    name: str,
    moved_in: datetime.date,
    by: User,
    phone: str = "",
    email: str = "",
) -> tuple[Occupancy, bool]:
    """A new household moves into `dwelling` on `moved_in`: the household, its occupancy, and
    the dwelling marked occupied. Returns the occupancy and whether anything was written (a
    second submission of the same move-in is a no-op)."""
    name = " ".join(name.split())
    if not name:
        raise MoveError(_("Indiquez le nom du foyer."))
    _not_in_future(moved_in, _("d'entrée"))
    with transaction.atomic():
        dwelling = _lock(dwelling)
        current = current_occupancy(dwelling)
        if current is not None:
            if current.household.name == name and current.moved_in == moved_in:
                return current, False  # the same form sent twice
            raise MoveError(
                _(
                    "Le foyer %(household)s habite déjà le logement %(dwelling)s (depuis le "
                    "%(since)s) : enregistrez d'abord sa sortie."
                )
                % {
                    "household": current.household,
                    "dwelling": dwelling,
                    "since": _d(current.moved_in),
                }
            )
        if dwelling.status == Status.OUT_OF_SERVICE:
            raise MoveError(
                _(
                    "Le logement %(dwelling)s est hors service : personne ne peut y entrer. "
                    "Changez d'abord son statut s'il est de nouveau habitable."
                )
                % {"dwelling": dwelling}
            )
        _check_free(dwelling, moved_in)
        reason = _("Entrée dans les lieux le %(day)s") % {"day": _d(moved_in)}
        household = Household(name=name, phone=phone.strip(), email=email.strip())
        _save(household, by=by, reason=reason)
        occupancy = Occupancy(household=household, dwelling=dwelling, moved_in=moved_in)
        _save(occupancy, by=by, reason=reason)
        _set_status(dwelling, Status.OCCUPIED, by=by, reason=reason)
        return occupancy, True


def household_move_out(
    *,
    occupancy: Occupancy,
    moved_out: datetime.date,
    by: User,
    vacate: bool = True,
) -> tuple[Occupancy, bool]:
    """The household of `occupancy` moves out on `moved_out`; with `vacate`, the dwelling
    becomes vacant. Returns the occupancy and whether anything was written (the same move-out
    sent twice is a no-op)."""
    _not_in_future(moved_out, _("de sortie"))
    with transaction.atomic():
        dwelling = _lock(occupancy.dwelling)
        occupancy = Occupancy.objects.select_related("household").get(pk=occupancy.pk)
        if occupancy.dwelling_id != dwelling.pk:
            raise MoveError(_("Cette occupation n'est pas celle de ce logement."))
        if occupancy.moved_out is not None:
            if occupancy.moved_out == moved_out:
                return occupancy, False
            raise MoveError(
                _(
                    "Le foyer %(household)s est déjà sorti le %(day)s : corrigez plutôt les "
                    "dates de son occupation."
                )
                % {"household": occupancy.household, "day": _d(occupancy.moved_out)}
            )
        if moved_out < occupancy.moved_in:
            raise MoveError(
                _("La sortie (%(out)s) ne peut précéder l'entrée dans les lieux (%(in)s).")
                % {"out": _d(moved_out), "in": _d(occupancy.moved_in)}
            )
        reason = _("Sortie le %(day)s") % {"day": _d(moved_out)}
        occupancy.moved_out = moved_out
        _save(occupancy, by=by, reason=reason, update_fields=["moved_out"])
        if vacate and dwelling.status == Status.OCCUPIED:  # out of service stays so
            _set_status(dwelling, Status.VACANT, by=by, reason=reason)
        household_moved_out.send(sender=Occupancy, occupancy=occupancy, moved_out=moved_out, by=by)
        return occupancy, True


def dwelling_status_change(
    *,
    dwelling: Dwelling,
    status: str,
    by: User,
    reason: str = "",
    expected_status: str | None = None,
) -> bool:
    """Set the status of `dwelling` (occupied, vacant, out of service). Refused while a household
    lives there for any status but occupied, and when the status changed since the page was
    shown (`expected_status`). Returns whether it changed (no-op when already so)."""
    if status not in Status.values:
        raise MoveError(_("Statut inconnu."))
    with transaction.atomic():
        dwelling = _lock(dwelling)
        if dwelling.status == status:
            return False
        if expected_status is not None and dwelling.status != expected_status:
            raise MoveError(
                _(
                    "Le statut du logement %(dwelling)s est passé à « %(status)s » entre-temps : "
                    "rechargez la page avant de recommencer."
                )
                % {"dwelling": dwelling, "status": dwelling.get_status_display()}
            )
        if status != Status.OCCUPIED:
            current = current_occupancy(dwelling)
            if current is not None:
                raise MoveError(
                    _("Le foyer %(household)s habite ce logement : enregistrez d'abord sa sortie.")
                    % {"household": current.household}
                )
        label = Status(status).label
        note = " ".join(reason.split())
        text = _("Statut « %(status)s »") % {"status": label}
        if note:
            text = f"{text} : {note}"
        return _set_status(dwelling, status, by=by, reason=text)


def occupancy_correct(
    *,
    occupancy: Occupancy,
    moved_in: datetime.date,
    moved_out: datetime.date | None,
    reason: str,
    by: User,
) -> bool:
    """Correct the dates of an occupancy recorded wrongly, with the reason kept in its history.

    The household in place keeps no move-out here (its move-out is recorded as such); a past
    occupancy may be reopened (a move-out recorded by mistake) when the dwelling is free and in
    service, which makes the dwelling occupied again. An occupancy entered by mistake is
    cancelled by giving it the same move-in and move-out day. Returns whether it changed.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise MoveError(_("Une correction doit être motivée."))
    if moved_out is not None and moved_out < moved_in:
        raise MoveError(
            _("La sortie (%(out)s) ne peut précéder l'entrée dans les lieux (%(in)s).")
            % {"out": _d(moved_out), "in": _d(moved_in)}
        )
    _not_in_future(moved_in, _("d'entrée"))
    if moved_out is not None:
        _not_in_future(moved_out, _("de sortie"))
    with transaction.atomic():
        dwelling = _lock(occupancy.dwelling)
        occupancy = Occupancy.objects.select_related("household").get(pk=occupancy.pk)
        if (occupancy.moved_in, occupancy.moved_out) == (moved_in, moved_out):
            return False
        was_current = occupancy.moved_out is None
        if was_current and moved_out is not None:
            raise MoveError(
                _(
                    "Le foyer %(household)s est en place : enregistrez sa sortie avec « "
                    "Enregistrer la sortie », pas par une correction."
                )
                % {"household": occupancy.household}
            )
        reopened = not was_current and moved_out is None
        if reopened and dwelling.status == Status.OUT_OF_SERVICE:
            raise MoveError(
                _(
                    "Le logement %(dwelling)s est hors service : le foyer ne peut pas y être "
                    "de nouveau en place."
                )
                % {"dwelling": dwelling}
            )
        _check_free(dwelling, moved_in, moved_out, exclude=occupancy)
        text = _("Correction : %(reason)s") % {"reason": reason}
        occupancy.moved_in, occupancy.moved_out = moved_in, moved_out
        _save(occupancy, by=by, reason=text, update_fields=["moved_in", "moved_out"])
        if reopened:
            _set_status(dwelling, Status.OCCUPIED, by=by, reason=text)
        return True
