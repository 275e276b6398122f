"""The same pipeline on a Dask distributed cluster.

The ingesting process reads the articles, skips those already stored, and sends batches to the
workers, which run the pure stages (``rasid.jobs._process_batch``) and send back the results; the
ingesting process writes them to the store (PostgreSQL for a shared deployment) in one
transaction per article. A bounded number of batches is in flight at a time, so memory stays flat
however large the corpus.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from rasid.errors import RasidError

log = logging.getLogger(__name__)

IN_FLIGHT = 8


class ClusterError(RasidError):
    """The Dask cluster could not be reached or failed."""


def ingest_on_cluster(
    paths: Sequence[str],
    store_url: str,
    address: Any,
    *,
    on_problem: Callable[[str], None] | None = None,
    batch_size: int = 64,
) -> Any:
    """Ingest ``paths`` with the pipeline running on the cluster at ``address`` (a scheduler
    address such as tcp://host:8786, or a ``distributed`` Client / LocalCluster)."""
    from distributed import Client

    from rasid import jobs
    from rasid.ingest import IngestProblem, read_articles
    from rasid.store import open_store
    from rasid.store.write import save_results

    report = jobs.IngestReport()

    def problem(msg: str) -> None:
        report.problems.append(msg)
        if on_problem:
            on_problem(msg)

    try:
        client = address if isinstance(address, Client) else Client(address, timeout="20s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    store = open_store(store_url)

    def articles() -> Any:
        for item in read_articles(paths):
            if isinstance(item, IngestProblem):
                report.failed += 1
                problem(str(item))
                continue
            report.read += 1
            yield item

    def fresh(batch: list[Any]) -> list[Any]:
        known = store.known_hashes([a.content_hash for a in batch])
        keep = []
        seen: set[str] = set()
        for a in batch:
            if a.content_hash in known or a.content_hash in seen:
                report.skipped += 1
            else:
                seen.add(a.content_hash)
                keep.append(a)
        return keep

    def write(results: list[Any]) -> None:
        good = []
        for article, result, error in results:
            if error is not None or result is None:
                report.failed += 1
                problem(f"{article.origin or article.id}: could not process article ({error})")
            else:
                good.append(result)
        for ok in save_results(store, good):
            if ok:
                report.stored += 1
            else:
                report.skipped += 1

    try:
        batches = (b for b in (fresh(b) for b in jobs._batches(articles(), batch_size)) if b)
        # written in submission order, so merged ids equal those of a single-process run
        pending: deque[Any] = deque()
        for batch in batches:
            pending.append(client.submit(jobs._process_batch, batch, pure=False))
            if len(pending) >= IN_FLIGHT:
                write(pending.popleft().result())
        while pending:
            write(pending.popleft().result())
    finally:
        store.close()
        if not isinstance(address, Client):
            client.close()  # type: ignore[no-untyped-call]
    return report
