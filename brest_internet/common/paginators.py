"""A paginator for the admin lists of the biggest tables (dwellings, charge lines).

Django's admin counts every row of the list to number its pages. On PostgreSQL, an unfiltered
list of a big table takes the planner's estimate (pg_class.reltuples, kept by ANALYZE and
autovacuum) instead of a full COUNT(*); filtered lists, small tables and SQLite count exactly.
Either way it is one query, so that a page's query count does not depend on the table's size.
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
            if connection.vendor == "postgresql":
                table = connection.ops.quote_name(queryset.model._meta.db_table)
                with connection.cursor() as cursor:
                    # The subquery runs only in the branch that needs it (a small table).
                    # `table` is a model's own table name, quoted.
                    sql = (
                        "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "  # noqa: S608
                        f"ELSE (SELECT COUNT(*) FROM {table}) END "
                        "FROM pg_class WHERE oid = %s::regclass"
                    )
                    cursor.execute(sql, [EXACT_BELOW, queryset.model._meta.db_table])
                    row = cursor.fetchone()
                if row:
                    return int(row[0])
        return super().count
