"""Speed-up of the ingest with 2 workers over 1, in a process pool and on a Dask LocalCluster.

    python bench/speedup.py CORPUS.jsonl [--n 2000]

Prints JSON: articles/s for each run and the ratios. Each run ingests the same first N articles
into a fresh SQLite file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from pathlib import Path

from rasid.jobs import _warm, ingest


def sample(corpus: str, n: int, out: Path) -> Path:
    with open(corpus, encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in itertools.islice(src, n):
            dst.write(line)
    return out


def timed(fn: object) -> tuple[float, int]:
    started = time.perf_counter()
    report = fn()  # type: ignore[operator]
    return time.perf_counter() - started, report.stored


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    results: dict[str, object] = {"articles": args.n}
    with tempfile.TemporaryDirectory() as tmp:
        data = sample(args.corpus, args.n, Path(tmp) / "sample.jsonl")
        for workers in (1, 2):
            db = str(Path(tmp) / f"pool{workers}.sqlite")
            secs, stored = timed(lambda db=db, w=workers: ingest([str(data)], db, workers=w))
            results[f"pool_{workers}"] = round(stored / secs, 1)
        from distributed import Client, LocalCluster

        from rasid.cluster import ingest_on_cluster

        for workers in (1, 2):
            db = str(Path(tmp) / f"dask{workers}.sqlite")
            with (
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
            ):
                client.run(_warm)  # load the knowledge base before the clock starts
                secs, stored = timed(lambda db=db, c=client: ingest_on_cluster([str(data)], db, c))
            results[f"dask_{workers}"] = round(stored / secs, 1)
    results["pool_speedup"] = round(results["pool_2"] / results["pool_1"], 2)  # type: ignore[operator]
    results["dask_speedup"] = round(results["dask_2"] / results["dask_1"], 2)  # type: ignore[operator]
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
