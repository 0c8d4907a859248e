"""The pipeline of one neighbourhood: the only code that writes `Neighbourhood.stage`.

candidate → partners → information → vote → launch → running, with the stops
(declined by partners, rejected by the vote, abandoned, service ended) and a reopening.
Each transition checks the current stage under a row lock (two coordinators may click at the
same moment), checks its preconditions, writes the new stage and one `StageChange` row, in one
transaction. A transition to the stage the neighbourhood is already in is a no-op.

One module per section, re-exported here (`from neighborhoods import pipeline`,
`pipeline.advance`): `base` (the map of the pipeline, its refusal), `missing` (what a step still
needs, the next step), `steps` (the transitions), `corrections` (dates corrected with a reason).
"""

from .base import FORWARD, REOPEN_TO, STOPS_FROM, Stage, Step, TransitionError
from .corrections import (
    FIXED_DATE,
    JUSTIFIED_BY,
    VOTE_OUTCOMES,
    meeting_date_correct,
    meeting_date_correction_refusal,
    meeting_problem,
    stage_date_correct,
    stage_date_correction_refusal,
)
from .missing import NextStep, missing_for, next_step
from .steps import advance, create_candidate, record_vote_outcome, reopen, start_history, stop

__all__ = [
    "FIXED_DATE",
    "FORWARD",
    "JUSTIFIED_BY",
    "REOPEN_TO",
    "STOPS_FROM",
    "VOTE_OUTCOMES",
    "NextStep",
    "Stage",
    "Step",
    "TransitionError",
    "advance",
    "create_candidate",
    "meeting_date_correct",
    "meeting_date_correction_refusal",
    "meeting_problem",
    "missing_for",
    "next_step",
    "record_vote_outcome",
    "reopen",
    "stage_date_correct",
    "stage_date_correction_refusal",
    "start_history",
    "stop",
]
