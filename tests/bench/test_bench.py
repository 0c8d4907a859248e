"""Smoke test of `manage.py bench` at a tiny size: it runs and prints its table.

Timings are never asserted here; the benchmark's targets are checked by `make bench`.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from brest_internet.bench.generate import Plan
from neighborhoods.models import Dwelling, Neighbourhood
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def run_bench(**options):
    out = StringIO()
    call_command("bench", stdout=out, **options)
    return out.getvalue()


def test_bench_builds_the_programme_and_prints_its_table(tmp_path):
    counts = tmp_path / "counts.json"
    options = {"dwellings": 900, "months": 2, "repeat": 2, "import_rows": 40}
    output = run_bench(counts=str(counts), **options)

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

    # A second run reuses the data, measures again and compares the query counts.
    again = run_bench(counts=str(counts), **options)
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
