"""A paginator for the admin lists of the biggest tables (dwellings, charge lines).

Django's admin counts every row of the list to number its pages. On PostgreSQL, an unfiltered
list of a big table takes the planner's estimate (pg_class.reltuples, kept by ANALYZE and
autovacuum) instead of a full COUNT(*); filtered lists, small tables and SQLite count exactly.
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
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                        [queryset.model._meta.db_table],
                    )
                    row = cursor.fetchone()
                if row and row[0] >= EXACT_BELOW:
                    return int(row[0])
        return super().count
