"""The pipeline of one neighbourhood: the only code that writes `Neighbourhood.stage`.

candidate → partners → information → vote → launch → running, with the stops
(declined by partners, rejected by the vote, abandoned, service ended) and a reopening.
Each transition checks the current stage under a row lock (two coordinators may click at the
same moment), checks its preconditions, writes the new stage and one `StageChange` row, in one
transaction. A transition to the stage the neighbourhood is already in is a no-op.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brest_internet.common import clock, formats
from brest_internet.common.errors import Refusal

from . import rules
from .models import DateCorrection, Meeting, Neighbourhood, StageChange, User

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


def _lock(
    neighbourhood: Neighbourhood, expected_stage: str | None, to_stage: str | None = None
) -> Neighbourhood:
    """Reload the neighbourhood under a row lock and check nobody moved it meanwhile.

    A neighbourhood already at `to_stage` is returned as is: when two coordinators click the
    same button, the second click is a no-op rather than an error.
    """
    locked = Neighbourhood.objects.select_for_update().get(pk=neighbourhood.pk)
    if to_stage is not None and locked.stage == to_stage:
        return locked
    if expected_stage is not None and locked.stage != expected_stage:
        raise TransitionError(
            _(
                "Le quartier %(name)s est passé à l'étape « %(stage)s » entre-temps : "
                "rechargez la page avant de recommencer."
            )
            % {"name": locked.name, "stage": locked.get_stage_display()}
        )
    return locked


def _record(
    nbh: Neighbourhood,
    *,
    to_stage: str,
    by: User,
    on: datetime.date,
    note: str,
    fields: tuple[str, ...] = (),
) -> StageChange:
    from_stage = nbh.stage
    nbh.stage = to_stage
    nbh.save(update_fields=["stage", *fields])
    return StageChange.objects.create(
        neighbourhood=nbh,
        from_stage=from_stage,
        to_stage=to_stage,
        happened_on=on,
        recorded_by=by,
        note=note,
    )


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


def _check_date(on: datetime.date, nbh: Neighbourhood) -> None:
    """Refuse a step dated in the future, or before the last step already recorded: history
    reads in order."""
    _not_in_future(on)
    last = nbh.stage_changes.order_by("-happened_on").values_list("happened_on", flat=True).first()
    if last and on < last:
        raise TransitionError(
            _("La date (%(on)s) précède la dernière étape du quartier (%(last)s).")
            % {"on": _d(on), "last": _d(last)}
        )


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


def advance(
    neighbourhood: Neighbourhood,
    *,
    to_stage: str,
    by: User,
    on: datetime.date | None = None,
    note: str = "",
    expected_stage: str | None = None,
) -> Neighbourhood:
    """Take one forward step of the pipeline (see FORWARD); refuse it when a precondition fails."""
    _check_may(by, _("Seule la coordination fait avancer le processus."))
    on = on or _today()
    with transaction.atomic():
        nbh = _lock(neighbourhood, expected_stage, to_stage)
        if nbh.stage == to_stage:
            return nbh
        step = FORWARD.get(nbh.stage)
        if step is None or step.to_stage != to_stage:
            raise TransitionError(
                _("Impossible de passer de « %(from)s » à « %(to)s ».")
                % {"from": nbh.get_stage_display(), "to": Stage(to_stage).label}
            )
        _check_date(on, nbh)
        missing = missing_for(nbh, to_stage, on)
        if missing:
            raise TransitionError(_("Il manque : %(missing)s.") % {"missing": ", ".join(missing)})
        fields: tuple[str, ...] = ()
        if to_stage == Stage.RUNNING:
            if on > _today():
                raise TransitionError(_("Le service ne peut pas démarrer à une date future."))
            nbh.launched_on = on
            nbh.service_ended_on = None
            fields = ("launched_on", "service_ended_on")
        _record(nbh, to_stage=to_stage, by=by, on=on, note=note, fields=fields)
        return nbh


def record_vote_outcome(
    neighbourhood: Neighbourhood,
    *,
    vote,
    by: User,
    on: datetime.date | None = None,
) -> Neighbourhood:
    """Move the pipeline after a certified vote: adopted → launch, rejected → stop.

    Called by the votes app when the coordinator certifies a count; `vote` must be certified
    (`vote.is_certified`) and say whether it was adopted (`vote.adopted`).
    """
    if not getattr(vote, "is_certified", False):
        raise TransitionError(_("Le vote n'est pas certifié."))
    if getattr(vote, "neighbourhood_id", neighbourhood.pk) != neighbourhood.pk:
        raise TransitionError(_("Ce vote concerne un autre quartier."))
    on = on or _today()
    to_stage = Stage.LAUNCH if vote.adopted else Stage.REJECTED
    with transaction.atomic():
        nbh = _lock(neighbourhood, None)
        if nbh.stage == to_stage:
            return nbh
        if nbh.stage != Stage.VOTE:
            raise TransitionError(
                _("Le quartier n'est pas à l'étape du vote (étape actuelle : %(stage)s).")
                % {"stage": nbh.get_stage_display()}
            )
        _check_date(on, nbh)
        note = str(vote)
        _record(nbh, to_stage=to_stage, by=by, on=on, note=note)
        return nbh


def stop(
    neighbourhood: Neighbourhood,
    *,
    to_stage: str,
    by: User,
    reason: str,
    on: datetime.date | None = None,
    expected_stage: str | None = None,
) -> Neighbourhood:
    """Stop the pipeline (declined, abandoned, service ended); a stop needs a reason.

    Rejection by the vote goes through `record_vote_outcome`, with the vote as its reason.
    """
    _check_may(by, _("Seule la coordination arrête le processus d'un quartier."))
    on = on or _today()
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Un arrêt doit être motivé."))
    if to_stage not in STOPS_FROM or to_stage == Stage.REJECTED:
        raise TransitionError(_("Cet arrêt n'existe pas."))
    with transaction.atomic():
        nbh = _lock(neighbourhood, expected_stage, to_stage)
        if nbh.stage == to_stage:
            return nbh
        if nbh.stage not in STOPS_FROM[to_stage]:
            raise TransitionError(
                _("Impossible de passer de « %(from)s » à « %(to)s ».")
                % {"from": nbh.get_stage_display(), "to": Stage(to_stage).label}
            )
        _check_date(on, nbh)
        fields: tuple[str, ...] = ()
        if to_stage == Stage.ENDED:
            if nbh.launched_on is None or on <= nbh.launched_on:
                raise TransitionError(_("Le service ne peut s'arrêter qu'après son lancement."))
            nbh.service_ended_on = on
            fields = ("service_ended_on",)
        _record(nbh, to_stage=to_stage, by=by, on=on, note=reason, fields=fields)
        return nbh


def reopen(
    neighbourhood: Neighbourhood,
    *,
    by: User,
    reason: str,
    on: datetime.date | None = None,
    expected_stage: str | None = None,
) -> Neighbourhood:
    """Reopen a stopped neighbourhood (coordinators only), with a reason.

    It goes back to the stage it stopped from (an abandoned one), or to the step that restarts
    it: partner meeting after a refusal, information after a rejected vote, launch after an end.
    """
    on = on or _today()
    reason = (reason or "").strip()
    _check_may(by, _("Seule la coordination peut rouvrir un quartier."))
    if not reason:
        raise TransitionError(_("Une réouverture doit être motivée."))
    with transaction.atomic():
        nbh = _lock(neighbourhood, expected_stage)
        if not nbh.is_stopped:
            raise TransitionError(_("Ce quartier n'est pas arrêté."))
        _check_date(on, nbh)
        if nbh.stage == Stage.ABANDONED:
            to_stage = (
                nbh.stage_changes.filter(to_stage=Stage.ABANDONED)
                .order_by("-recorded_at", "-id")
                .values_list("from_stage", flat=True)
                .first()
            ) or Stage.CANDIDATE
        else:
            to_stage = REOPEN_TO[nbh.stage]
        _record(nbh, to_stage=to_stage, by=by, on=on, note=reason)
        return nbh


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


def create_candidate(*, by: User, on: datetime.date | None = None, **fields) -> Neighbourhood:
    """Create a neighbourhood as a candidate, with the first row of its history."""
    _check_may(by, _("Seule la coordination propose un quartier candidat."))
    with transaction.atomic():
        nbh = Neighbourhood.objects.create(stage=Stage.CANDIDATE, **fields)
        start_history(nbh, by=by, on=on)
        return nbh


def start_history(nbh: Neighbourhood, *, by: User, on: datetime.date | None = None) -> StageChange:
    """Write the first history row of a neighbourhood just created as a candidate."""
    if on is not None:
        _not_in_future(on)
    return StageChange.objects.create(
        neighbourhood=nbh,
        from_stage="",
        to_stage=Stage.CANDIDATE,
        happened_on=on or _today(),
        recorded_by=by,
        note=_("Quartier candidat"),
    )


# --- Corrections of dates -----------------------------------------------------------------------

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
