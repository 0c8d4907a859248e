"""What the programme counts of the support to the households: workshops and their sign-ups,
the launch half-days, home help, legal advice and computers.

Every figure is set-based: correlated subqueries per neighbourhood (no join that would multiply
rows) or one grouped pass, so that the number of queries does not depend on the number of
neighbourhoods, sessions or sign-ups. The attendance rate is the present among those whose
attendance was taken (present + absent).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.formats import date_format

from brest_internet.common.figures import percent
from brest_internet.common.periods import Period
from neighborhoods.models import Meeting
from subscriptions.stats import month_starts

from .models import (
    AdviceRequest,
    ComputerOrder,
    HalfDayVisit,
    HomeHelpRequest,
    Registration,
    WorkshopSession,
)
from .summaries import FIGURES as WORKSHOP_FIGURES
from .summaries import workshop_counts

SUPPORT_FIGURES = (
    "sessions",
    "registered",
    "waiting",
    "attended",
    "absent",
    "visits",
    "home_help",
    "home_help_done",
    "advice",
    "advice_answered",
    "computers_sold",
)
REGISTRATION_FIGURES = ("registered", "waiting", "attended", "absent")


def _count(queryset, nbh_lookup: str):
    """COUNT of `queryset`'s rows for the outer neighbourhood, as a correlated subquery."""
    inner = (
        queryset.filter(**{nbh_lookup: OuterRef("pk")})
        .order_by()
        .values(nbh_lookup)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(inner, output_field=IntegerField()), 0)


def _sum(queryset, nbh_lookup: str, field_name: str):
    inner = (
        queryset.filter(**{nbh_lookup: OuterRef("pk")})
        .order_by()
        .values(nbh_lookup)
        .annotate(total=Sum(field_name))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(inner, output_field=money), Value(Decimal("0.00")), output_field=money)


def _support_querysets(period: Period) -> dict:
    """{figure: (the rows it counts over `period`, their lookup to the neighbourhood)}: what
    `support_expressions` counts per neighbourhood and `scope_totals` over them all."""
    sold = ComputerOrder.objects.filter(
        period.q("paid_on"),
        status__in=[ComputerOrder.Status.PAID, ComputerOrder.Status.HANDED_OVER],
    )
    help_requests = HomeHelpRequest.objects.filter(period.q("requested_on"))
    advice = AdviceRequest.objects.filter(period.q("requested_on"))
    return {
        "sessions": (
            WorkshopSession.objects.not_cancelled().filter(period.q_local("starts_at")),
            "neighbourhood",
        ),
        "visits": (
            HalfDayVisit.objects.filter(period.q("half_day__held_on")),
            "half_day__neighbourhood",
        ),
        "home_help": (help_requests, "neighbourhood"),
        "home_help_done": (
            help_requests.filter(status=HomeHelpRequest.Status.DONE),
            "neighbourhood",
        ),
        "advice": (advice, "neighbourhood"),
        "advice_answered": (advice.filter(status=AdviceRequest.Status.ANSWERED), "neighbourhood"),
        "computers_sold": (sold, "neighbourhood"),
        "computer_revenue": (sold, "neighbourhood"),
    }


def support_expressions(period: Period) -> dict:
    """The support figures of the outer neighbourhood over `period`, as correlated subqueries:
    sessions held; visits at the launch half-days; home-help and legal-advice requests made;
    computers sold (paid) and what they brought in. The sign-ups are counted apart
    (`add_registrations`)."""
    return {
        name: _sum(queryset, lookup, "price")
        if name == "computer_revenue"
        else _count(queryset, lookup)
        for name, (queryset, lookup) in _support_querysets(period).items()
    }


def handed_over_expression(period: Period) -> dict:
    """Computers handed over to their household during `period`, for the outer neighbourhood
    (the open data's figure; the dashboard counts those sold)."""
    handed_over = ComputerOrder.objects.filter(
        period.q("handed_over_on"), status=ComputerOrder.Status.HANDED_OVER
    )
    return {"computers_handed_over": _count(handed_over, "neighbourhood")}


def add_registrations(rows, period: Period) -> None:
    """Set the sign-ups of the period's sessions on `rows` (registered, waiting list, present,
    absent) and their `attendance_rate`, from the workshops' summary (its whole months, and the
    sessions of the period's partial months: `workshop_counts`), one query per part whatever
    the number of sign-ups behind them."""
    counts = workshop_counts([n.pk for n in rows], period, by="neighbourhood")
    none = dict.fromkeys(REGISTRATION_FIGURES, 0)
    for nbh in rows:
        figures = counts.get(nbh.pk, none)
        for name in REGISTRATION_FIGURES:
            setattr(nbh, name, figures[name])
        nbh.attendance_rate = percent(nbh.attended, nbh.attended + nbh.absent)


def support_rows(neighbourhoods, period: Period) -> list:
    """The neighbourhoods with their support figures of `period`: two queries."""
    rows = list(neighbourhoods.annotate(**support_expressions(period)))
    add_registrations(rows, period)
    return rows


def totals_of(rows) -> dict:
    """The support figures summed over rows of `support_rows` (or annotated alike)."""
    totals = {name: sum(getattr(n, name) for n in rows) for name in SUPPORT_FIGURES}
    totals["computer_revenue"] = sum((n.computer_revenue for n in rows), Decimal("0.00"))
    totals["attendance_rate"] = percent(totals["attended"], totals["attended"] + totals["absent"])
    return totals


