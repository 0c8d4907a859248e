# ruff: noqa: S608 — SQL text is built from the models' _meta identifiers only; values are parameters.
"""The SQL of the monthly charge run, on PostgreSQL and SQLite.

The lines are written by the database in one INSERT … SELECT; these functions only build and
run that statement and the cheap checks around it. Which neighbourhoods are billed is decided
by `services.charges_generate` and given here as a queryset (embedded as a subquery).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection

from brest_internet.common.sql import col, qn, table
from neighborhoods.models import Dwelling, Occupancy

from .models import Charge, MonthTotal, Payer

CHARGE_FIELDS = (
    "dwelling",
    "neighbourhood",
    "month",
    "amount",
    "payer",
    "household",
    "tariff",
    "run",
    "created_at",
)


def _subquery(queryset) -> tuple[str, tuple]:
    return queryset.order_by().values("pk").query.sql_with_params()


def _day(month: datetime.date):
    return connection.ops.adapt_datefield_value(month)


def _in_neighbourhoods(neighbourhoods) -> tuple[str, list]:
    """A condition on dwelling d: it belongs to one of `neighbourhoods`."""
    nbh_sql, nbh_params = _subquery(neighbourhoods)
    return f"d.{col(Dwelling, 'neighbourhood')} IN ({nbh_sql})", list(nbh_params)


def _occupancy_on(alias: str = "o") -> str:
    """The occupancy `alias` is current on the 1st of the month (two parameters: the day)."""
    moved_out = f"{alias}.{col(Occupancy, 'moved_out')}"
    return (
        f"{alias}.{col(Occupancy, 'moved_in')} <= %s AND ({moved_out} IS NULL OR {moved_out} > %s)"
    )


def insert_charges(
    *,
    month: datetime.date,
    neighbourhoods,
    amount: Decimal,
    tariff_id: int,
    run_id: int,
    created_at: datetime.datetime,
    skip_existing: bool,
    batch: bool = False,
) -> int:
    """Write one line per dwelling of `neighbourhoods` for `month`; return how many were added.

    `batch`: `neighbourhoods` are one batch of a run written in several statements
    (`neighbourhood_batches`); each statement then reads only the occupancies of its own
    dwellings and adds only its own lines to the months' totals.

    The tenant pays when the dwelling is occupied and a household lives there on the 1st (the
    latest one to move in, should two occupancies overlap); otherwise the landlord pays. The
    household is looked up once per dwelling: PostgreSQL joins the current occupancies (DISTINCT
    ON keeps one per dwelling, found by one hash join instead of an index probe per dwelling);
    SQLite runs a correlated subquery inside a subquery it must not flatten (`LIMIT -1`), since
    flattening would copy the subquery into the two places that use its result and run it twice.
    With `skip_existing`, dwellings that already have their line are skipped (ON CONFLICT DO
    NOTHING); without it, any such dwelling makes the statement fail on the unique constraint.
    """
    c = Charge._meta
    ops = connection.ops
    day = _day(month)
    columns = ", ".join(col(Charge, f) for f in CHARGE_FIELDS)
    select = (
        "x.dwelling_id, x.neighbourhood_id, %s, %s, "
        "CASE WHEN x.household_id IS NULL THEN %s ELSE %s END, x.household_id, %s, %s, %s"
    )
    params = [
        day,
        ops.adapt_decimalfield_value(amount),
        Payer.LANDLORD.value,
        Payer.TENANT.value,
        tariff_id,
        run_id,
        ops.adapt_datetimefield_value(created_at),
    ]
    where, where_params = _in_neighbourhoods(neighbourhoods)
    dwellings = table(Dwelling)
    d_id, d_nbh, d_status = (
        qn(Dwelling._meta.pk.column),
        *(col(Dwelling, f) for f in ("neighbourhood", "status")),
    )
    o_dwelling, o_household = col(Occupancy, "dwelling"), col(Occupancy, "household")
    occupied = Dwelling.Status.OCCUPIED.value
    if connection.vendor == "postgresql":
        # A batch reads the occupancies of its own dwellings, not the whole table's each time.
        own = f" AND o.{o_dwelling} IN (SELECT d.{d_id} FROM {dwellings} d WHERE {where})"
        current = (
            f"SELECT DISTINCT ON (o.{o_dwelling}) o.{o_dwelling} AS dwelling_id, "
            f"o.{o_household} AS household_id FROM {table(Occupancy)} o "
            f"WHERE {_occupancy_on()}{own if batch else ''} "
            f"ORDER BY o.{o_dwelling}, o.{col(Occupancy, 'moved_in')} DESC, o.id DESC"
        )
        source = (
            f"(SELECT d.{d_id} AS dwelling_id, d.{d_nbh} AS neighbourhood_id, "
            f"h.household_id AS household_id "
            f"FROM {dwellings} d LEFT JOIN ({current}) h "
            f"ON h.dwelling_id = d.{d_id} AND d.{d_status} = %s WHERE {where}) x"
        )
        params += [day, day, *(where_params if batch else []), occupied, *where_params]
    else:
        household = (
            f"SELECT o.{o_household} FROM {table(Occupancy)} o "
            f"WHERE o.{o_dwelling} = d.{d_id} AND {_occupancy_on()} "
            f"ORDER BY o.{col(Occupancy, 'moved_in')} DESC, o.id DESC LIMIT 1"
        )
        source = (
            f"(SELECT d.{d_id} AS dwelling_id, d.{d_nbh} AS neighbourhood_id, "
            f"CASE WHEN d.{d_status} = %s THEN ({household}) END AS household_id "
            f"FROM {dwellings} d WHERE {where} LIMIT -1) x"
        )
        params += [occupied, day, day, *where_params]
    # "WHERE 1 = 1": SQLite's parser needs a WHERE before an upsert clause.
    sql = f"INSERT INTO {qn(c.db_table)} ({columns}) SELECT {select} FROM {source} WHERE 1 = 1"
    if skip_existing:
        sql += f" ON CONFLICT ({col(Charge, 'month')}, {col(Charge, 'dwelling')}) DO NOTHING"
    nbh, payer, amount_col = (col(Charge, f) for f in ("neighbourhood", "payer", "amount"))
    if connection.vendor == "postgresql":
        # One statement: the lines, and their totals from the rows it returns.
        added = (
            f"SELECT {nbh} AS nbh, count(*) AS n, sum({amount_col}) AS amount, "
            f"sum(CASE WHEN {payer} = %s THEN {amount_col} ELSE 0 END) AS tenants "
            f"FROM ins GROUP BY {nbh}"
        )
        totals = "SELECT %s AS m, nbh AS n, n AS l, amount AS a, tenants AS t FROM added"
        sql = (
            f"WITH ins AS ({sql} RETURNING {nbh}, {payer}, {amount_col}), "
            f"added AS ({added}), "
            f"totals AS ({_add_totals_sql(totals)}) "
            "SELECT coalesce(sum(n), 0) FROM added"
        )
        params += [Payer.TENANT.value, day]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.fetchone()[0])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = max(cursor.rowcount, 0)
        if count:
            # SQLite has no INSERT in a WITH: the run's own lines, found by their run's index.
            by_run = (
                f"SELECT %s AS m, {nbh} AS n, count(*) AS l, sum({amount_col}) AS a, "
                f"sum(CASE WHEN {payer} = %s THEN {amount_col} ELSE 0 END) AS t "
                f"FROM {qn(c.db_table)} WHERE {col(Charge, 'run')} = %s"
            )
            by_run_params = [day, Payer.TENANT.value, run_id]
            if batch:  # the lines of the run's earlier batches are already in the totals
                nbh_sql, nbh_params = _subquery(neighbourhoods)
                by_run += f" AND {nbh} IN ({nbh_sql})"
                by_run_params += nbh_params
            by_run += f" GROUP BY {nbh}"
            cursor.execute(_add_totals_sql(by_run), by_run_params)
        return count


def neighbourhood_batches(neighbourhoods, size: int) -> list[list[int]]:
    """The ids of `neighbourhoods` in batches of about `size` dwellings (a neighbourhood is
    never split; one larger than `size` is a batch of its own), in the order of their ids:
    one grouped count of the dwellings."""
    where, params = _in_neighbourhoods(neighbourhoods)
    d_nbh = col(Dwelling, "neighbourhood")
    query = (
        f"SELECT d.{d_nbh}, COUNT(*) FROM {table(Dwelling)} d WHERE {where} "  # noqa: S608
        f"GROUP BY d.{d_nbh} ORDER BY d.{d_nbh}"
    )
    batches: list[list[int]] = []
    current: list[int] = []
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for nbh, dwellings in cursor.fetchall():
            current.append(nbh)
            count += dwellings
            if count >= size:
                batches.append(current)
                current, count = [], 0
    if current:
        batches.append(current)
    return batches


def _add_totals_sql(select: str) -> str:
    """INSERT … SELECT adding to MonthTotal; `select` gives month m, neighbourhood n, lines l,
    amount a and the tenants' part t."""
    t = table(MonthTotal)
    month, nbh = col(MonthTotal, "month"), col(MonthTotal, "neighbourhood")
    lines, amount, tenants, landlord = (
        col(MonthTotal, f) for f in ("lines", "amount", "tenants", "landlord")
    )
    return (
        f"INSERT INTO {t} ({month}, {nbh}, {lines}, {amount}, {tenants}, {landlord}) "
        f"SELECT m, n, l, a, t, a - t FROM ({select}) s WHERE 1 = 1 "
        f"ON CONFLICT ({month}, {nbh}) DO UPDATE SET {lines} = {t}.{lines} + excluded.{lines}, "
        f"{amount} = {t}.{amount} + excluded.{amount}, "
        f"{tenants} = {t}.{tenants} + excluded.{tenants}, "
        f"{landlord} = {t}.{landlord} + excluded.{landlord}"
    )


