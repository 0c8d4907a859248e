# ruff: noqa: S608 — SQL text is built from the models' _meta identifiers only; values are parameters.
"""A synthetic programme of N dwellings and M billed months, written set-based.

Every bench row is named with the prefix "bench" (slugs `bench-…`, references `BENCH-…`,
organisations "Bench – …", users `bench-…`). The benchmark refuses a database that holds anything
else (see `foreign_rows`): the monthly charge run bills every running neighbourhood, so it must
never run where real neighbourhoods live. Give it its own database.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from neighborhoods.models import (
    Dwelling,
    Household,
    Meeting,
    Neighbourhood,
    Occupancy,
    Organisation,
    StageChange,
    User,
)

from . import sql

PREFIX = "bench"
PASSWORD = "bench-motdepasse-2014"  # noqa: S105 — throw-away accounts of a bench database
ROLES = ("coordinator", "landlord", "centre", "association")


class ForeignData(Exception):
    """The database holds rows that the benchmark did not write."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class Plan:
    dwellings: int
    months: int
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def current_month(self) -> datetime.date:
        """The month the measurements bill: generated months stop just before it."""
        return self.today.replace(day=1)

    @property
    def first_month(self) -> datetime.date:
        return add_months(self.current_month, -self.months)

    @property
    def billed_months(self) -> list[datetime.date]:
        return [add_months(self.first_month, i) for i in range(self.months)]

    @property
    def launch_floor(self) -> datetime.date:
        return add_months(self.first_month, -60)

    def sizes(self) -> list[int]:
        """Neighbourhoods of 300 to 2000 dwellings (the last one takes the rest)."""
        rng = random.Random(2014)
        sizes, left = [], self.dwellings
        while left > 0:
            size = min(rng.randint(300, 2000), left)
            if left - size < 300 and sizes and left - size > 0:
                size = left
            sizes.append(size)
            left -= size
        return sizes


def foreign_rows() -> list[str]:
    """What in the database was not written by the benchmark (empty: it may run here)."""
    found = []
    checks = [
        (Neighbourhood.objects.exclude(slug__startswith=f"{PREFIX}-"), "quartiers"),
        (User.objects.exclude(username__startswith=f"{PREFIX}-"), "utilisateurs"),
        (Organisation.objects.exclude(name__startswith="Bench – "), "organisations"),
        (Dwelling.objects.exclude(reference__startswith="BENCH-"), "logements"),
    ]
    for queryset, label in checks:
        count = queryset.count()
        if count:
            found.append(f"{count} {label}")
    return found


def marker_name(plan: Plan) -> str:
    return f"Bench – programme {plan.dwellings} logements {plan.months} mois {plan.first_month}"


def existing_matches(plan: Plan) -> bool:
    return Organisation.objects.filter(name=marker_name(plan)).exists()


def is_empty() -> bool:
    return not (Neighbourhood.objects.exists() or Organisation.objects.exists())


