# ruff: noqa: S608 — SQL text is built from the models' _meta identifiers only.
"""Figures kept until the programme's data next changes.

The dashboard sums the whole programme from the summaries the services keep, in a fixed number
of queries; what it still paid on every request was their Python (about forty-five
milliseconds, whatever the size), and a month of charges twenty. Between two changes of the
data their figures are the same, so they are kept, in the process's own cache
(`CACHES["figures"]`), for the version of the data they were computed from, and computed again
for the next version:

- every statement that writes a table of the programme's apps (neighbourhoods, registers,
  votes, subscriptions, charges, support, reviews), whoever runs it (the ORM, a service's
  INSERT … SELECT, a job, the admin, a migration), is seen by a wrapper every database
  connection carries (`watch`);
- after the transaction that wrote commits (or at once, in autocommit), the one row of
  `FiguresVersion` gets the next number: every process, on every machine, reads it (one
  primary-key read) before looking in its own cache, so none serves figures older than the last
  commit; bumped after the commit rather than inside the transaction, the row is never locked
  for the length of someone else's transaction (a month's charge run);
- a connection whose open transaction has written neither reads nor fills the cache: it sees
  its own uncommitted rows, which no other connection does.

Figures read before a commit but stored after it are stored under the version they were read
at, which the commit's bump has already left behind. The key says everything else the figures
depend on (the scope, the filters, the page, today's date, the language). A write made outside
Django (psql) is not seen: the next write of the application, or a restart, brings the figures
back in line.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from urllib.parse import quote

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

CACHE = "figures"
TIMEOUT = 3600  # a bound on memory, not on freshness (the version sees to that)

_writes: re.Pattern | None = None


def _watched_writes() -> re.Pattern:
    """INSERT INTO / UPDATE / DELETE FROM / TRUNCATE of a watched table, quoted or not,
    anywhere in a statement (a WITH … INSERT too)."""
    global _writes
    if _writes is None:
        from django.apps import apps
        from django.conf import settings

        # The apps whose rows the figures count (settings: the kit names none of them), but
        # what a login writes, and this module's own row.
        ignored = {*settings.FIGURES_IGNORED_MODELS, "common.figuresversion"}
        tables = sorted(
            {
                model._meta.db_table
                for label in settings.FIGURES_WATCHED_APPS
                for model in apps.get_app_config(label).get_models(include_auto_created=True)
                if model._meta.label_lower not in ignored
            },
            key=len,
            reverse=True,
        )
        names = "|".join(re.escape(t) for t in tables)
        _writes = re.compile(
            rf'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(?:{names})"?(?![\w])',
            re.IGNORECASE,
        )
    return _writes


def writes_figures(sql: str) -> bool:
    """Does the statement `sql` write a table whose rows the figures count?"""
    if sql[:6].upper() == "SELECT":  # nearly every statement: no search
        return False
    return _watched_writes().search(sql) is not None


def _table() -> str:
    from .models import FiguresVersion

    return FiguresVersion._meta.db_table


def current(alias: str = DEFAULT_DB_ALIAS) -> int:
    """The data's version as last committed (0 before the first write).

    Read once per request (a page may keep its figures, a filter's options and a drawn part,
    each looking up the version): the first read of a request is kept on the connection until
    the request ends or the connection writes figures (`bump`, `watch`). Outside a request
    (a job, a command, a test without the client) every call reads it."""
    connection = connections[alias]
    kept = getattr(connection, _VERSION, None)
    if kept is not None and kept[0] is _request_token():
        return kept[1]
    table = connection.ops.quote_name(_table())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    number = int(row[0]) if row else 0
    token = _request_token()
    if token is not None:
        setattr(connection, _VERSION, (token, number))
    return number


_VERSION = "_figures_version_read"
_requests = threading.local()


def _request_token():
    """The request this thread is serving (an object of its own), None outside one."""
    return getattr(_requests, "token", None)


def request_started(**kwargs) -> None:
    _requests.token = object()


def request_finished(**kwargs) -> None:
    _requests.token = None


def _forget_version(connection) -> None:
    if hasattr(connection, _VERSION):
        delattr(connection, _VERSION)


def bump(alias: str = DEFAULT_DB_ALIAS) -> None:
    """The next version, in a statement of its own (autocommit): after the writer's commit.

    Quiet when the table is not there yet (a data migration that runs before the one creating
    it): there is no kept figure to make stale then."""
    connection = connections[alias]
    _forget_version(connection)
    table = connection.ops.quote_name(_table())
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, number) VALUES (1, 1) "
                f"ON CONFLICT (id) DO UPDATE SET number = {table}.number + 1"
            )
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        log.debug("figures version not bumped (no table yet)", exc_info=True)


def _after_commit_of(connection):
    """The one callable this connection registers on commit (found again by identity)."""
    callback = getattr(connection, "_figures_bump", None)
    if callback is None:
        alias = connection.alias

        def callback():
            bump(alias)

        connection._figures_bump = callback
    return callback


def pending(connection) -> bool:
    """Has the connection's open transaction written figures it has not committed yet?"""
    if not connection.in_atomic_block:
        return False
    callback = _after_commit_of(connection)
    return any(entry[1] is callback for entry in connection.run_on_commit)


def watch(execute, sql, params, many, context):
    """The execute wrapper every connection carries (`install`)."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_figures(sql):
        connection = context["connection"]
        _forget_version(connection)
        if not connection.in_atomic_block:
            bump(connection.alias)  # autocommit: already committed
        elif not pending(connection):
            connection.on_commit(_after_commit_of(connection))
    return result


def install(connection, **kwargs) -> None:
    """Give `connection` the wrapper (on `connection_created`; once per connection object).

    First in the list: `connection.execute_wrapper()` pops the last one when its block ends."""
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch)


def key(*parts) -> str:
    """The key of what a page keeps: its parts (the page, the user's scope, its filters) and
    the language it is drawn in, which every label depends on."""
    from django.utils import translation

    return ":".join(str(part) for part in (*parts, translation.get_language()))


def _portable(key: str) -> str:
    """`key` as every cache backend takes it (memcached's rule, which Django warns about on
    every access otherwise): no spaces or control characters, ASCII, at most 250 characters
    with the backend's own prefix; a longer one ends with a digest of the whole."""
    safe = quote(key, safe=":/-_.,=&")
    if len(safe) > 200:
        safe = f"{safe[:160]}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    return safe


def cached(key: str, compute, *, alias: str = DEFAULT_DB_ALIAS):
    """`compute()` as kept for the data's current version under `key`, or computed now (and
    kept) when it is not; computed and not kept while this connection has uncommitted writes."""
    connection = connections[alias]
    if pending(connection):
        return compute()
    store = caches[CACHE]
    versioned = _portable(f"{key}:v{current(alias)}")
    found = store.get(versioned)
    if found is None:
        found = compute()
        store.set(versioned, found, TIMEOUT)
    return found


def detached(page):
    """`page` (a Django Page) made to be kept: its rows a list, its paginator's count and
    number of pages known, and the paginator's own queryset dropped, which pickling would
    otherwise fetch whole (every row of the list, not the page's)."""
    page.object_list = list(page.object_list)
    paginator = page.paginator
    paginator.count  # noqa: B018 — computed now, kept with the page (cached_property)
    paginator.num_pages  # noqa: B018
    paginator.object_list = ()
    return page