def any_dwelling_unbilled(*, month: datetime.date, neighbourhoods) -> bool:
    """Does a dwelling of `neighbourhoods` lack its line for `month`?

    An anti-join that stops at the first dwelling without a line: instant when the month is
    new, one probe of the (month, dwelling) unique index per dwelling when everything is billed.
    Exact whatever happened since the last run (dwellings added, or moved between
    neighbourhoods), unlike a comparison of two counts. `OFFSET 0` keeps PostgreSQL from
    turning the NOT EXISTS into a join: right after a run its statistics still say the month
    has no line, and the anti-join it then chose rescanned the month's lines for every dwelling
    (minutes at 100 000 dwellings); the per-dwelling probe of the unique index is always cheap.
    """
    where, where_params = _in_neighbourhoods(neighbourhoods)
    offset = " OFFSET 0" if connection.vendor == "postgresql" else ""
    sql = (
        f"SELECT 1 FROM {table(Dwelling)} d WHERE {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {table(Charge)} c "
        f"WHERE c.{col(Charge, 'dwelling')} = d.{qn(Dwelling._meta.pk.column)} "
        f"AND c.{col(Charge, 'month')} = %s{offset}) LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*where_params, _day(month)])
        return cursor.fetchone() is not None


def refresh_statistics() -> None:
    """PostgreSQL only: ANALYZE the charge table after a run has added lines.

    A run appends a whole month (up to a million lines at national size) to a table that already
    holds every earlier month: far below the share of rows that makes autovacuum analyse it again
    (10 % by default). Until then the planner believes the new month is empty, and the re-run's
    anti-join (`any_dwelling_unbilled`) may pick the (neighbourhood, month) index, rescanning
    the whole month for every dwelling: at 1 000 000 dwellings the second run of a month never
    finished (bench). ANALYZE samples a fixed number of rows (30 000 by default), so its cost does
    not grow with the table, and it may run inside the run's transaction; the pages that read
    the new month (its charges, the export) get the right plans too.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table(Charge)}")


def vacuum_charges() -> None:
    """PostgreSQL only, after the commit of a run that added lines: VACUUM the charge table.

    The run's million new lines are neither marked visible to everyone (the visibility map) nor
    known committed (their hint bits) until a VACUUM or their first readers: the next reader of
    the month paid for it. A re-run of the month probes each dwelling's line, and with every
    line still to check it took 6.6 s at 1 000 000 dwellings instead of 1.1 s (bench); the
    month's export and pages read them too. Autovacuum would not come soon: a month is 4 % of a
    table of 24 months, below its insert threshold (20 %). This VACUUM reads only the pages not
    yet all-visible (the new month's) and skips the indexes (nothing was deleted): a few
    seconds, after the commit, blocking no reader or writer. Skipped inside a transaction
    block (VACUUM cannot run there), as in the tests'."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {table(Charge)}")
