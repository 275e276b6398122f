"""Benchmarks that print JSON: throughput and peak memory of reading, the pipeline, merging and
ingesting, over a JSONL corpus (e.g. the ANT corpus). Each phase runs in its own process so that
its peak memory is its own.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from typing import Any

from rasid.records import Article

PHASES = ("read", "pipeline", "merge", "ingest")


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def _peak_children_mb() -> float:
    """The largest worker process (process pools), 0 when there were none."""
    kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(kb / 1024, 1)


def _articles(path: str, limit: int | None, repeat: int = 1) -> Iterator[Article]:
    """Articles of the corpus; with ``repeat`` > 1 each pass shifts ids and dates."""
    import dataclasses

    from rasid.ingest import IngestProblem, read_articles

    for r in range(repeat):
        items = (a for a in read_articles([path]) if not isinstance(a, IngestProblem))
        for a in items:
            if not r:
                yield a
                continue
            year = int(a.published[:4]) + r if a.published else None
            published = f"{year}{a.published[4:]}" if a.published and year else a.published
            # the years the text names move with it (a copy tells of other events, as more
            # news would, not of the same ones again); it must differ anyway, or storing it
            # would skip it as a duplicate
            yield dataclasses.replace(
                a,
                id=f"{a.id}~{r}",
                text=f"{_shift_years(a.text, r)}\n[{r}]",
                published=published,
                content_hash=f"{a.content_hash}~{r}",
            )


_YEAR = re.compile(
    r"(?<![0-9٠-٩])(?:19[5-9]|20[0-9])[0-9](?![0-9٠-٩])|(?<![0-9٠-٩])(?:١٩[٥-٩]|٢٠[٠-٩])[٠-٩](?![0-9٠-٩])"
)
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _shift_years(text: str, by: int) -> str:
    """Years (1950-2099, in Western or Arabic-Indic digits) moved ``by`` years on; the text
    keeps its length, so offsets into it stay valid."""

    def shift(m: re.Match[str]) -> str:
        year = m.group()
        moved = str(min(int(year.translate(_ARABIC_DIGITS)) + by, 2099))
        if year.isascii():
            return moved
        return moved.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))

    return _YEAR.sub(shift, text)


class _Progress:
    """Ingest progress on stderr every ``every`` articles, as JSON lines: a long run that is
    stopped still leaves its figures so far."""

    def __init__(self, db: str, every: int = 50_000) -> None:
        self.db = db
        self.every = every
        self.done = self.reported = 0
        self.started = self.last = time.perf_counter()

    def __call__(self, n: int) -> None:
        before, self.done = self.done, self.done + n
        if before // self.every == self.done // self.every:
            return
        now = time.perf_counter()
        line = {
            "articles": self.done,
            "seconds": round(now - self.started, 1),
            "articles_per_s": round(self.done / (now - self.started), 1),
            "recent_articles_per_s": round((self.done - self.reported) / (now - self.last), 1),
            "peak_rss_mb": _peak_mb(),
            "peak_worker_rss_mb": _peak_children_mb(),
            "db_mb": round(os.path.getsize(self.db) / 2**20, 1),
        }
        self.last, self.reported = now, self.done
        print(json.dumps(line), file=sys.stderr, flush=True)


# The reference pass: the least a reader of the corpus does (parse each JSON line, look for a
# few conflict words with one regular expression, normalize nothing). Every phase's rate is also
# given as a ratio to it, measured in the same process right after: machines differ by a factor
# of two or more, ratios much less.
_REFERENCE_WORDS = re.compile("هجوم|غارة|قصف|مقتل|انفجار|اشتباك|صاروخ|قوات")
# The pass is short (about a second over the whole ANT corpus), so one moment of load from
# another job moved its rate, and every ratio with it, by up to a half; the fastest of a few
# passes is the machine's rate. Passes stop early once they have taken REFERENCE_BUDGET_S in
# all (a million articles take that long in one pass, and over that long the load evens out).
REFERENCE_PASSES = 5
REFERENCE_BUDGET_S = 30.0


def reference_pass(
    path: str, limit: int | None, repeat: int = 1, passes: int = REFERENCE_PASSES
) -> dict[str, Any]:
    """Articles per second of the reference pass over the same articles a phase reads: the
    fastest of up to ``passes`` passes (each pass's rate is listed)."""
    rates: list[float] = []
    best: dict[str, Any] = {}
    spent = 0.0
    while len(rates) < max(1, passes) and (not rates or spent < REFERENCE_BUDGET_S):
        one = _reference_once(path, limit, repeat)
        spent += one["seconds"]
        rates.append(one["articles_per_s"] or 0.0)
        if not best or (one["articles_per_s"] or 0.0) > (best["articles_per_s"] or 0.0):
            best = one
    return {**best, "best_of": len(rates), "pass_articles_per_s": rates}


def _reference_once(path: str, limit: int | None, repeat: int) -> dict[str, Any]:
    n = hits = 0
    started = time.perf_counter()
    for _ in range(repeat):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if limit is not None and n >= limit:
                    break
                text = json.loads(line).get("text") or ""
                hits += len(_REFERENCE_WORDS.findall(text))
                n += 1
    elapsed = time.perf_counter() - started
    return {
        "articles": n,
        "seconds": round(elapsed, 3),
        "articles_per_s": round(n / elapsed, 1) if elapsed else None,
        "matches": hits,
    }


def cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def run_phase(
    phase: str, path: str, limit: int | None, workers: int, repeat: int
) -> dict[str, Any]:
    """One phase in this process, after the reference pass; returns its figures."""
    result = _run_phase(phase, path, limit, workers, repeat)
    reference = reference_pass(path, limit, repeat)
    ref_rate = reference["articles_per_s"]
    result["reference"] = reference
    for key, rate_key in (
        ("ratio", "articles_per_s"),
        ("pipeline_ratio", "pipeline_articles_per_s"),
    ):
        rate = result.get(rate_key)
        if rate and ref_rate:
            result[key] = round(rate / ref_rate, 4)
    return result


def _run_phase(
    phase: str, path: str, limit: int | None, workers: int, repeat: int
) -> dict[str, Any]:
    started = time.perf_counter()
    n = 0
    chars = 0
    extra: dict[str, Any] = {}
    source = islice(_articles(path, limit, repeat), limit)
    if phase == "read":
        for a in source:
            n += 1
            chars += len(a.text)
    elif phase == "pipeline":
        from rasid.jobs import warm
        from rasid.pipeline import batches, process_batch

        t0 = time.perf_counter()
        warm()  # the knowledge base and what the stages load on first use, outside the clock
        extra["warmup_s"] = round(time.perf_counter() - t0, 2)
        started = time.perf_counter()
        events = 0
        busy = 0.0  # inside the pipeline: reading the corpus left out
        for batch in batches(source):  # as extract and the ingest run it
            t = time.perf_counter()
            results = process_batch(batch)
            busy += time.perf_counter() - t
            for a, r in zip(batch, results, strict=True):
                if isinstance(r, Exception):
                    raise r
                n += 1
                chars += len(a.text)
                events += len(r.events)
        extra["events"] = events
        extra["pipeline_s"] = round(busy, 2)
        extra["pipeline_articles_per_s"] = round(n / busy, 1) if busy else None
    elif phase == "merge":
        from rasid.merge import merge_events
        from rasid.pipeline import process_article

        local: list[Any] = []
        for a in source:
            local.extend(process_article(a).events)
            n += 1
        started = time.perf_counter()
        merged = merge_events(local)
        extra["local_events"] = len(local)
        extra["merged_events"] = len(merged)
    elif phase == "ingest":
        from rasid.jobs import ingest

        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "bench.sqlite")
            progress = _Progress(db)
            if limit is None and repeat == 1:
                report = ingest([path], db, workers=workers, on_progress=progress)
            else:
                sample = os.path.join(tmp, "sample.jsonl")
                with open(sample, "w", encoding="utf-8") as fh:
                    for a in source:
                        fh.write(
                            json.dumps(
                                {
                                    "id": a.id,
                                    "text": a.text,
                                    "title": a.title,
                                    "published": a.published,
                                    "url": a.url,
                                    "source": a.source,
                                },
                                ensure_ascii=False,
                            )
                            + "\n"
                        )
                started = progress.started = progress.last = time.perf_counter()
                report = ingest([sample], db, workers=workers, on_progress=progress)
            n = report.stored
            extra["skipped"] = report.skipped
            extra["db_mb"] = round(os.path.getsize(db) / 2**20, 1)
    elapsed = time.perf_counter() - started
    return {
        "phase": phase,
        "articles": n,
        "seconds": round(elapsed, 2),
        "articles_per_s": round(n / elapsed, 1) if elapsed else None,
        "chars": chars or None,
        "peak_rss_mb": _peak_mb(),
        "peak_worker_rss_mb": _peak_children_mb(),
        "workers": workers if phase == "ingest" else 1,
        **extra,
    }


def run(
    path: str, phases: list[str], limit: int | None, workers: int, repeat: int
) -> list[dict[str, Any]]:
    """Each phase in a fresh subprocess; a list of their JSON figures."""
    results = []
    for phase in phases:
        cmd = [
            sys.executable,
            "-m",
            "rasid.bench",
            phase,
            path,
            str(limit or 0),
            str(workers),
            str(repeat),
        ]
        # stderr passes through: a long ingest's progress lines show as it runs
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
        if proc.returncode != 0:
            results.append({"phase": phase, "error": f"exited with status {proc.returncode}"})
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return results


def _main() -> None:
    phase, path, limit, workers, repeat = sys.argv[1:6]
    res = run_phase(phase, path, int(limit) or None, int(workers), int(repeat))
    print(json.dumps(res))


if __name__ == "__main__":
    _main()
