"""Smoke test of `manage.py bench` at a tiny size: it runs and prints its table.

Timings are never asserted here; the benchmark's targets are checked by `make bench`.
"""

import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from brest_internet.bench import baseline, pages
from brest_internet.bench.generate import Plan
from brest_internet.bench.pages import HEALTH, PageTiming
from neighborhoods.models import Dwelling, Neighbourhood
from tests import factories as f
from tests.conftest import restore_role_groups

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """The pages need the role groups the data migrations made, which the flush after another
    transactional test removes. (Not serialized_rollback: once another transactional test has
    flushed and post_migrate made the content types again under new ids, restoring the
    serialized rows collides with them, as the order of pytest-xdist's workers showed.)"""
    restore_role_groups()


def run_bench(**options):
    out = StringIO()
    call_command("bench", stdout=out, **options)
    return out.getvalue()


def test_bench_builds_the_programme_and_prints_its_table(tmp_path):
    counts = tmp_path / "counts.json"
    small = tmp_path / "small.sqlite3"
    options = {"dwellings": 900, "months": 2, "repeat": 2, "import_rows": 40}
    output = run_bench(
        counts=str(counts),
        baseline_dwellings=300,
        baseline_database=f"sqlite:///{small}",
        **options,
    )

    assert Dwelling.objects.count() == 900
    assert Neighbourhood.objects.filter(slug__startswith="bench-").exists()
    from subscriptions.models import Charge

    # Two generated months and the measured one, every dwelling once a month.
    assert Charge.objects.count() == 900 * 3
    assert "Banc d'essai" in output
    for section in ("génération d'un mois", "2e génération", "export CSV", "quartiers (liste)"):
        assert section in output
    assert "import du registre (40 lignes)" in output
    assert counts.exists()
    # The reference programme was built in its own database and its pages measured in this
    # run: every page but /sante/ has its two ratios, with a figure and a verdict.
    with sqlite3.connect(small) as db:
        assert db.execute("SELECT count(*) FROM neighborhoods_dwelling").fetchone() == (300,)
    assert "    [300] " in output  # the reference run's own lines, indented
    lines = [line for line in output.splitlines() if not line.startswith("    [300] ")]
    by_size = [line for line in lines if "÷ p95 à 300 logements" in line]
    by_health = [line for line in lines if "÷ p95 de /sante/" in line]
    assert len(by_size) == len(pages.PAGES)  # /sante/'s own, for information
    assert len(by_health) == len(pages.PAGES) - 1
    for line in by_size[1:] + by_health:
        assert "n/a" not in line
        assert line.rstrip().endswith(("ok", "MISSED"))
    assert Dwelling.objects.count() == 900  # the reference never wrote here

    # A second run reuses the data, measures again and compares the query counts.
    again = run_bench(counts=str(counts), baseline_dwellings=0, **options)
    assert "réutilisées" in again
    assert "était" not in again  # the same number of queries per page
    assert Dwelling.objects.count() == 900


def test_bench_refuses_a_database_with_real_data():
    f.NeighbourhoodFactory(name="Kerourien")
    with pytest.raises(CommandError, match="did not write"):
        run_bench(dwellings=300, months=1)


def test_neighbourhood_sizes_cover_the_programme():
    sizes = Plan(dwellings=100_000, months=24).sizes()
    assert sum(sizes) == 100_000
    assert all(300 <= s <= 2300 for s in sizes)
    assert Plan(dwellings=250, months=1).sizes() == [250]


def test_estimated_count_paginator_counts_small_tables_exactly():
    from brest_internet.common.paginators import EstimatedCountPaginator

    f.NeighbourhoodFactory.create_batch(3)
    assert EstimatedCountPaginator(Neighbourhood.objects.order_by("pk"), 2).count == 3
    assert EstimatedCountPaginator(Neighbourhood.objects.filter(pk__lt=0), 2).count == 0


def test_estimated_count_paginator_takes_sqlite_statistics_for_a_big_table():
    from django.db import connection

    from brest_internet.common.paginators import EXACT_BELOW, EstimatedCountPaginator

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's statistics (PostgreSQL's estimate has its own bench)")
    f.NeighbourhoodFactory.create_batch(3)
    table = Neighbourhood._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "UPDATE sqlite_stat1 SET stat = %s WHERE tbl = %s", [f"{EXACT_BELOW} 1", table]
        )
    assert EstimatedCountPaginator(Neighbourhood.objects.order_by("pk"), 2).count == EXACT_BELOW
    # A filtered list is counted exactly.
    assert EstimatedCountPaginator(Neighbourhood.objects.filter(pk__gt=0), 2).count == 3


