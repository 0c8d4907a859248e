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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Meeting, Neighbourhood, StageChange, User

Stage = Neighbourhood.Stage


class TransitionError(Exception):
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
    return timezone.localdate()


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
    by: User | None,
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


def _check_date(on: datetime.date, nbh: Neighbourhood) -> None:
    """Refuse a step dated before the last step already recorded: history reads in order."""
    last = nbh.stage_changes.order_by("-happened_on").values_list("happened_on", flat=True).first()
    if last and on < last:
        raise TransitionError(
            _("La date (%(on)s) précède la dernière étape du quartier (%(last)s).")
            % {"on": on.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")}
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
    by: User | None,
    on: datetime.date | None = None,
    note: str = "",
    expected_stage: str | None = None,
) -> Neighbourhood:
    """Take one forward step of the pipeline (see FORWARD); refuse it when a precondition fails."""
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
    by: User | None,
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
    by: User | None,
    reason: str,
    on: datetime.date | None = None,
    expected_stage: str | None = None,
) -> Neighbourhood:
    """Stop the pipeline (declined, abandoned, service ended); a stop needs a reason.

    Rejection by the vote goes through `record_vote_outcome`, with the vote as its reason.
    """
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
    if not by.is_coordinator:
        raise TransitionError(_("Seule la coordination peut rouvrir un quartier."))
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
        due = review_due_on(nbh)
        if due and due <= (on or _today()):
            return NextStep(
                _("Bilan à faire (attendu depuis le %(date)s)")
                % {"date": due.strftime("%d/%m/%Y")},
                None,
                [_("une réunion de bilan")],
            )
        return NextStep(_("Faire le bilan du service"), None, [])
    return None


def review_due_on(nbh: Neighbourhood) -> datetime.date | None:
    """When the next review of a running service is due: REVIEW_DUE_MONTHS after the last
    review (or after the launch when none was held yet)."""
    from django.conf import settings
    from django.db.models import Max

    last = nbh.meetings.filter(kind=Meeting.Kind.REVIEW).aggregate(last=Max("held_on"))["last"]
    start = last or nbh.launched_on
    if start is None:
        return None
    months = start.month - 1 + settings.REVIEW_DUE_MONTHS
    year, month = start.year + months // 12, months % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, 28))


def create_candidate(
    *, by: User | None, on: datetime.date | None = None, **fields
) -> Neighbourhood:
    """Create a neighbourhood as a candidate, with the first row of its history."""
    with transaction.atomic():
        nbh = Neighbourhood.objects.create(stage=Stage.CANDIDATE, **fields)
        start_history(nbh, by=by, on=on)
        return nbh


def start_history(
    nbh: Neighbourhood, *, by: User | None, on: datetime.date | None = None
) -> StageChange:
    """Write the first history row of a neighbourhood just created as a candidate."""
    return StageChange.objects.create(
        neighbourhood=nbh,
        from_stage="",
        to_stage=Stage.CANDIDATE,
        happened_on=on or _today(),
        recorded_by=by,
        note=_("Quartier candidat"),
    )
