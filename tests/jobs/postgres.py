"""A libpq connection string to the test database, for tests that open connections of their
own beside Django's (a real worker, a reader outside the test's transaction)."""

import psycopg
from django.db import connection


def dsn() -> str:
    s = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
    )
