"""A period read on moments (`Period.q_local`) takes the same rows as the local date would."""

import datetime

import pytest
from django.utils import timezone

from brest_internet.common.periods import Period
from support.models import WorkshopSession, WorkshopTopic

D = datetime.date
PARIS_MOMENTS = [
    (D(2013, 10, 31), 23, 30),  # a month's last evening (22:30 UTC)
    (D(2013, 11, 1), 0, 15),  # a month's first minutes (23:15 UTC the day before)
    (D(2013, 10, 27), 2, 30),  # the night clocks go back (CEST → CET)
    (D(2014, 3, 30), 3, 30),  # the night clocks go forward
    (D(2014, 3, 31), 23, 59),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "period",
    [
        Period(D(2013, 11, 1), D(2013, 11, 30)),
        Period(D(2013, 10, 27), D(2013, 10, 31)),
        Period(None, D(2013, 10, 31)),
        Period(D(2014, 3, 30), D(2014, 3, 30)),
        Period(D(2014, 3, 31), D(2014, 4, 30)),
    ],
)
def test_q_local_takes_the_sessions_the_local_date_takes(world, period):
    topic = WorkshopTopic.objects.create(name="Premiers pas")
    for day, hour, minute in PARIS_MOMENTS:
        starts = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))
        WorkshopSession.objects.create(
            topic=topic,
            centre=world.nbh.centre,
            neighbourhood=world.nbh,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            facilitator="Malo Quéré",
            capacity=5,
        )
    by_moment = set(WorkshopSession.objects.filter(period.q_local("starts_at")))
    by_date = set(WorkshopSession.objects.filter(period.q("starts_at__date")))
    assert by_moment == by_date
    assert by_moment  # each period holds at least one of the edge moments
