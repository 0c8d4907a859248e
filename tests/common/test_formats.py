"""Dates in sentences follow the reader's language (brest_internet/common/formats.py)."""

import datetime

import pytest
from django.utils import timezone, translation

from brest_internet.common import formats
from neighborhoods.models import Meeting
from tests.factories import NeighbourhoodFactory

DAY = datetime.date(2026, 12, 2)


def test_a_day_reads_day_first_in_french_and_month_first_in_english():
    with translation.override("fr"):
        assert formats.day(DAY) == "02/12/2026"
    with translation.override("en"):
        assert formats.day(DAY) == "12/02/2026"
    assert formats.day(None) == "—"


def test_a_moment_is_read_in_local_time():
    # 17:30 UTC is 18:30 in Brest in December.
    at = datetime.datetime(2026, 12, 2, 17, 30, tzinfo=datetime.UTC)
    with translation.override("fr"):
        assert formats.moment(at) == "02/12/2026 18:30"
    assert timezone.is_aware(at)


@pytest.mark.django_db
def test_an_english_page_names_a_meeting_with_an_english_date():
    meeting = Meeting(
        neighbourhood=NeighbourhoodFactory(name="Kerourien"),
        kind=Meeting.Kind.PUBLIC,
        held_on=DAY,
    )
    with translation.override("en"):
        assert str(meeting).endswith("(12/02/2026)")
    with translation.override("fr"):
        assert str(meeting).endswith("(02/12/2026)")
