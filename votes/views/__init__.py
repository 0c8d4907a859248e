"""Views of the votes app: organising a vote (landlord, coordination), the public online ballot,
and the certified results (every role, in its scope); one module per section, re-exported here
for `votes.urls`."""

from .ballot import ballot
from .cancellation import vote_cancel
from .certification import vote_certify
from .codes import code_reissue, codes_generate
from .organising import VoteListView, roll_freeze, vote_create, vote_detail, vote_edit
from .polling import count_confirm, count_enter, participations_record
from .results import ResultDetailView, ResultListView, results_csv

__all__ = [
    "ResultDetailView",
    "ResultListView",
    "VoteListView",
    "ballot",
    "code_reissue",
    "codes_generate",
    "count_confirm",
    "count_enter",
    "participations_record",
    "results_csv",
    "roll_freeze",
    "vote_cancel",
    "vote_certify",
    "vote_create",
    "vote_detail",
    "vote_edit",
]