def timing(label, p95_ms, queries=5):
    return PageTiming(label, f"/{label}/", 200, p95_ms, p95_ms, queries)


def row(rows, page, what):
    """The row `what` ("" for the page's own) under page `page`."""
    start = next(i for i, r in enumerate(rows) if r.what == page)
    if not what:
        return rows[start]
    return next(r for r in rows[start + 1 :] if r.what.strip().startswith(what))


def test_page_ratios_to_the_reference_size_and_to_the_health_check():
    measured = [timing(HEALTH, 4.0), timing("tableau de bord", 90.0), timing("charges", 60.0)]
    measured.append(timing("admin : charges", 30.0))
    reference = {t.label: t for t in [timing(HEALTH, 2.0), timing("tableau de bord", 30.0)]}
    reference["charges"] = timing("charges", 50.0)
    rows = pages.rows(measured, baseline=reference, baseline_dwellings=10_000)

    dashboard = row(rows, "tableau de bord", "÷ p95 à")
    assert (dashboard.value, dashboard.ok) == ("3.00", False)  # 90 / 30 > 1.5
    assert "90 ms / 30 ms" in dashboard.detail
    assert "(médianes 90 ms / 30 ms)" in dashboard.detail
    assert "10 000 logements" in dashboard.what
    assert row(rows, "tableau de bord", "÷ p95 de /sante/").value == "22.5"  # 90 / 4
    assert row(rows, "tableau de bord", "÷ p95 de /sante/").ok is False
    assert row(rows, "tableau de bord", "").ok is True  # 90 ms ≤ 150 ms
    charges = row(rows, "charges", "÷ p95 à")
    assert (charges.value, charges.ok) == ("1.20", True)
    assert row(rows, "charges", "÷ p95 de /sante/").ok is False  # 15 > 10
    # Not measured at the reference size: shown, without a verdict.
    absent = row(rows, "admin : charges", "÷ p95 à")
    assert (absent.value, absent.ok) == ("n/a", None)
    assert row(rows, "admin : charges", "÷ p95 de /sante/").value == "7.5"
    assert row(rows, "admin : charges", "÷ p95 de /sante/").ok is True
    # /sante/ is not divided by itself; its growth is shown for information only.
    health = rows[: rows.index(row(rows, "tableau de bord", ""))]
    assert [r.ok for r in health] == [True, None]
    assert health[1].value == "2.00"


def test_page_rows_without_a_reference_or_with_a_changed_query_count():
    measured = [timing(HEALTH, 2.0), timing("abonnements", 10.0, queries=9)]
    rows = pages.rows(
        measured, baseline=None, baseline_dwellings=10_000, known_counts={"abonnements": 8}
    )
    own = row(rows, "abonnements", "")
    assert own.ok is False
    assert "(était 8)" in own.detail
    assert row(rows, "abonnements", "÷ p95 à").value == "n/a"
    assert row(rows, "abonnements", "÷ p95 à").ok is None
    assert row(rows, "abonnements", "÷ p95 de /sante/").ok is True
    # The reference's own run (--baseline-dwellings 0) prints no ratio to itself.
    alone = pages.rows(measured, baseline=None, baseline_dwellings=0)
    assert not [r for r in alone if "÷ p95 à" in r.what]


def test_p95_is_the_nearest_rank():
    assert pages.p95([float(n) for n in range(1, 21)]) == 19.0
    assert pages.p95([5.0]) == 5.0
    assert pages.p95([3.0, 1.0, 2.0]) == 3.0


@pytest.mark.parametrize("page_ms, exits", [(1.0, False), (50.0, True)])
def test_check_exits_1_when_a_page_is_beyond_ten_times_the_health_check(
    monkeypatch, page_ms, exits
):
    # The clock is the only thing replaced: every page is really requested (and must answer
    # 200), /sante/ "takes" 1 ms and every other page `page_ms`.
    monkeypatch.setattr(
        pages, "time_request", lambda client, url: 1.0 if url == "/sante/" else page_ms
    )
    options = {"dwellings": 600, "months": 1, "repeat": 2, "pages_only": True}
    options["baseline_dwellings"] = 0
    if exits:
        with pytest.raises(SystemExit) as exited:
            run_bench(check=True, **options)
        assert exited.value.code == 1
        output = run_bench(**options)  # without --check: the same table, no exit
        assert "MISSED" in output
        assert f"Cibles manquées : {len(pages.PAGES) - 1}." in output
    else:
        output = run_bench(check=True, **options)
        assert "MISSED" not in output, output
        assert "Cibles manquées" not in output


