"""After a run commits, its lines are known visible to every transaction (PostgreSQL's VACUUM):
the month's next readers (a re-run's probes, the export, the pages) no longer check each line."""

import datetime

import pytest
from django.db import connection

from neighborhoods.models import User
from subscriptions.services import charges_generate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the visibility map is PostgreSQL's (set DATABASE_URL=postgres://…)",
    ),
]


def heap_fetches_of_month(month) -> dict:
    """The plan of reading the month's lines through the (month, dwelling) index only."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT dwelling_id FROM subscriptions_charge "
                "WHERE month = %s",
                [month],
            )
            return cursor.fetchone()[0][0]["Plan"]
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")


def test_a_committed_run_leaves_its_lines_visible_to_everyone(running, tariff):
    run = charges_generate(month="2013-02", by=User.objects.system())
    assert run.lines_added == 3
    plan = heap_fetches_of_month(datetime.date(2013, 2, 1))
    assert plan["Node Type"] == "Index Only Scan"
    assert plan["Actual Rows"] == 3
    assert plan["Heap Fetches"] == 0
