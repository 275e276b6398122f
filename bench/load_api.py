"""Load test of the events API on loopback: N concurrent clients for S seconds on /api/events
with filters, against `rasid serve` over a store. Prints one JSON object.

    python bench/load_api.py --db corpus.sqlite                 # a store you ingested
    python bench/load_api.py --db corpus.sqlite --endpoint search   # /api/search instead
    python bench/load_api.py --db /tmp/synth.sqlite --synthetic 100000   # made-up events
    python bench/load_api.py --db corpus.sqlite --no-keep --close --reference CORPUS.jsonl

wrk drives the load when it is installed (apt-get install wrk), else an asyncio+httpx client;
both request the same rotating list of filtered URLs. The server runs in its own process.
``--no-keep``: the server keeps no answer, every request is a query. ``--close``: a new
connection for every request (``Connection: close``), no keep-alive. ``--reference``: the
reference pass of ``rasid bench`` over that corpus, right before the load, so that rates compare
across machines and loads (``ratio``: requests per second over its articles per second).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

TYPES = ["ASSAULT"] * 6 + [
    "COERCE",
    "MOBILIZE",
    "THREATEN",
    "ACCUSE",
    "CONSULT",
    "PROTEST",
    "RETREAT",
    "AGREE",
    "REQUEST",
    "SUPPORT",
]
MODES = {"ASSAULT": ["drone", "rocket", "aerial", "explosive", "firearms", "missile", None]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_synthetic(db: str, n: int, seed: int = 7) -> None:
    """A store of ``n`` made-up events over 2014-2024 with knowledge-base actors and places."""
    import datetime as dt

    from rasid.kb import load_kb
    from rasid.records import ActorRef, Event, Location, Source
    from rasid.store import open_store
    from rasid.store.driver import Cursor
    from rasid.store.events import import_event

    rng = random.Random(seed)
    kb = load_kb()
    places = [
        e
        for e in kb.entities.values()
        if e.kind == "place" and e.lat is not None and e.country in ("IQ", "SY", "JO")
    ]
    actors = [
        e
        for e in kb.entities.values()
        if e.kind in ("state", "military", "armed_group", "government", "coalition")
    ]
    start = dt.date(2014, 6, 1).toordinal()
    span = dt.date(2024, 12, 31).toordinal() - start
    store = open_store(db)
    batch = 2000
    for first in range(0, n, batch):
        with store.begin() as conn:
            for i in range(first, min(n, first + batch)):
                etype = rng.choice(TYPES)
                place = rng.choice(places)
                a, b = rng.sample(actors, 2)
                day = dt.date.fromordinal(start + rng.randrange(span)).isoformat()
                killed = rng.choice([None, None, 0, 1, 2, 3, 5, 12])
                text = f"{a.name_ar} {etype} {b.name_ar} {place.name_ar}"
                event = Event(
                    id=f"syn{i:07d}",
                    type=etype,
                    mode=rng.choice(MODES.get(etype, [None])),
                    date=day,
                    date_end=None,
                    location=Location(
                        place.name,
                        place.name_ar,
                        place.country,
                        place.admin1,
                        place.lat,
                        place.lon,
                        "city",
                        place.id,
                    ),
                    actors=(ActorRef(a.name, a.name_ar, a.kind, a.country, a.wikidata, a.id),),
                    targets=(ActorRef(b.name, b.name_ar, b.kind, b.country, b.wikidata, b.id),),
                    claimed_by=(),
                    fatalities=killed,
                    injuries=None,
                    fatalities_bound=None,
                    injuries_bound=None,
                    disrupted=False,
                    status="occurred",
                    figures_disputed=False,
                    summary=f"{a.name} {etype.lower()} {b.name} in {place.name}",
                    confidence=0.7,
                    sources=(Source(f"syn-art-{i // 3}", day, text, 0, len(text)),),
                )
                import_event(Cursor(conn), event)
    store.close()


SEARCH_WORDS = [
    "الموصل", "بغداد", "غارة", "هجوم", "داعش", "الحشد الشعبي", "قاعدة", "صاروخ", "Mosul",
    "Kataib Hezbollah", "اعتقال", "تظاهرات", "عين الاسد", "الأنبار", "ترامب", "اتفاق",
]  # fmt: skip


def search_mix(seed: int = 13, n: int = 400) -> list[str]:
    """Search URLs of the kinds the UI sends: Arabic and English words and names."""
    from urllib.parse import urlencode

    rng = random.Random(seed)
    return [
        "/api/search?" + urlencode({"q": rng.choice(SEARCH_WORDS), "limit": "20"}) for _ in range(n)
    ]


def url_mix(seed: int = 11, n: int = 400) -> list[str]:
    """Filtered event-list URLs of the kinds the UI sends: types, places, actors, dates, text."""
    rng = random.Random(seed)
    filters = [
        {},
        {"type": "ASSAULT"},
        {"type": "ASSAULT", "mode": "drone"},
        {"country": "IQ"},
        {"country": "SY", "type": "ASSAULT"},
        {"place": "الأنبار"},
        {"place": "Baghdad"},
        {"actor": "ac:us_forces"},
        {"target": "ac:us_forces"},
        {"actor": "كتائب حزب الله"},
        {"since": "2020-01-01", "until": "2020-12-31"},
        {"since": "2023-10"},
        {"text": "عين الاسد"},
        {"type": "COERCE", "country": "IQ", "since": "2019"},
        {"sort": "-fatalities"},
        {"sort": "-fatalities", "type": "ASSAULT", "country": "IQ"},
    ]
    urls = []
    for _ in range(n):
        params = dict(rng.choice(filters))
        params["limit"] = "50"
        params["offset"] = str(rng.choice([0, 0, 0, 50, 100, 500]))
        urls.append("/api/events?" + httpx.QueryParams(params).__str__())
    return urls


def start_server(db: str, port: int, workers: int, *, keep: bool = True) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if not keep:  # every request queries the store (rasid.store.changes)
        env["RASID_KEPT_ANSWERS"] = "0"
    code = (
        "from rasid.web.server import serve_forever; "
        f"serve_forever({db!r}, '127.0.0.1', {port}, workers={workers})"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/meta", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


async def run_httpx(
    base: str, urls: list[str], clients: int, duration: float, *, close: bool = False
) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors = 0
    deadline = time.monotonic() + duration
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=0 if close else clients
    )
    headers = {"Connection": "close"} if close else None
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=30, headers=headers
    ) as client:

        async def worker(k: int) -> None:
            nonlocal errors
            i = k
            while time.monotonic() < deadline:
                t0 = time.perf_counter()
                try:
                    resp = await client.get(urls[i % len(urls)])
                    key = str(resp.status_code)
                    if resp.status_code != 200:
                        errors += 1
                except httpx.HTTPError as exc:
                    key = type(exc).__name__
                    errors += 1
                latencies.append(time.perf_counter() - t0)
                statuses[key] = statuses.get(key, 0) + 1
                i += clients

        t_start = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(clients)))
        elapsed = time.monotonic() - t_start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "tool": "httpx",
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": pct(0.50),
            "p90": pct(0.90),
            "p99": pct(0.99),
            "max": round(1000 * latencies[-1], 1),
        },
        "errors": errors,
        "status_counts": statuses,
    }


WRK_SCRIPT = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "p50": %%d, "p90": %%d, "p99": %%d, ' ..
    '"max": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def run_wrk(
    base: str, urls: list[str], clients: int, duration: float, *, close: bool = False
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        paths = Path(tmp) / "paths.txt"
        paths.write_text("\n".join(urls) + "\n", encoding="utf-8")
        script = Path(tmp) / "mix.lua"
        script.write_text(WRK_SCRIPT % paths, encoding="utf-8")
        threads = min(clients, max(1, (os.cpu_count() or 2) // 2))
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{clients}",
                f"-d{int(duration)}s",
                "--timeout",
                "30s",
                *(["-H", "Connection: close"] if close else []),
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "tool": "wrk",
        "requests": data["requests"],
        "requests_per_s": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "latency_ms": {k: round(data[k] / 1000, 1) for k in ("p50", "p90", "p99", "max")},
        "errors": errors,
        "error_kinds": {k: data[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, help="SQLite store (or postgresql:// URL)")
    ap.add_argument(
        "--synthetic",
        type=int,
        default=0,
        help="first fill a NEW store at --db with this many made-up events",
    )
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=1, help="server processes")
    ap.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    ap.add_argument("--endpoint", choices=("events", "search"), default="events")
    ap.add_argument(
        "--no-keep",
        action="store_true",
        help="the server keeps no answer (RASID_KEPT_ANSWERS=0): every request is a query",
    )
    ap.add_argument(
        "--close", action="store_true", help="a new connection for every request (no keep-alive)"
    )
    ap.add_argument(
        "--reference", metavar="CORPUS", help="JSONL corpus for rasid bench's reference pass"
    )
    args = ap.parse_args()

    if args.synthetic:
        if Path(args.db).exists():
            raise SystemExit(f"{args.db} exists: --synthetic fills a new store only")
        t0 = time.perf_counter()
        make_synthetic(args.db, args.synthetic)
        print(f"made {args.synthetic} events in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    port = _free_port()
    proc = start_server(args.db, port, args.workers, keep=not args.no_keep)
    base = f"http://127.0.0.1:{port}"
    try:
        meta = httpx.get(base + "/api/meta").json()
        urls = url_mix() if args.endpoint == "events" else search_mix()
        for url in urls[:20]:  # warm caches, and fail early on a broken URL
            httpx.get(base + url, timeout=60).raise_for_status()
        reference = None
        if args.reference:
            from rasid.bench import reference_pass

            reference = reference_pass(args.reference, 5000)["articles_per_s"]
        tool = args.tool
        if tool == "auto":
            tool = "wrk" if shutil.which("wrk") else "httpx"
        if tool == "wrk":
            result = run_wrk(base, urls, args.clients, args.duration, close=args.close)
        else:
            result = asyncio.run(
                run_httpx(base, urls, args.clients, args.duration, close=args.close)
            )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    result.update(
        {
            "endpoint": "/api/events (filtered, 16 filter mixes, 6 offsets)"
            if args.endpoint == "events"
            else "/api/search (16 Arabic and English words and names)",
            "clients": args.clients,
            "duration_s": args.duration,
            "server_workers": args.workers,
            "answers_kept": not args.no_keep,
            "keep_alive": not args.close,
            "reference_articles_per_s": reference,
            "ratio": round(result["requests_per_s"] / reference, 4) if reference else None,
            "events_in_store": meta["events"],
            "articles_in_store": meta["articles"],
            "store": args.db,
        }
    )
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
