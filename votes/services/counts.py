"""The paper counts of the polling stations and postal batches, double-entered."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from neighborhoods.models import User

from ..models import Channel, CountEntry, PaperCount, Vote
from .base import VoteError, _check_in_progress, _check_manager, _lock
from .sign_in import normalise_station


@dataclass(frozen=True)
class Figures:
    yes: int
    no: int
    blank: int
    spoiled: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.blank + self.spoiled

    def as_tuple(self):
        return (self.yes, self.no, self.blank, self.spoiled)


def _check_count_open(vote: Vote, on: datetime.date) -> None:
    _check_in_progress(vote)
    if not vote.is_frozen:
        raise VoteError(_("Arrêtez d'abord la liste électorale."))
    if on < vote.closes_on:
        # Counting before the close would let partial results out while people still vote.
        raise VoteError(
            _("Le dépouillement commence à la clôture du vote, le %(on)s.")
            % {"on": formats.day(vote.closes_on)}
        )


def count_enter(
    *,
    vote: Vote,
    station: str,
    channel: str,
    figures: Figures,
    by: User,
    at: datetime.datetime | None = None,
) -> PaperCount:
    """First entry of a station's count, or its correction (which asks for a new confirmation)."""
    at = at or clock.now()
    station = normalise_station(station)
    if not station:
        raise VoteError(_("Indiquez le bureau de vote ou le lot."))
    if channel not in (Channel.PAPER, Channel.POSTAL):
        raise VoteError(_("Un dépouillement porte sur l'urne ou la correspondance."))
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_count_open(vote, timezone.localdate(at))
        if channel not in vote.channels:
            raise VoteError(
                _("Ce vote ne passe pas par ce canal (%(channel)s).")
                % {"channel": Channel(channel).label}
            )
        count = vote.paper_counts.filter(station=station).first()
        others = vote.paper_counts.exclude(pk=count.pk if count else None).ballots()
        if others + figures.total > vote.roll_size:
            raise VoteError(
                _(
                    "%(n)d bulletins en tout dépasseraient la liste électorale "
                    "(%(roll)d logements inscrits)."
                )
                % {"n": others + figures.total, "roll": vote.roll_size}
            )
        _check_count_within_sign_ins(vote, count, station, channel, figures)
        kind = CountEntry.Kind.ENTRY
        if count is None:
            count = PaperCount(vote=vote, station=station)
        else:
            if count.figures() == figures.as_tuple() and count.channel == channel:
                return count
            kind = CountEntry.Kind.CORRECTION
        count.channel = channel
        count.yes, count.no, count.blank, count.spoiled = figures.as_tuple()
        count.entered_by = by
        count.confirmed_by = None
        count.status = PaperCount.Status.PENDING
        count.save()
        CountEntry.objects.create(
            count=count, kind=kind, entered_by=by, entered_at=at, **_figures_dict(figures)
        )
        return count


def _check_count_within_sign_ins(
    vote: Vote, count: PaperCount | None, station: str, channel: str, figures: Figures
) -> None:
    """No more ballots in a station's box than dwellings signed in on its sheet.

    Sign-ins recorded without a station (before stations were asked for) cannot be told
    apart: their channel is then checked as a whole, all its stations together.
    """
    signed = vote.participations.filter(channel=channel)
    if signed.filter(station="").exists():
        in_channel = vote.paper_counts.filter(channel=channel).exclude(
            pk=count.pk if count else None
        )
        ballots = figures.total + in_channel.ballots()
        n_signed = signed.count()
        if ballots > n_signed:
            raise VoteError(
                _(
                    "%(channel)s : %(ballots)d bulletins dépouillés pour %(signed)d logements "
                    "émargés. Il ne peut y avoir plus de bulletins que d'émargements : "
                    "vérifiez le décompte et l'émargement."
                )
                % {"channel": Channel(channel).label, "ballots": ballots, "signed": n_signed}
            )
        return
    n_signed = signed.filter(station=station).count()
    if figures.total > n_signed:
        raise VoteError(
            _(
                "« %(station)s » (%(channel)s) : %(ballots)d bulletins pour %(signed)d "
                "logements émargés à ce bureau. Il ne peut y avoir plus de bulletins que "
                "d'émargements : vérifiez le décompte, ou le nom du bureau indiqué à "
                "l'émargement."
            )
            % {
                "station": station,
                "channel": Channel(channel).label.lower(),
                "ballots": figures.total,
                "signed": n_signed,
            }
        )


def count_confirm(
    *, count: PaperCount, figures: Figures, by: User, at: datetime.datetime | None = None
) -> PaperCount:
    """Second entry by another person: the same figures confirm the count, others do not.

    A mismatch is recorded (the count shows it) and nothing is confirmed.
    """
    at = at or clock.now()
    with transaction.atomic():
        vote = _lock(count.vote)
        _check_manager(vote, by)
        _check_count_open(vote, timezone.localdate(at))
        count = PaperCount.objects.select_for_update().get(pk=count.pk)
        if count.status == PaperCount.Status.CONFIRMED:
            return count
        if count.entered_by_id == by.pk:
            raise VoteError(
                _("La seconde saisie doit être faite par une autre personne que la première.")
            )
        matches = count.figures() == figures.as_tuple()
        CountEntry.objects.create(
            count=count,
            kind=CountEntry.Kind.CONFIRMATION,
            matches=matches,
            entered_by=by,
            entered_at=at,
            **_figures_dict(figures),
        )
        if matches:
            count.status = PaperCount.Status.CONFIRMED
            count.confirmed_by = by
        else:
            count.status = PaperCount.Status.MISMATCH
        count.save(update_fields=["status", "confirmed_by"])
        return count


def _figures_dict(figures: Figures) -> dict:
    return {
        "yes": figures.yes,
        "no": figures.no,
        "blank": figures.blank,
        "spoiled": figures.spoiled,
    }
