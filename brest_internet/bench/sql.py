# ruff: noqa: S608 — SQL text is built from the models' _meta identifiers only; values are parameters.
"""Set-based writes that work on PostgreSQL and SQLite, named from the models' _meta."""

from __future__ import annotations

from django.db import connection
from django.db.models import NOT_PROVIDED

from brest_internet.common.sql import col, is_postgres, qn, table  # noqa: F401 (the bench's names)


def series_cte(name: str = "s") -> str:
    """A WITH clause giving rows g = 1 … %s (one parameter): generate_series or a recursive CTE."""
    if is_postgres():
        return f"WITH {name}(g) AS (SELECT generate_series(1, %s))"
    return f"WITH RECURSIVE {name}(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM {name} WHERE g < %s)"


def text(expr: str) -> str:
    return f"CAST({expr} AS TEXT)"


def insert_select(
    model, values: dict, tail: str, params: list, *, prefix: str = "", prefix_params=()
) -> int:
    """INSERT INTO model (…) SELECT … tail: one statement, whatever the number of rows.

    `values` maps field names to SQL expressions (strings; a tuple (sql, [params]) for values
    with parameters). Concrete fields left out get their model default as a parameter, so that a
    field added later with a default does not break the benchmark. Returns the row count.
    """
    columns, exprs, select_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values:
            continue
        columns.append(qn(field.column))
        if field.name in values or field.attname in values:
            value = values.get(field.name, values.get(field.attname))
            if isinstance(value, tuple):
                exprs.append(value[0])
                select_params.extend(value[1])
            else:
                exprs.append(value)
        else:
            # A blank text field without a default (a cancellation's reason) is "" by Django's rule.
            empty_text = field.blank and field.empty_strings_allowed
            if field.default is NOT_PROVIDED and not field.null and not empty_text:
                raise ValueError(f"{model.__name__}.{field.name} needs a value")
            default = field.get_default()
            exprs.append("%s")
            select_params.append(field.get_db_prep_save(default, connection))
    sql = (
        f"{prefix} INSERT INTO {table(model)} ({', '.join(columns)}) "
        f"SELECT {', '.join(exprs)} {tail}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*prefix_params, *select_params, *params])
        return max(cursor.rowcount, 0)


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return max(cursor.rowcount, 0)


def analyze() -> None:
    """Settle the database after a bulk load, as it would be after a while in production.

    PostgreSQL: VACUUM ANALYZE, i.e. what autovacuum does to freshly inserted tables (this
    machine's server runs with autovacuum off): the planner's statistics, and the visibility map
    without which an index-only scan (counting a neighbourhood's dwellings, say) still visits
    every row of the table. SQLite: ANALYZE.
    """
    execute("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
