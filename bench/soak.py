"""Soak test on loopback: articles ingested by POST /api/articles while readers page, filter and
search through the API, the server's memory sampled every second. Prints one JSON object and
exits 1 on any error, or when the server's memory was not flat after the warm-up.

    cp ant.sqlite /tmp/soak.sqlite     # a store to grow (or a new file)
    python bench/soak.py --db /tmp/soak.sqlite --corpus CORPUS.jsonl --duration 300 --warmup 90

The server is `rasid serve` in a process of its own (its memory is the resident set of it and its
worker processes, from /proc); every posted article is new (the corpus read again and again, each
pass with its own ids and a marker line), so every POST runs the pipeline and writes.

Flat: the warm-up must cover the pipeline's first round of caches (``rasid.caches.ROUND``
articles: at 15 posts a second about a minute); after it, memory goes up and down with the
SQLite page caches and the requests in flight (+-20 MB). So growth is the median of the last
30 s after the warm-up less that of the first 30 s (at most ``--most-growth`` MB; divided by the
posts after the warm-up, what a post leaves behind), and the slope (least squares, MB a minute)
is taken over the later half of what follows the warm-up (at most ``--most-slope``, judged when
that half spans a minute or more: over seconds, a wiggle of a few MB reads as a steep slope).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from load_api import _free_port, search_mix, url_mix

TOKEN = "soak-token"


def articles(corpus: str) -> Iterator[dict[str, Any]]:
    """The corpus's articles again and again, each pass under new ids with a marker line, so that
    no text is stored already."""
    rows = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                if row.get("text"):
                    rows.append(row)
    if not rows:
        raise SystemExit(f"{corpus}: no article with text")
    n = 0
    while True:
        n += 1
        for row in rows:
            yield {
                "id": f"soak{n}-{row.get('id') or len(rows)}",
                "source": row.get("source"),
                "published": row.get("published"),
                "title": row.get("title"),
                "text": f"{row['text']}\n[{n}]",
            }


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every process below it (uvicorn's workers), in MB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, todo = {pid}, [pid]
    while todo:
        top = todo.pop()
        for child, parent in parents.items():
            if parent == top and child not in tree:
                tree.add(child)
                todo.append(child)
    total = 0
    for p in tree:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def slope_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples, in MB a minute (0 for fewer than two)."""
    if len(samples) < 2:
        return 0.0
    ts = [t for t, _ in samples]
    t_mean = statistics.fmean(ts)
    mb_mean = statistics.fmean(mb for _, mb in samples)
    spread = sum((t - t_mean) ** 2 for t in ts)
    if not spread:
        return 0.0
    slope = sum((t - t_mean) * (mb - mb_mean) for t, mb in samples) / spread
    return round(60 * slope, 2)


