"""What bounds the cost of a request once it is read: how long its queries may run, and how much
memory the server's read connections may keep.

Query time. The reads of one request must be done within ``RASID_QUERY_TIMEOUT`` seconds (10 by
default; 0 for no limit), counted from the moment the request reaches the application. A query
past that is stopped where it runs, and the request is answered 503 ``query_timeout`` in the API's
error shape, so a worker thread is never held by a query for longer than that. SQLite: a progress
handler on each connection checked out for the request, which interrupts the statement (every
``_STEPS`` virtual-machine steps it compares the clock with the deadline: a fraction of a
percent of a query's time). PostgreSQL: ``SET LOCAL statement_timeout`` to the time left, at
the same checkout; the server cancels the statement. The deadline is a context variable set by
``QueryDeadline`` for the request, which the thread pool and the kept answers' tasks inherit.
Not timed: writes (POST /api/articles: a pipeline run and a transaction, stopped halfway they
would only be lost work) and the streamed exports, which read the whole store on purpose.

Memory. Each SQLite connection keeps its own page cache, and the store opens its connections
with a large one (64 MB) for the writer's sake. A server keeps a pool of connections and re-reads
pages after every commit, so under ingest each pooled connection's cache filled towards that
size over the minutes and the server's memory rose with it. The web application's connections
for reading keep ``RASID_READ_CACHE_MB`` (8 by default) each; a POSTed article is written through
a store of its own, with the store's settings.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Receive, Scope, Send

from rasid.web.asgi import HttpMiddleware

log = logging.getLogger(__name__)

ENV_QUERY_TIMEOUT = "RASID_QUERY_TIMEOUT"
DEFAULT_QUERY_TIMEOUT = 10.0
ENV_READ_CACHE = "RASID_READ_CACHE_MB"
DEFAULT_READ_CACHE_MB = 8
# SQLite virtual-machine steps between two looks at the clock
_STEPS = 2000
# paths whose reads are not timed: they stream the whole store on purpose
UNTIMED_PREFIXES = ("/api/export",)

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "rasid_query_deadline", default=None
)


def _seconds_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        log.warning("%s=%r is not a number of seconds (0 or more): using %s", name, raw, default)
        return default
    return value


def query_timeout_from_env() -> float:
    return _seconds_from_env(ENV_QUERY_TIMEOUT, DEFAULT_QUERY_TIMEOUT)


def read_cache_from_env() -> int:
    return int(_seconds_from_env(ENV_READ_CACHE, DEFAULT_READ_CACHE_MB))


def past_deadline() -> bool:
    """Whether the current request's time for queries is over."""
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline


def timeout_message(seconds: float) -> str:
    return (
        f"the query ran past the server's limit of {seconds:g} s and was stopped: narrow the "
        "filters or page with a smaller limit (the server's limit: `rasid serve --query-timeout`"
        f" or {ENV_QUERY_TIMEOUT})"
    )


class QueryDeadline(HttpMiddleware):
    """Gives each timed request its deadline for queries (see the module's docstring)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        super().__init__(app)
        self.seconds = seconds

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if (
            not self.seconds
            or scope.get("method") not in ("GET", "HEAD")
            or path.startswith(UNTIMED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        token = _deadline.set(time.monotonic() + self.seconds)
        try:
            await self.app(scope, receive, send)
        finally:
            _deadline.reset(token)


def bound_reads(engine: Engine, *, cache_mb: int) -> None:
    """Time the queries of timed requests on ``engine``'s connections, and (SQLite) keep each
    connection's page cache to ``cache_mb``. Connections already open are closed first, so every
    connection the application uses has the settings."""
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _small_cache(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            dbapi_conn.execute(f"PRAGMA cache_size=-{max(1, cache_mb) * 1024}")

        @event.listens_for(engine, "checkout")
        def _sqlite_deadline(dbapi_conn: sqlite3.Connection, _record: object, _proxy: Any) -> None:
            deadline = _deadline.get()
            if deadline is None:
                dbapi_conn.set_progress_handler(None, 0)
            else:
                dbapi_conn.set_progress_handler(lambda: time.monotonic() >= deadline, _STEPS)

    elif engine.dialect.name == "postgresql":

        @event.listens_for(engine, "checkout")
        def _pg_deadline(dbapi_conn: Any, _record: object, _proxy: Any) -> None:
            deadline = _deadline.get()
            if deadline is None:
                return
            left = max(1, int(1000 * (deadline - time.monotonic())))
            # LOCAL: ends with the transaction the request's reads run in, so the connection
            # goes back to the pool untimed
            with contextlib.closing(dbapi_conn.cursor()) as cur:
                cur.execute(f"SET LOCAL statement_timeout = {left}")

    engine.dispose()
