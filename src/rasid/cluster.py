"""The same pipeline on a Dask distributed cluster.

The ingesting process reads the articles, skips those already stored and sends batches to the
workers, which run the pure stages and prepare each article's rows (``rasid.jobs._process_batch``).

Where every worker can reach the store (a PostgreSQL server they can connect to, or a SQLite
file on this machine when they all run here), the workers do the rest too: they parse the JSON
lines the ingesting process read as bytes, leave out the articles already stored, and write the
batches they ran, in turn: batch i is written once batch i - 1 is (a Dask event per batch), so
batches are written one at a time in reading order and the store ends as a single-process run
leaves it. The rows never travel back, and the ingesting process, which otherwise bounds the
speed-up (it would parse, receive, link, merge and write every article), only moves bytes and
schedules. Elsewhere it reads the articles, and the rows come back for it to write, in the same
order.

A bounded number of batches is in flight (two per worker thread, at least eight), so memory
stays flat however large the corpus.
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rasid.errors import RasidError

log = logging.getLogger(__name__)

IN_FLIGHT = 8
BATCH = 128  # articles a task: fewer, longer tasks keep the scheduler's share small


class ClusterError(RasidError):
    """The Dask cluster could not be reached or failed."""


def ingest_on_cluster(
    paths: Sequence[str],
    store_url: str,
    address: Any,
    *,
    stdin: object | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
    write_on_workers: bool | None = None,
    on_note: Callable[[str], None] | None = None,
    options: Any = None,
) -> Any:
    """Ingest ``paths`` with the pipeline running on the cluster at ``address`` (a scheduler
    address such as tcp://host:8786, or a ``distributed`` Client / LocalCluster).
    ``write_on_workers``: None lets the workers write when they can all reach the store; False
    makes this process write. A cluster that fails on the way raises ClusterError."""
    from concurrent.futures import CancelledError

    from rasid.extras import require_extra

    require_extra("cluster")
    from distributed import Client, KilledWorker

    from rasid import jobs

    try:
        # Dask's own connect timeout (distributed.comm.timeouts.connect, 30 s unless set)
        client = address if isinstance(address, Client) else Client(address)
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        job = jobs.Ingestion(
            paths,
            store_url,
            stdin=stdin,
            on_problem=on_problem,
            on_progress=on_progress,
            on_note=on_note,
            options=options,
        )
        return _ingest(client, job, batch_size, write_on_workers)
    except (OSError, TimeoutError, KilledWorker, CancelledError) as exc:
        raise ClusterError(f"the Dask cluster failed: {type(exc).__name__}: {exc}") from exc
    finally:
        if not isinstance(address, Client):
            client.close()


def _ingest(client: Any, job: Any, batch_size: int, write_on_workers: bool | None) -> Any:
    from rasid import jobs

    policy = job.options.on_conflict
    target: str | None = None
    turns = _Turns()
    pending: deque[Any] = deque()
    try:
        if write_on_workers is not False:
            target = worker_store_url(client, job.store.engine.url)
        in_flight = max(IN_FLIGHT, 2 * sum(client.nthreads().values()))
        # taken in submission order either way, so merged ids equal a single-process run's
        batches = job.batches(batch_size) if target is None else job.unparsed_batches(batch_size)
        for i, batch in enumerate(batches):
            if target is None:
                pending.append(client.submit(jobs._process_batch, batch, pure=False))
            else:
                task = client.submit(
                    _process_and_write, target, batch, turns.job, i, policy, pure=False
                )
                pending.append(task)
            if len(pending) >= in_flight:
                _take(job, target, pending.popleft().result(), turns)
        while pending:
            _take(job, target, pending.popleft().result(), turns)
    finally:
        job.close()
        if target is not None:
            _release(client, target, turns, stopped=bool(pending))
    return job.report


def _release(client: Any, target: str, turns: _Turns, *, stopped: bool) -> None:
    """Close the workers' store connections and the job's last turn. A job stopped early (an
    error, an interrupt) also stops its batches waiting for a turn that will not come (the
    batch before them lost with its worker). Best effort: a failed cluster has nothing left
    to release."""
    from distributed import Event

    try:
        if stopped:
            Event(_stop(turns.job)).set()
        turns.close()
        client.run(_close_store, target)
    except Exception:  # the job's own outcome or error is what the user needs to see
        log.debug("could not release the workers' store connections", exc_info=True)


def _take(job: Any, target: str | None, result: Any, turns: _Turns) -> None:
    if target is None:
        job.write(result)
    else:
        job.count(result)
        turns.done()


class _Turns:
    """The write turns of one job's batches: batch i writes once batch i - 1 has (a Dask
    event named after the job and the batch, set by the batch that wrote)."""

    def __init__(self) -> None:
        self.job = f"rasid-write-{uuid.uuid4().hex}"
        self.taken = 0

    def done(self) -> None:
        """A batch's result was taken: the turn before it will not be waited for again."""
        from distributed import Event

        if self.taken:
            Event(_turn(self.job, self.taken - 1)).clear()
        self.taken += 1

    def close(self) -> None:
        from distributed import Event

        if self.taken:
            Event(_turn(self.job, self.taken - 1)).clear()


