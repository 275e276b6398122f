"""The store writer's own cost per article as the store grows.

The pipeline's output for the corpus (repeated with shifted ids, dates and years past its end,
as ``rasid bench --repeat``; shuffled with a fixed seed, so that every window of articles holds
the same mix of long and short, eventful and quiet articles) is prepared once in worker
processes and kept in a file (``--rows``); then the writer alone (``save_rows``: names linked,
events merged, rows inserted, commit; ``rasid.jobs.BATCH`` articles a transaction as the ingest
writes them, or ``--batch``) stores it into a fresh SQLite file, nothing else running in its
process. Its time is summed per window of articles, as wall time and as the thread's own CPU
(the figure that other jobs on the machine move least). Prints one JSON line a window; the
writer's cost should stay flat while the store grows.

    python bench/writer_scale.py CORPUS --n 20000 --every 4000 [--workers 2]
        [--rows ROWS.pickle] [--db PATH] [--profile 15] [--batch 256]

With ``--profile N`` the writer runs under cProfile (timed by the thread's CPU) and each window
also prints its N costliest functions by own CPU (``top``: function, calls, own ms an article)
and its N costliest SQL statements (``sql``: the statement's start, runs, CPU ms an article),
to find what grows.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pickle
import pstats
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from rasid.bench import _articles, _peak_mb, cpu_model

BATCH = 64  # articles a batch of the prepared rows (the writer regroups them: --batch)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--every", type=int, default=4_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rows", default=None, help="the prepared rows: read if there, else made")
    ap.add_argument("--db", default=None, help="the store to write (made anew)")
    ap.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    ap.add_argument("--batch", type=int, default=0, help="articles a transaction (rasid.jobs')")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp()
    rows_path = args.rows or os.path.join(tmp, "rows.pickle")
    if not os.path.exists(rows_path):
        t = time.perf_counter()
        made = prepare_rows(args.corpus, args.n, args.workers, rows_path)
        took = time.perf_counter() - t
        print(json.dumps({"prepared": made, "s": round(took, 1), "rows": rows_path}), flush=True)
    db = args.db or os.path.join(tmp, "writer.sqlite")
    for path in (db, db + "-wal", db + "-shm"):
        if os.path.exists(path):
            os.remove(path)
    print(json.dumps({"cpu": cpu_model(), "articles": args.n, "db": db}), flush=True)
    write_rows(rows_path, db, args.n, args.every, args.profile, args.batch)


def prepare_rows(corpus: str, n: int, workers: int, path: str) -> int:
    """Run the pipeline over ``n`` articles of the corpus, shuffled, and keep their rows."""
    import multiprocessing as mp

    from rasid.jobs import _process_batch, warm

    with open(corpus, encoding="utf-8") as fh:
        size = sum(1 for _ in fh)
    articles = list(islice(_articles(corpus, None, max(1, -(-n // size))), n))
    random.Random(22).shuffle(articles)
    batches = [articles[i : i + BATCH] for i in range(0, len(articles), BATCH)]
    made = 0
    with open(path, "wb") as out, mp.get_context("fork").Pool(workers, initializer=warm) as pool:
        for outcomes in pool.imap(_process_batch, batches):
            rows = [r for _, r, error in outcomes if error is None]
            pickle.dump(rows, out, protocol=pickle.HIGHEST_PROTOCOL)
            made += len(rows)
    return made


def _batches(path: str) -> Iterator[list[Any]]:
    with open(path, "rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


def _regrouped(path: str, size: int) -> Iterator[list[Any]]:
    """The prepared rows in transactions of ``size`` articles."""
    pending: list[Any] = []
    for batch in _batches(path):
        pending += batch
        if len(pending) >= size:
            yield pending
            pending = []
    if pending:
        yield pending


def write_rows(rows_path: str, db: str, n: int, every: int, top: int, batch_size: int = 0) -> None:
    from rasid.jobs import BATCH as WRITTEN
    from rasid.kb import load_kb
    from rasid.store import open_store
    from rasid.store.write import save_rows

    load_kb()  # the merge reads places' ancestors: loaded before the first batch is timed
    store = open_store(db)
    window = {"articles": 0, "wall": 0.0, "cpu": 0.0, "events": 0}
    done = counted = 0
    profile = _profile() if top else None
    statements: dict[str, list[float]] = {}
    if top:
        _time_statements(statements)
    for batch in _regrouped(rows_path, batch_size or WRITTEN):
        if done >= n:
            break
        t, cpu = time.perf_counter(), time.thread_time()
        if profile is not None:
            profile.enable()
        save_rows(store, batch)
        if profile is not None:
            profile.disable()
        window["wall"] += time.perf_counter() - t
        window["cpu"] += time.thread_time() - cpu
        window["articles"] += len(batch)
        window["events"] += sum(len(r.events) for r in batch)
        done += len(batch)
        if window["articles"] < every:
            continue
        articles = window["articles"]
        events = _count_events(store)
        line: dict[str, Any] = {
            "stored_before": done - articles,
            "articles": articles,
            "event_mentions": window["events"],
            # the others joined a stored event: the dearer path, more often as the store fills
            "new_events": events - counted,
            "writer_s": round(window["wall"], 2),
            "writer_ms_per_article": round(1000 * window["wall"] / articles, 3),
            "writer_cpu_ms_per_article": round(1000 * window["cpu"] / articles, 3),
            "db_mb": round(os.path.getsize(db) / 2**20, 1),
            "peak_rss_mb": _peak_mb(),
            "load": round(os.getloadavg()[0], 1),
        }
        if profile is not None:
            line["top"] = _top(profile, top, articles)
            line["sql"] = _top_sql(statements, top, articles)
            profile = _profile()
            statements.clear()
        print(json.dumps(line, ensure_ascii=False), flush=True)
        window.update(articles=0, wall=0.0, cpu=0.0, events=0)
        counted = events
    store.close()


def _count_events(store: Any) -> int:
    with store.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one())


def _profile() -> cProfile.Profile:
    return cProfile.Profile(time.thread_time)


def _time_statements(spent: dict[str, list[float]]) -> None:
    """Sum the writing thread's CPU in each statement the writer runs (by its first words)."""
    from rasid.store.driver import Cursor

    def timing(method: Callable[..., Any]) -> Callable[..., Any]:
        def run(self: Cursor, sql: str, params: Any = ()) -> Any:
            cpu = time.thread_time()
            try:
                return method(self, sql, params)
            finally:
                entry = spent.setdefault(" ".join(sql.split())[:90], [0, 0.0])
                entry[0] += 1
                entry[1] += time.thread_time() - cpu

        return run

    for name in ("run", "run_many", "rows"):
        setattr(Cursor, name, timing(getattr(Cursor, name)))


def _top_sql(spent: dict[str, list[float]], n: int, articles: int) -> list[tuple[str, int, float]]:
    rows = sorted(spent.items(), key=lambda kv: -kv[1][1])[:n]
    return [(sql, int(calls), round(1000 * cpu / articles, 3)) for sql, (calls, cpu) in rows]


def _top(profile: cProfile.Profile, n: int, articles: int) -> list[tuple[str, int, float]]:
    """The ``n`` functions of most own time: name, calls, own milliseconds an article."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:n]  # type: ignore[attr-defined]
    return [
        (f"{os.path.basename(f)}:{line}:{name}", calls, round(1000 * own / articles, 3))
        for (f, line, name), (_, calls, own, _, _) in rows
    ]


if __name__ == "__main__":
    main()
