"""What every database connection of the application is told when it opens."""

import pytest
from django.db import connection, connections


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="JIT is PostgreSQL's (set DATABASE_URL=postgres://…)"
)
def test_postgresql_connections_never_compile_statements(db):
    fresh = connections.create_connection("default")  # as a web process or a worker opens one
    try:
        with fresh.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    finally:
        fresh.close()
