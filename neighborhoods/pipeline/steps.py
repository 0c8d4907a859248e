"""The transitions of the pipeline: forward steps, the vote's outcome, stops, reopening and a
candidate's creation, each under the neighbourhood's row lock with one `StageChange` row."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Neighbourhood, StageChange, User
from .base import (
    FORWARD,
    REOPEN_TO,
    STOPS_FROM,
    Stage,
    TransitionError,
    _check_may,
    _d,
    _not_in_future,
    _today,
)
from .missing import missing_for


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


def create_candidate(*, by: User, on: datetime.date | None = None, **fields) -> Neighbourhood:
    """Create a neighbourhood as a candidate, with the first row of its history."""
    _check_may(by, _("Seule la coordination propose un quartier candidat."))
    with transaction.atomic():
        nbh = Neighbourhood.objects.create(stage=Stage.CANDIDATE, **fields)
        start_history(nbh, by=by, on=on)
        return nbh


def start_history(nbh: Neighbourhood, *, by: User, on: datetime.date | None = None) -> StageChange:
    """Write the first history row of a neighbourhood just created as a candidate (here or in
    the admin)."""
    _check_may(by, _("Seule la coordination propose un quartier candidat."))
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
