"""The load test's figures: each page's p95 during the charge run against its p95 without.

The load test itself (`make loadtest`) needs PostgreSQL, gunicorn and a worker; here only the
comparison of its two Locust runs, from CSV rows as Locust writes them.
"""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "loadtest_run", Path(__file__).resolve().parents[2] / "loadtest" / "run.py"
)
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


def stats(**pages):
    """Locust's stats rows: name → (requests, failures, p95 ms)."""
    return {
        name.replace("_", " "): {"Request Count": str(n), "Failure Count": str(f), "95%": str(p)}
        for name, (n, f, p) in pages.items()
    }


def test_each_page_is_compared_with_itself_without_the_charge_run():
    quiet = stats(dashboard=(40, 0, 200), charges=(30, 0, 100), health=(50, 0, 10))
    quiet["Aggregated"] = {"Request Count": "120", "Failure Count": "0", "95%": "150"}
    busy = stats(dashboard=(38, 1, 500), charges=(31, 0, 190), health=(49, 0, 12), admin=(3, 0, 90))
    lines, errors = run.compare(quiet, busy)
    by_name = {line[0]: line for line in lines}

    assert "Aggregated" not in by_name
    assert errors == 1  # any failed request, in either phase, counts
    name, count, failed, before, during, ratio, ok = by_name["dashboard"]
    assert (count, failed, before, during, ratio, ok) == (78, 1, 200.0, 500.0, 2.5, False)
    assert by_name["charges"][5:] == (1.9, True)
    # A page requested in one phase only: shown, no ratio, no verdict.
    assert by_name["admin"][3:] == (None, 90.0, None, None)


def test_the_load_test_fails_on_an_error_or_a_ratio_beyond_two(capsys):
    quiet = stats(dashboard=(40, 0, 200))
    job = {"summary": "Tâche de facturation n° 1 : succeeded"}
    assert run.report(*run.compare(quiet, stats(dashboard=(40, 0, 390))), job, quiet, {}) is True
    assert run.report(*run.compare(quiet, stats(dashboard=(40, 0, 410))), job, quiet, {}) is False
    assert run.report(*run.compare(quiet, stats(dashboard=(40, 2, 210))), job, quiet, {}) is False
    out = capsys.readouterr().out
    assert "Erreurs : 2 (cible : 0)" in out
    assert "MISSED" in out
