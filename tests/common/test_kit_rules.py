"""The kit's calendar months, the system actor and the one rule of "review due"."""

import datetime

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from brest_internet.common import dates
from neighborhoods.models import Meeting, Neighbourhood, User
from tests.factories import NeighbourhoodFactory

D = datetime.date


def test_months_keep_the_end_of_the_month():
    assert dates.months_after(D(2013, 8, 31), 6) == D(2014, 2, 28)
    assert dates.months_before(D(2014, 3, 31), 1) == D(2014, 2, 28)
    assert dates.months_after(D(2014, 1, 15), 12) == D(2015, 1, 15)


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
    today=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
    months=st.integers(min_value=1, max_value=36),
)
def test_the_sql_cutoff_and_the_date_say_the_same(start, today, months):
    """`start <= latest_start(today)` (the SQL side) ⟺ `months_after(start) <= today`."""
    assert (start <= dates.latest_start(today, months)) == (
        dates.months_after(start, months) <= today
    )


@pytest.mark.django_db
def test_the_system_actor_is_one_inactive_account_without_password():
    first = User.objects.system()
    assert User.objects.system() == first
    assert first.is_system and not first.is_active and not first.has_usable_password()
    assert first.role == "" and not first.is_coordinator
    assert str(first.get_full_name()) == "Système"
    person = User.objects.create_user("systeme2", password="x")
    assert not person.is_system


@pytest.mark.django_db
@override_settings(REVIEW_DUE_MONTHS=6)
def test_review_due_reads_the_same_on_the_list_and_on_the_page():
    launched = NeighbourhoodFactory(stage=Neighbourhood.Stage.RUNNING, launched_on=D(2013, 8, 31))
    reviewed = NeighbourhoodFactory(stage=Neighbourhood.Stage.RUNNING, launched_on=D(2013, 1, 10))
    Meeting.objects.create(neighbourhood=reviewed, kind=Meeting.Kind.REVIEW, held_on=D(2013, 12, 2))
    for today, due in ((D(2014, 2, 27), set()), (D(2014, 2, 28), {launched.pk})):
        rows = Neighbourhood.objects.with_review_due(today).filter(
            pk__in=[launched.pk, reviewed.pk]
        )
        assert {n.pk for n in rows if n.review_due} == due
        for n in rows:
            assert n.review_due == (n.review_due_on() <= today)
    fresh = Neighbourhood.objects.get(pk=reviewed.pk)
    assert fresh.review_due_on() == D(2014, 6, 2)
