"""History as lines people read, once: who changed what, when, from what to what (simple-history).

Each page that tells a record's story (a vote, a workshop session, a dwelling and its
occupancies…) gives its historical rows, oldest first and with `history_user` selected, and
the fields it shows; `lines()` compares each row with the one before of the same record and
returns one `Line` per creation, deletion and change of a shown field. Values are shown as
people read them: the label of a choice, a date or a moment where the programme is, "—" for
nothing. One query (the caller's), whatever the length of the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

NOTHING = "—"


@dataclass(frozen=True)
class Shown:
    """A field a page shows: its name, its label (default: the model field's verbose name)
    and how its value reads (default: `readable`)."""

    name: str
    label: str | None = None
    reads: Callable[[object], str] | None = None


@dataclass
class Change:
    name: str
    label: str
    old: str
    new: str


@dataclass
class Line:
    at: object  # the moment of the change (aware datetime)
    by: object  # the user, or None (a command, the demo before the system actor)
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    reason: str
    changes: list[Change] = field(default_factory=list)
    record: object = None  # the historical row, for what a page adds (its household…)

    @property
    def fields(self) -> list[str]:
        return [c.name for c in self.changes]


def readable(value, model_field=None) -> str:
    """A stored value as people read it."""
    if value is None or value == "":
        return NOTHING
    if model_field is not None and getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "hour") and hasattr(value, "year"):
        # Stored in UTC; read where the programme is (TIME_ZONE).
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    if hasattr(value, "year"):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    return str(value)


def _shown(fields: Sequence[str | Shown]) -> list[Shown]:
    return [f if isinstance(f, Shown) else Shown(f) for f in fields]


def lines(
    records: Iterable, fields: Sequence[str | Shown], *, key: str = "id", changes_only=False
) -> list[Line]:
    """The story of the records, oldest first: a line per creation, deletion and change.

    `records` are historical rows, oldest first (order by history_date, history_id). A change
    that touched none of `fields` makes no line; with `changes_only`, creations and deletions
    make none either.
    """
    shown = _shown(fields)
    previous_of: dict = {}
    result: list[Line] = []
    for record in records:
        instance_model = record.instance_type
        previous = previous_of.get(getattr(record, key))
        previous_of[getattr(record, key)] = record
        changes = []
        if previous is not None and record.history_type == "~":
            for f in shown:
                old, new = getattr(previous, f.name), getattr(record, f.name)
                if old == new:
                    continue
                model_field = instance_model._meta.get_field(f.name)
                reads = f.reads or (lambda v, mf=model_field: readable(v, mf))
                changes.append(
                    Change(f.name, str(f.label or model_field.verbose_name), reads(old), reads(new))
                )
            if not changes:
                continue
        elif changes_only:
            continue
        result.append(
            Line(
                at=record.history_date,
                by=record.history_user,
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
                record=record,
            )
        )
    return result
