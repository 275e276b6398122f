"""Throughput and peak memory against corpus size: JSON and a plot.

    python bench/scale.py CORPUS.jsonl --sizes 1000,10000,100000 [--workers 2]
        [--phases pipeline,merge,ingest] [--out bench/results/scale]
        [--merge bench/results/scale.json] [--add RUN.json ...]

A run too long to repeat here (a million articles) is measured once with
``rasid bench CORPUS --phases pipeline --repeat 32 --limit 1000000 > RUN.json`` and added with
``--add RUN.json --sizes ""``.

The corpus is repeated with shifted ids and dates to reach sizes beyond it. Each (size, phase)
runs in a fresh process (rasid.bench), so peak memory is that phase's own.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from rasid.bench import run


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
    args = ap.parse_args()
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
