# ruff: noqa: S608 — SQL text is built from the models' _meta identifiers only; values are parameters.
"""The measurements: charge run vs a bare INSERT … SELECT, re-run, export, import.

The pages are measured in `pages`."""

from __future__ import annotations

import time
import tracemalloc

from django.db import connection, transaction

from neighborhoods.models import Dwelling, Neighbourhood, RegisterImport, User

from . import sql
from .generate import PREFIX, Plan, add_months
from .table import Row

BASELINE = "bench_charge_baseline"
RUN_RATIO = 1.25
RERUN_RATIO = 0.10
EXPORT_MB = 50.0


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def coordinator() -> User:
    return User.objects.get(username=f"{PREFIX}-coordinator")


# 1–2. The charge run --------------------------------------------------------------------------


def _forget_month(month, *, vacuum: bool = True) -> None:
    """Remove an earlier measurement of `month` (bench database only: charges are append-only).

    `vacuum`: then VACUUM ANALYZE the charge table (PostgreSQL), as the timed runs need; the
    load test skips it (minutes at 25 million rows), its run being measured by the pages."""
    from subscriptions.models import Charge, ChargeMonth, ChargeRun, LandlordMonth, MonthTotal

    with transaction.atomic():
        months = (
            f"SELECT id FROM {sql.table(ChargeMonth)} WHERE {sql.col(ChargeMonth, 'month')} >= %s"
        )
        sql.execute(
            f"DELETE FROM {sql.table(Charge)} WHERE {sql.col(Charge, 'month')} >= %s", [month]
        )
        sql.execute(
            f"DELETE FROM {sql.table(ChargeRun)} "
            f"WHERE {sql.col(ChargeRun, 'charge_month')} IN ({months})",
            [month],
        )
        sql.execute(
            f"DELETE FROM {sql.table(MonthTotal)} WHERE {sql.col(MonthTotal, 'month')} >= %s",
            [month],
        )
        for model in (LandlordMonth.history.model, LandlordMonth):
            sql.execute(
                f"DELETE FROM {sql.table(model)} "
                f"WHERE {sql.col(model, 'charge_month')} IN ({months})",
                [month],
            )
        history = ChargeMonth.history.model
        sql.execute(
            f"DELETE FROM {sql.table(history)} WHERE {sql.col(history, 'month')} >= %s", [month]
        )
        sql.execute(
            f"DELETE FROM {sql.table(ChargeMonth)} WHERE {sql.col(ChargeMonth, 'month')} >= %s",
            [month],
        )
    if vacuum and sql.is_postgres():
        sql.execute(f"VACUUM ANALYZE {sql.table(Charge)}")


def _create_baseline_table() -> None:
    """A copy of the charge table: same columns, constraints, indexes and foreign keys."""
    from subscriptions.models import Charge

    source = Charge._meta.db_table
    sql.execute(f"DROP TABLE IF EXISTS {sql.qn(BASELINE)}")
    if sql.is_postgres():
        sql.execute(f"CREATE TABLE {sql.qn(BASELINE)} (LIKE {sql.qn(source)} INCLUDING ALL)")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [source],
            )
            fks = [r[0] for r in cursor.fetchall()]
        for i, definition in enumerate(fks):
            sql.execute(
                f"ALTER TABLE {sql.qn(BASELINE)} ADD CONSTRAINT {sql.qn(f'{BASELINE}_fk{i}')} "
                f"{definition}"
            )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
            "ORDER BY type DESC",
            [source],
        )
        statements = cursor.fetchall()
    for kind, name, ddl in statements:
        ddl = ddl.replace(f'"{source}"', f'"{BASELINE}"')
        if kind == "index":
            ddl = ddl.replace(f'"{name}"', f'"{BASELINE}_{name}"', 1)
        sql.execute(ddl)


def _baseline(month, previous) -> float:
    """A bare INSERT … SELECT of the same lines (the previous month's, re-dated)."""
    from subscriptions.models import Charge

    fields = ["dwelling", "neighbourhood", "month", "amount", "payer", "household"]
    fields += ["tariff", "run", "created_at"]
    columns = ", ".join(sql.col(Charge, f) for f in fields)
    select = ", ".join("%s" if f == "month" else sql.col(Charge, f) for f in fields)
    sql.execute(f"DELETE FROM {sql.qn(BASELINE)}")
    if sql.is_postgres():
        sql.execute(f"VACUUM {sql.qn(BASELINE)}")

    def insert():
        with transaction.atomic():
            return sql.execute(
                f"INSERT INTO {sql.qn(BASELINE)} ({columns}) SELECT {select} "
                f"FROM {sql.table(Charge)} WHERE {sql.col(Charge, 'month')} = %s",
                [month, previous],
            )

    seconds, _count = _timed(insert)
    return seconds


