"""The same pipeline on a Dask distributed cluster.

The ingesting process reads the articles, skips those already stored, and sends batches to the
workers, which run the pure stages and prepare each article's rows (``rasid.jobs._process_batch``)
and send them back; the ingesting process links names, merges events and writes the batch to the
store (PostgreSQL for a shared deployment) in one transaction. A bounded number of batches is in
flight at a time, so memory stays flat however large the corpus.
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

    try:
        client = address if isinstance(address, Client) else Client(address, timeout="20s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    job = jobs.Ingestion(paths, store_url, on_problem=on_problem)
    try:
        # written in submission order, so merged ids equal those of a single-process run
        pending: deque[Any] = deque()
        for batch in job.batches(batch_size):
            pending.append(client.submit(jobs._process_batch, batch, pure=False))
            if len(pending) >= IN_FLIGHT:
                job.write(pending.popleft().result())
        while pending:
            job.write(pending.popleft().result())
    finally:
        job.close()
        if not isinstance(address, Client):
            client.close()  # type: ignore[no-untyped-call]
    return job.report
