"""Tenant votes: the vote, its frozen electoral roll, the sign-in list, the secret ballot.

Two sides that never meet in the schema (see tests/votes/test_secrecy.py):
- who voted: `RollEntry`, `Participation` (the sign-in list, "émargement") and `VoteCode`
  (the online codes) point at dwellings;
- what was voted: `OnlineTally` and `PaperCount` (with its `CountEntry` log) point at the vote
  only. The online ballot box keeps no ballot at all, only one counter per choice, all three
  written by every ballot: no row, id, time or order on this side follows the order of the
  sign-in list or of the codes (tests/votes/test_ballot_secrecy_attack.py tries them all).
State changes go through `votes.services`.
"""

from .ballots import CountEntry, OnlineTally, PaperCount
from .roll import CodeReissue, Participation, RollEntry, VoteCode
from .vote import DEFAULT_QUESTION, Channel, Choice, Vote, VoteQuerySet, new_salt

__all__ = [
    "DEFAULT_QUESTION",
    "Channel",
    "Choice",
    "CodeReissue",
    "CountEntry",
    "OnlineTally",
    "PaperCount",
    "Participation",
    "RollEntry",
    "Vote",
    "VoteCode",
    "VoteQuerySet",
    "new_salt",
]