def test_each_page_is_divided_by_the_health_check_requested_just_before_it(monkeypatch):
    """The machine slows down after /sante/'s own row was measured (1 ms, then 5 ms): each
    page (40 ms) is divided by the 5 ms of the /sante/ requests made just before its own, not
    by the 1 ms of a quieter moment."""
    state = {"sante": 0}
    repeat = 3

    def clock(client, url):
        if url != "/sante/":
            return 40.0
        state["sante"] += 1
        return 1.0 if state["sante"] <= repeat else 5.0  # /sante/'s own row, then slower

    monkeypatch.setattr(pages, "time_request", clock)
    options = {"dwellings": 600, "months": 1, "repeat": repeat, "pages_only": True}
    output = run_bench(check=True, baseline_dwellings=0, **options)
    assert "40 ms / 5.0 ms (mesurée juste avant)" in output
    assert "Cibles manquées" not in output, output


def test_a_page_s_health_ratio_takes_its_own_floor_when_measured():
    measured = [timing(HEALTH, 2.0), timing("abonnements", 30.0)]
    measured[1].health_p95_ms = 4.0
    rows = pages.rows(measured, baseline=None, baseline_dwellings=0)
    by_health = row(rows, "abonnements", "÷ p95 de /sante/")
    assert (by_health.value, by_health.ok) == ("7.5", True)  # 30 / 4, not 30 / 2


def test_reference_database_is_the_measured_ones_sibling():
    postgres = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "h_bench",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": 5432,
    }
    assert baseline.derive_url(postgres) == "postgres://postgres@127.0.0.1:5432/h_bench_small"
    secret = {**postgres, "PASSWORD": "a/b"}
    assert baseline.derive_url(secret) == "postgres://postgres:a%2Fb@127.0.0.1:5432/h_bench_small"
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/bench.sqlite3"}
    assert baseline.derive_url(sqlite) == "sqlite:////tmp/bench_small.sqlite3"
    memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": "file:memorydb_default?mode=memory"}
    assert baseline.derive_url(memory) is None


def test_each_page_is_measured_just_after_the_reference_measured_the_same_page(monkeypatch):
    """Both sizes of a page within seconds: the reference is asked for a page right before
    this database's requests of that page, never all its pages in one block before."""
    from brest_internet.bench.measure import coordinator

    run_bench(dwellings=600, months=1, generate_only=True)
    events = []
    monkeypatch.setattr(pages, "time_request", lambda client, url: events.append(url) or 1.0)
    timings = pages.measure(
        coordinator(), repeat=2, before=lambda label: events.append(("reference", label))
    )
    asked = [e[1] for e in events if isinstance(e, tuple)]
    assert asked == [label for label, _c in pages.PAGES]
    for timing in timings:
        at = events.index(("reference", timing.label))
        own = events[at + 1 : at + 5]  # its floor's two requests, then its own two
        expected = (
            [timing.url] * 2 if timing.label == HEALTH else ["/sante/"] * 2 + [timing.url] * 2
        )
        assert own[: len(expected)] == expected, timing.label


def test_the_reference_child_answers_each_page_it_is_asked_for():
    """`serve`: ready, then one timing per label read, as JSON lines `Reference` reads."""
    import contextlib
    import json

    class Measurer:
        def active(self):
            return contextlib.nullcontext()

        def measure(self, label):
            return PageTiming(label, f"/{len(label)}/", 200, 12.5, 10.0, 3, [], 1.5)

    out = StringIO()
    baseline.serve(Measurer(), read=StringIO('"abonnements"\n"admin : charges"\n'), write=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == baseline.READY
    answers = [PageTiming.from_json(json.loads(line[len(baseline.PAGE) :])) for line in lines[1:]]
    assert [(t.label, t.url, t.p95_ms, t.health_p95_ms) for t in answers] == [
        ("abonnements", "/11/", 12.5, 1.5),
        ("admin : charges", "/15/", 12.5, 1.5),
    ]
