"""Background jobs: declare a task, queue it, report its progress.

A task is a plain function `body(progress, **kwargs) -> str` (the result summary, in French,
or an `Outcome` with a page to go on to)
wrapped by `@task(...)` or `@periodic(...)`. `defer(task, by=…, **kwargs)` records a `Job` row
and then:

- on PostgreSQL, queues the task in Procrastinate (in the same transaction as the row, so a
  worker never sees one without the other); a worker on any machine runs it;
- elsewhere (SQLite: `make run`, the SQLite CI pass) runs it at once, in the request's own
  thread. Synchronously rather than in a thread: SQLite lets one writer at a time, so a thread
  writing the register while the request (or the next one) writes too would wait or fail with
  "database is locked", and the test database in memory is not shared between threads. The
  laptop's data are small; the page the request redirects to shows the job already over.

The body reports progress with `progress.todo(n)` and `progress.advance(n)`: each is one
UPDATE, seen at once by the job's page, even when called inside the body's own transaction
(a charge run's batches, an import's slices): on PostgreSQL that UPDATE then goes through a
connection of its own, in autocommit (`Progress`).

A body must be idempotent (a retried job runs it again) and leave the data all or nothing
(one transaction, or steps each complete in one). An error the body raises on purpose (one of
the task's `expected` exceptions, whose message is written for the user) ends the job failed
with that message; any other error ends it failed with a general French message, its
traceback in the log, and is re-raised on the worker so that Procrastinate records it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate import exceptions as procrastinate_exceptions
from procrastinate.contrib.django import app

from .models import Job

logger = logging.getLogger("brest_internet.jobs")

_LABELS: dict[str, object] = {}

UNEXPECTED = (
    "La tâche s'est arrêtée sur une erreur inattendue ; ses modifications ont été annulées. "
    "L'équipe technique en est informée : vous pouvez la relancer."
)


class JobAlreadyQueued(Exception):
    """The same work (same queueing lock) is already waiting or running; `job` is that one."""

    def __init__(self, message: str, job: Job | None):
        super().__init__(message)
        self.job = job


def label_of(kind: str):
    return _LABELS.get(kind, kind)


def runs_inline() -> bool:
    """True when jobs run in the request's process (no worker): JOBS_INLINE, by default on
    any database but PostgreSQL."""
    inline = getattr(settings, "JOBS_INLINE", None)
    if inline is None:
        return connection.vendor != "postgresql"
    return bool(inline)


class Progress:
    """What a task body uses to say how far it is; each call is one short UPDATE of its Job.

    Inside the body's transaction (PostgreSQL), the UPDATE goes through a connection of its
    own, in autocommit, so that the job's page sees the lines done while the body's
    transaction is still open; that connection skips the row rather than wait for it
    (`SKIP LOCKED`: never a worker waiting on itself). A row it does not see or skips (the Job
    created in a transaction not yet committed: a test, a job run inline by a caller's
    transaction) is updated by the body's own connection instead, seen with its commit.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self._todo = 0
        self._done = 0  # `_start` set the row's to 0
        self._aside = None

    def todo(self, lines: int) -> None:
        self._todo = max(0, lines)
        self._write()

    def advance(self, lines: int = 1) -> None:
        self._done += lines
        self._write()

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
            self._aside = None

    def _write(self) -> None:
        # Never past what is to do (the table's constraint), when that is known.
        done = min(self._done, self._todo) if self._todo else self._done
        if not self._write_aside(self._todo, done):
            Job.objects.filter(pk=self.job_id).update(lines_todo=self._todo, lines_done=done)

    def _write_aside(self, todo: int, done: int) -> bool:
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return False  # in autocommit the body's own connection is seen at once
        qn = connection.ops.quote_name
        table, pk = qn(Job._meta.db_table), qn(Job._meta.pk.column)
        todo_column, done_column = (
            qn(Job._meta.get_field(f).column) for f in ("lines_todo", "lines_done")
        )
        try:
            if self._aside is None:
                self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
            with self._aside.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {todo_column} = %s, {done_column} = %s "  # noqa: S608
                    f"WHERE {pk} IN (SELECT {pk} FROM {table} WHERE {pk} = %s "
                    "FOR UPDATE SKIP LOCKED)",
                    [todo, done, self.job_id],
                )
                return cursor.rowcount == 1
        except DatabaseError:
            # The job's progress is not worth its work: written with the body's commit instead.
            logger.warning("job %s: progress not written aside", self.job_id, exc_info=True)
            self.close()
            return False


@dataclass
class Outcome:
    """What a body may return instead of a plain summary: the summary and a page to go on to."""

    summary: str
    next_url: str = ""
    next_label: str = ""

    def __str__(self):
        return self.summary


