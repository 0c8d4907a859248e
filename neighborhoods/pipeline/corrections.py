"""Corrections of dates: a stage or a meeting recorded with the wrong date, corrected with its
reason kept (`DateCorrection`), and the meetings that must keep justifying a stage."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import DateCorrection, Meeting, Neighbourhood, StageChange, User
from .base import Stage, TransitionError, _check_may, _d, _not_in_future, _today
from .missing import missing_for

# Stages whose date a coordinator may not correct here: the launch into service and its end
# date the monthly charges (already billed, perhaps exported), and the outcome of a vote is
# dated by the vote's certification.
FIXED_DATE = {
    Stage.RUNNING: gettext_lazy(
        "La date de mise en service fait les charges mensuelles : elle ne se corrige pas ici."
    ),
    Stage.ENDED: gettext_lazy(
        "La date d'arrêt du service fait les charges mensuelles : elle ne se corrige pas ici."
    ),
}
VOTE_OUTCOMES = (Stage.LAUNCH, Stage.REJECTED)

# A stage that the pipeline grants on the strength of a meeting held on or before its date.
JUSTIFIED_BY = {
    Stage.INFORMATION: (Meeting.Kind.PARTNERS, Meeting.Decision.VALIDATED),
    Stage.VOTE: (Meeting.Kind.PUBLIC, None),
}


def _justifies(kind, decision, held_on, stage: str, on: datetime.date) -> bool:
    need_kind, need_decision = JUSTIFIED_BY[stage]
    return (
        kind == need_kind
        and (need_decision is None or decision == need_decision)
        and held_on is not None
        and held_on <= on
    )


def _justified_stages(nbh_id: int) -> list[StageChange]:
    """The forward steps of the pipeline that required a meeting (information, vote)."""
    return list(
        StageChange.objects.filter(
            neighbourhood_id=nbh_id,
            from_stage__in=[Stage.PARTNERS, Stage.INFORMATION],
            to_stage__in=list(JUSTIFIED_BY),
        ).order_by("recorded_at", "id")
    )


def meeting_problem(meeting: Meeting) -> str | None:
    """Why `meeting`, with its values as they are about to be saved, is refused (None: it may).

    A decision is taken at the meeting, not before it; a review follows the launch; and a
    meeting that justified a stage (the partners' validation before informing the residents,
    the public meeting before the vote) must still do so: neither moved after that stage's date
    nor stripped of its kind or decision, unless another meeting justifies the stage as well.
    """
    if meeting.decision in (Meeting.Decision.VALIDATED, Meeting.Decision.DECLINED) and (
        meeting.held_on > _today()
    ):
        return _(
            "Une rencontre à venir (le %(on)s) ne porte pas encore de décision : enregistrez-la "
            "une fois tenue."
        ) % {"on": _d(meeting.held_on)}
    nbh = meeting.neighbourhood
    if (
        meeting.kind == Meeting.Kind.REVIEW
        and nbh.launched_on is not None
        and meeting.held_on < nbh.launched_on
    ):
        return _("Un bilan ne peut précéder la mise en service (le %(on)s).") % {
            "on": _d(nbh.launched_on)
        }
    stages = _justified_stages(meeting.neighbourhood_id)
    if not stages:
        return None
    others = list(
        Meeting.objects.filter(neighbourhood_id=meeting.neighbourhood_id)
        .exclude(pk=meeting.pk)
        .values_list("kind", "decision", "held_on")
    )
    before = None
    if meeting.pk is not None:
        before = (
            Meeting.objects.filter(pk=meeting.pk).values_list("kind", "decision", "held_on").first()
        )
    after = (meeting.kind, meeting.decision, meeting.held_on)
    for change in stages:
        stage, on = change.to_stage, change.happened_on
        by_others = any(_justifies(*m, stage, on) for m in others)
        if by_others or before is None or not _justifies(*before, stage, on):
            continue  # this meeting was not what justified the stage
        if not _justifies(*after, stage, on):
            return _(
                "Cette réunion justifie l'étape « %(stage)s » du %(on)s : elle doit rester "
                "%(what)s tenue au plus tard ce jour-là. Corrigez d'abord la date de l'étape."
            ) % {
                "stage": Stage(stage).label,
                "on": _d(on),
                "what": (
                    _("une rencontre des partenaires qui valide le projet")
                    if stage == Stage.INFORMATION
                    else _("une réunion publique")
                ),
            }
    return None


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise TransitionError(_("Une correction de date doit être motivée."))
    return reason


def stage_date_correction_refusal(change: StageChange) -> str | None:
    """Why the date of `change` cannot be corrected at all (None: it can)."""
    if change.to_stage in FIXED_DATE:
        return str(FIXED_DATE[change.to_stage])
    if change.from_stage == Stage.VOTE and change.to_stage in VOTE_OUTCOMES:
        return _("Cette étape est datée par la certification du vote : elle ne se corrige pas ici.")
    return None


def stage_date_correct(
    *, stage_change: StageChange, on: datetime.date, reason: str, by: User
) -> bool:
    """Correct the date of a step of the pipeline recorded wrongly, with the reason kept in the
    neighbourhood's history (a `DateCorrection` row: the date before and after).

    Refused: a date in the future; a date before the previous step's or after the next one's;
    a step that needed a meeting (information, vote) dated before that meeting was held.
    Returns whether anything changed (the same date again is a no-op).
    """
    reason = _reason(reason)
    _check_may(by, _("Seule la coordination corrige les dates du processus."))
    _not_in_future(on)
    with transaction.atomic():
        # The neighbourhood's row serialises every change of its pipeline (see _lock).
        nbh = Neighbourhood.objects.select_for_update().get(pk=stage_change.neighbourhood_id)
        change = StageChange.objects.get(pk=stage_change.pk)
        if change.happened_on == on:
            return False
        refusal = stage_date_correction_refusal(change)
        if refusal:
            raise TransitionError(refusal)
        history = list(nbh.stage_changes.order_by("recorded_at", "id"))
        index = next(i for i, c in enumerate(history) if c.pk == change.pk)
        previous = history[index - 1] if index > 0 else None
        following = history[index + 1] if index + 1 < len(history) else None
        if previous is not None and on < previous.happened_on:
            raise TransitionError(
                _("La date (%(on)s) précède l'étape précédente, « %(stage)s » du %(day)s.")
                % {
                    "on": _d(on),
                    "stage": previous.get_to_stage_display(),
                    "day": _d(previous.happened_on),
                }
            )
        if following is not None and on > following.happened_on:
            raise TransitionError(
                _("La date (%(on)s) suit l'étape suivante, « %(stage)s » du %(day)s.")
                % {
                    "on": _d(on),
                    "stage": following.get_to_stage_display(),
                    "day": _d(following.happened_on),
                }
            )
        if change.to_stage in JUSTIFIED_BY and change.from_stage in (
            Stage.PARTNERS,
            Stage.INFORMATION,
        ):
            missing = missing_for(nbh, change.to_stage, on)
            if missing:
                raise TransitionError(
                    _("À cette date (%(on)s), il manquait : %(missing)s.")
                    % {"on": _d(on), "missing": ", ".join(missing)}
                )
        DateCorrection.objects.create(
            neighbourhood=nbh,
            stage_change=change,
            old_date=change.happened_on,
            new_date=on,
            reason=reason,
            recorded_by=by,
        )
        # The one write a StageChange ever gets after its creation: its date, with the date it
        # had and why kept in the DateCorrection row above.
        StageChange.objects.filter(pk=change.pk).update(happened_on=on)
        return True


def meeting_date_correction_refusal(meeting: Meeting) -> str | None:
    """Why the date of `meeting` cannot be corrected (None: it can): what was recorded at a
    launch half-day (visits, sign-ups, orders) is dated by it."""
    if meeting.kind == Meeting.Kind.LAUNCH and any(
        getattr(meeting, name).exists()
        for name in ("half_day_visits", "workshop_registrations", "computer_orders")
        if hasattr(meeting, name)
    ):
        return _(
            "Des passages, inscriptions ou commandes sont enregistrés à cette demi-journée et "
            "portent sa date : elle ne se corrige plus."
        )
    return None


def meeting_date_correct(*, meeting: Meeting, on: datetime.date, reason: str, by: User) -> bool:
    """Correct the date of a meeting, with the reason kept in the neighbourhood's history.

    Refused when the meeting would no longer justify a stage recorded on its strength (see
    `meeting_problem`) or when a launch half-day has records dated by it. Returns whether
    anything changed (the same date again is a no-op).
    """
    reason = _reason(reason)
    _check_may(by, _("Seule la coordination corrige les dates du processus."))
    if on.year < 2000 or on.year > 2100:
        raise TransitionError(_("Indiquez une date entre 2000 et 2100."))
    with transaction.atomic():
        Neighbourhood.objects.select_for_update().get(pk=meeting.neighbourhood_id)
        locked = Meeting.objects.select_related("neighbourhood").get(pk=meeting.pk)
        if locked.held_on == on:
            return False
        refusal = meeting_date_correction_refusal(locked)
        if refusal:
            raise TransitionError(refusal)
        old = locked.held_on
        locked.held_on = on
        problem = meeting_problem(locked)
        if problem:
            raise TransitionError(problem)
        DateCorrection.objects.create(
            neighbourhood_id=locked.neighbourhood_id,
            meeting=locked,
            old_date=old,
            new_date=on,
            reason=reason,
            recorded_by=by,
        )
        locked._history_user = by
        locked._change_reason = reason[:100]
        locked.save(update_fields=["held_on"])
        return True