def kept_tables() -> set[str]:
    """What the migrations wrote and the app needs: content types, permissions, the role groups."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    models = (ContentType, Permission, Group, Group.permissions.through)
    return {model._meta.db_table for model in models}


def wipe(progress) -> None:
    """Empty every table of the (bench-only) database but `kept_tables` (without the role groups
    the data migrations made, the admin would refuse the bench's coordinator): TRUNCATE on
    PostgreSQL, DELETE on SQLite."""
    kept = kept_tables()
    tables = [
        t for t in connection.introspection.django_table_names(only_existing=True) if t not in kept
    ]
    started = time.monotonic()
    if sql.is_postgres():
        quoted = ", ".join(sql.qn(t) for t in tables)
        sql.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        with connection.constraint_checks_disabled():
            for name in tables:
                sql.execute(f"DELETE FROM {sql.qn(name)}")
    progress(f"Base vidée ({len(tables)} tables) en {time.monotonic() - started:.1f} s")


def build(plan: Plan, progress) -> None:
    """Write the whole programme; each phase in its own transaction, with its time printed."""

    def phase(label, fn):
        started = time.monotonic()
        with transaction.atomic():
            count = fn()
        progress(f"{label} : {count:n} lignes en {time.monotonic() - started:.1f} s")

    state = {}
    phase("Organisations, comptes, quartiers", lambda: _programme(plan, state))
    phase("Logements", lambda: _dwellings(plan, state))
    phase("Foyers", lambda: _households(plan))
    phase("Occupations", lambda: _occupancies(plan))
    phase("Abonnements (~12 %)", lambda: _subscriptions(plan))
    phase("Votes, listes électorales, émargements", lambda: _votes(plan, state))
    phase("Ateliers et inscriptions", lambda: _workshops(plan, state))
    phase("Résumés du tableau de bord", _summaries)
    sql.analyze()
    _charges(plan, progress)
    sql.analyze()
    Organisation.objects.create(name=marker_name(plan), kind=Organisation.Kind.CITY)


def _programme(plan: Plan, state) -> int:
    sizes = plan.sizes()
    n = len(sizes)
    kinds = Organisation.Kind
    orgs = [Organisation(name="Bench – Ville", kind=kinds.CITY)]
    orgs.append(Organisation(name="Bench – Opérateur", kind=kinds.OPERATOR))
    landlords = [
        Organisation(name=f"Bench – Bailleur {i:03d}", kind=kinds.LANDLORD)
        for i in range(max(1, n // 10))
    ]
    centres = [
        Organisation(name=f"Bench – Centre {i:04d}", kind=kinds.CENTRE)
        for i in range(max(1, n // 3))
    ]
    associations = [
        Organisation(name=f"Bench – Association {i:04d}", kind=kinds.TENANTS_ASSOCIATION)
        for i in range(max(2, n // 5))
    ]
    Organisation.objects.bulk_create(orgs + landlords + centres + associations)
    rng = random.Random(29)
    nbhs = []
    for i, size in enumerate(sizes):
        launched = sql_date_floor(add_months(plan.launch_floor, rng.randint(0, 60)))
        nbhs.append(
            Neighbourhood(
                name=f"Bench {i:05d}",
                name_key=f"bench {i:05d}",  # bulk_create skips save(), which writes it
                slug=f"{PREFIX}-{i:05d}",
                landlord=landlords[i % len(landlords)],
                centre=centres[i % len(centres)],
                stage=Neighbourhood.Stage.RUNNING,
                launched_on=launched,
                expected_dwellings=size,
            )
        )
    Neighbourhood.objects.bulk_create(nbhs, batch_size=1000)
    nbhs = list(Neighbourhood.objects.filter(slug__startswith=f"{PREFIX}-").order_by("slug"))
    through = Neighbourhood.associations.through
    through.objects.bulk_create(
        [
            through(neighbourhood_id=nbh.pk, organisation_id=associations[i % len(associations)].pk)
            for i, nbh in enumerate(nbhs)
        ],
        batch_size=1000,
    )
    StageChange.objects.bulk_create(
        [
            StageChange(
                neighbourhood=nbh,
                from_stage=Neighbourhood.Stage.LAUNCH,
                to_stage=Neighbourhood.Stage.RUNNING,
                happened_on=nbh.launched_on,
            )
            for nbh in nbhs
        ],
        batch_size=1000,
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                neighbourhood=nbh,
                kind=Meeting.Kind.LAUNCH,
                held_on=nbh.launched_on + datetime.timedelta(days=days),
                place="Maison pour tous",
            )
            for nbh in nbhs
            for days in (4, 18)
        ],
        batch_size=1000,
    )
    password = make_password(PASSWORD)
    first = nbhs[0]
    homes = {
        "coordinator": orgs[0],
        "landlord": first.landlord,
        "centre": first.centre,
        "association": associations[0],
    }
    User.objects.bulk_create(
        [
            User(
                username=f"{PREFIX}-{role}",
                password=password,
                organisation=homes[role],
                role=role,
                is_staff=role == "coordinator",
            )
            for role in ROLES
        ]
    )
    for user in User.objects.filter(username__startswith=f"{PREFIX}-"):
        user.sync_role_group()
    state["nbhs"] = nbhs
    return len(orgs + landlords + centres + associations) + len(nbhs) + len(ROLES)


def sql_date_floor(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _dwellings(plan: Plan, state) -> int:
    now = timezone.now()
    for nbh, size in zip(state["nbhs"], plan.sizes(), strict=True):
        ref = f"'BENCH-{nbh.slug[len(PREFIX) + 1 :]}-' || {sql.text('g')}"
        sql.insert_select(
            Dwelling,
            {
                "neighbourhood": ("%s", [nbh.pk]),
                "sector": "NULL",
                "reference": ref,
                "address": f"{sql.text('g %% 40 + 1')} || ' rue du Bench'",
                "building": f"'Bât. ' || {sql.text('g / 40 + 1')}",
                "entrance": f"{sql.text('g %% 4 + 1')}",
                "status": ("CASE WHEN g %% 20 = 0 THEN %s ELSE %s END", ["vacant", "occupied"]),
                "updated_at": ("%s", [now]),
            },
            "FROM s",
            [],
            prefix=sql.series_cte(),
            prefix_params=[size],
        )
    return Dwelling.objects.count()  # SQLite reports no row count for WITH … INSERT


def _households(plan: Plan) -> int:
    return sql.insert_select(
        Household,
        {
            "name": "'Foyer ' || d.reference",
            "phone": "''",
            "email": "''",
            "created_at": ("%s", [timezone.now()]),
            "anonymised_at": "NULL",
        },
        f"FROM {sql.table(Dwelling)} d WHERE d.{sql.col(Dwelling, 'status')} = %s "
        f"ORDER BY d.{sql.qn('id')}",
        ["occupied"],
    )


def _occupancies(plan: Plan) -> int:
    d, h = sql.col, sql.table
    moved_in = add_months(plan.launch_floor, -12)
    return sql.insert_select(
        Occupancy,
        {
            "household": "h.id",
            "dwelling": "d.id",
            "moved_in": ("%s", [moved_in]),
            "moved_out": "NULL",
        },
        f"FROM {h(Dwelling)} d JOIN {h(Household)} h ON h.{d(Household, 'name')} = "
        f"'Foyer ' || d.{d(Dwelling, 'reference')} "
        f"WHERE d.{d(Dwelling, 'status')} = %s",
        ["occupied"],
    )


def _subscriptions(plan: Plan) -> int:
    from subscriptions.models import Subscription

    S = Subscription.Status
    requested = add_months(plan.first_month, -3)
    activated = add_months(plan.first_month, -2)
    cancelled = add_months(plan.first_month, 6)
    pick = "(d.id * 37) %% 100"
    return sql.insert_select(
        Subscription,
        {
            "dwelling": "d.id",
            "household": f"o.{sql.col(Occupancy, 'household')}",
            "status": (
                f"CASE WHEN {pick} = 12 THEN %s WHEN {pick} = 11 THEN %s ELSE %s END",
                [S.CANCELLED, S.REQUESTED, S.ACTIVE],
            ),
            "channel": ("%s", ["centre"]),
            "half_day": "NULL",
            "requested_on": ("%s", [requested]),
            "requested_by": "NULL",
            "sent_on": (f"CASE WHEN {pick} = 11 THEN NULL ELSE %s END", [requested]),
            "activated_on": (f"CASE WHEN {pick} = 11 THEN NULL ELSE %s END", [activated]),
            "modem_serial": f"CASE WHEN {pick} = 11 THEN '' ELSE 'MDM' || {sql.text('d.id')} END",
            "cancelled_on": (f"CASE WHEN {pick} = 12 THEN %s END", [cancelled]),
            "cancel_reason": f"CASE WHEN {pick} = 12 THEN 'Déménagement' ELSE '' END",
            "cancelled_at": (f"CASE WHEN {pick} = 12 THEN %s END", [timezone.now()]),
            "created_at": ("%s", [timezone.now()]),
        },
        f"FROM {sql.table(Dwelling)} d JOIN {sql.table(Occupancy)} o "
        f"ON o.{sql.col(Occupancy, 'dwelling')} = d.id AND o.{sql.col(Occupancy, 'moved_out')} "
        f"IS NULL WHERE {pick} < 13",
        [],
    )


def _summaries() -> int:
    """The summaries the services keep (register sizes, subscriptions and workshops per
    month), rebuilt set-based after the raw inserts above, which went round the services."""
    from neighborhoods.models import RegisterSize
    from neighborhoods.summaries import register_sizes_rebuild
    from subscriptions.models import SubscriptionMonth
    from subscriptions.summaries import subscription_months_rebuild
    from support.models import WorkshopMonth
    from support.summaries import workshop_months_rebuild

    register_sizes_rebuild()
    subscription_months_rebuild()
    workshop_months_rebuild()
    return (
        RegisterSize.objects.count()
        + SubscriptionMonth.objects.count()
        + WorkshopMonth.objects.count()
    )


def _votes(plan: Plan, state) -> int:
    """One certified vote per neighbourhood, its roll (every occupied dwelling) and sign-ins."""
    from votes.models import Participation, RollEntry, Vote

    votes = []
    for nbh in state["nbhs"]:
        closes = nbh.launched_on - datetime.timedelta(days=60)
        size = nbh.expected_dwellings
        voters = size * 55 // 100
        yes = voters * 58 // 100
        votes.append(
            Vote(
                neighbourhood=nbh,
                method=Vote.Method.PAPER,
                roll_date=closes - datetime.timedelta(days=20),
                opens_on=closes - datetime.timedelta(days=4),
                closes_on=closes,
                status=Vote.Status.CERTIFIED,
                roll_size=size,
                roll_fingerprint="bench",
                roll_frozen_at=timezone.now(),
                voters=voters,
                yes_count=yes,
                no_count=voters - yes - 4,
                blank_count=3,
                spoiled_count=1,
                certified_on=closes + datetime.timedelta(days=3),
                certified_at=timezone.now(),
            )
        )
    Vote.objects.bulk_create(votes, batch_size=1000)
    vt, dt = sql.table(Vote), sql.table(Dwelling)
    vn = sql.col(Vote, "neighbourhood")
    dn = sql.col(Dwelling, "neighbourhood")
    total = len(votes)
    total += sql.insert_select(
        RollEntry,
        {
            "vote": "v.id",
            "dwelling": "d.id",
            "reference": f"d.{sql.col(Dwelling, 'reference')}",
            "address": f"d.{sql.col(Dwelling, 'address')}",
        },
        f"FROM {vt} v JOIN {dt} d ON d.{dn} = v.{vn}",
        [],
    )
    total += sql.insert_select(
        Participation,
        {
            "vote": "v.id",
            "dwelling": "d.id",
            "channel": ("%s", ["paper"]),
            "recorded_on": f"v.{sql.col(Vote, 'closes_on')}",
            "recorded_by": "NULL",
        },
        f"FROM {vt} v JOIN {dt} d ON d.{dn} = v.{vn} WHERE (d.id * 13) %% 100 < 55",
        [],
    )
    return total


def _workshops(plan: Plan, state) -> int:
    """Twelve sessions per neighbourhood over the billed months, about eight sign-ups each."""
    from support.models import Registration, WorkshopSession, WorkshopTopic

    topics = WorkshopTopic.objects.bulk_create(
        [
            WorkshopTopic(name=f"Bench – {name}", position=i)
            for i, name in enumerate(["Premiers pas", "Courriel", "Démarches en ligne"])
        ]
    )
    tz = timezone.get_current_timezone()
    sessions = []
    for nbh in state["nbhs"]:
        for k in range(12):
            month = add_months(plan.first_month, k * max(1, plan.months) // 12)
            start = datetime.datetime.combine(
                month + datetime.timedelta(days=9 + k), datetime.time(14), tzinfo=tz
            )
            sessions.append(
                WorkshopSession(
                    topic=topics[k % len(topics)],
                    centre_id=nbh.centre_id,
                    neighbourhood=nbh,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=2),
                    place="Maison pour tous",
                    facilitator="Animatrice bench",
                    capacity=10,
                )
            )
    WorkshopSession.objects.bulk_create(sessions, batch_size=2000)
    st, dt, ot = sql.table(WorkshopSession), sql.table(Dwelling), sql.table(Occupancy)
    total = len(sessions)
    total += sql.insert_select(
        Registration,
        {
            "session": "ws.id",
            "household": f"o.{sql.col(Occupancy, 'household')}",
            "status": ("%s", ["registered"]),
            "attendance": ("%s", ["attended"]),
            "registered_at": f"ws.{sql.col(WorkshopSession, 'starts_at')}",
            "registered_by": "NULL",
            "promoted_at": "NULL",
            "cancelled_at": "NULL",
            "half_day": "NULL",
        },
        f"FROM {st} ws JOIN {dt} d ON d.{sql.col(Dwelling, 'neighbourhood')} = "
        f"ws.{sql.col(WorkshopSession, 'neighbourhood')} AND d.id %% 150 = ws.id %% 150 "
        f"JOIN {ot} o ON o.{sql.col(Occupancy, 'dwelling')} = d.id",
        [],
    )
    return total


def ensure_tariff(plan: Plan):
    from subscriptions.models import Offer, Tariff

    operator = Organisation.objects.get(name="Bench – Opérateur")
    offer, _ = Offer.objects.get_or_create(name="NUMERISUN bench", defaults={"operator": operator})
    tariff = Tariff.objects.filter(offer=offer).first()
    if tariff is None:
        tariff = Tariff.objects.create(
            offer=offer, amount=1, starts_on=add_months(plan.launch_floor, -24)
        )
    return tariff


def _charges(plan: Plan, progress) -> None:
    """The real monthly charge run, once per generated month."""
    from subscriptions.services import charges_generate

    ensure_tariff(plan)
    total = 0
    started = time.monotonic()
    for month in plan.billed_months:
        t0 = time.monotonic()
        run = charges_generate(month=month, by=User.objects.get(username=f"{PREFIX}-coordinator"))
        total += run.lines_added
        progress(
            f"Charges {month:%Y-%m} : {run.lines_added:n} lignes en {time.monotonic() - t0:.1f} s"
        )
    progress(f"Charges : {total:n} lignes en {time.monotonic() - started:.1f} s")
