"""State changes of a vote: edit the draft, freeze the roll, sign in, count, codes, online
ballot, certify, or cancel; one module per section, every name re-exported here.

Each function runs in one transaction, locks the vote row (two staff members, or a voter and
the coordinator, may act at the same moment), checks who acts (`votes.rules`) and the state,
and raises `VoteError` with a French message when it refuses; nothing is written then. The
acting user is always given (`by=`; the demo and the commands pass `User.objects.system()`),
except to the online ballot, which knows no one.
"""

from ..outcome import compute_result
from ..rules import certifiers
from .base import VoteError
from .cancellation import vote_cancel, vote_cancel_refusal
from .certification import (
    Tally,
    certification_problems,
    certified_figures,
    certify_refusal_for_landlord,
    tallies,
    vote_certify,
    vote_certify_refusal,
)
from .counts import Figures, count_confirm, count_enter
from .drafting import roll_fingerprint, roll_freeze, vote_create, vote_edit_refusal, vote_update
from .online import (
    CODE_ALPHABET,
    CODE_LENGTH,
    UNKNOWN_CODE,
    ballot_cast,
    code_find,
    code_hash,
    code_reissue,
    codes_generate,
    format_code,
    normalise_code,
)
from .sign_in import SignInError, normalise_station, participations_record

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "UNKNOWN_CODE",
    "Figures",
    "SignInError",
    "Tally",
    "VoteError",
    "ballot_cast",
    "certification_problems",
    "certified_figures",
    "certifiers",
    "certify_refusal_for_landlord",
    "code_find",
    "code_hash",
    "code_reissue",
    "codes_generate",
    "compute_result",
    "count_confirm",
    "count_enter",
    "format_code",
    "normalise_code",
    "normalise_station",
    "participations_record",
    "roll_fingerprint",
    "roll_freeze",
    "tallies",
    "vote_cancel",
    "vote_cancel_refusal",
    "vote_certify",
    "vote_certify_refusal",
    "vote_create",
    "vote_edit_refusal",
    "vote_update",
]
