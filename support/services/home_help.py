"""Home help: a request is recorded, its visit planned (or moved), done with its outcome, or
cancelled (the row stays)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import Household, User

from .. import rules
from ..models import HomeHelpRequest
from .base import SupportError, check, dwelling_of
from .notify import notify


def home_help_create(
    *,
    household: Household,
    kind: str,
    by: User,
    details: str = "",
    requested_on: datetime.date | None = None,
) -> HomeHelpRequest:
    """Record a household's request for help at home, in the dwelling it lives in now."""
    check(rules.can_record_for(by, household))
    dwelling = dwelling_of(household)
    request = HomeHelpRequest(
        household=household,
        dwelling=dwelling,
        neighbourhood=dwelling.neighbourhood,
        kind=kind,
        details=details,
        requested_on=requested_on or clock.today(),
        created_by=by,
    )
    request._history_user = by
    request.save()
    return request


def _lock_home_help(request: HomeHelpRequest, by: User) -> HomeHelpRequest:
    locked = HomeHelpRequest.objects.select_for_update().get(pk=request.pk)
    check(rules.can_handle(by, locked))
    return locked


def home_help_schedule(*, request: HomeHelpRequest, on: datetime.date, by: User) -> HomeHelpRequest:
    """Set (or move) the date of a home visit."""
    with transaction.atomic():
        locked = _lock_home_help(request, by)
        if locked.status in (HomeHelpRequest.Status.DONE, HomeHelpRequest.Status.CANCELLED):
            raise SupportError(
                _("Cette demande est « %(s)s » : elle ne se planifie plus.")
                % {"s": locked.get_status_display()}
            )
        if locked.status == HomeHelpRequest.Status.SCHEDULED and locked.scheduled_for == on:
            return locked
        if on < locked.requested_on:
            raise SupportError(_("La visite ne peut précéder la demande."))
        moved = locked.status == HomeHelpRequest.Status.SCHEDULED
        locked.status = HomeHelpRequest.Status.SCHEDULED
        locked.scheduled_for = on
        locked._history_user = by
        locked.save(update_fields=["status", "scheduled_for"])
        notify(
            kind="VISIT_MOVED" if moved else "VISIT_PLANNED",
            household=locked.household,
            about=locked,
            occasion=on.isoformat(),
            expires_at=timezone.make_aware(
                datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
            ),
        )
        return locked


def home_help_done(
    *, request: HomeHelpRequest, on: datetime.date, outcome: str, by: User
) -> HomeHelpRequest:
    """Record that the visit took place, with its outcome."""
    outcome = outcome.strip()
    with transaction.atomic():
        locked = _lock_home_help(request, by)
        if locked.status == HomeHelpRequest.Status.DONE:
            return locked
        if locked.status == HomeHelpRequest.Status.CANCELLED:
            raise SupportError(_("Cette demande est annulée."))
        if not outcome:
            raise SupportError(_("Indiquez le résultat de la visite."))
        if on < locked.requested_on:
            raise SupportError(_("La visite ne peut précéder la demande."), field="on")
        if on > clock.today():
            raise SupportError(
                _("Une visite se note faite le jour venu : le %(on)s est dans le futur.")
                % {"on": formats.day(on)},
                field="on",
            )
        if locked.scheduled_for is not None and on < locked.scheduled_for:
            raise SupportError(
                _(
                    "La visite était prévue le %(planned)s : elle ne peut pas avoir été faite "
                    "avant (le %(on)s). Si elle a eu lieu plus tôt, replanifiez-la d'abord à ce "
                    "jour-là."
                )
                % {"planned": formats.day(locked.scheduled_for), "on": formats.day(on)},
                field="on",
            )
        locked.status = HomeHelpRequest.Status.DONE
        locked.done_on = on
        locked.outcome = outcome
        locked._history_user = by
        locked.save(update_fields=["status", "done_on", "outcome"])
        return locked


def home_help_cancel(*, request: HomeHelpRequest, by: User, reason: str = "") -> HomeHelpRequest:
    """Cancel a request not yet done (the row stays, with who, when and why)."""
    with transaction.atomic():
        locked = _lock_home_help(request, by)
        if locked.status == HomeHelpRequest.Status.CANCELLED:
            return locked
        if locked.status == HomeHelpRequest.Status.DONE:
            raise SupportError(_("La visite a déjà eu lieu : la demande ne s'annule plus."))
        locked.status = HomeHelpRequest.Status.CANCELLED
        locked.mark_cancelled(by=by, reason=reason, at=clock.now())
        locked._history_user = by
        locked.save(update_fields=["status", *locked.cancellation_fields()])
        return locked
