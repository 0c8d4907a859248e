"""The history of a vote as people read it: who changed what, and when (django-simple-history).

One query for the whole history; the changes between two versions are computed here, in
Python, on the fields that tell the vote's story.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Vote

# Fields whose changes are shown, in this order; the others (figures, fingerprint, salt…)
# follow from the change of state shown on the same line.
SHOWN = ("status", *Vote.DRAFT_FIELDS, "codes_generated_at", "cancel_reason")


@dataclass
class HistoryLine:
    at: object
    by: object
    what: str
    changes: list = field(default_factory=list)


def _value(record, name):
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    model_field = Vote._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if hasattr(value, "hour"):
        # Stored in UTC; read where the programme is (TIME_ZONE).
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if hasattr(value, "year"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def history_lines(vote: Vote) -> list[HistoryLine]:
    """The vote's history, oldest first: its creation, then one line per change shown."""
    records = list(vote.history.select_related("history_user").order_by("history_date", "pk"))
    lines = []
    previous = None
    for record in records:
        if previous is None:
            lines.append(HistoryLine(record.history_date, record.history_user, _("Création")))
        else:
            changed = [name for name in SHOWN if getattr(record, name) != getattr(previous, name)]
            if changed:
                what = record.get_status_display() if "status" in changed else _("Modification")
                changes = [
                    (
                        Vote._meta.get_field(name).verbose_name,
                        _value(previous, name),
                        _value(record, name),
                    )
                    for name in changed
                    if name != "status"
                ]
                lines.append(HistoryLine(record.history_date, record.history_user, what, changes))
        previous = record
    return lines
