"""Ingest jobs: read articles, run the pipeline, write the store; one process or a pool.

Streaming throughout: articles are read, processed and written in small batches, so memory does
not grow with the corpus. With ``workers > 1`` the pipeline runs in a process pool and only the
parent writes, so the store sees one writer per job. Articles already stored (same content hash)
are skipped before any work is spent on them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from rasid.records import Article

if TYPE_CHECKING:
    from rasid.ingest import RawLine
    from rasid.store import Store

log = logging.getLogger(__name__)

BATCH = 64


@dataclass
class IngestReport:
    """What an ingest job (or one batch of it) read, stored, skipped as already stored, and
    could not read or process, with a line for each problem."""

    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


Outcome = tuple[str, Any, str | None]  # (article label, its rows for the store, error)


def fresh_articles(store: Store, batch: list[Article]) -> list[Article]:
    """The articles of a batch not stored yet (nor repeated within the batch)."""
    known = store.known_hashes([a.content_hash for a in batch])
    keep: list[Article] = []
    seen: set[str] = set()
    for a in batch:
        if a.content_hash not in known and a.content_hash not in seen:
            seen.add(a.content_hash)
            keep.append(a)
    return keep


def write_outcomes(store: Store, results: list[Outcome]) -> IngestReport:
    """Write a processed batch in one transaction (a crash loses the batch in progress, never
    half of one); articles the pipeline failed on are reported, not written."""
    from rasid.store.write import ArticleRows, save_rows

    out = IngestReport()
    good: list[ArticleRows] = []
    for label, rows, error in results:
        if error is not None or not isinstance(rows, ArticleRows):
            out.failed += 1
            out.problems.append(f"{label}: could not process article ({error})")
        else:
            good.append(rows)
    for ok in save_rows(store, good):
        if ok:
            out.stored += 1
        else:
            out.skipped += 1
    return out


def _process_batch(
    batch: list[Article], between: Callable[[], None] | None = None
) -> list[Outcome]:
    """Run the pipeline over a batch and prepare each article's rows for the store (so that
    the writer, alone, does as little as it can); a failing article is reported, never fatal.
    ``between`` runs before each article (a cluster worker pauses there while it writes)."""
    from rasid.pipeline import process_article
    from rasid.store.write import prepare

    out: list[Outcome] = []
    for article in batch:
        if between is not None:
            between()
        label = article.origin or article.id
        try:
            out.append((label, prepare(process_article(article)), None))
        except Exception as exc:  # one bad article must not end the batch
            log.debug("pipeline failed on %s", article.id, exc_info=True)
            out.append((label, None, f"{type(exc).__name__}: {exc}"))
    return out


class Ingestion:
    """Reading, de-duplicating and writing for one ingest job, whatever runs the pipeline
    (this process, a process pool, a Dask cluster)."""

    def __init__(
        self,
        paths: Sequence[str],
        store_url: str,
        *,
        stdin: object | None = None,
        on_problem: Callable[[str], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> None:
        from rasid.store import open_store

        self.paths = paths
        self.stdin = stdin
        self.on_problem = on_problem
        self.on_progress = on_progress
        self.store = open_store(store_url)
        self.report = IngestReport()

    def problem(self, msg: str) -> None:
        self.report.problems.append(msg)
        if self.on_problem:
            self.on_problem(msg)

    def articles(self) -> Iterator[Article]:
        from rasid.ingest import IngestProblem, read_articles

        for item in read_articles(self.paths, stdin=self.stdin):  # type: ignore[arg-type]
            if isinstance(item, IngestProblem):
                self.report.failed += 1
                self.problem(str(item))
                continue
            self.report.read += 1
            yield item

    def fresh(self, batch: list[Article]) -> list[Article]:
        """The articles of a batch not stored yet (nor repeated within the batch)."""
        keep = fresh_articles(self.store, batch)
        self.report.skipped += len(batch) - len(keep)
        return keep

    def batches(self, size: int = BATCH) -> Iterator[list[Article]]:
        return (b for b in (self.fresh(b) for b in _batches(self.articles(), size)) if b)

    def unparsed_batches(self, size: int) -> Iterator[list[Article | RawLine]]:
        """Batches of articles and JSON lines left for the workers to parse and de-duplicate
        (their batch reports count what they read)."""
        from rasid.ingest import IngestProblem, RawLine, read_items

        batch: list[Article | RawLine] = []
        for item in read_items(self.paths, stdin=self.stdin, unparsed=True):  # type: ignore[arg-type]
            if isinstance(item, IngestProblem):
                self.report.failed += 1
                self.problem(str(item))
                continue
            if not isinstance(item, RawLine):
                self.report.read += 1
            batch.append(item)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def write(self, results: list[Outcome]) -> None:
        self.count(write_outcomes(self.store, results))

    def count(self, written: IngestReport) -> None:
        """Add a written batch (here or where it was processed) to the report."""
        self.report.read += written.read
        self.report.stored += written.stored
        self.report.skipped += written.skipped
        self.report.failed += written.failed
        for msg in written.problems:
            self.problem(msg)
        if self.on_progress and written.stored + written.skipped:
            self.on_progress(written.stored + written.skipped)

    def close(self) -> None:
        self.store.close()


def ingest(
    paths: Sequence[str],
    store_url: str,
    *,
    workers: int = 1,
    stdin: object | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest every article under ``paths`` into the store at ``store_url``."""
    job = Ingestion(paths, store_url, stdin=stdin, on_problem=on_problem, on_progress=on_progress)
    try:
        if workers <= 1:
            for batch in job.batches():
                job.write(_process_batch(batch))
        else:
            import multiprocessing as mp
            from collections import deque

            ctx = mp.get_context("spawn") if _needs_spawn() else mp.get_context("fork")
            with ctx.Pool(workers, initializer=warm) as pool:
                # a bounded number of batches in flight keeps memory flat: the pool's own
                # imap would read the whole input ahead of a slower writer
                pending: deque[Any] = deque()
                for batch in job.batches():
                    pending.append(pool.apply_async(_process_batch, (batch,)))
                    if len(pending) >= 2 * workers:
                        job.write(pending.popleft().get())
                while pending:
                    job.write(pending.popleft().get())
    finally:
        job.close()
    return job.report


def _needs_spawn() -> bool:
    import sys

    return sys.platform == "darwin" or sys.platform.startswith("win")


def warm() -> None:
    """Ready a worker process before its first batch: load the knowledge base and run the
    pipeline over the packaged sample articles, which builds every table and pattern the stages
    load on first use (about a third of a second), so the first batch costs what the others do."""
    from importlib.resources import files

    from rasid.ingest import read_articles
    from rasid.kb import load_kb
    from rasid.pipeline import process_article

    load_kb()
    for article in read_articles([str(files("rasid.samples") / "articles.jsonl")]):
        if isinstance(article, Article):
            process_article(article)
