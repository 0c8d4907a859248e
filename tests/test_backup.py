"""A backup restores into a database that passes the checks and shows the same figures."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
OUR_APPS = ("neighborhoods", "votes", "subscriptions", "support")

FIGURES = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() "
    f"for a in {OUR_APPS!r} for m in apps.get_app_config(a).get_models()}}))"
)


def figures_here():
    return {
        m._meta.label: m._default_manager.count()
        for a in OUR_APPS
        for m in apps.get_app_config(a).get_models()
    }


def manage(database_url, *args):
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update({"DATABASE_URL": database_url, "DEBUG": "1", "READ_DOT_ENV": "0"})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def pg_url(dbname):
    params = connection.settings_dict
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{dbname}"


def test_a_restored_backup_passes_the_checks_and_shows_the_same_figures(
    transactional_db, world, tmp_path
):
    expected = figures_here()
    assert expected["neighborhoods.Dwelling"] == 4

    backup = tmp_path / "backup.bin"
    call_command("backup_database", output=str(backup), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert backup.stat().st_size > 0

    if connection.vendor == "postgresql":
        restored = f"restored_{uuid.uuid4().hex[:8]}"
        env = {**os.environ}
        if connection.settings_dict.get("PASSWORD"):
            env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
        base = ["-h", connection.settings_dict.get("HOST") or "127.0.0.1"]
        base += ["-U", connection.settings_dict.get("USER") or "postgres"]
        subprocess.run(["createdb", *base, restored], check=True, env=env)
        try:
            subprocess.run(
                ["pg_restore", *base, "--no-owner", f"--dbname={restored}", str(backup)],
                check=True,
                env=env,
            )
            _check_restored(pg_url(restored), expected)
        finally:
            subprocess.run(["dropdb", *base, "--if-exists", restored], check=True, env=env)
    else:
        _check_restored(f"sqlite:///{backup}", expected)


def _check_restored(url, expected):
    check = manage(url, "check")
    assert check.returncode == 0, check.stderr
    migrations = manage(url, "migrate", "--check")
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    shown = manage(url, "shell", "-c", FIGURES)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout.strip().splitlines()[-1]) == expected


def test_backup_refuses_to_overwrite_a_file(db, tmp_path):
    from django.core.management.base import CommandError

    existing = tmp_path / "exists.bin"
    existing.write_text("précieux")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup_database", output=str(existing))
    assert existing.read_text() == "précieux"
