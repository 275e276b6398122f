"""Where the pipeline spends its time: cProfile over process_batch (as extract and the ingest
run it) on a JSONL corpus, after the warm-up (knowledge base, patterns), reading the corpus left
out. Prints the top functions by cumulative and by own time as JSON; --stats keeps the raw
profile for pstats or snakeviz.

    python bench/profile_pipeline.py CORPUS [--limit N] [--top 25] [--stats out.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from itertools import islice
from typing import Any


def _label(func: tuple[str, int, str]) -> str:
    path, line, name = func
    if "/rasid/" in path:
        path = "rasid/" + path.rsplit("/rasid/", 1)[1]
    elif path == "~":
        return name
    else:
        path = path.rsplit("/", 1)[-1]
    return f"{path}:{line}({name})"


def _top(stats: pstats.Stats, key: str, n: int, total: float) -> list[dict[str, Any]]:
    rows = []
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for func, (_cc, nc, tt, ct, _callers) in table.items():
        rows.append((func, nc, tt, ct))
    index = 3 if key == "cumulative" else 2
    rows.sort(key=lambda r: r[index], reverse=True)
    return [
        {
            "function": _label(func),
            "calls": nc,
            "own_s": round(tt, 2),
            "cumulative_s": round(ct, 2),
            "share": round((ct if key == "cumulative" else tt) / total, 3),
        }
        for func, nc, tt, ct in rows[:n]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--stats", default=None, help="write the raw profile here")
    args = parser.parse_args()

    from rasid.ingest import IngestProblem, read_articles
    from rasid.jobs import warm
    from rasid.pipeline import batches, process_batch

    warm()
    articles = [
        a
        for a in islice(read_articles([args.corpus]), args.limit)
        if not isinstance(a, IngestProblem)
    ]
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for batch in batches(articles):
        process_batch(batch)
    profile.disable()
    elapsed = time.perf_counter() - started
    if args.stats:
        profile.dump_stats(args.stats)
    stats = pstats.Stats(profile)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    print(
        json.dumps(
            {
                "articles": len(articles),
                "seconds_profiled": round(elapsed, 1),
                "own_time_total_s": round(total, 1),
                "top_cumulative": _top(stats, "cumulative", args.top, total),
                "top_own": _top(stats, "own", args.top, total),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
