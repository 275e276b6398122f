"""Ingest jobs: read articles, run the pipeline, write the store; one process or a pool.

Streaming throughout: articles are read, processed and written in small batches, so memory does
not grow with the corpus. With ``workers > 1`` the pipeline runs in a process pool and only the
parent writes, so the store sees one writer per job. Articles already stored (same content hash)
are skipped before any work is spent on them.
"""

from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from rasid.ingest.problem import DEFAULT_MAX_BYTES
from rasid.records import Article

if TYPE_CHECKING:
    from rasid.ingest import IngestProblem, RawLine
    from rasid.store import Store
    from rasid.store.versions import Claims, Settled

log = logging.getLogger(__name__)

# Articles a batch: what a worker runs at a time, and what the writer stores in one transaction.
# A transaction writes each page it changed once, however many of its rows landed there: 256
# articles dirty about 20 pages an article where 64 dirtied 32 (at 12,800 stored), and the
# writer's CPU an article is 4-17% lower (docs/benchmarks.md, "The writer").
BATCH = 256


@dataclass
class IngestReport:
    """What an ingest job (or one batch of it) read and what became of each input, with a line
    for each problem and each note (a new version).

    Every input read ends in one count: ``read`` (articles) + ``invalid`` (inputs that are not
    articles: bad lines and files) = ``stored`` + ``skipped`` (already there) + ``versions``
    (new versions of stored articles) + ``conflicts`` (ids stored with another text, not
    stored) + ``failed`` (the invalid inputs and the articles the pipeline failed on).
    ``not_read``: paths not read at all (unreadable folders and files, links not followed).
    """

    read: int = 0
    invalid: int = 0
    stored: int = 0
    skipped: int = 0
    versions: int = 0
    conflicts: int = 0
    failed: int = 0
    not_read: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Inputs read: articles and inputs that are not."""
        return self.read + self.invalid

    @property
    def accounted(self) -> int:
        """Inputs whose outcome is counted: equal to ``total`` when the job ran to its end."""
        return self.stored + self.skipped + self.versions + self.conflicts + self.failed

    def add(self, other: IngestReport) -> None:
        for name in (
            "read",
            "invalid",
            "stored",
            "skipped",
            "versions",
            "conflicts",
            "failed",
            "not_read",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)

    def take_problem(self, problem: IngestProblem) -> None:
        """Count an input that is not an article, or a path not read."""
        if problem.unread:
            self.not_read += 1
        else:
            self.invalid += 1
            self.failed += 1
        self.problems.append(str(problem))

    def summary(self) -> str:
        """The accounting line: it always adds up."""
        parts = [
            f"{self.stored:,} stored",
            f"{self.skipped:,} already there",
            _plural(self.versions, "new version"),
            f"{self.failed:,} with problems",
        ]
        if self.conflicts:
            parts.append(_plural(self.conflicts, "id conflict") + " not stored")
        return (
            f"{self.total:,} read = {' + '.join(parts)}; {_plural(self.not_read, 'path')} not read"
        )


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


Outcome = tuple[str, Any, str | None]  # (article label, its rows for the store, error)


def settle_batch(
    store: Store, batch: list[Article], policy: str, claims: Claims | None, out: IngestReport
) -> Settled:
    """The articles of a batch to process: those not stored yet (nor repeated within the
    batch), renamed when they are new versions; the others counted in ``out``."""
    from rasid.store.versions import settle_ids

    settled = settle_ids(store, batch, policy, claims)
    out.skipped += settled.already
    out.conflicts += len(settled.conflicts)
    out.problems.extend(settled.conflicts)
    out.notes.extend(settled.notes)
    return settled


def write_outcomes(
    store: Store, results: list[Outcome], versions: Mapping[str, tuple[str, int]] | None = None
) -> IngestReport:
    """Write a processed batch in one transaction (a crash loses the batch in progress, never
    half of one); articles the pipeline failed on are reported, not written."""
    from rasid.store.versions import conflict_line
    from rasid.store.write import ALREADY, CONFLICT, STORED, ArticleRows, save_rows

    out = IngestReport()
    good: list[tuple[str, ArticleRows]] = []
    for label, rows, error in results:
        if error is not None or not isinstance(rows, ArticleRows):
            out.failed += 1
            out.problems.append(f"{label}: could not process article ({error})")
        else:
            good.append((label, rows))
    outcomes = save_rows(store, [rows for _, rows in good], versions)
    for (label, rows), outcome in zip(good, outcomes, strict=True):
        if outcome == STORED:
            out.stored += 1
        elif outcome == ALREADY:
            out.skipped += 1
        elif outcome == CONFLICT:
            out.conflicts += 1
            why = "another writer stored that id meanwhile; ingest it again for a new version"
            out.problems.append(conflict_line(label, rows.article_id, why))
        else:
            out.versions += 1
    return out


def _process_batch(
    batch: list[Article], between: Callable[[], None] | None = None
) -> list[Outcome]:
    """Run the pipeline over a batch and prepare each article's rows for the store (so that
    the writer, alone, does as little as it can); a failing article is reported, never fatal.
    ``between`` runs before each article's turn in a stage (a cluster worker pauses there
    while it writes)."""
    from rasid.pipeline import batches, process_batch
    from rasid.store.write import prepare

    out: list[Outcome] = []
    for part in batches(batch):
        for article, result in zip(part, process_batch(part, between), strict=True):
            label = article.origin or article.id
            try:
                if isinstance(result, Exception):
                    raise result
                out.append((label, prepare(result), None))
            except Exception as exc:  # one bad article must not end the batch
                log.debug("pipeline failed on %s", article.id, exc_info=True)
                out.append((label, None, f"{type(exc).__name__}: {exc}"))
    return out


@dataclass(frozen=True)
class ReadOptions:
    """How an ingest job reads and stores: the size limit of a file or JSON line, whether a
    directory's links out of it are followed, and the policy for an id stored with another
    text (``rasid.store.versions``)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    follow_links: bool = False
    on_conflict: str = "version"


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
        on_note: Callable[[str], None] | None = None,
        options: ReadOptions | None = None,
    ) -> None:
        from rasid.store import open_store
        from rasid.store.versions import POLICIES, Claims

        self.paths = paths
        self.stdin = stdin
        self.on_problem = on_problem
        self.on_progress = on_progress
        self.on_note = on_note
        self.options = options or ReadOptions()
        if self.options.on_conflict not in POLICIES:
            raise ValueError(f"unknown id conflict policy {self.options.on_conflict!r}")
        self.store = open_store(store_url)
        self.report = IngestReport()
        self.claims = Claims()
        # new versions of the batches not written yet: id -> (base id, number)
        self.versions: dict[str, tuple[str, int]] = {}
        self._in_flight: deque[list[str]] = deque()

    def problem(self, msg: str) -> None:
        if self.on_problem:
            self.on_problem(msg)

    def note(self, msg: str) -> None:
        if self.on_note:
            self.on_note(msg)

    def _items(self, unparsed: bool) -> Iterator[Article | IngestProblem | RawLine]:
        from rasid.ingest import read_items

        return read_items(
            self.paths,
            stdin=self.stdin,  # type: ignore[arg-type]
            max_bytes=self.options.max_bytes,
            follow_links=self.options.follow_links,
            unparsed=unparsed,
        )

    def _take_problem(self, item: IngestProblem) -> None:
        self.report.take_problem(item)
        self.problem(str(item))

    def articles(self) -> Iterator[Article]:
        from rasid.ingest import IngestProblem

        for item in self._items(unparsed=False):
            if isinstance(item, IngestProblem):
                self._take_problem(item)
                continue
            self.report.read += 1
            yield item  # type: ignore[misc]

    def fresh(self, batch: list[Article]) -> list[Article]:
        """The articles of a batch to process: not stored yet (nor repeated within the batch),
        a changed text under a stored id renamed as a new version, or left out by the policy."""
        found = IngestReport()
        settled = settle_batch(self.store, batch, self.options.on_conflict, self.claims, found)
        self.versions.update(settled.versions)
        if settled.keep:  # a batch left empty is not processed, nor written
            self._in_flight.append([a.id for a in settled.keep])
        self._report(found)
        return settled.keep

    def batches(self, size: int | None = None) -> Iterator[list[Article]]:
        """Batches of ``size`` articles (``BATCH``, read when called), each left with the
        articles to process."""
        chunks = _batches(self.articles(), size or BATCH)
        return (b for b in (self.fresh(b) for b in chunks) if b)

    def unparsed_batches(self, size: int) -> Iterator[list[Article | RawLine]]:
        """Batches of articles and JSON lines left for the workers to parse and de-duplicate
        (their batch reports count what they read)."""
        from rasid.ingest import IngestProblem, RawLine

        batch: list[Article | RawLine] = []
        for item in self._items(unparsed=True):
            if isinstance(item, IngestProblem):
                self._take_problem(item)
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
        # batches are written in the order they were settled
        ids = self._in_flight.popleft() if self._in_flight else []
        versions = {aid: self.versions[aid] for aid in ids if aid in self.versions}
        written = write_outcomes(self.store, results, versions)
        self.claims.release(ids)
        for aid in ids:
            self.versions.pop(aid, None)
        self.count(written)

    def _report(self, part: IngestReport) -> None:
        self.report.add(part)
        for msg in part.notes:
            self.note(msg)
        for msg in part.problems:
            self.problem(msg)

    def count(self, written: IngestReport) -> None:
        """Add a written batch (here or where it was processed) to the report."""
        self._report(written)
        done = written.stored + written.skipped + written.versions
        if self.on_progress and done:
            self.on_progress(done)

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
    on_note: Callable[[str], None] | None = None,
    options: ReadOptions | None = None,
) -> IngestReport:
    """Ingest every article under ``paths`` into the store at ``store_url``."""
    job = Ingestion(
        paths,
        store_url,
        stdin=stdin,
        on_problem=on_problem,
        on_progress=on_progress,
        on_note=on_note,
        options=options,
    )
    try:
        if workers <= 1:
            for batch in job.batches():
                job.write(_process_batch(batch))
        else:
            import multiprocessing as mp

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


