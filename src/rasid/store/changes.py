"""Whether the store changed since an answer was computed, and answers kept until it does.

A busy server answers the same read many times: the default event page, a popular filter, a
word many people search. ``Answers`` keeps such an answer with the store's change token taken
before it was computed, and serves it while the token is the same; any commit to the store, by
this process or another (an ingest, a worker of a cluster), changes the token, and the next
request computes the answer afresh. An answer is never older than the store.

The token:

- SQLite: ``PRAGMA data_version`` on a connection of its own that never writes, which SQLite
  changes whenever another connection commits (a few microseconds: it reads the WAL index).
- PostgreSQL: the server's WAL insert position, which moves with every write to the cluster
  (other databases, vacuum and page pruning too: an answer is recomputed more often than
  needed, never served stale). A server where it cannot be read (a standby) gets no token, and
  nothing is kept.

The token is read BEFORE the answer is computed: a commit in between makes the answer newer
than its token, which only costs a recomputation; read after, it could label an old answer new.
"""

from __future__ import annotations

import itertools
import logging
import os
import sqlite3
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from sqlalchemy import text

from rasid.store import Store

log = logging.getLogger(__name__)


_serial = itertools.count(1)


class _Watch:
    """One store's change token source."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # a token names its watch: values read on another connection (another Store over the
        # same URL, or a file made anew at the same path) are not comparable
        self.name = f"{id(self):x}.{next(_serial)}"
        self.lock = threading.Lock()
        self.conn: sqlite3.Connection | None = None
        self.broken = False

    def token(self) -> str | None:
        if self.broken:
            return None
        try:
            if self.store.dialect == "sqlite":
                return f"{self.name}:{self._sqlite()}"
            if self.store.dialect == "postgresql":
                with self.store.engine.connect() as conn:
                    lsn = conn.execute(text("SELECT pg_current_wal_insert_lsn()")).scalar()
                return f"{self.name}:{lsn}"
        except Exception as exc:  # no token means no caching, never a failed request
            log.warning(
                "%s: cannot tell when the store changes, answers are not kept: %s",
                self.store.url,
                exc,
            )
            self.broken = True
        return None

    def _sqlite(self) -> str:
        with self.lock:
            if self.conn is None:
                path = self.store.engine.url.database or ""
                if path in ("", ":memory:"):
                    raise ValueError("an in-memory database has no other connection to watch")
                self.conn = sqlite3.connect(
                    f"file:{path}?mode=ro",
                    uri=True,
                    check_same_thread=False,
                    isolation_level=None,
                )
            return str(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self.lock:
            if self.conn is not None:
                self.conn.close()
                self.conn = None


_watches: weakref.WeakKeyDictionary[Store, _Watch] = weakref.WeakKeyDictionary()
_watches_lock = threading.Lock()


def change_token(store: Store) -> str | None:
    """A value that differs once anything is committed to ``store``; None when it cannot be
    known (then nothing may be kept)."""
    with _watches_lock:
        watch = _watches.get(store)
        if watch is None:
            watch = _watches[store] = _Watch(store)
            weakref.finalize(store, watch.close)
    return watch.token()


ENV_KEPT = "RASID_KEPT_ANSWERS"
DEFAULT_KEPT = 256


def kept_from_env() -> int:
    """How many answers a server process keeps: ``RASID_KEPT_ANSWERS`` (0 keeps none), else
    ``DEFAULT_KEPT``; a value that is not a whole number of 0 or more is reported and ignored
    (serving goes on)."""
    raw = os.environ.get(ENV_KEPT, "").strip()
    if raw.isdigit():
        return int(raw)
    if raw:
        log.warning(
            "%s=%r is not a whole number of 0 or more: keeping %d answers (0 keeps none)",
            ENV_KEPT,
            raw,
            DEFAULT_KEPT,
        )
    return DEFAULT_KEPT


@dataclass
class Answers:
    """Answers kept while the store's change token stays the same: at most ``most`` of them and
    ``most_bytes`` in all (the least recently used go first), so memory stays bounded whatever
    clients ask."""

    most: int = DEFAULT_KEPT
    most_bytes: int = 32 * 1024 * 1024
    _kept: OrderedDict[Hashable, tuple[str, bytes]] = field(default_factory=OrderedDict)
    _bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    misses: int = 0

    def lookup(self, store: Store, key: Hashable) -> tuple[str | None, bytes | None]:
        """The store's change token now, and the answer to ``key`` kept under it (None when
        there is none). ``key`` must name everything the answer depends on but the store."""
        if self.most == 0:
            return None, None
        token = change_token(store)
        if token is None:
            return None, None
        with self._lock:
            kept = self._kept.get((store.url, key))
            if kept is None or kept[0] != token:
                self.misses += 1
                return token, None
            self._kept.move_to_end((store.url, key))
            self.hits += 1
            return token, kept[1]

    def keep(self, store: Store, key: Hashable, token: str | None, answer: bytes) -> None:
        """Keep ``answer``, computed after ``token`` was read (``lookup``)."""
        if token is None or self.most == 0 or len(answer) > self.most_bytes // 8:
            return
        full = (store.url, key)
        with self._lock:
            old = self._kept.pop(full, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._kept[full] = (token, answer)
            self._bytes += len(answer)
            while len(self._kept) > self.most or self._bytes > self.most_bytes:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._bytes -= len(dropped)

    def get(self, store: Store, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The answer to ``key``: kept, or computed now and kept."""
        token, answer = self.lookup(store, key)
        if answer is None:
            answer = compute()
            self.keep(store, key, token, answer)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0
