"""The history of a vote as people read it, through the kit's `lines` (django-simple-history).

One query for the whole history. A line says what happened: the creation, the vote's new state,
or "Modification", with the changes of the fields that tell the vote's story; the others
(figures, fingerprint, salt…) follow from the change of state shown on the same line.
"""

from django.utils.translation import gettext as _

from brest_internet.common.history import Line, lines

from .models import Vote

# Fields whose changes are shown, in this order.
SHOWN = ("status", *Vote.DRAFT_FIELDS, "codes_generated_at", "cancel_reason")


def history_lines(vote: Vote) -> list[Line]:
    """The vote's history, oldest first: its creation, then one line per change shown, each
    with `what` (its creation, its new state, or a modification) and the other changes."""
    records = vote.history.select_related("history_user").order_by("history_date", "history_id")
    told = lines(records, SHOWN)
    for i, line in enumerate(told):
        status = [c.new for c in line.changes if c.name == "status"]
        line.changes = [c for c in line.changes if c.name != "status"]
        if i == 0:
            line.what = _("Création")
        else:
            line.what = status[0] if status else _("Modification")
    return told
