"""The sign-in list ("émargement") of the ballot box and of the postal vote."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from brest_internet.common import clock
from neighborhoods.models import User

from ..models import Channel, Participation, Vote
from .base import VoteError, _check_manager, _check_open, _lock


class SignInError(VoteError):
    """A sign-in batch refused because of some of its references (`references`): not on the
    roll (`kind` "unknown") or already signed in (`kind` "already"), so the page can point at
    the lines that carry them."""

    def __init__(self, message, *, kind: str, references):
        super().__init__(message)
        self.kind = kind
        self.references = list(references)


def normalise_station(station: str) -> str:
    """A station's name as kept: spaces trimmed and single, so that the name typed on the
    sign-in and the one typed on the count match."""
    return " ".join((station or "").split())


def participations_record(
    *,
    vote: Vote,
    references: list[str],
    channel: str,
    station: str,
    by: User,
    on: datetime.date | None = None,
) -> int:
    """Sign in the dwellings of `references` as having voted by `channel` (paper or postal) at
    `station` (the polling station, or the postal batch, whose sheet they signed).

    All or nothing: an unknown reference, a dwelling not on the roll or one that already voted
    (by any channel) refuses the whole batch. Returns how many were signed in.
    """
    on = on or clock.today()
    references = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    station = normalise_station(station)
    if not references:
        raise VoteError(_("Indiquez au moins une référence de logement."))
    if channel not in (Channel.PAPER, Channel.POSTAL):
        raise VoteError(_("Le vote en ligne est émargé par le code, pas à la main."))
    if not station:
        raise VoteError(_("Indiquez le bureau de vote ou le lot où ces logements ont émargé."))
    try:
        with transaction.atomic():
            vote = _lock(vote)
            _check_manager(vote, by)
            _check_open(vote, on, for_channel=channel)
            entries = dict(
                vote.roll_entries.filter(reference__in=references).values_list(
                    "reference", "dwelling_id"
                )
            )
            unknown = [r for r in references if r not in entries]
            if unknown:
                raise SignInError(
                    _("Pas sur la liste électorale : %(refs)s.") % {"refs": ", ".join(unknown)},
                    kind="unknown",
                    references=unknown,
                )
            already = list(
                Participation.objects.filter(vote=vote, dwelling_id__in=entries.values())
                .order_by("dwelling__reference")
                .values_list("dwelling__reference", flat=True)
            )
            if already:
                raise SignInError(
                    _("Ont déjà voté : %(refs)s.") % {"refs": ", ".join(already)},
                    kind="already",
                    references=already,
                )
            Participation.objects.bulk_create(
                Participation(
                    vote=vote,
                    dwelling_id=d,
                    channel=channel,
                    station=station,
                    recorded_on=on,
                    recorded_by=by,
                )
                for d in entries.values()
            )
    except IntegrityError as exc:
        # Someone signed one of them in between: the unique constraint refused the batch.
        raise VoteError(_("Un de ces logements a déjà voté.")) from exc
    return len(entries)
