"""Per neighbourhood and month, the workshops' sessions and sign-ups (`WorkshopMonth`).

Every service that changes a session or its sign-ups locks the session first
(`support.services.workshops`); inside that transaction it recounts the session's neighbourhood
and month, and the month it left when it was moved (`workshop_months_kept` around the work,
`workshop_months_refresh` after a creation): a recount of one neighbourhood's month through the
sessions' index, exact whatever the service did, rather than an increment. The demo and the
benchmark write in bulk and rebuild after (`workshop_months_rebuild`, also the migration's
backfill and `manage.py summaries_rebuild`).

The readers (`workshop_counts`) add the summary's whole months of a period to the sign-ups of
its partial months read live (a period ending today ends inside its month): the cost of a month
of sessions, never of the programme's whole history.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, DateField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from brest_internet.common import sql
from brest_internet.common.dates import is_month_end, months_after, months_before
from brest_internet.common.periods import Period
from subscriptions.stats import month_end

from .models import Registration, WorkshopMonth, WorkshopSession

FIGURES = ("sessions", "registered", "waiting", "attended", "absent")


def month_of(moment: datetime.datetime) -> datetime.date:
    """The first day of the month of `moment`, local time (as the pages date a session)."""
    return timezone.localdate(moment).replace(day=1)


def _grouped(sessions):
    """The SQL of (neighbourhood, month, sessions, registered, waiting, attended, absent) of
    `sessions` grouped by neighbourhood and month: the sessions not cancelled, and the sign-ups
    of them all (a cancelled session's sign-ups are cancelled, and none was marked)."""
    month = TruncMonth("starts_at", output_field=DateField())
    zero = Value(0, IntegerField())
    held = (
        sessions.not_cancelled()
        .annotate(nbh=F("neighbourhood"), m=month)
        .order_by()
        .values("nbh", "m")
        .annotate(s=Count("pk"), r=zero, w=zero, a=zero, b=zero)
        .values_list("nbh", "m", "s", "r", "w", "a", "b")
    )
    status, attendance = Registration.Status, Registration.Attendance
    signed = (
        Registration.objects.filter(session__in=sessions.values("pk"))
        .annotate(
            nbh=F("session__neighbourhood"),
            m=TruncMonth("session__starts_at", output_field=DateField()),
        )
        .order_by()
        .values("nbh", "m")
        .annotate(
            s=zero,
            r=Count("pk", filter=Q(status=status.REGISTERED)),
            w=Count("pk", filter=Q(status=status.WAITING)),
            a=Count("pk", filter=Q(attendance=attendance.ATTENDED)),
            b=Count("pk", filter=Q(attendance=attendance.ABSENT)),
        )
        .values_list("nbh", "m", "s", "r", "w", "a", "b")
    )
    held_sql, held_params = held.query.sql_with_params()
    signed_sql, signed_params = signed.query.sql_with_params()
    select = (
        "SELECT u.nbh AS nbh, u.m AS m, SUM(u.s) AS c0, SUM(u.r) AS c1, SUM(u.w) AS c2, "  # noqa: S608
        "SUM(u.a) AS c3, SUM(u.b) AS c4 "
        f"FROM ({held_sql} UNION ALL {signed_sql}) u GROUP BY u.nbh, u.m "
        # A month whose sessions were all cancelled, with their sign-ups, keeps no row.
        "HAVING SUM(u.s) + SUM(u.r) + SUM(u.w) + SUM(u.a) + SUM(u.b) > 0"
    )
    return select, [*held_params, *signed_params]


def _in_months(pairs) -> Q:
    """Sessions of the (neighbourhood id, month) `pairs`, by their local date."""
    condition = Q(pk__in=[])
    for nbh, month in pairs:
        condition |= Q(neighbourhood=nbh) & Period(month, month_end(month)).q_local("starts_at")
    return condition


def workshop_months_refresh(pairs=None) -> None:
    """Recount `WorkshopMonth` for the (neighbourhood id, month) `pairs` (None: every one) from
    the sessions, set-based: one DELETE, one INSERT … SELECT."""
    rows, sessions = WorkshopMonth.objects.all(), WorkshopSession.objects.all()
    if pairs is not None:
        pairs = {(nbh, month.replace(day=1)) for nbh, month in pairs}
        if not pairs:
            return
        kept = Q(pk__in=[])
        for nbh, month in pairs:
            kept |= Q(neighbourhood=nbh, month=month)
        rows, sessions = rows.filter(kept), sessions.filter(_in_months(pairs))
    select, params = _grouped(sessions)
    columns = ", ".join(
        sql.col(WorkshopMonth, name) for name in ("neighbourhood", "month", *FIGURES)
    )
    with transaction.atomic():
        if pairs is not None:
            _serialise({nbh for nbh, _month in pairs})
        rows.delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {sql.table(WorkshopMonth)} ({columns}) {select}", params)  # noqa: S608


# The key space of the PostgreSQL advisory locks taken by the recounts (the second key: the
# neighbourhood).
LOCK_SPACE = 7301


def _serialise(neighbourhood_ids) -> None:
    """Make the recounts of the same neighbourhoods wait for one another (until the end of the
    transaction that holds them), in the order of their ids, so that no deadlock is possible.

    Two staff members signing households up to two sessions of one neighbourhood's month at the
    same moment each hold their own session's lock: without this, the second recount would
    count without the first one's sign-up (not yet committed) and then collide with its row.
    Waiting here, its statements run after the first commits and count it. SQLite writes one
    transaction at a time and needs nothing."""
    if not sql.is_postgres():
        return
    with connection.cursor() as cursor:
        for nbh in sorted(neighbourhood_ids):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, nbh])


