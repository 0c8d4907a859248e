"""A paginator for the admin lists of the biggest tables (dwellings, households, charge lines).

Django's admin counts every row of the list to number its pages, and a COUNT(*) reads the whole
table: its cost grows with the table, whatever the page shows. An unfiltered list of a big
table takes the database's own estimate instead: PostgreSQL's planner statistics
(pg_class.reltuples, kept by ANALYZE and autovacuum), SQLite's (sqlite_stat1, kept by ANALYZE).
Filtered lists, small tables (below `EXACT_BELOW` rows) and tables never analysed count
exactly. Either way it is one query, so that a page's query count does not depend on the
table's size. Use it with `show_full_result_count = False` and an ordering an index serves.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_BELOW = 50_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            connection = connections[queryset.db]
            db_table = queryset.model._meta.db_table
            if connection.vendor == "postgresql":
                estimate = _postgresql_count(connection, db_table)
            elif connection.vendor == "sqlite":
                estimate = _sqlite_estimate(connection, db_table)
            else:
                estimate = None
            if estimate is not None:
                return estimate
        return super().count


def _postgresql_count(connection, db_table: str) -> int | None:
    """The planner's row count of a big table, an exact count of a small one (one query)."""
    table = connection.ops.quote_name(db_table)
    with connection.cursor() as cursor:
        # The subquery runs only in the branch that needs it (a small table).
        # `table` is a model's own table name, quoted.
        sql = (
            "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "  # noqa: S608
            f"ELSE (SELECT COUNT(*) FROM {table}) END "
            "FROM pg_class WHERE oid = %s::regclass"
        )
        cursor.execute(sql, [EXACT_BELOW, db_table])
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _sqlite_estimate(connection, db_table: str) -> int | None:
    """ANALYZE's row count of a big table (the first number of any of its indexes' statistics);
    None for a small table or one without statistics, which are then counted exactly."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [db_table])
        counts = [int(stat.split()[0]) for (stat,) in cursor.fetchall() if stat]
    estimate = max(counts, default=0)
    return estimate if estimate >= EXACT_BELOW else None
