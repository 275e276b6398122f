"""Speed-up of the ingest with 2 workers over 1, in a process pool and on a Dask LocalCluster.

    python bench/speedup.py CORPUS.jsonl [--n 4000] [--repeat 3] [--postgres URL] [--kinds K,..]

Prints JSON: articles/s for each run, the ratios, and where the CPU went: the ingesting process
(reading, scheduling and, unless the workers write, writing) and the whole machine, in
milliseconds per article, and the cores the run kept busy. Each run ingests the same first N
articles into a fresh SQLite file, or, with ``--postgres``, into a fresh schema of that
PostgreSQL database (its server's CPU counts in the machine's figure when it runs here). Each
configuration runs ``--repeat`` times, in turn with the others, and its fastest run is kept:
on a shared two-core machine single runs vary by a tenth.

``pool`` is ``rasid ingest --workers N`` (one worker: all in one process). ``dask`` is the
cluster ingest on a LocalCluster of N single-thread workers, which write the store themselves.
``dask_client_writes`` is the same with the rows sent back and written by the ingesting process
(what happens when the workers cannot reach the store). ``dask_stages`` runs only the
distributed part: the workers run the pipeline and prepare the rows, the client receives them
and writes nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rasid.bench import cpu_model, reference_pass
from rasid.cluster import BATCH
from rasid.jobs import _batches, _process_batch, ingest, warm

TICK = os.sysconf("SC_CLK_TCK")


def sample(corpus: str, n: int, out: Path) -> Path:
    with open(corpus, encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in itertools.islice(src, n):
            dst.write(line)
    return out


def _machine() -> tuple[int, int]:
    """(all, idle) CPU ticks of the machine since boot."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    return sum(values), values[3] + values[4]


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measured(fn: Callable[[], int]) -> dict[str, float]:
    """Run ``fn`` (it returns the articles done) and account for its time and CPU."""
    m0, own0, t0 = _machine(), _own_cpu(), time.perf_counter()
    n = fn()
    seconds = time.perf_counter() - t0
    m1, own1 = _machine(), _own_cpu()
    busy = ((m1[0] - m0[0]) - (m1[1] - m0[1])) / TICK
    return {
        "articles_per_s": round(n / seconds, 1),
        "client_ms_per_article": round((own1 - own0) / n * 1000, 2),
        "machine_ms_per_article": round(busy / n * 1000, 2),
        "cores_busy": round(busy / seconds, 2),
    }


def _stages_only(data: Path, client: Any, batch: int = BATCH, in_flight: int = 8) -> int:
    """Articles through the workers and back, nothing written."""
    from rasid.ingest import IngestProblem, read_articles

    articles = (a for a in read_articles([str(data)]) if not isinstance(a, IngestProblem))
    done = 0
    pending: deque[Any] = deque()
    for b in _batches(articles, batch):
        pending.append(client.submit(_process_batch, b, pure=False))
        if len(pending) >= in_flight:
            done += len(pending.popleft().result())
    while pending:
        done += len(pending.popleft().result())
    return done


def _fresh_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


KINDS = ("pool", "dask", "dask_client_writes", "dask_stages")


def _pool_run(data: Path, db: str, workers: int) -> dict[str, float]:
    """``rasid ingest --workers N`` in a fresh process, readied as the cluster's workers are
    (``warm``) before the clock starts: no run inherits caches filled by another."""
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--pool-run", str(data), db, str(workers)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, float] = json.loads(out.stdout)
    return figures


def main() -> None:
    if sys.argv[1:2] == ["--pool-run"]:
        data, db, workers = sys.argv[2:5]
        warm()
        figures = measured(lambda: ingest([data], db, workers=int(workers)).stored)
        print(json.dumps(figures))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--postgres", help="a PostgreSQL database URL to ingest into (emptied)")
    ap.add_argument("--kinds", default=",".join(KINDS), help="which runs: " + ", ".join(KINDS))
    args = ap.parse_args()
    kinds = set(args.kinds.split(","))
    if kinds - set(KINDS):
        ap.error(f"unknown kinds: {', '.join(sorted(kinds - set(KINDS)))}")
    runs: dict[str, list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = sample(args.corpus, args.n, Path(tmp) / "sample.jsonl")
        # the reference pass over the same articles in this run: rates become comparable ratios
        reference = reference_pass(str(data), None)
        count = itertools.count()

        def store() -> str:
            if args.postgres:
                _fresh_schema(args.postgres)
                return str(args.postgres)
            return str(Path(tmp) / f"run{next(count)}.sqlite")

        def keep(name: str, figures: dict[str, float]) -> None:
            runs.setdefault(name, []).append(figures)
            print(name, figures, file=sys.stderr, flush=True)

        from distributed import Client, LocalCluster

        from rasid.cluster import ingest_on_cluster

        for _ in range(args.repeat):
            for workers in (1, 2) if "pool" in kinds else ():
                keep(f"pool_{workers}", _pool_run(data, store(), workers))
            for workers in (1, 2) if kinds - {"pool"} else ():
                with (
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    ) as cluster,
                    Client(cluster) as client,
                ):
                    client.run(warm)  # ready the workers before the clock starts
                    for kind, on_workers in (("dask", None), ("dask_client_writes", False)):
                        if kind not in kinds:
                            continue
                        db = store()
                        keep(
                            f"{kind}_{workers}",
                            measured(
                                lambda db=db, c=client, o=on_workers: (
                                    ingest_on_cluster([str(data)], db, c, write_on_workers=o).stored
                                )
                            ),
                        )
                    if "dask_stages" in kinds:
                        keep(
                            f"dask_stages_{workers}",
                            measured(lambda c=client: _stages_only(data, c)),
                        )
    results: dict[str, Any] = {"articles": args.n, "repeat": args.repeat}
    results["store"] = "postgresql" if args.postgres else "sqlite"
    results["reference"] = reference
    results["cpu"] = cpu_model()
    for name, figures in runs.items():
        results[name] = max(figures, key=lambda f: f["articles_per_s"])
        results[name]["all_articles_per_s"] = [f["articles_per_s"] for f in figures]
        results[name]["ratio"] = round(
            results[name]["articles_per_s"] / reference["articles_per_s"], 4
        )
    for kind in sorted(kinds):
        one, two = results[f"{kind}_1"], results[f"{kind}_2"]
        results[f"{kind}_speedup"] = round(two["articles_per_s"] / one["articles_per_s"], 2)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