def _baseline_in_place(month, previous) -> float:
    """The same bare INSERT … SELECT, but into the charge table itself (then rolled back).

    The empty copy above does not pay for inserting into indexes that already hold every earlier
    month; this one does, like the run. Shown for information next to the target's ratio.
    """
    from subscriptions.models import Charge

    fields = ["dwelling", "neighbourhood", "month", "amount", "payer", "household"]
    fields += ["tariff", "run", "created_at"]
    columns = ", ".join(sql.col(Charge, f) for f in fields)
    select = ", ".join("%s" if f == "month" else sql.col(Charge, f) for f in fields)
    seconds = 0.0

    def insert():
        sql.execute(
            f"INSERT INTO {sql.table(Charge)} ({columns}) SELECT {select} "
            f"FROM {sql.table(Charge)} WHERE {sql.col(Charge, 'month')} = %s",
            [month, previous],
        )
        if sql.is_postgres():  # the deferred foreign-key checks, which COMMIT would run
            sql.execute("SET CONSTRAINTS ALL IMMEDIATE")

    try:
        with transaction.atomic():
            seconds, _none = _timed(insert)
            raise _RolledBack
    except _RolledBack:
        pass
    if sql.is_postgres():
        sql.execute(f"VACUUM {sql.table(Charge)}")
    return seconds


class _RolledBack(Exception):
    pass


def charge_run(plan: Plan, progress) -> list[Row]:
    from subscriptions.services import charges_generate

    month = plan.current_month
    previous = add_months(month, -1)
    _forget_month(month)
    _create_baseline_table()
    by = coordinator()
    progress("Mesure : génération d'un nouveau mois et ligne de base…")
    base1 = _baseline(month, previous)
    in_place = _baseline_in_place(month, previous)
    first, run = _timed(lambda: charges_generate(month=month, by=by))
    base2 = _baseline(month, previous)
    second, rerun = _timed(lambda: charges_generate(month=month, by=by))
    sql.execute(f"DROP TABLE IF EXISTS {sql.qn(BASELINE)}")
    baseline = (base1 + base2) / 2
    ratio = first / baseline if baseline else float("inf")
    again = second / first if first else float("inf")
    return [
        Row(
            "1",
            "génération d'un mois / INSERT…SELECT nu",
            f"{ratio:.2f}",
            f"{first * 1000:,.0f} ms / {baseline * 1000:,.0f} ms, {run.lines_added:n} lignes",
            f"≤ {RUN_RATIO}",
            ratio <= RUN_RATIO,
        ),
        Row(
            "1",
            "  même INSERT…SELECT nu, dans la table des charges",
            f"{first / in_place:.2f}" if in_place else "n/a",
            f"{first * 1000:,.0f} ms / {in_place * 1000:,.0f} ms (pour information)",
        ),
        Row(
            "2",
            "2e génération du même mois / 1re",
            f"{again:.3f}",
            f"{second * 1000:,.0f} ms, {rerun.lines_added:n} ligne ajoutée",
            f"≤ {RERUN_RATIO}",
            again <= RERUN_RATIO,
        ),
    ]


# 3. The export ----------------------------------------------------------------------------------


def export(plan: Plan, progress) -> list[Row]:
    from subscriptions.exports import charge_csv

    month = plan.current_month
    progress("Mesure : export CSV du mois…")
    scope = Neighbourhood.objects.all()

    def consume():
        size = lines = 0
        for chunk in charge_csv(month, scope):
            size += len(chunk.encode())
            lines += 1
        return size, lines

    seconds, (size, lines) = _timed(consume)
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    consume()
    peak = (tracemalloc.get_traced_memory()[1] - base) / 1024 / 1024
    tracemalloc.stop()
    return [
        Row(
            "3",
            "export CSV du mois : durée",
            f"{seconds:.2f} s",
            f"{lines - 1:n} lignes, {size / 1e6:.0f} Mo",
        ),
        Row(
            "3",
            "export CSV : pic de mémoire",
            f"{peak:.1f} Mo",
            "tracemalloc",
            f"< {EXPORT_MB:.0f} Mo",
            peak < EXPORT_MB,
        ),
    ]


# 5. The register import -------------------------------------------------------------------------


def register_import(plan: Plan, progress, *, size: int = 10_000) -> list[Row]:
    from neighborhoods.register import register_import_apply, register_import_preview

    progress(f"Mesure : import d'un registre de {size:n} lignes…")
    nbh = Neighbourhood.objects.order_by("pk").first()
    prefix = "BENCH-IMPORT-"
    _forget_import(prefix)
    lines = ["Référence;Quartier;Adresse;Bâtiment;Entrée;Statut"]
    lines += [
        f"{prefix}{i:06d};{nbh.name};{i % 40 + 1} rue de l'Import;B{i // 40};{i % 4 + 1};"
        + ("vacant" if i % 20 == 0 else "occupé")
        for i in range(size)
    ]
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
    user = coordinator()

    def run():
        plan_, pending = register_import_preview(user=user, name="bench.csv", content=content)
        if pending is None:
            raise RuntimeError(f"register import refused: {plan_.errors[:3]}")
        return register_import_apply(user=user, pending_id=pending.pk)

    seconds, (plan_, pending) = _timed(run)
    created = pending.created_count
    _forget_import(prefix)
    return [
        Row(
            "5",
            f"import du registre ({size:n} lignes)",
            f"{seconds:.2f} s",
            f"{created:n} logements ajoutés",
        )
    ]


def _forget_import(prefix: str) -> None:
    """Take the imported dwellings out again, so that the bench programme keeps its size."""
    history = Dwelling.history.model
    with transaction.atomic():
        sql.execute(
            f"DELETE FROM {sql.table(history)} WHERE {sql.col(history, 'reference')} LIKE %s",
            [prefix + "%"],
        )
        sql.execute(
            f"DELETE FROM {sql.table(Dwelling)} WHERE {sql.col(Dwelling, 'reference')} LIKE %s",
            [prefix + "%"],
        )
        RegisterImport.objects.filter(filename="bench.csv").delete()
