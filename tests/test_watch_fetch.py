"""The monitor's HTTP against a real loopback server: retries with backoff on transient
answers only, conditional requests by Last-Modified, a pause between requests to one host, and
a webhook that refuses an alert gets it again next round."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from rasid.watch.fetch import Fetcher

STAMP = "Wed, 07 Feb 2024 18:30:00 GMT"


@dataclass
class Server:
    base: str = ""
    answers: dict[str, list[int]] = field(default_factory=dict)  # path -> statuses to give
    asked: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            state.asked.append((self.command, self.path, dict(self.headers)))
            queue = state.answers.get(self.path) or [200]
            status = queue.pop(0) if len(queue) > 1 else queue[0]
            if status == 200 and self.headers.get("If-Modified-Since") == STAMP:
                status = 304
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            self.send_header("Last-Modified", STAMP)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = _answer  # noqa: N815 (the http.server names)
        do_POST = _answer  # noqa: N815

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield state
    httpd.shutdown()
    httpd.server_close()


def test_transient_answers_are_retried_with_doubling_waits(server: Server) -> None:
    waits: list[float] = []
    fetcher = Fetcher(retries=3, backoff=0.5, host_interval=0, sleep=waits.append)
    server.answers["/flaky"] = [503, 500, 200]
    got = fetcher.get(f"{server.base}/flaky")
    assert got.ok and got.body == b"ok"
    assert waits == [0.5, 1.0]
    server.answers["/gone"] = [404]
    waits.clear()
    assert fetcher.get(f"{server.base}/gone").status == 404  # final: not retried
    assert waits == []
    server.answers["/down"] = [503]
    got = fetcher.get(f"{server.base}/down")
    assert got.status == 0 and got.error == "HTTP 503 (4 attempts)"
    fetcher.close()


def test_last_modified_makes_the_next_request_conditional(server: Server) -> None:
    fetcher = Fetcher(host_interval=0)
    first = fetcher.get(f"{server.base}/feed")
    assert first.status == 200 and first.headers["last-modified"] == STAMP
    again = fetcher.get(f"{server.base}/feed", last_modified=first.headers["last-modified"])
    assert again.status == 304
    assert server.asked[-1][2].get("If-Modified-Since") == STAMP
    fetcher.close()


def test_requests_to_one_host_keep_their_distance(server: Server) -> None:
    waits: list[float] = []
    fetcher = Fetcher(host_interval=30, sleep=waits.append)
    fetcher.get(f"{server.base}/a")
    fetcher.get(f"{server.base}/b")
    assert len(waits) == 1 and 29 < waits[0] <= 30
    fetcher.close()


def test_an_alert_the_webhook_refuses_is_offered_again(server: Server, tmp_path: Path) -> None:
    from rasid.store import open_store
    from rasid.watch.alerts import deliver_alerts
    from rasid.watch.state import list_alerts, watch_alerts

    store = open_store(str(tmp_path / "w.sqlite"))
    with store.begin() as conn:
        conn.execute(
            watch_alerts.insert().values(
                watchlist="strike",
                event_id="ev_1",
                kind="new",
                payload='{"kind": "new"}',
                created_at="2024-02-07T00:00:00+00:00",
                attempts=0,
            )
        )
    fetcher = Fetcher(retries=0, host_interval=0)
    server.answers["/hook"] = [500, 204]
    assert deliver_alerts(store, fetcher, f"{server.base}/hook", "k") == (0, 1)
    (alert,) = list_alerts(store)
    assert alert["delivered_at"] is None and alert["last_error"] == "HTTP 500"
    assert deliver_alerts(store, fetcher, f"{server.base}/hook", "k") == (1, 0)
    assert deliver_alerts(store, fetcher, f"{server.base}/hook", "k") == (0, 0)
    (alert,) = list_alerts(store)
    assert alert["delivered_at"] and alert["attempts"] == 2
    posts = [a for a in server.asked if a[0] == "POST"]
    assert len(posts) == 2 and posts[0][2]["X-Rasid-Signature"].startswith("sha256=")
    fetcher.close()
    store.close()