def _turn(job: str, index: int) -> str:
    return f"{job}-{index}"


def _stop(job: str) -> str:
    return f"{job}-stop"


def worker_store_url(client: Any, url: Any) -> str | None:
    """The URL the workers write the store through, or None when some cannot reach it (the
    ingesting process then writes). A SQLite file is shared only with workers on this machine;
    a PostgreSQL server on this machine's loopback address only with workers here too."""
    here = socket.gethostname()
    hosts = set(client.run(socket.gethostname).values())
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        if hosts - {here}:
            log.info("workers on other machines: this process writes the SQLite store")
            return None
        return str(url.set(database=str(Path(url.database).resolve())).render_as_string(False))
    if _local_host(url.host) and hosts - {here}:
        log.info("the database is on this machine's loopback: this process writes the store")
        return None
    target = str(url.render_as_string(hide_password=False))
    unreachable = [w for w, ok in client.run(_reaches, target).items() if not ok]
    if unreachable:
        log.info("workers %s cannot reach the store: this process writes it", unreachable)
        return None
    return target


def _local_host(host: str | None) -> bool:
    return not host or host in ("localhost", "::1") or host.startswith(("127.", "/"))


_STORES: dict[str, Any] = {}


def _worker_store(url: str) -> Any:
    """The store a worker writes through, opened once per worker process."""
    from rasid.store import open_store

    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = open_store(url, create=False)
    return store


def _reaches(url: str) -> bool:
    try:
        _worker_store(url).count_articles()
    except RasidError:
        return False
    return True


class _Writing:
    """A worker process's write, before its pipeline: a batch that writes after waiting for its
    turn runs beside the worker's next batch, and that batch pauses between articles until the
    write is done. Sharing the interpreter lock instead would slow the write several times over
    (each database call gives the lock up and waits for it back), and every later batch waits
    for that write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = threading.Lock()
        self._writers = 0

    def __enter__(self) -> None:
        with self._count:
            self._writers += 1
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
        with self._count:
            self._writers -= 1

    def pause(self) -> None:
        """Wait here while a write is due or running."""
        if self._writers:
            with self._lock:
                pass


_WRITING = _Writing()


def _process_and_write(url: str, items: list[Any], job: str, index: int, policy: str) -> Any:
    """Parse a batch's lines, leave out the articles already stored, run the pipeline, then
    write the batch on this worker once the batch before it is written. A batch that must wait
    for its turn leaves the worker's thread pool, so the worker runs its next batch meanwhile
    and no core idles on a turn."""
    from distributed import Event, secede

    from rasid.ingest import IngestProblem, RawLine
    from rasid.jobs import IngestReport, _process_batch, settle_batch, write_outcomes
    from rasid.records import Article

    store = _worker_store(url)
    found = IngestReport()
    articles: list[Article] = []
    for item in items:
        article = item.parse() if isinstance(item, RawLine) else item
        if isinstance(article, IngestProblem):
            found.take_problem(article)
        else:
            found.read += isinstance(item, RawLine)
            articles.append(article)
    settled = settle_batch(store, articles, policy, None, found)
    results = _process_batch(settled.keep, _WRITING.pause)
    if index:
        turn = Event(_turn(job, index - 1))
        if not turn.is_set():
            secede()
            while not turn.wait(timeout=1):
                if Event(_stop(job)).is_set():
                    raise ClusterError(f"ingest job stopped before batch {index} was written")
    try:
        with _WRITING:
            # the batches before this one are written now: an id one of them stored with
            # another text makes the article here a new version (processed again as such)
            results, versions = _settle_again(store, settled, results, policy, found)
            written = write_outcomes(store, results, versions)
    finally:
        # set on failure too: the client reports the failure, later batches still write
        Event(_turn(job, index)).set()
    found.add(written)
    return found


def _settle_again(
    store: Any, settled: Any, results: list[Any], policy: str, found: Any
) -> tuple[list[Any], dict[str, tuple[str, int]]]:
    """The results of a batch, with the articles whose id was stored meanwhile with another
    text settled again (renamed and processed again, or left out, by the policy)."""
    from rasid.jobs import _process_batch, settle_batch

    versions: dict[str, tuple[str, int]] = dict(settled.versions)
    taken = store.hashes_of_ids([a.id for a in settled.keep])
    again = [a for a in settled.keep if taken.get(a.id, a.content_hash) != a.content_hash]
    if not again:
        return results, versions
    moved = {a.id for a in again}
    kept = [r for a, r in zip(settled.keep, results, strict=True) if a.id not in moved]
    resettled = settle_batch(store, again, policy, None, found)
    versions.update(resettled.versions)
    return kept + _process_batch(resettled.keep), versions


def _close_store(url: str) -> None:
    store = _STORES.pop(url, None)
    if store is not None:
        store.close()
