"""Throughput and peak memory against corpus size: JSON and a plot.

    python bench/scale.py CORPUS.jsonl --sizes 1000,10000,100000 [--workers 2]
        [--phases pipeline,merge,ingest] [--out bench/results/scale]
        [--merge bench/results/scale.json] [--add RUN.json ...]

A run too long to repeat here (a million articles) is measured once with
``rasid bench CORPUS --phases pipeline --repeat 32 --limit 1000000 > RUN.json`` and added with
``--add RUN.json --sizes ""``.

The million-article ingest, end to end into SQLite as ``rasid ingest`` runs it:

    /usr/bin/time -v python bench/scale.py CORPUS --ingest 1000000 --db PATH [--workers 2]

builds the articles (the corpus repeated with shifted ids, dates and years: ``PATH.jsonl``),
ingests them into a fresh store at PATH with the progress bar on stderr and a JSON line every
50,000 articles (the rate since the line before, the writer's and the largest worker's peak
memory, the store's size, the machine's load), then runs the reference pass of ``rasid bench``
over the same articles in the same process, and prints the whole run's figures as JSON.

The corpus is repeated with shifted ids and dates to reach sizes beyond it. Each (size, phase)
runs in a fresh process (rasid.bench), so peak memory is that phase's own.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

from rasid.bench import _articles, _peak_children_mb, _peak_mb, cpu_model, reference_pass, run


def corpus_size(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--phases", default="pipeline,merge,ingest")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="bench/results/scale")
    ap.add_argument("--merge", help="add results to an earlier JSON (re-measured points win)")
    ap.add_argument(
        "--add",
        action="append",
        default=[],
        help="the JSON printed by a long `rasid bench --repeat N --limit SIZE` run, as a point",
    )
    ap.add_argument("--ingest", type=int, default=0, help="ingest this many articles end to end")
    ap.add_argument("--db", default="scale.sqlite", help="the store of --ingest (made anew)")
    args = ap.parse_args()
    if args.ingest:
        print(json.dumps(ingest_run(args.corpus, args.ingest, args.db, args.workers)), flush=True)
        return
    base = corpus_size(args.corpus)
    results = []
    for done in args.add:
        for res in json.loads(Path(done).read_text(encoding="utf-8"))["results"]:
            res.setdefault("size", res["articles"])
            results.append(res)
    for size in (int(s) for s in args.sizes.split(",") if s):
        repeat = max(1, math.ceil(size / base))
        for phase in args.phases.split(","):
            res = run(args.corpus, [phase], size, args.workers, repeat)[0]
            res["size"] = size
            results.append(res)
            print(json.dumps(res), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.merge and Path(args.merge).exists():
        earlier = json.loads(Path(args.merge).read_text(encoding="utf-8"))
        fresh = {(r["size"], r["phase"]) for r in results}
        results = [r for r in earlier if (r["size"], r["phase"]) not in fresh] + results
        results.sort(key=lambda r: (r["size"], r["phase"]))
    out.with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    plot(results, out.with_suffix(".png"))


def build_sample(corpus: str, n: int, path: str) -> None:
    """``n`` articles of the corpus, repeated with shifted ids, dates and years, as JSON lines."""
    repeat = max(1, math.ceil(n / corpus_size(corpus)))
    with open(path, "w", encoding="utf-8") as out:
        for a in islice(_articles(corpus, None, repeat), n):
            row = {
                "id": a.id,
                "text": a.text,
                "title": a.title,
                "published": a.published,
                "url": a.url,
                "source": a.source,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


class _Every:
    """A JSON line on stderr every ``every`` articles stored: the rate since the line before."""

    def __init__(self, db: str, every: int = 50_000) -> None:
        self.db, self.every = db, every
        self.done = self.reported = 0
        self.started = self.last = time.perf_counter()
        self.rates: list[float] = []

    def __call__(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        if before // self.every == self.done // self.every:
            return
        now = time.perf_counter()
        rate = (self.done - self.reported) / (now - self.last)
        self.rates.append(round(rate, 1))
        line = {
            "articles": self.done,
            "seconds": round(now - self.started, 1),
            "articles_per_s": round(rate, 1),
            "peak_rss_mb": _peak_mb(),
            "peak_worker_rss_mb": _peak_children_mb(),
            "db_mb": round(os.path.getsize(self.db) / 2**20, 1),
            "load": round(os.getloadavg()[0], 1),
        }
        self.last, self.reported = now, self.done
        print(json.dumps(line), file=sys.stderr, flush=True)


def ingest_run(corpus: str, n: int, db: str, workers: int) -> dict[str, Any]:
    """Build ``n`` articles, ingest them into a fresh store at ``db`` as ``rasid ingest`` does
    (with its progress bar), then the reference pass over the same articles."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from rasid.jobs import ingest

    sample = db + ".jsonl"
    if not os.path.exists(sample):
        build_sample(corpus, n, sample)
    for path in (db, db + "-wal", db + "-shm"):
        if os.path.exists(path):
            os.remove(path)
    every = _Every(db)
    loads = [os.getloadavg()[0]]
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    ) as progress:
        task = progress.add_task("ingesting", total=n)

        def advance(k: int) -> None:
            progress.advance(task, k)
            every(k)
            if every.done % 10_000 < k:
                loads.append(os.getloadavg()[0])

        started = every.started = every.last = time.perf_counter()
        report = ingest([sample], db, workers=workers, on_progress=advance)
        elapsed = time.perf_counter() - started
    rate = report.stored / elapsed
    reference = reference_pass(sample, None)
    ratio = rate / reference["articles_per_s"] if reference["articles_per_s"] else None
    rates = every.rates
    return {
        "phase": "ingest",
        "articles": n,
        "stored": report.stored,
        "skipped": report.skipped,
        "failed": report.failed,
        "seconds": round(elapsed, 1),
        "minutes": round(elapsed / 60, 1),
        "articles_per_s": round(rate, 1),
        "reference": reference,
        "ratio": round(ratio, 4) if ratio else None,
        "per_50000": rates,
        "per_50000_spread": round(max(rates) / min(rates) - 1, 3) if rates else None,
        "peak_rss_mb": _peak_mb(),
        "peak_worker_rss_mb": _peak_children_mb(),
        "db_mb": round(os.path.getsize(db) / 2**20, 1),
        "workers": workers,
        "load_min_max": [round(min(loads), 1), round(max(loads), 1)],
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def plot(results: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for i, phase in enumerate(sorted({str(r["phase"]) for r in results})):
        rows = [r for r in results if r["phase"] == phase and "error" not in r]
        xs = [r["size"] for r in rows]
        color = f"C{i}"  # one colour per phase in both panels
        ax1.plot(xs, [r["articles_per_s"] for r in rows], marker="o", color=color, label=phase)
        ax2.plot(xs, [r["peak_rss_mb"] for r in rows], marker="o", color=color, label=phase)
        workers = [r.get("peak_worker_rss_mb") or 0 for r in rows]
        if any(workers):
            label = f"{phase} (largest worker)"
            ax2.plot(xs, workers, marker="s", linestyle="--", color=color, label=label)
    ax1.set_yscale("log")  # the in-memory merge runs thousands a second, the rest hundreds
    for ax, label in ((ax1, "articles / s"), (ax2, "peak RSS (MB)")):
        ax.set_xscale("log")
        ax.set_xlabel("articles")
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle("Rasid: throughput and memory against corpus size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
