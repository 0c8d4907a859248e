"""Drafting a vote and freezing its electoral roll."""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from brest_internet.common import clock, formats
from brest_internet.common import sql as sql_names
from neighborhoods.models import Dwelling, Occupancy, User

from ..models import RollEntry, Vote
from .base import (
    VoteError,
    _check_in_progress,
    _check_manager,
    _check_not_cancelled,
    _lock,
    _refusal,
)

ROLL_COLUMNS = ("vote", "dwelling", "reference", "address")


def _check_editable(vote: Vote) -> None:
    _check_in_progress(vote)
    if not vote.is_draft:
        raise VoteError(
            _(
                "La liste électorale est arrêtée : le vote ne peut plus être modifié. "
                "Annulez-le s'il faut l'organiser autrement."
            )
        )


def vote_edit_refusal(vote: Vote) -> str | None:
    """Why `vote` may not be edited any more (None: it may, being a draft)."""
    return _refusal(_check_editable, vote)


def vote_create(*, by: User, at: datetime.datetime | None = None, **fields) -> Vote:
    """A new vote, in draft, of a neighbourhood `by` organises votes for: its neighbourhood and
    the fields of `Vote.DRAFT_FIELDS`. Refused while the neighbourhood has a vote in progress."""
    unknown = set(fields) - {"neighbourhood", *Vote.DRAFT_FIELDS}
    if unknown:
        raise TypeError(f"vote_create() got unexpected fields: {sorted(unknown)}")
    vote = Vote(created_by=by, created_at=at or timezone.now(), **fields)
    _check_manager(vote, by)
    vote._history_user = by
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as exc:
        # Another vote of this neighbourhood was created meanwhile.
        raise VoteError(_("Ce quartier a déjà un vote en cours."), field="neighbourhood") from exc
    return vote


def vote_update(*, vote: Vote, by: User, changes: dict) -> Vote:
    """Change the dates, method, minimum turnout or question of a vote still in draft.

    Once the roll is frozen these are what the roll and the ballots were made for: refused.
    Only the fields of `Vote.DRAFT_FIELDS` are taken from `changes`; the same values change
    nothing (no history row).
    """
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_editable(vote)
        changed = [
            name
            for name in Vote.DRAFT_FIELDS
            if name in changes and getattr(vote, name) != changes[name]
        ]
        if not changed:
            return vote
        for name in changed:
            setattr(vote, name, changes[name])
        try:
            vote.validate_constraints()
        except ValidationError as exc:
            raise VoteError(" ".join(exc.messages)) from exc
        vote._history_user = by
        vote.save(update_fields=changed)
        return vote


# --- Electoral roll ------------------------------------------------------------------------


def roll_fingerprint(references) -> str:
    """sha256 of the sorted dwelling references, one per line: anyone can recompute it."""
    digest = hashlib.sha256()
    for i, reference in enumerate(sorted(references)):
        digest.update((("\n" if i else "") + reference).encode())
    return digest.hexdigest()


def roll_freeze(*, vote: Vote, by: User, at: datetime.datetime | None = None) -> Vote:
    """Write the electoral roll (dwellings occupied at the roll date) once and for all.

    One INSERT … SELECT: the roll is computed by the database from the register as it is now,
    then copied; later moves do not touch it. Already frozen: nothing changes.
    """
    at = at or clock.now()
    with transaction.atomic():
        vote = _lock(vote)
        _check_manager(vote, by)
        _check_not_cancelled(vote)
        if vote.is_frozen:
            return vote
        if vote.roll_date > timezone.localdate(at):
            raise VoteError(
                _("La liste électorale ne peut être arrêtée qu'à partir du %(on)s.")
                % {"on": formats.day(vote.roll_date)}
            )
        _insert_roll(vote)
        references = vote.roll_entries.values_list("reference", flat=True)
        vote.roll_size = vote.roll_entries.count()
        if not vote.roll_size:
            raise VoteError(
                _("Aucun logement occupé au %(on)s dans le registre : la liste serait vide.")
                % {"on": formats.day(vote.roll_date)}
            )
        vote.roll_fingerprint = roll_fingerprint(references.iterator(chunk_size=2000))
        vote.roll_frozen_at = at
        vote.roll_frozen_by = by
        vote.status = Vote.Status.FROZEN
        vote.save(
            update_fields=[
                "roll_size",
                "roll_fingerprint",
                "roll_frozen_at",
                "roll_frozen_by",
                "status",
            ]
        )
        return vote


def _insert_roll(vote: Vote) -> None:
    """INSERT … SELECT of the dwellings with an occupancy covering the roll date."""
    occupied = Occupancy.objects.filter(
        dwelling=OuterRef("pk"), moved_in__lte=vote.roll_date
    ).filter(Q(moved_out__isnull=True) | Q(moved_out__gt=vote.roll_date))
    select = (
        Dwelling.objects.filter(neighbourhood_id=vote.neighbourhood_id)
        .filter(Exists(occupied))
        .order_by()
        .values_list(Value(vote.pk, output_field=BigIntegerField()), "pk", "reference", "address")
    )
    select_sql, params = select.query.sql_with_params()
    columns = ", ".join(sql_names.col(RollEntry, name) for name in ROLL_COLUMNS)
    # Only identifiers from the models' metadata and the ORM's own SELECT are formatted in.
    sql = f"INSERT INTO {sql_names.table(RollEntry)} ({columns}) {select_sql}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
