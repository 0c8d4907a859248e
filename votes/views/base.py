"""How every view of the votes reaches its vote: within the user's scope, or 404."""

from django.shortcuts import get_object_or_404

from .. import rules
from ..models import Vote


def get_vote_for_user(user, pk) -> Vote:
    """A vote `user` organises, or 404 (outside their landlord's neighbourhoods)."""
    # The people its page names come with it: the same queries whoever froze or cancelled it.
    votes = rules.organised_by(user).select_related(
        "neighbourhood", "roll_frozen_by", "cancelled_by"
    )
    return get_object_or_404(votes, pk=pk)


def get_result_for_user(user, pk) -> Vote:
    """A certified vote of a neighbourhood `user` sees, or 404 (uncertified ones included)."""
    return get_object_or_404(
        rules.results_for(user).select_related("neighbourhood", "certified_by"),
        pk=pk,
    )