def workshop_months_rebuild() -> None:
    """Every neighbourhood and month recounted (a repair, the backfill, the benchmark)."""
    workshop_months_refresh(None)


def _months_of(session_id) -> set:
    return {
        (nbh, month_of(starts_at))
        for nbh, starts_at in WorkshopSession.objects.filter(pk=session_id).values_list(
            "neighbourhood", "starts_at"
        )
    }


@contextmanager
def workshop_months_kept(session_id):
    """Around a service's work on the session `session_id` (inside its transaction): recount
    the session's month when the work is done, and the month it was in before, if it moved.
    Nothing is recounted when the work raises (its transaction is rolled back)."""
    before = _months_of(session_id)
    yield
    workshop_months_refresh(before | _months_of(session_id))


def workshop_months_differ() -> dict:
    """{(neighbourhood id, month): (kept, counted)} where the summary is not the recount: empty
    when it is right (the tests' and the repair command's check)."""
    select, params = _grouped(WorkshopSession.objects.all())
    with connection.cursor() as cursor:
        cursor.execute(select, params)
        counted = {
            (nbh, sql.date_value(m)): tuple(int(v) for v in rest) for nbh, m, *rest in cursor
        }
    kept = {
        (nbh, month): tuple(rest)
        for nbh, month, *rest in WorkshopMonth.objects.values_list(
            "neighbourhood", "month", *FIGURES
        )
    }
    none = (0,) * len(FIGURES)
    return {
        key: (kept.get(key, none), counted.get(key, none))
        for key in set(kept) | set(counted)
        if kept.get(key, none) != counted.get(key, none)
    }


# --- Reading -------------------------------------------------------------------------------------


def _split(period: Period):
    """The whole months of `period` ((first, last) month starts, None when there is none) and
    the day ranges of its partial months, read live."""
    start, end = period.start, period.end
    live = []
    if start is not None and start.day != 1:
        live.append((start, min(month_end(start), end)))
    end_month = end.replace(day=1)
    if not is_month_end(end) and (
        start is None or start.day == 1 or start.replace(day=1) != end_month
    ):
        live.append((end_month if start is None else max(end_month, start), end))
    first = None
    if start is not None:
        first = start if start.day == 1 else months_after(start.replace(day=1), 1)
    last = end_month if is_month_end(end) else months_before(end_month, 1)
    whole = None if first is not None and first > last else (first, last)
    return whole, live


def workshop_counts(
    neighbourhoods, period: Period, *, by: str = "month"
) -> dict[datetime.date | int, dict[str, int]]:
    """{month: {sessions, registered, waiting, attended, absent}} of the sessions of
    `neighbourhoods` (a queryset, or ids) held during `period`, months without any left out;
    `by="neighbourhood"`: {neighbourhood id: the same figures} over the whole period. The
    summary's whole months (one grouped query) and the partial months read from the sessions
    by their index on the moment they start (one query each, two at most)."""
    if by not in ("month", "neighbourhood"):
        raise ValueError(by)
    if isinstance(neighbourhoods, (list, tuple, set)):
        scope = [getattr(n, "pk", n) for n in neighbourhoods]
        if not scope:
            return {}
    else:
        scope = neighbourhoods.order_by().values("pk")
    counts: dict = {}

    def add(key, values):
        row = counts.setdefault(key, dict.fromkeys(FIGURES, 0))
        for name, value in zip(FIGURES, values, strict=True):
            row[name] += int(value or 0)

    whole, live = _split(period)
    if whole is not None:
        first, last = whole
        rows = WorkshopMonth.objects.filter(neighbourhood__in=scope, month__lte=last)
        if first is not None:
            rows = rows.filter(month__gte=first)
        column = "month" if by == "month" else "neighbourhood"
        sums = rows.order_by().values(column).annotate(**{f: Sum(f) for f in FIGURES})
        for row in sums.values_list(column, *FIGURES):
            add(row[0], row[1:])
    for day_from, day_to in live:
        sessions = WorkshopSession.objects.filter(neighbourhood__in=scope).filter(
            Period(day_from, day_to).q_local("starts_at")
        )
        select, params = _grouped(sessions)
        key = "MIN(g.m)" if by == "month" else "g.nbh"
        group = "" if by == "month" else " GROUP BY g.nbh"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {key}, {_sums()} FROM ({select}) g{group}", params)  # noqa: S608
            for found, *values in cursor.fetchall():
                if found is not None:
                    add(sql.date_value(found) if by == "month" else found, values)
    return {key: counts[key] for key in sorted(counts) if any(counts[key].values())}


def _sums() -> str:
    # The grouped statement's columns, by position: neighbourhood, month, then FIGURES.
    return ", ".join(f"SUM(g.c{i})" for i in range(len(FIGURES)))
