"""A vote's history tells the time of each value at Brest's local time."""

import datetime

import pytest

from votes.history import history_lines

pytestmark = pytest.mark.django_db


def test_a_generation_time_in_the_history_is_local(make_vote):
    vote = make_vote()
    vote.codes_generated_at = datetime.datetime(2026, 12, 1, 20, 14, tzinfo=datetime.UTC)
    vote.save()
    [change] = [line for line in history_lines(vote) if line.changes]
    values = {c.new for c in change.changes}
    assert "01/12/2026 21:14" in values
