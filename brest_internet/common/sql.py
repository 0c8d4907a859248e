"""SQL identifiers, once: the quoted names of a model's table and columns, from its _meta.

Set-based statements (the charge run's INSERT … SELECT, the electoral roll, the benchmark)
format only these identifiers into their SQL text; every value travels as a parameter.
"""

import datetime

from django.db import connection


def qn(name: str) -> str:
    """`name` quoted for the database in use."""
    return connection.ops.quote_name(name)


def table(model) -> str:
    """The model's table, quoted."""
    return qn(model._meta.db_table)


def col(model, field: str) -> str:
    """The column of `field` on the model, quoted."""
    return qn(model._meta.get_field(field).column)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def insert_from(model, fields: list[str], queryset) -> None:
    """INSERT INTO `model` (`fields`) the rows `queryset` selects, in one statement.

    The SELECT is compiled by Django (so a `TruncMonth` or a `Count` reads the same on SQLite
    and PostgreSQL); its columns come in the order of `queryset`'s `values_list`, which must
    match `fields`. For the summaries' rebuilds: one statement whatever the number of rows.
    """
    select, params = queryset.query.sql_with_params()
    columns = ", ".join(col(model, name) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table(model)} ({columns}) {select}", params)  # noqa: S608


def date_value(value):
    """A date as raw SQL returns it: SQLite gives text ("2026-11-01", or a timestamp's text from
    a truncation), PostgreSQL a date or a datetime; None stays None."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


def session_settings(connection, **kwargs) -> None:
    """PostgreSQL, for every connection the application opens: no JIT compilation.

    The planner compiles a statement whose estimated cost passes `jit_above_cost`, which any
    statement naming a table of millions of rows does, even one that reads a single row or
    never runs the costly branch: the admin's estimated count of the charge lines (a CASE whose
    COUNT(*) never runs) paid 5 ms of compilation for 0.1 ms of work, a month's charge run
    650 ms (bench). The application's statements are short, or long and simple (the run, the
    exports): none gains from it. Behind pgbouncer in transaction mode a session's SET does
    not follow the client to the next server connection: there, set it on the database
    (`ALTER DATABASE … SET jit = off`, README, Scale-out).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
