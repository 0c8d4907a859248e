# ruff: noqa: S608 — table names from the models' _meta; values are parameters.
"""The pages' reference measurement at 10 000 dwellings, taken in the same run on a second database.

Why a second database rather than growing one programme from 10 000 to the requested size:
the large programme (1 000 000 dwellings, 24 months of charges: about 25 million rows) takes
the best part of an hour to write on this machine, and each size's data is reused from one run
to the next (`generate.existing_matches`). Growing in place would mean rebuilding the large one
on every run; two databases keep both, and each run measures both one after the other, on the
same machine under the same load, which is what the ratio needs.

The second database is the first one's name with "_small" (h_bench → h_bench_small; a SQLite
file bench.sqlite3 → bench_small.sqlite3), or --baseline-database. It is created and migrated
when needed (a new SQLite file gets the measured database's schema and migration records
copied, in a second rather than a minute of migrations), then measured by
`manage.py bench --pages-only --serve` in a child process (Django has one default database per
process, and the pages read that one), page by page, each just before the same page is measured
on the first database (`Reference`).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from .generate import kept_tables
from .pages import PageTiming

MANAGE = Path(settings.BASE_DIR) / "manage.py"


class BaselineError(Exception):
    pass


def derive_url(settings_dict: dict) -> str | None:
    """The URL of the "_small" sibling of the configured database (None: cannot be derived)."""
    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"] or "")
    if engine.endswith("postgresql"):
        user = quote(settings_dict.get("USER") or "", safe="")
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "localhost"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{auth}{host}:{port}/{name}_small"
    if engine.endswith("sqlite3"):
        if not name or "memory" in name:
            return None
        path = Path(name)
        return f"sqlite:///{path.with_name(path.stem + '_small' + path.suffix)}"
    return None


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def ensure_postgres_database(url: str) -> None:
    """CREATE DATABASE on the configured server when the baseline's database is missing."""
    if not url.startswith(("postgres://", "postgresql://")) or connection.vendor != "postgresql":
        return
    name = _database_name(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def clone_sqlite_schema(url: str) -> None:
    """A new SQLite baseline file: the configured SQLite database's tables and indexes, and the
    rows the migrations wrote that the app needs (migration records, content types, permissions,
    role groups: `generate.kept_tables`), so that `migrate` has nothing left to do."""
    if not url.startswith("sqlite:///") or connection.vendor != "sqlite":
        return
    target = Path(url[len("sqlite:///") :])
    if target.exists():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        ddl = cursor.fetchall()
        copied = {}
        for name in ["django_migrations", *sorted(kept_tables())]:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            copied[name] = cursor.fetchall()
    order = {"table": 0, "index": 1, "view": 2, "trigger": 3}
    ddl.sort(key=lambda row: order.get(row[0], 4))
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    # CHECK constraints may call the functions Django registers on its SQLite connections.
    db.create_function("REGEXP", 2, lambda pattern, text: bool(re.search(pattern, str(text))))
    try:
        for _kind, statement in ddl:
            db.execute(statement)
        for name, rows in copied.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        db.commit()
    finally:
        db.close()
    partial.rename(target)


def _child_env(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    if settings.TESTING:  # the test suite's throw-away key and settings, in the child too
        env["TESTING"] = "1"
    return env


def _run(args: list[str], env: dict, echo) -> None:
    command = [sys.executable, str(MANAGE), *args]
    with subprocess.Popen(  # noqa: S603 — our own manage.py, arguments built here
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=settings.BASE_DIR,
    ) as child:
        for line in child.stdout:
            echo(line.rstrip("\n"))
        child.wait()
    if child.returncode != 0:
        raise BaselineError(
            f"{' '.join(args[:1])} on the baseline database ended {child.returncode}"
        )


# What the serving child writes on its standard output, besides its own lines (echoed).
READY = "@@bench-ready@@"
PAGE = "@@bench-page@@ "


class Reference:
    """The reference programme's pages, measured page by page by a child process on its own
    database (`manage.py bench --pages-only --serve`), each one when asked: just before the
    same page is measured here. Measured in one block before (as it was until 8 December),
    the two sizes of a page were minutes apart, and this machine's speed moves by half from
    one minute to the next: a workshop session's page, whose cost has nothing to do with the
    programme's size, read 2.0× its reference in one run.

    `with Reference(url, …) as reference:` migrates the database and builds (or reuses) its
    programme, then `reference.measure(label)` times a page there; `reference.timings` has
    what was measured, by label."""

    def __init__(self, url: str, *, dwellings: int, months: int, repeat: int, echo):
        self.url, self.echo = url, echo
        self.args = ["bench", "--pages-only", "--serve", "--baseline-dwellings", "0"]
        self.args += ["--dwellings", str(dwellings), "--months", str(months)]
        self.args += ["--repeat", str(repeat)]
        self.timings: dict[str, PageTiming] = {}
        self.child = None

    def __enter__(self):
        ensure_postgres_database(self.url)
        clone_sqlite_schema(self.url)
        env = _child_env(self.url)
        _run(["migrate", "--noinput", "-v0"], env, self.echo)
        self.child = subprocess.Popen(  # noqa: S603 — our own manage.py, arguments built here
            [sys.executable, str(MANAGE), *self.args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=settings.BASE_DIR,
        )
        try:
            self._read_until(READY)
        except BaselineError:
            self.__exit__(None, None, None)
            raise
        return self

    def measure(self, label: str) -> PageTiming:
        self.child.stdin.write(json.dumps(label) + "\n")
        self.child.stdin.flush()
        data = json.loads(self._read_until(PAGE))
        timing = self.timings[label] = PageTiming.from_json(data)
        return timing

    def _read_until(self, marker: str) -> str:
        for line in self.child.stdout:
            if line.startswith(marker):
                return line[len(marker) :]
            self.echo(line.rstrip("\n"))
        code = self.child.wait()
        raise BaselineError(f"bench on the baseline database ended {code}")

    def __exit__(self, *exc):
        if self.child is None:
            return
        self.child.stdin.close()
        for line in self.child.stdout:  # its last lines
            self.echo(line.rstrip("\n"))
        if self.child.wait(timeout=120) != 0 and exc[0] is None:
            raise BaselineError(f"bench on the baseline database ended {self.child.returncode}")


def serve(measurer, *, read=sys.stdin, write=sys.stdout) -> None:
    """The child's side of `Reference`: ready, then one page measured per label read."""
    write.write(READY + "\n")
    write.flush()
    with measurer.active():
        for line in read:
            timing = measurer.measure(json.loads(line))
            write.write(PAGE + json.dumps(timing.as_json(), ensure_ascii=False) + "\n")
            write.flush()
