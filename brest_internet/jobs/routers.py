"""Procrastinate's tables are PostgreSQL SQL (functions, triggers, LISTEN/NOTIFY): its migrations
run on PostgreSQL only. On SQLite (a laptop, the SQLite CI pass) the jobs run in the process
(`brest_internet.jobs.runner`) and never touch those tables, so they are not created there."""

from django.db import connections


class ProcrastinateOnPostgresRouter:
    def allow_migrate(self, db, app_label, **hints):
        if app_label == "procrastinate":
            return connections[db].vendor == "postgresql"
        return None
