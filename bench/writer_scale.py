"""The store writer's own cost per article as the store grows: an ingest of the corpus repeated
(shifted ids, dates and years, as ``rasid bench --repeat``) into a fresh SQLite file, the
pipeline in worker processes, the time spent inside ``save_rows`` (the single writer: names
linked, events merged, rows inserted, commit) summed per window of articles, as wall time and
as the writing thread's own CPU (the figure that other jobs on the machine do not move). Prints
one JSON line a window; the writer's cost should stay flat while the store grows.

    python bench/writer_scale.py CORPUS --n 40000 --every 10000 [--workers 2] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import islice
from typing import Any

from rasid.bench import _articles, _peak_mb, cpu_model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--n", type=int, default=40_000)
    ap.add_argument("--every", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--db", default=None, help="keep the store here (a fresh file)")
    args = ap.parse_args()

    from rasid.jobs import ingest
    from rasid.store import write

    with open(args.corpus, encoding="utf-8") as fh:
        size = sum(1 for _ in fh)
    repeat = max(1, -(-args.n // size))
    tmp = tempfile.mkdtemp()
    db = args.db or os.path.join(tmp, "writer.sqlite")
    sample = os.path.join(tmp, "sample.jsonl")
    with open(sample, "w", encoding="utf-8") as out:
        for a in islice(_articles(args.corpus, None, repeat), args.n):
            row = {
                "id": a.id,
                "text": a.text,
                "title": a.title,
                "published": a.published,
                "url": a.url,
                "source": a.source,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")

    original: Callable[..., list[str]] = write.save_rows
    window = {
        "articles": 0,
        "writer_s": 0.0,
        "writer_cpu_s": 0.0,
        "done": 0,
        "started": time.perf_counter(),
    }

    def timed(store: Any, batch: Sequence[Any], versions: Any = None) -> list[str]:
        t, cpu = time.perf_counter(), time.thread_time()
        result = original(store, batch, versions)
        window["writer_s"] += time.perf_counter() - t
        # the writing thread's own CPU: what the store costs, whatever else the cores run
        window["writer_cpu_s"] += time.thread_time() - cpu
        window["articles"] += len(batch)
        window["done"] += len(batch)
        if window["articles"] >= args.every:
            now = time.perf_counter()
            print(
                json.dumps(
                    {
                        "stored_before": window["done"] - window["articles"],
                        "articles": window["articles"],
                        "writer_s": round(window["writer_s"], 2),
                        "writer_ms_per_article": round(
                            1000 * window["writer_s"] / window["articles"], 3
                        ),
                        "writer_articles_per_s": round(window["articles"] / window["writer_s"], 1),
                        "writer_cpu_ms_per_article": round(
                            1000 * window["writer_cpu_s"] / window["articles"], 3
                        ),
                        "ingest_articles_per_s": round(
                            window["articles"] / (now - window["started"]), 1
                        ),
                        "db_mb": round(os.path.getsize(db) / 2**20, 1),
                        "peak_rss_mb": _peak_mb(),
                    }
                ),
                flush=True,
            )
            window.update(articles=0, writer_s=0.0, writer_cpu_s=0.0, started=now)
        return result

    write.save_rows = timed  # type: ignore[assignment]
    print(json.dumps({"cpu": cpu_model(), "articles": args.n, "workers": args.workers}))
    report = ingest([sample], db, workers=args.workers)
    print(json.dumps({"stored": report.stored, "skipped": report.skipped}))


if __name__ == "__main__":
    main()