YOUNG_COLLECTION = 100_000  # new containers between two collections of a warmed process


def warm() -> None:
    """Ready a worker process before its first batch: load the knowledge base and run the
    pipeline over the packaged sample articles, which builds every table and pattern the stages
    load on first use (about a third of a second) and the romanizer's tables (about 0.6 s), so the
    first batch costs what the others do."""
    from importlib.resources import files

    from rasid.entity_merge import kb_person_keys
    from rasid.ingest import read_articles
    from rasid.kb import load_kb
    from rasid.names import load_names
    from rasid.pipeline import process_article

    kb_person_keys(load_kb())
    load_names()  # the samples name no one the romanizer spells: its tables load here
    for article in read_articles([str(files("rasid.samples") / "articles.jsonl")]):
        if isinstance(article, Article):
            process_article(article)
    # what is loaded now lives as long as the process: out of the collector's generations, a
    # full collection no longer walks its 350,000 objects (0.18 s a collection, 0.01 s after)
    gc.freeze()
    # an article leaves next to no cycles (330 objects over the first 3,000 ANT articles), so
    # the youngest generation is collected every 100,000 new containers, not every 700: 411
    # collections over those articles became none, and the pipeline's CPU time fell by 1.6%
    # (8.18 -> 8.05 s, three runs each), more than the collections took (0.10 s): each walk
    # also pushed the stages' tables out of the processor's caches
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
