"""One round of `rasid watch` over local feeds: F RSS feeds of N items each, served with their
article pages by a loopback HTTP server in this process, into a fresh SQLite store. Prints one
JSON object: the first round's time (every item fetched, extracted, run through the pipeline
and merged), the second's (every feed answers 304), and the process's peak memory.

    python bench/watch_round.py                      # 50 feeds of 20 items
    python bench/watch_round.py --feeds 10 --items 5

Each article is a short Arabic report of a strike (town, day and toll vary), so the rounds
exercise the whole pipeline, not only the fetching.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TOWNS = ["بغداد", "الموصل", "كركوك", "البصرة", "الرمادي", "تكريت", "أربيل", "الفلوجة", "سامراء"]
DAYS = ["السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"]


def article(feed: int, item: int) -> tuple[str, str]:
    """The title and page of one item."""
    n = feed * 1000 + item
    town, day = TOWNS[n % len(TOWNS)], DAYS[n % len(DAYS)]
    killed = 2 + n % 9
    title = f"مقتل {killed} أشخاص بغارة على {town} ({feed}-{item})"
    body = (
        f"<p>{town} - قتل {killed} أشخاص وأصيب {n % 7 + 1} آخرون يوم {day} بغارة بطائرة مسيرة"
        f" استهدفت موقعا في {town}، بحسب ما أفاد مصدر أمني للوكالة في التقرير رقم {n}.</p>"
        f"<p>وقال المصدر إن الغارة أسفرت عن تدمير مركبتين، وإن فرق الإنقاذ ما زالت تبحث عن"
        f" مفقودين تحت الأنقاض في الحي رقم {item}.</p>"
    )
    page = (
        f'<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="2024-02-{1 + n % 27:02d}T10:00:00Z">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )
    return title, page


def feed(base: str, f: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>{article(f, i)[0]}</title><link>{base}/p/{f}/{i}.html</link>"
        f"<guid>{base}/p/{f}/{i}.html</guid></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>وكالة {f}'
        f"</title><link>{base}/</link><description>-</description>{entries}</channel></rss>"
    ).encode()


def serve(items: int) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        base = ""

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = self.path.strip("/").removesuffix(".html").removesuffix(".xml").split("/")
            if parts[0] == "feed":
                body = feed(Handler.base, int(parts[1]), items)
            else:
                body = article(int(parts[1]), int(parts[2]))[1].encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    Handler.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, Handler.base


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args()

    from rasid.watch import FeedSpec, WatchConfig, run_round
    from rasid.watch.fetch import Fetcher

    server, base = serve(args.items)
    feeds = tuple(FeedSpec(f"{base}/feed/{f}.xml") for f in range(args.feeds))
    config = WatchConfig(feeds=feeds, host_interval=0.0, backoff=0.0)
    fetcher = Fetcher(host_interval=0.0, backoff=0.0)
    out: dict[str, Any] = {"feeds": args.feeds, "items_per_feed": args.items}
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "watch.sqlite")
        out["rss_before_mb"] = round(peak_mb(), 1)
        for name in ("first_round", "second_round"):
            started = time.perf_counter()
            report = run_round(store, config, fetcher, list(feeds))
            seconds = time.perf_counter() - started
            stored = sum(f.stored for f in report.feeds)
            out[name] = {
                "seconds": round(seconds, 2),
                "stored": stored,
                "not_modified": sum(f.not_modified for f in report.feeds),
                "errors": sum(f.error is not None for f in report.feeds),
                "articles_per_second": round(stored / seconds, 1) if stored else None,
            }
        out["peak_rss_mb"] = round(peak_mb(), 1)
    fetcher.close()
    server.shutdown()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