def _start(job_id: int) -> bool:
    """Mark the job running; False when it is already over (a retry after it finished)."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
            state=Job.State.RUNNING,
            started_at=now,
            attempts=F("attempts") + 1,
            lines_done=0,
            error="",
        )
    )


def _finish(job_id: int, *, state: str, result="", error: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        state=state,
        finished_at=timezone.now(),
        result=str(result),
        error=error,
        next_url=getattr(result, "next_url", "")[:200],
        next_label=str(getattr(result, "next_label", ""))[:100],
    )
    if state == Job.State.SUCCEEDED:
        # A body that did less than it estimated (lines already written by an earlier try,
        # rows skipped) is done all the same.
        Job.objects.filter(pk=job_id).update(lines_todo=F("lines_done"))


def _close_old_connections() -> None:
    # On a worker's thread, as between two requests: a connection left broken or too old by
    # the previous job is not reused. Never inside a transaction (a request running the job
    # inline, a test), whose connection it would close.
    if not connection.in_atomic_block:
        close_old_connections()


def execute(job_id: int, body: Callable[..., str], expected: tuple, kwargs: dict) -> str:
    """Run `body` for the Job row `job_id`, recording its start, end and message."""
    _close_old_connections()
    try:
        if not _start(job_id):
            logger.info("job %s is already over: not run again", job_id)
            return ""
        progress = Progress(job_id)
        try:
            result = body(progress, **kwargs) or ""
        except expected as exc:
            _finish(job_id, state=Job.State.FAILED, error=str(exc))
            return ""
        except Exception:
            logger.exception("job %s failed", job_id)
            _finish(job_id, state=Job.State.FAILED, error=_(UNEXPECTED))
            if runs_inline():
                return ""
            raise
        finally:
            progress.close()
        _finish(job_id, state=Job.State.SUCCEEDED, result=result)
        return str(result)
    finally:
        _close_old_connections()


def task(*, name: str, label, expected: tuple = (), queue: str = "default", **options):
    """Declare a task: `body(progress, **kwargs) -> str`, run by `defer(...)`."""

    def decorate(body):
        def run(job_id: int, **kwargs):
            return execute(job_id, body, expected, kwargs)

        run.__name__ = run.__qualname__ = body.__name__
        run.__doc__ = body.__doc__
        _LABELS[name] = label
        registered = app.task(name=name, queue=queue, **options)(run)
        registered.body = body
        registered.expected = expected
        return registered

    return decorate


def periodic(*, name: str, label, cron: str, expected: tuple = (), **options):
    """Declare a periodic task: Procrastinate defers it once per `cron` tick whatever the number
    of workers; the tick records its own Job row (started by the system) and runs
    `body(progress, timestamp=…)`. On a laptop nothing fires: run the management command."""

    def decorate(body):
        def tick(context=None, *, timestamp: int):
            # One row per tick, found again when the tick is retried after a crash (so that
            # the upkeep's "relancée" and "échouée" land on it, not on a row left running).
            queue_id = context.job.id if context is not None else None
            fields = {"kind": name, "scope": _("tâche périodique")}
            if queue_id is None:
                job = Job.objects.create(**fields)
            else:
                job, _created = Job.objects.get_or_create(
                    procrastinate_id=queue_id, defaults=fields
                )
            return execute(job.pk, body, expected, {"timestamp": timestamp})

        tick.__name__ = tick.__qualname__ = body.__name__
        _LABELS[name] = label
        # The lock keeps two ticks from piling up when one runs longer than the period.
        registered = app.periodic(cron=cron, periodic_id=name)(
            app.task(name=name, queueing_lock=name, pass_context=True, **options)(tick)
        )
        registered.body = body
        registered.expected = expected
        return registered

    return decorate


def defer(
    registered,
    *,
    by,
    organisation=None,
    scope: str = "",
    target: str = "",
    lines_todo: int = 0,
    queueing_lock: str | None = None,
    already_queued: str = "",
    inline: bool | None = None,
    **kwargs,
) -> Job:
    """Record a Job and queue `registered` (or, without a worker, run it now); returns the Job.

    With `queueing_lock`, a second job of the same lock while one waits or runs is refused
    with JobAlreadyQueued(`already_queued`, the job in progress). `inline=True` runs it now
    whatever the database (the demo's loader, which has no worker to wait for).
    """
    if queueing_lock:
        current = (
            Job.objects.filter(
                queueing_lock=queueing_lock, state__in=[Job.State.QUEUED, Job.State.RUNNING]
            )
            .order_by("-created_at")
            .first()
        )
        # Procrastinate's own lock covers a job still waiting; this one also a job running.
        if current is not None:
            raise JobAlreadyQueued(already_queued, current)
    fields = {
        "kind": registered.name,
        "started_by": by,
        "organisation": organisation,
        "scope": scope[:200],
        "target": target[:100],
        "lines_todo": lines_todo,
        "queueing_lock": queueing_lock or "",
    }
    if inline or (inline is None and runs_inline()):
        job = Job.objects.create(**fields)
        execute(job.pk, registered.body, _expected_of(registered), kwargs)
        job.refresh_from_db()
        return job
    try:
        with transaction.atomic():
            job = Job.objects.create(**fields)
            configured = registered.configure(queueing_lock=queueing_lock)
            job.procrastinate_id = configured.defer(job_id=job.pk, **kwargs)
            job.save(update_fields=["procrastinate_id"])
    except procrastinate_exceptions.AlreadyEnqueued:
        current = (
            Job.objects.filter(queueing_lock=queueing_lock)
            .exclude(state__in=[Job.State.SUCCEEDED, Job.State.ACKNOWLEDGED])
            .order_by("-created_at")
            .first()
        )
        raise JobAlreadyQueued(already_queued, current) from None
    return job


def _expected_of(registered) -> tuple:
    return getattr(registered, "expected", ())


def acknowledge(*, job: Job, by) -> Job:
    """Mark a failed job seen (who, when); a no-op when it is not a failed job."""
    with transaction.atomic():
        Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
            state=Job.State.ACKNOWLEDGED, acknowledged_by=by, acknowledged_at=timezone.now()
        )
    job.refresh_from_db()
    return job