def scope_totals(neighbourhoods, period: Period, workshops: dict | None = None) -> dict:
    """The same figures as `support_totals`, summed by the database over `neighbourhoods` (a
    queryset) without a row per neighbourhood: the sessions and their sign-ups from the
    workshops' summary (`support.summaries.workshop_counts`, or `workshops` when the caller
    read it), the other figures one COUNT (or
    SUM) each, filtered by the neighbourhoods' subquery, in one statement. A fixed number of
    queries, and no Python work per neighbourhood (the dashboard at 865 of them)."""
    scope = neighbourhoods.order_by().values("pk")
    selects, params, names = [], [], []
    for name, (queryset, lookup) in _support_querysets(period).items():
        if name == "sessions":
            continue
        queryset = queryset.filter(**{f"{lookup}__in": scope}).order_by()
        column = "price" if name == "computer_revenue" else "pk"
        inner, inner_params = queryset.values(column).query.sql_with_params()
        what = "SUM(x.price)" if name == "computer_revenue" else "COUNT(*)"
        selects.append(f"(SELECT {what} FROM ({inner}) x)")  # noqa: S608 — Django's own SQL
        params += inner_params
        names.append(name)
    # One statement for the seven figures: each a scalar subquery of Django's compiled SQL.
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        totals = dict(zip(names, cursor.fetchone(), strict=True))
    revenue = totals["computer_revenue"] or 0
    totals["computer_revenue"] = Decimal(str(revenue)).quantize(Decimal("0.01"))
    if workshops is None:
        workshops = workshop_counts(neighbourhoods, period)
    months = workshops.values()
    for name in WORKSHOP_FIGURES:
        totals[name] = sum(month[name] for month in months)
    totals["attendance_rate"] = percent(totals["attended"], totals["attended"] + totals["absent"])
    return totals


def support_totals(neighbourhoods, period: Period) -> dict:
    """The same support figures summed over `neighbourhoods`: two queries."""
    return totals_of(support_rows(neighbourhoods, period))


@dataclass
class MonthAttendance:
    month: datetime.date
    sessions: int = 0
    registered: int = 0
    attended: int = 0
    absent: int = 0

    @property
    def label(self) -> str:
        return date_format(self.month, "F Y")

    @property
    def rate(self) -> Decimal | None:
        return percent(self.attended, self.attended + self.absent)


def attendance_by_month(
    neighbourhoods, period: Period, workshops: dict | None = None
) -> list[MonthAttendance]:
    """Sessions, sign-ups and attendance per month (months without a session shown as 0), from
    the workshops' summary (`support.summaries.workshop_counts`, or `workshops`)."""
    if workshops is None:
        workshops = workshop_counts(neighbourhoods, period)
    by_month = {
        month: MonthAttendance(
            month, row["sessions"], row["registered"], row["attended"], row["absent"]
        )
        for month, row in workshops.items()
    }
    if not by_month:
        return []
    first = period.start or min(by_month)
    last = max(by_month) if period.start is None else period.end
    return [by_month.get(m, MonthAttendance(m)) for m in month_starts(first, last)]


def launch_half_days(nbh, period: Period) -> list[Meeting]:
    """The launch half-days of `nbh` held during `period`, each with its `visits` and
    `connection_requests` (one query)."""
    return list(
        Meeting.objects.filter(neighbourhood=nbh, kind=Meeting.Kind.LAUNCH)
        .filter(period.q("held_on"))
        .annotate(
            visits=Count("half_day_visits", distinct=True),
            connection_requests=Count(
                "half_day_visits",
                filter=Q(half_day_visits__connection_requested=True),
                distinct=True,
            ),
        )
        .order_by("held_on")
    )


def coming_sessions(user, now, limit: int) -> dict:
    """The coming sessions of `user`'s scope: the first `limit` with their counts, their totals
    (sessions, registered, waiting), and the waiting lists of those shown."""
    coming = WorkshopSession.objects.visible_to(user).not_cancelled().filter(starts_at__gte=now)
    sessions = list(
        coming.with_counts()
        .select_related("topic", "neighbourhood")
        .order_by("starts_at", "id")[:limit]
    )
    totals = coming.aggregate(
        sessions=Count("pk", distinct=True),
        registered=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
        ),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
    )
    waiting = (
        Registration.objects.filter(
            session__in=[s.pk for s in sessions], status=Registration.Status.WAITING
        )
        .select_related("household", "session__topic")
        .order_by("session__starts_at", "registered_at", "id")
    )
    return {"sessions": sessions, "totals": totals, "waiting": list(waiting)}


def recent_sign_ups(user, limit: int) -> list[Registration]:
    """The last `limit` sign-ups (not cancelled) to the sessions of `user`'s scope."""
    return list(
        Registration.objects.filter(session__in=WorkshopSession.objects.visible_to(user))
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("household", "session__topic")
        .order_by("-registered_at", "-id")[:limit]
    )


def advice_overview(user, limit: int) -> dict:
    """The legal-advice requests of `user`'s scope: open, answered and all, and the first
    `limit` open ones, oldest first."""
    requests = AdviceRequest.objects.visible_to(user)
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status=AdviceRequest.Status.OPEN)),
        answered=Count("pk", filter=Q(status=AdviceRequest.Status.ANSWERED)),
        total=Count("pk"),
    )
    open_requests = (
        requests.filter(status=AdviceRequest.Status.OPEN)
        .select_related("household", "neighbourhood")
        .order_by("requested_on", "id")[:limit]
    )
    return {"counts": counts, "open": list(open_requests)}
