"""Sign-ins against ballots, and the certification of the result by the coordination."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from brest_internet.common import clock, formats
from neighborhoods import pipeline
from neighborhoods.models import User

from .. import rules
from ..models import Channel, Vote
from .base import VoteError, _check_not_cancelled, _lock, _refusal


@dataclass(frozen=True)
class Tally:
    """Dwellings signed in and ballots counted at one station (or for a whole channel)."""

    channel: str
    station: str  # "": the whole channel (online, or sign-ins recorded without a station)
    signed: int
    counted: int | None  # None: no count entered for it

    @property
    def agrees(self) -> bool:
        return self.signed == (self.counted or 0)

    @property
    def place(self) -> str:
        label = Channel(self.channel).label
        if self.channel == Channel.ONLINE or (not self.station and self.counted is None):
            return label
        if not self.station:
            return _("%(channel)s, tous bureaux ou lots") % {"channel": label}
        return _("%(station)s (%(channel)s)") % {
            "station": self.station,
            "channel": label.lower(),
        }


def tallies(vote: Vote) -> list[Tally]:
    """Sign-ins against ballots, per station of the ballot box and of the postal vote, and for
    the online box; three queries whatever the number of stations.

    A channel with sign-ins recorded without a station is compared as a whole.
    """
    signed = vote.participations.signed_per_station()
    counted = vote.paper_counts.ballots_per_station()
    rows = []
    for channel in Channel:
        if channel not in vote.channels:
            continue
        if channel == Channel.ONLINE:
            n_online = sum(vote.online_counts().values())
            rows.append(Tally(channel, "", signed.get((channel, ""), 0), n_online))
            continue
        stations = sorted({st for ch, st in [*signed, *counted] if ch == channel})
        if not stations:
            rows.append(Tally(channel, "", 0, None))  # nothing yet: the channel, said once
            continue
        if "" in stations:
            in_channel = [n for (ch, _st), n in counted.items() if ch == channel]
            rows.append(
                Tally(
                    channel,
                    "",
                    sum(n for (ch, _st), n in signed.items() if ch == channel),
                    sum(in_channel) if in_channel else None,
                )
            )
            continue
        rows.extend(
            Tally(channel, st, signed.get((channel, st), 0), counted.get((channel, st)))
            for st in stations
        )
    return rows


# --- Certification ----------------------------------------------------------------------------


def certification_problems(vote: Vote, on: datetime.date | None = None) -> list[str]:
    """What stops the certification of `vote` (empty: it may be certified)."""
    on = on or clock.today()
    problems = []
    if vote.is_cancelled:
        problems.append(_("le vote est annulé"))
        return problems
    if not vote.is_frozen:
        problems.append(_("la liste électorale n'est pas arrêtée"))
        return problems
    if not vote.is_closed(on):
        problems.append(
            _("le vote n'est pas clos (clôture le %(on)s au soir)")
            % {"on": formats.day(vote.closes_on)}
        )
    pending = vote.paper_counts.unconfirmed().count()
    if pending:
        problems.append(
            ngettext(
                "%(n)d dépouillement sans seconde saisie concordante",
                "%(n)d dépouillements sans seconde saisie concordante",
                pending,
            )
            % {"n": pending}
        )
    for tally in tallies(vote):
        if tally.agrees:
            continue
        if tally.counted is None:
            problems.append(
                _("%(place)s : %(signed)d émargements, aucun dépouillement saisi")
                % {"place": tally.place, "signed": tally.signed}
            )
        else:
            problems.append(
                _("%(place)s : %(ballots)d bulletins pour %(signed)d émargements")
                % {"place": tally.place, "ballots": tally.counted, "signed": tally.signed}
            )
    return problems


def _check_certifiable(vote: Vote) -> None:
    _check_not_cancelled(vote)
    if vote.is_certified:
        raise VoteError(
            _("Ce vote a déjà été certifié le %(on)s : rien n'a changé.")
            % {"on": formats.day(vote.certified_on)}
        )


def vote_certify_refusal(vote: Vote) -> str | None:
    """Why `vote` can never be certified (cancelled, or certified already); None otherwise."""
    return _refusal(_check_certifiable, vote)


def _names(users) -> str:
    return ", ".join(u.get_full_name() or u.username for u in users)


def certify_refusal_for_landlord(vote: Vote) -> str:
    """Why landlord staff cannot certify `vote`, and who can: the landlord organises the vote,
    the programme's coordination checks and certifies its result."""
    if vote.is_certified:
        who = vote.certified_by.get_full_name() or vote.certified_by.username
        return _(
            "Ce vote a été certifié le %(on)s par %(who)s, de la coordination du programme."
        ) % {"on": formats.day(vote.certified_on), "who": who}
    reason = _(
        "Le bailleur organise le vote ; son résultat est vérifié et certifié par la "
        "coordination du programme, qui n'est pas partie au vote. Vous voyez le résultat "
        "provisoire sur la page du vote."
    )
    people = rules.certifiers()
    if people:
        who = ngettext(
            "Peut certifier : %(names)s.", "Peuvent certifier : %(names)s.", len(people)
        ) % {"names": _names(people)}
        return f"{reason} {who}"
    return reason


def certified_figures(figures: dict) -> tuple[int, int, int, int, int]:
    """Voters, yes, no, blank, spoiled: what a certification writes, from `live_figures()`."""
    return tuple(figures[k] for k in ("voters", "yes", "no", "blank", "spoiled"))


def vote_certify(
    *,
    vote: Vote,
    by: User,
    on: datetime.date | None = None,
    expected: tuple[int, int, int, int, int] | None = None,
) -> Vote:
    """Certify the result (coordinators), close the vote and move the neighbourhood's pipeline.

    With `expected` (the figures the person confirming was shown), a count corrected or a
    ballot cast since then refuses the certification: what is certified is what was read.
    Certifying twice is refused with a clear message; nothing changes.
    """
    on = on or clock.today()
    if not rules.can_certify(by, vote):
        raise VoteError(_("Seule la coordination certifie un vote."))
    with transaction.atomic():
        vote = _lock(vote)
        _check_certifiable(vote)
        problems = certification_problems(vote, on)
        if problems:
            raise VoteError(
                _("Certification impossible : %(problems)s.") % {"problems": " ; ".join(problems)}
            )
        figures = vote.live_figures()
        if expected is not None and tuple(expected) != certified_figures(figures):
            raise VoteError(
                _(
                    "Les chiffres ont changé depuis l'affichage de la confirmation : rien n'est "
                    "certifié. Vérifiez le résultat à jour avant de confirmer."
                )
            )
        vote.voters = figures["voters"]
        vote.yes_count = figures["yes"]
        vote.no_count = figures["no"]
        vote.blank_count = figures["blank"]
        vote.spoiled_count = figures["spoiled"]
        vote.status = Vote.Status.CERTIFIED
        vote.certified_name = vote.neighbourhood.name
        vote.certified_on = on
        vote.certified_at = timezone.now()
        vote.certified_by = by
        vote.save(
            update_fields=[
                "voters",
                "yes_count",
                "no_count",
                "blank_count",
                "spoiled_count",
                "status",
                "certified_name",
                "certified_on",
                "certified_at",
                "certified_by",
            ]
        )
        try:
            pipeline.record_vote_outcome(vote.neighbourhood, vote=vote, by=by, on=on)
        except pipeline.TransitionError as exc:
            raise VoteError(str(exc)) from exc
        return vote
