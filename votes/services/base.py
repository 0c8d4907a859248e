"""What every state change of a vote starts with: its lock, the refusal, the checks of its state."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import formats
from brest_internet.common.errors import Refusal
from neighborhoods.models import User

from .. import rules
from ..models import Channel, Vote


class VoteError(Refusal):
    """A refused operation on a vote, with a message for the person who asked (translated)."""


def _lock(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().select_related("neighbourhood").get(pk=vote.pk)


def _check_manager(vote: Vote, by: User) -> None:
    """Landlord staff of the neighbourhood's landlord, or the coordination."""
    if rules.can_organise(by, vote):
        return
    raise VoteError(_("Seuls le bailleur du quartier et la coordination organisent ce vote."))


def _check_not_certified(vote: Vote) -> None:
    if vote.is_certified:
        raise VoteError(
            _("Ce vote est certifié depuis le %(on)s : il ne peut plus changer.")
            % {"on": formats.day(vote.certified_on)}
        )


def _check_not_cancelled(vote: Vote) -> None:
    if vote.is_cancelled:
        raise VoteError(
            _(
                "Ce vote a été annulé le %(on)s : il n'accepte plus d'émargement, "
                "de dépouillement, de bulletin ni de certification."
            )
            % {"on": formats.day(timezone.localdate(vote.cancelled_at))}
        )


def _check_in_progress(vote: Vote) -> None:
    """Neither cancelled nor certified: the checks every change of a vote starts with."""
    _check_not_cancelled(vote)
    _check_not_certified(vote)


def _lock_in_progress(vote: Vote, by: User) -> Vote:
    """The vote, locked, once `by` may organise it and it is neither cancelled nor certified."""
    vote = _lock(vote)
    _check_manager(vote, by)
    _check_in_progress(vote)
    return vote


def _check_has_online(vote: Vote) -> None:
    if not vote.has_online:
        raise VoteError(_("Ce vote n'a pas de canal en ligne."))


def _refusal(check, vote: Vote) -> str | None:
    try:
        check(vote)
    except VoteError as exc:
        return str(exc)
    return None


def _check_open(vote: Vote, on: datetime.date, *, for_channel: str) -> None:
    _check_in_progress(vote)
    if not vote.is_frozen:
        raise VoteError(_("Arrêtez d'abord la liste électorale."))
    if for_channel not in vote.channels:
        raise VoteError(
            _("Ce vote ne passe pas par ce canal (%(channel)s).")
            % {"channel": Channel(for_channel).label}
        )
    if on < vote.opens_on:
        raise VoteError(_("Le vote ouvre le %(on)s.") % {"on": formats.day(vote.opens_on)})
