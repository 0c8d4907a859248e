"""The map of the pipeline (its steps, stops and reopenings), its refusal and the checks
every transition and correction shares."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brest_internet.common import clock, formats
from brest_internet.common.errors import Refusal

from .. import rules
from ..models import Neighbourhood, User

Stage = Neighbourhood.Stage


class TransitionError(Refusal):
    """A transition refused, with a message for the person who asked (already translated)."""


@dataclass(frozen=True)
class Step:
    """One forward step of the pipeline, as offered to coordinators."""

    to_stage: str
    label: str


# Forward steps a coordinator takes by hand. Launch and rejection come from the vote's
# certification (votes.services.vote_certify), never from a button: no launch without a
# certified adopted vote.
FORWARD = {
    Stage.CANDIDATE: Step(Stage.PARTNERS, gettext_lazy("Proposer aux partenaires")),
    Stage.PARTNERS: Step(Stage.INFORMATION, gettext_lazy("Informer les habitants")),
    Stage.INFORMATION: Step(Stage.VOTE, gettext_lazy("Ouvrir le vote des locataires")),
    Stage.LAUNCH: Step(Stage.RUNNING, gettext_lazy("Mettre le service en route")),
}

# Which stop may be reached from which stage.
STOPS_FROM = {
    Stage.DECLINED: {Stage.PARTNERS},
    Stage.REJECTED: {Stage.VOTE},
    Stage.ABANDONED: {
        Stage.CANDIDATE,
        Stage.PARTNERS,
        Stage.INFORMATION,
        Stage.VOTE,
        Stage.LAUNCH,
    },
    Stage.ENDED: {Stage.RUNNING},
}

# Where a reopened neighbourhood goes back to.
REOPEN_TO = {
    Stage.DECLINED: Stage.PARTNERS,
    Stage.REJECTED: Stage.INFORMATION,  # a new vote needs a new information of the residents
    Stage.ENDED: Stage.LAUNCH,
}


def _today():
    return clock.today()


def _check_may(by: User, refusal) -> None:
    """Refuse `by` unless the rule lets it move the pipeline (the coordination, the system)."""
    if not rules.can_manage_pipeline(by):
        raise TransitionError(refusal)


_d = formats.day


def _not_in_future(on: datetime.date) -> None:
    """Refuse a step dated after today: a step is recorded once it happened. A step in the
    future would also refuse every later step dated today (history reads in order), the
    vote's certification included."""
    if on > _today():
        raise TransitionError(
            _(
                "La date (%(on)s) est dans le futur : une étape s'enregistre le jour où elle "
                "a eu lieu, pas avant."
            )
            % {"on": _d(on)}
        )