def start_server(db: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    code = (
        "from rasid.web.server import serve_forever; "
        f"serve_forever({db!r}, '127.0.0.1', {port}, api_token={TOKEN!r}, workers={workers})"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/meta", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    err = proc.stderr.read().decode() if proc.stderr else ""
    raise SystemExit(f"server did not start: {err}")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.errors: list[str] = []

    def add(self, kind: str, status: str, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.counts[f"{kind} {status}"] += 1
            if not ok and len(self.errors) < 20:
                self.errors.append(f"{kind} {status} {detail}"[:300])

    def total(self, kind: str) -> int:
        with self.lock:
            return sum(n for k, n in self.counts.items() if k.startswith(kind + " "))


def soak(args: argparse.Namespace) -> dict[str, Any]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(args.db, port, args.workers)
    tally = Tally()
    stop = threading.Event()
    posted: list[str] = []
    post_times: list[float] = []  # seconds from the start, of each answered post
    events: list[str] = []
    feed = articles(args.corpus)
    feed_lock = threading.Lock()
    samples: list[tuple[float, float]] = []
    t0 = time.monotonic()
    try:
        before = httpx.get(base + "/api/meta", timeout=30).json()

        def writer() -> None:
            auth = {"Authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=base, timeout=120, headers=auth) as c:
                while not stop.is_set():
                    with feed_lock:
                        body = next(feed)
                    try:
                        r = c.post("/api/articles", json=body)
                    except httpx.HTTPError as exc:
                        tally.add("post", type(exc).__name__, False, str(exc))
                        continue
                    ok = r.status_code in (200, 201)
                    tally.add("post", str(r.status_code), ok, r.text)
                    if ok:
                        answer = r.json()
                        posted.append(answer["id"])
                        post_times.append(time.monotonic() - t0)
                        events.extend(answer["events"])

        def reader(k: int) -> None:
            rng = random.Random(k)
            lists = url_mix(seed=k) + search_mix(seed=k) + ["/api/stats?by=week", "/api/meta"]
            with httpx.Client(base_url=base, timeout=120) as c:
                while not stop.is_set():
                    roll = rng.random()
                    if roll < 0.1 and posted:
                        url = f"/api/articles/{rng.choice(posted[-200:])}"
                    elif roll < 0.2 and events:
                        url = f"/api/events/{rng.choice(events[-200:])}"
                    else:
                        url = rng.choice(lists)
                    try:
                        r = c.get(url)
                    except httpx.HTTPError as exc:
                        tally.add("get", type(exc).__name__, False, f"{url} {exc}")
                        continue
                    tally.add("get", str(r.status_code), r.status_code == 200, f"{url} {r.text}")

        threads = [threading.Thread(target=writer, daemon=True) for _ in range(args.writers)]
        threads += [
            threading.Thread(target=reader, args=(k,), daemon=True) for k in range(args.readers)
        ]
        for t in threads:
            t.start()
        while time.monotonic() - t0 < args.duration:
            samples.append((round(time.monotonic() - t0, 1), rss_mb(proc.pid)))
            time.sleep(1.0)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        samples.append((round(time.monotonic() - t0, 1), rss_mb(proc.pid)))
        after = httpx.get(base + "/api/meta", timeout=30).json()
    finally:
        stop.set()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    warm = [(t, rss) for t, rss in samples if t >= args.warmup] or [samples[-1]]
    posts_after_warmup = sum(1 for t in post_times if t >= warm[0][0])
    later = warm[len(warm) // 2 :]
    edge = max(1, min(30, len(warm) // 5))  # 30 samples, one a second, or a fifth of them
    first, last = [rss for _, rss in warm[:edge]], [rss for _, rss in warm[-edge:]]
    elapsed = samples[-1][0]
    return {
        "duration_s": elapsed,
        "warmup_s": args.warmup,
        "server_workers": args.workers,
        "writers": args.writers,
        "readers": args.readers,
        "posts": tally.total("post"),
        "reads": tally.total("get"),
        "posts_per_s": round(tally.total("post") / elapsed, 1),
        "reads_per_s": round(tally.total("get") / elapsed, 1),
        "statuses": dict(sorted(tally.counts.items())),
        "errors": len(tally.errors),
        "first_errors": tally.errors[:5],
        "rss_mb": {
            "at_start": samples[0][1],
            "after_warmup": warm[0][1],
            "end": warm[-1][1],
            "min_after_warmup": min(rss for _, rss in warm),
            "max_after_warmup": max(rss for _, rss in warm),
            "median_first_after_warmup": round(statistics.median(first), 1),
            "median_last": round(statistics.median(last), 1),
            "growth_after_warmup": round(statistics.median(last) - statistics.median(first), 1),
            "growth_kb_per_post": round(
                1024
                * (statistics.median(last) - statistics.median(first))
                / max(1, posts_after_warmup),
                2,
            ),
            "slope_mb_per_min": slope_per_min(warm),
            "slope_later_half_mb_per_min": slope_per_min(later),
            "slope_judged": later[-1][0] - later[0][0] >= 60,
        },
        "posts_after_warmup": posts_after_warmup,
        "rss_samples": [rss for _, rss in samples],
        "articles": [before["articles"], after["articles"]],
        "events": [before["events"], after["events"]],
        "store": args.db,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="the store to serve and grow (made if missing)")
    ap.add_argument("--corpus", required=True, help="JSON Lines articles to post")
    ap.add_argument("--duration", type=float, default=300.0, help="seconds")
    ap.add_argument("--warmup", type=float, default=90.0, help="seconds before memory counts")
    ap.add_argument("--writers", type=int, default=2, help="clients posting articles")
    ap.add_argument("--readers", type=int, default=8, help="clients reading")
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    ap.add_argument(
        "--most-growth", type=float, default=20.0, help="MB the memory may grow after warm-up"
    )
    ap.add_argument(
        "--most-slope",
        type=float,
        default=3.0,
        help="MB a minute the memory may rise over the later half after the warm-up",
    )
    args = ap.parse_args(argv)
    if args.warmup >= args.duration:
        ap.error("--warmup must be shorter than --duration")
    result = soak(args)
    result["most_growth_mb"] = args.most_growth
    result["most_slope_mb_per_min"] = args.most_slope
    rss = result["rss_mb"]
    flat = rss["growth_after_warmup"] <= args.most_growth and (
        not rss["slope_judged"] or rss["slope_later_half_mb_per_min"] <= args.most_slope
    )
    result["memory_flat"] = flat
    print(json.dumps(result, ensure_ascii=False))
    return 0 if flat and result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
