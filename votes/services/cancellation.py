"""Cancelling a vote not yet certified: it stays, read-only, with who, when and why."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import User

from ..models import Vote
from .base import VoteError, _check_manager, _lock, _refusal


def _check_cancellable(vote: Vote) -> None:
    if vote.is_cancelled:
        raise VoteError(
            _("Ce vote a déjà été annulé le %(on)s.")
            % {"on": formats.day(timezone.localdate(vote.cancelled_at))}
        )
    if vote.is_certified:
        raise VoteError(
            _("Ce vote est certifié depuis le %(on)s : un résultat certifié ne s'annule pas.")
            % {"on": formats.day(vote.certified_on)}
        )


def vote_cancel_refusal(vote: Vote) -> str | None:
    """Why `vote` may not be cancelled (None: it may, not being certified or cancelled)."""
    return _refusal(_check_cancellable, vote)


def vote_cancel(*, vote: Vote, by: User, reason: str, at: datetime.datetime | None = None) -> Vote:
    """Cancel a vote not yet certified, with its reason: it stays, read-only, with who and when.

    Its sign-ins, counts and ballots are kept as they are; nothing more is accepted, and the
    neighbourhood may organise a new vote. Cancelling a cancelled vote changes nothing.
    """
    at = at or clock.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        if vote.is_cancelled:
            return vote
        _check_cancellable(vote)
        if not reason:
            raise VoteError(_("Indiquez le motif de l'annulation."))
        vote.mark_cancelled(by=by, reason=reason, at=at)
        vote.status = Vote.Status.CANCELLED
        vote._history_user = by
        vote.save(update_fields=["status", *vote.cancellation_fields()])
        return vote
