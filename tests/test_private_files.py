"""Backups and the `.env` that `make install` writes are readable by their owner only: a dump
holds every household's name and phone, the `.env` the app's secret key (issue 13, section 6)."""

import os
import stat
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The permissive umask of a default cron or login shell, restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_backup_is_readable_by_its_owner_only(transactional_db, world, tmp_path, open_umask):
    target = tmp_path / "brest.dump"
    call_command("backup_database", output=str(target))
    assert target.stat().st_size > 0
    assert mode(target) == 0o600


def test_a_directory_made_for_the_backup_is_its_owners_only(
    transactional_db, world, tmp_path, open_umask
):
    target = tmp_path / "sauvegardes" / "nuit" / "brest.dump"
    call_command("backup_database", output=str(target))
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    assert target.stat().st_size > 0


def test_make_writes_the_env_file_readable_by_its_owner_only(tmp_path):
    # The Makefile's own `.env` recipe, run in an empty directory under a permissive umask.
    result = subprocess.run(
        ["sh", "-c", f"umask 022 && make -f {BASE_DIR / 'Makefile'} .env"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    env_file = tmp_path / ".env"
    assert env_file.read_text().startswith("SECRET_KEY=")
    assert mode(env_file) == 0o600
