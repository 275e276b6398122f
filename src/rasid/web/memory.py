"""What keeps the server's resident memory near what its objects hold: two habits of glibc's
malloc, the C library's allocator, that made a server ingesting articles hold far more than
its objects (bench/soak.py, the whole-ANT store, 2 clients posting and 8 reading):

- one arena per thread, up to eight per core: each of the thread pool's threads allocated in an
  arena of its own, and each arena keeps what it frees for its own thread. The server keeps two
  (``M_ARENA_MAX``, set before its threads start; a ``MALLOC_ARENA_MAX`` in the environment wins).
- memory freed inside an arena stays resident until ``malloc_trim`` hands its pages back: the
  pipeline's caches emptied once a round (``rasid.caches``), the page caches of the SQLite
  connections the pool closes, the texts and answers of finished requests. The server trims
  after a POST, at most once every ``TRIM_EVERY`` seconds (a trim takes 5 to 70 ms), once the
  answer is sent.

In the soak's 300 s the heap held 97 to 119 MB free, and the resident set was 420 -> 461 MB
after the warm-up; with both (the caches as they were), 350 -> 378 MB (docs/serving.md). With
another C library (musl, macOS) neither is available and both are skipped.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

ARENAS = 2
TRIM_EVERY = 10.0  # seconds
_M_ARENA_MAX = -8  # glibc's malloc.h


class _Trims:
    lock = threading.Lock()
    last = float("-inf")  # time.monotonic() of the last trim


@functools.cache
def _glibc() -> Any:
    """glibc, or None under another C library."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_arenas() -> bool:
    """Keep malloc to ``ARENAS`` arenas; whether it was set. Call before threads start: an
    arena a thread already has stays."""
    libc = _glibc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, ARENAS))


def release_freed(*, every: float = TRIM_EVERY) -> bool:
    """Hand the pages malloc holds free back to the system, unless that was done less than
    ``every`` seconds ago; whether it was done now."""
    libc = _glibc()
    if libc is None:
        return False
    now = time.monotonic()
    with _Trims.lock:
        if now - _Trims.last < every:
            return False
        _Trims.last = now
    libc.malloc_trim(0)
    log.debug("freed memory handed back in %.1f ms", 1000 * (time.monotonic() - now))
    return True
