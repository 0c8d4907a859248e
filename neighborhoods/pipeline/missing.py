"""What is missing before a neighbourhood may take its next step, and what that step is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from brest_internet.common import formats

from ..models import Meeting, Neighbourhood
from .base import FORWARD, Stage, _today


def missing_for(nbh: Neighbourhood, to_stage: str, on: datetime.date | None = None) -> list[str]:
    """What is still missing before `nbh` may move forward to `to_stage` on `on` (empty: it may).

    The source's order: residents are informed only once the partners validated the project,
    and the vote opens only after the public meeting was held.
    """
    on = on or _today()
    missing = []
    if (
        to_stage == Stage.INFORMATION
        and not nbh.meetings.filter(
            kind=Meeting.Kind.PARTNERS, decision=Meeting.Decision.VALIDATED, held_on__lte=on
        ).exists()
    ):
        missing.append(_("une rencontre des partenaires qui valide le projet"))
    if (
        to_stage == Stage.VOTE
        and not nbh.meetings.filter(kind=Meeting.Kind.PUBLIC, held_on__lte=on).exists()
    ):
        missing.append(_("une réunion publique tenue"))
    if to_stage == Stage.LAUNCH:
        missing.append(_("un vote des locataires certifié et adopté"))
    return missing


@dataclass(frozen=True)
class NextStep:
    """What comes next for a neighbourhood, as shown on its page."""

    label: str
    to_stage: str | None  # the stage a coordinator's button leads to; None: not a button
    missing: list[str]


def next_step(nbh: Neighbourhood, on: datetime.date | None = None) -> NextStep | None:
    """The next step of `nbh` and what is missing to take it (None for a stopped one)."""
    step = FORWARD.get(nbh.stage)
    if step is not None:
        return NextStep(str(step.label), step.to_stage, missing_for(nbh, step.to_stage, on))
    if nbh.stage == Stage.VOTE:
        # Launch or rejection follow the certification of the count, in the votes app.
        return NextStep(
            _("Dépouiller et certifier le vote des locataires"),
            None,
            missing_for(nbh, Stage.LAUNCH, on),
        )
    if nbh.stage == Stage.RUNNING:
        due = nbh.review_due_on()  # the one rule of "review due" (Neighbourhood's)
        if due and due <= (on or _today()):
            return NextStep(
                _("Bilan à faire (attendu depuis le %(date)s)") % {"date": formats.day(due)},
                None,
                [_("une réunion de bilan")],
            )
        return NextStep(_("Faire le bilan du service"), None, [])
    return None
