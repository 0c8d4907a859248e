"""Paginators for lists whose size grows with the programme.

`EstimatedCountPaginator`, for the admin lists of the biggest tables (dwellings, households,
subscriptions, charge lines): Django's admin counts every row of the list to number its pages.
An unfiltered list of a big table takes the database's estimate instead of a full COUNT(*): on
PostgreSQL
the planner's (pg_class.reltuples, kept by ANALYZE and autovacuum), on SQLite the row count
ANALYZE writes in sqlite_stat1. Filtered lists, small tables and tables never analysed count
exactly. Either way it is one query, so that a page's query count does not depend on the
table's size.

`LookaheadPaginator`, for the pages' lists: no count at all. A page reads one row more than it
shows, which says whether a next page exists; the pager then says "Page n" without "of N".

`count_up_to`, for the figure a list's caption shows: exact up to a bound, "more than" beyond.
"""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_BELOW = 50_000


def _sqlite_estimate(connection, table: str) -> int | None:
    """The rows ANALYZE counted in `table` (None when it never ran): the first number of each
    of its sqlite_stat1 rows is the row count of an index (of the table itself when it has
    none); a partial index counts fewer, so the largest is the table's."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        counts = [int(stat.split()[0]) for (stat,) in cursor.fetchall() if stat]
    return max(counts) if counts else None


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            connection = connections[queryset.db]
            table = queryset.model._meta.db_table
            if connection.vendor == "postgresql":
                quoted = connection.ops.quote_name(table)
                with connection.cursor() as cursor:
                    # The subquery runs only in the branch that needs it (a small table).
                    # `quoted` is a model's own table name, quoted.
                    sql = (
                        "SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint "  # noqa: S608
                        f"ELSE (SELECT COUNT(*) FROM {quoted}) END "
                        "FROM pg_class WHERE oid = %s::regclass"
                    )
                    cursor.execute(sql, [EXACT_BELOW, table])
                    row = cursor.fetchone()
                if row:
                    return int(row[0])
            elif connection.vendor == "sqlite":
                estimate = _sqlite_estimate(connection, table)
                if estimate is not None and estimate >= EXACT_BELOW:
                    return estimate
        return super().count


class LookaheadPage(Page):
    """A page that knows whether another follows (it read one row more), not how many."""

    def __init__(self, object_list, number, paginator, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class LookaheadPaginator(Paginator):
    """Pages of `object_list` (an ordered queryset) without counting it: each page is one
    query of `per_page + 1` rows. `count` and `num_pages` are None (unknown); a page number
    past the end gives the first page, as Django's `get_page` does for a non-number."""

    count = None
    num_pages = None

    @property
    def page_range(self):
        raise NotImplementedError("A lookahead paginator does not know its pages.")

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return LookaheadPage(rows[: self.per_page], number, self, len(rows) > self.per_page)

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > 2**62:
            # No table has that many rows, and the OFFSET would not fit the database's integer.
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def get_page(self, number):
        try:
            return self.page(number)
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)


def count_up_to(queryset, bound: int) -> tuple[int, bool]:
    """(rows of `queryset`, counted up to `bound`; whether there are more): one query that
    stops after `bound + 1` rows, whatever the size of the table."""
    n = queryset.order_by()[: bound + 1].count()
    return min(n, bound), n > bound


def page_number(value) -> int:
    """A page's number from a query string as a paginator reads it: digits, or the first page
    (a kept page's key holds this number, not whatever the visitor typed)."""
    return int(value) if value and value.isdigit() else 1
