"""The dashboard's summary of the workshops (`WorkshopMonth`): after every service that changes
a session or its sign-ups it equals the recount from the rows, and the figures read from it
(`workshop_counts`) equal those counted from the sessions for any period, whole months or not."""

import datetime

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from brest_internet.common.periods import Period
from neighborhoods.models import Neighbourhood
from support import services
from support.models import Registration, WorkshopMonth, WorkshopSession
from support.summaries import (
    FIGURES,
    workshop_counts,
    workshop_months_differ,
    workshop_months_rebuild,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def row(nbh):
    """(sessions, registered, waiting, attended, absent) of `nbh`'s months, by month."""
    return {
        r.month: (r.sessions, r.registered, r.waiting, r.attended, r.absent)
        for r in WorkshopMonth.objects.filter(neighbourhood=nbh)
    }


def month(moment):
    return timezone.localdate(moment).replace(day=1)


def test_each_service_leaves_the_summary_equal_to_the_recount(
    world, topic, households, centre_user
):
    nbh = world.nbh
    starts = timezone.now() + datetime.timedelta(days=40)
    session = services.session_create(
        topic=topic,
        neighbourhood=nbh,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        facilitator="Malo Quéré",
        capacity=1,
        by=centre_user,
    )
    assert row(nbh) == {month(starts): (1, 0, 0, 0, 0)}
    first, second = households(2)
    seated = services.registration_create(session=session, household=first, by=centre_user)
    services.registration_create(session=session, household=second, by=centre_user)
    assert row(nbh) == {month(starts): (1, 1, 1, 0, 0)}
    services.registration_cancel(registration=seated, by=centre_user)  # the second is promoted
    assert row(nbh) == {month(starts): (1, 1, 0, 0, 0)}
    assert workshop_months_differ() == {}

    later = starts + datetime.timedelta(days=45)  # another month
    services.session_update(
        session=session,
        changes={"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)},
        by=centre_user,
    )
    assert row(nbh) == {month(later): (1, 1, 0, 0, 0)}  # the month it left holds nothing
    services.session_cancel(session=session, reason="Salle fermée.", by=centre_user)
    assert row(nbh) == {}
    assert workshop_months_differ() == {}


def test_attendance_taken_is_counted_in_the_sessions_month(make_session, households, centre_user):
    session = make_session(capacity=3, days=7)
    people = households(3)
    regs = [
        services.registration_create(session=session, household=h, by=centre_user) for h in people
    ]
    WorkshopSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    session.refresh_from_db()
    attended, absent = Registration.Attendance.ATTENDED, Registration.Attendance.ABSENT
    services.attendance_record(
        session=session,
        marks={regs[0].pk: attended, regs[1].pk: attended, regs[2].pk: absent},
        by=centre_user,
    )
    assert row(session.neighbourhood)[month(session.starts_at)] == (1, 3, 0, 2, 1)
    assert workshop_months_differ() == {}


def counted(neighbourhoods, period):
    """The figures counted from the sessions and sign-ups themselves, by month."""
    status, attendance = Registration.Status, Registration.Attendance
    by_month = {}
    sessions = WorkshopSession.objects.filter(neighbourhood__in=neighbourhoods).filter(
        period.q("starts_at__date")
    )
    for session in sessions.annotate(
        r=Count("registrations", filter=Q(registrations__status=status.REGISTERED)),
        w=Count("registrations", filter=Q(registrations__status=status.WAITING)),
        a=Count("registrations", filter=Q(registrations__attendance=attendance.ATTENDED)),
        b=Count("registrations", filter=Q(registrations__attendance=attendance.ABSENT)),
    ):
        figures = by_month.setdefault(month(session.starts_at), [0, 0, 0, 0, 0])
        figures[0] += 0 if session.cancelled_at else 1
        for i, value in enumerate((session.r, session.w, session.a, session.b), start=1):
            figures[i] += value
    return {m: tuple(v) for m, v in sorted(by_month.items()) if any(v)}


@pytest.mark.parametrize(
    "period",
    [
        Period(None, D(2014, 3, 3)),  # everything up to a day inside a month
        Period(None, D(2013, 12, 31)),  # up to a month's end: whole months only
        Period(D(2013, 1, 1), D(2013, 12, 31)),  # a year
        Period(D(2013, 11, 15), D(2014, 2, 10)),  # both ends inside their months
        Period(D(2013, 11, 5), D(2013, 11, 20)),  # inside one month
        Period(D(2013, 11, 1), D(2013, 11, 20)),  # from a month's first day to inside it
        Period(D(2013, 11, 20), D(2013, 11, 30)),  # from inside a month to its end
    ],
)
def test_figures_read_from_the_summary_equal_those_counted(_demo_support, period):
    everything = Neighbourhood.objects.all()
    read = {
        m: tuple(
            figures[name] for name in ("sessions", "registered", "waiting", "attended", "absent")
        )
        for m, figures in workshop_counts(everything, period).items()
    }
    assert read == counted(everything, period)
    assert read  # the demo has sessions in each of these periods
    # By neighbourhood (the dashboard's rows): each one's months of the period, added up.
    by_nbh = workshop_counts(list(everything), period, by="neighbourhood")
    for nbh in everything:
        months = counted(Neighbourhood.objects.filter(pk=nbh.pk), period).values()
        expected = tuple(sum(figures[i] for figures in months) for i in range(5))
        got = by_nbh.get(nbh.pk)
        got = tuple(got[name] for name in FIGURES) if got else (0, 0, 0, 0, 0)
        assert got == expected, nbh.name


@pytest.fixture
def _demo_support(db, topic, world, households, centre_user):
    """Sessions in every month from October 2013 to March 2014, a few sign-ups in each, some
    cancelled, one session cancelled; written round the services, then the summary rebuilt."""
    nbh = world.nbh
    people = households(4)
    day = D(2013, 10, 3)
    n = 0
    while day <= D(2014, 3, 31):
        starts = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10))
        session = WorkshopSession.objects.create(
            topic=topic,
            centre=nbh.centre,
            neighbourhood=nbh,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            facilitator="Malo Quéré",
            capacity=3,
            cancelled_at=starts if n % 11 == 5 else None,
            cancel_reason="Salle fermée." if n % 11 == 5 else "",
        )
        for i, household in enumerate(people[: 1 + n % 4]):
            Registration.objects.create(
                session=session,
                household=household,
                status=(Registration.Status.WAITING if i == 3 else Registration.Status.REGISTERED),
                attendance=Registration.Attendance.ATTENDED if i == 1 else "",
            )
        day += datetime.timedelta(days=5)
        n += 1
    workshop_months_rebuild()
    assert workshop_months_differ() == {}
