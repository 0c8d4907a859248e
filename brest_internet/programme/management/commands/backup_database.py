"""Back up the configured database to one file: `pg_dump --format=custom` on PostgreSQL,
SQLite's online backup API on SQLite (a consistent copy even while the app writes).

Restore with `pg_restore --clean --if-exists --no-owner -d DBNAME FILE` (PostgreSQL) or by
copying the file in place of the database file (SQLite): see docs/backup.md.

A dump holds every household's name and phone: the file is created readable by its owner only
(0600), and a directory made for it 0700, whatever the umask of the cron job.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Sauvegarde la base de données dans un fichier (pg_dump ou copie SQLite).")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help=_("fichier de sauvegarde"))

    def handle(self, *args, output, **options):
        target = Path(output)
        if connection.vendor not in ("postgresql", "sqlite"):
            raise CommandError(_("Base %(v)s non prise en charge.") % {"v": connection.vendor})
        if not target.parent.exists():
            target.parent.mkdir(mode=0o700, parents=True)
        if target.exists():
            message = _("%(f)s existe déjà : choisissez un autre fichier.")
            raise CommandError(message % {"f": target})
        # Written under a temporary name and renamed once complete: a run killed in the
        # middle (kill -9 of a worker) leaves only a ".partial" file, never one that looks
        # whole. Created empty, owner-only and exclusively (no race with another run) before
        # anything is written into it; pg_dump and SQLite then write into it, keeping its mode.
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)  # a killed run's leftover
        try:
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            message = _("%(f)s existe déjà : choisissez un autre fichier.")
            raise CommandError(message % {"f": partial}) from None
        os.chmod(partial, 0o600)  # the umask may have removed bits, never add them: be exact
        try:
            if connection.vendor == "postgresql":
                self._pg_dump(partial)
            else:
                connection.ensure_connection()
                with sqlite3.connect(partial) as copy:
                    connection.connection.backup(copy)
                copy.close()
            if target.exists():
                message = _("%(f)s existe déjà : choisissez un autre fichier.")
                raise CommandError(message % {"f": target})
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)  # no half-written backup left to be trusted
            raise
        size = target.stat().st_size
        message = _("Sauvegarde écrite : %(f)s (%(n)d octets)") % {"f": target, "n": size}
        self.stdout.write(self.style.SUCCESS(message))

    def _pg_dump(self, target):
        params = connection.get_connection_params()
        env = {**os.environ}
        if params.get("password"):
            env["PGPASSWORD"] = str(params["password"])
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
        for flag, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
            if params.get(key):
                command.append(f"{flag}={params[key]}")
        command.append(params.get("database") or params.get("dbname"))
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise CommandError(_("pg_dump a échoué : %(e)s") % {"e": result.stderr.strip()})
