"""The monitor against real HTTP on loopback: a feed server (RSS and article pages written here,
short Arabic reports of one drone strike in Baghdad) and a webhook receiver.

`rasid watch --once` twice ingests each article once (the second round gets a 304); a kill
mid-watch loses nothing; a watchlist on the strike gives one alert, delivered signed; a bad feed
(404, HTML, timeout) is one status line and the good feed still works.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from rasid.cli import main

SECRET = "s3cret-for-tests"

ARTICLES = {
    "a1": (
        "غارة أمريكية على بغداد تقتل قياديا في كتائب حزب الله",
        "2024-02-07T21:30:00+03:00",
        "بغداد - قتل قيادي في كتائب حزب الله واثنان من مرافقيه مساء الأربعاء بغارة بطائرة"
        " مسيرة أمريكية استهدفت سيارتهم في حي المشتل شرقي بغداد، بحسب ما أفاد مصدر أمني"
        " عراقي.\n\nوقال المصدر إن الغارة أسفرت عن مقتل ثلاثة أشخاص واحتراق السيارة بالكامل.",
    ),
    "a2": (
        "ارتفاع حصيلة الغارة الأمريكية في بغداد",
        "2024-02-08T09:00:00+03:00",
        "بغداد - ارتفعت حصيلة الغارة التي نفذتها طائرة مسيرة أمريكية مساء الأربعاء على سيارة"
        " في حي المشتل شرقي بغداد إلى أربعة قتلى، بينهم قيادي في كتائب حزب الله، وفق ما ذكرت"
        " مصادر أمنية عراقية الخميس.",
    ),
    "a3": (
        "الحكومة العراقية تدين الغارة",
        "2024-02-08T10:00:00+03:00",
        "بغداد - دانت الحكومة العراقية الخميس الغارة الأمريكية التي استهدفت سيارة في حي المشتل"
        " شرقي بغداد، ووصفتها بأنها اعتداء على السيادة العراقية.",
    ),
}


def _page(key: str, title: str | None = None) -> bytes:
    """The article's page; ``title`` (markup, as the page's source has it) replaces its own."""
    own, date, text = ARTICLES[key]
    title = title or own
    paras = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta property="article:published_time" content="{date}">'
        f"</head><body><nav>الرئيسية | أخبار</nav><article><h1>{title}</h1>{paras}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    ).encode()


def _feed(base: str, keys: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{ARTICLES[k][0]}</title><link>{base}/{k}.html</link>"
        f"<guid>{base}/{k}.html</guid><pubDate>Wed, 07 Feb 2024 18:30:00 GMT</pubDate></item>"
        for k in keys
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>وكالة الاختبار</title><link>{base}/</link><description>أخبار</description>"
        f"{items}</channel></rss>"
    ).encode()


@dataclass
class Site:
    """What the feed server serves and what it was asked."""

    base: str = ""
    items: list[str] = field(default_factory=lambda: ["a1", "a2", "a3"])
    slow_pages: dict[str, float] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # key -> the page's title, as markup
    log: list[tuple[str, int]] = field(default_factory=list)  # (path, status)

    def statuses(self, path: str) -> list[int]:
        return [status for p, status in self.log if p == path]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the watcher's timeout) is no error of the server's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as state:
        yield state


@contextmanager
def serve_site() -> Iterator[Site]:
    """The feed server, for the tests of this file and of the others about the monitor."""
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", kind: str = "text/html") -> None:
            state.log.append((self.path, status))
            self.send_response(status)
            if status == 200:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                self.send_header("ETag", etag)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/feed.xml":
                body = _feed(state.base, state.items)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304)
                return self._send(200, body, "application/rss+xml; charset=utf-8")
            if self.path == "/broken.xml":  # cut off in the middle of its first item
                body = _feed(state.base, ["a1"])
                return self._send(200, body[: body.index(b"<item>") + 9], "application/rss+xml")
            if self.path == "/html-feed.xml":
                return self._send(200, _page("a1"), "text/html; charset=utf-8")
            if self.path == "/slow.xml":
                time.sleep(1.5)
                return self._send(200, _feed(state.base, ["a1"]), "application/rss+xml")
            key = self.path.strip("/").removesuffix(".html")
            if key in ARTICLES:
                time.sleep(state.slow_pages.get(key, 0.0))
                return self._send(200, _page(key, state.titles.get(key)), "text/html")
            return self._send(404, b"not found")

    server, state.base = _serve(Handler)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Receiver:
    url: str = ""
    posts: list[tuple[bytes, str | None]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.posts.append((body, self.headers.get("X-Rasid-Signature")))
            self.send_response(204)
            self.end_headers()

    server, got.url = _serve(Handler)
    got.url += "/hook"
    yield got
    server.shutdown()
    server.server_close()


FAST = ("--host-interval", "0", "--backoff", "0", "--timeout", "5")


def rasid(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@contextmanager
def _api(db: Path) -> Iterator[httpx.Client]:
    """The web app over ``db``, served by uvicorn on a free loopback port."""
    import uvicorn

    from rasid.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = uvicorn.Config(create_app(str(db)), host="127.0.0.1", port=port, log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_two_rounds_ingest_each_article_once_the_second_gets_304(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.sqlite"
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - url: {site.base}/feed.xml\n    every: 300\n", encoding="utf-8")
    code, out, err = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert code == 0, err
    assert "3 new (3 stored, 0 already there, 0 failed)" in out
    code, out, err = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert code == 0, err
    assert "not modified" in out and "3 items, 0 errors" in out
    assert site.statuses("/feed.xml") == [200, 304]
    for key in ARTICLES:
        assert site.statuses(f"/{key}.html") == [200]
    rows = _rows(db, "SELECT url, source, title, published FROM articles ORDER BY url")
    assert [r[0] for r in rows] == [f"{site.base}/{k}.html" for k in ("a1", "a2", "a3")]
    assert {r[1] for r in rows} == {"وكالة الاختبار"}
    assert rows[0][2] == ARTICLES["a1"][0] and rows[0][3].startswith("2024-02-07")
    assert _rows(db, "SELECT count(*) FROM watch_items") == [(3,)]
    code, out, _ = rasid(["--db", str(db), "feeds", "--json"], capsys)
    (feed,) = json.loads(out)
    assert feed["items"] == 3 and feed["errors"] == 0 and feed["last_success"]


def test_a_watchlist_gives_one_alert_then_one_follow_up_delivered_signed(
    site: Site,
    receiver: Receiver,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RASID_WEBHOOK_SECRET", SECRET)
    db = tmp_path / "w.sqlite"
    url = f"{site.base}/feed.xml"
    watch = ["--db", str(db), "watch", url, "--once", "--webhook", receiver.url, *FAST]
    add = ["--db", str(db), "watchlist", "add"]
    assert rasid([*add, "strike", "--type", "ASSAULT", "--country", "IQ"], capsys)[0] == 0
    assert rasid([*add, "syria", "--type", "ASSAULT", "--country", "SY"], capsys)[0] == 0
    assert rasid([*add, "big", "--country", "IQ", "--min-fatalities", "10"], capsys)[0] == 0
    code, out, _ = rasid(["--db", str(db), "watchlist", "list"], capsys)
    assert "strike\t--type ASSAULT --country IQ\n" in out

    site.items = ["a1"]
    code, out, err = rasid(watch, capsys)
    assert code == 0, err
    assert len(receiver.posts) == 1
    body, signature = receiver.posts[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert signature is not None and hmac.compare_digest(signature, expected)
    alert = json.loads(body)
    assert alert["watchlist"] == "strike" and alert["kind"] == "new"
    assert alert["event"]["type"] == "ASSAULT" and alert["event"]["country"] == "IQ"
    first_toll = alert["event"]["fatalities"]
    assert first_toll is not None and first_toll < 4

    site.items = ["a1", "a2"]  # a later report raises the toll to four
    assert rasid(watch, capsys)[0] == 0
    assert len(receiver.posts) == 2
    follow = json.loads(receiver.posts[1][0])
    assert follow["kind"] == "update" and follow["event"]["id"] == alert["event"]["id"]
    assert follow["event"]["fatalities"] == 4 and follow["previous"]["fatalities"] == first_toll

    assert rasid(watch, capsys)[0] == 0  # nothing new: a 304, no alert
    assert len(receiver.posts) == 2
    code, out, _ = rasid(["--db", str(db), "alerts", "--json"], capsys)
    stored = json.loads(out)
    assert [(a["watchlist"], a["kind"]) for a in stored] == [
        ("strike", "update"),
        ("strike", "new"),
    ]
    assert all(a["delivered_at"] for a in stored)

    with _api(db) as client:
        items = client.get("/api/alerts").json()["items"]
        assert [a["kind"] for a in items] == ["update", "new"]
        (feed,) = client.get("/api/feeds").json()["items"]
        assert feed["url"] == url and feed["items"] == 2 and "etag" not in feed

    assert rasid(["--db", str(db), "watchlist", "remove", "syria"], capsys)[0] == 0
    code, _, err = rasid(["--db", str(db), "watchlist", "remove", "syria"], capsys)
    assert code == 1 and "no watchlist named 'syria'" in err


def test_bad_feeds_are_one_status_line_each_and_the_good_feed_still_works(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.sqlite"
    bad = [f"{site.base}/{p}.xml" for p in ("missing", "html-feed", "broken", "slow")]
    args = ["--db", str(db), "watch", *bad, f"{site.base}/feed.xml", "--once"]
    args += ["--host-interval", "0", "--backoff", "0", "--retries", "1", "--timeout", "0.5"]
    code, out, err = rasid(args, capsys)
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 4, err
    assert lines[0].startswith(f"{bad[0]}: error: HTTP 404;")
    assert lines[1].startswith(
        f"{bad[1]}: error: not an RSS or Atom feed or a sitemap (got text/html);"
    )
    assert lines[2].startswith(f"{bad[2]}: error: broken XML (")
    assert lines[3].startswith(f"{bad[3]}: error: timed out after 0.5 s (2 attempts);")
    assert all("1 errors" in line for line in lines)
    assert f"{site.base}/feed.xml: ok, 3 new (3 stored" in out
    assert _rows(db, "SELECT count(*) FROM articles") == [(3,)]
    code, _, err = rasid([*args[:3], bad[0], *args[-9:]], capsys)
    assert code == 1 and err.endswith("rasid: error: no feed could be read (see the lines above)\n")


def test_a_kill_mid_watch_loses_and_repeats_nothing(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.sqlite"
    site.slow_pages = {"a3": 30.0}  # the first run is killed while it waits for this page
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", "--db", str(db)]
    watch = [*cmd, "watch", f"{site.base}/feed.xml", *FAST]
    proc = subprocess.Popen(watch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if site.statuses("/a2.html") and db.exists():
                seen = _rows(db, "SELECT count(*) FROM watch_items")[0][0] if _has_items(db) else 0
                if seen >= 2:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the watcher did not record two items in 20 s")
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert _rows(db, "SELECT count(*) FROM articles") == [(2,)]
    site.slow_pages = {}
    code, out, err = rasid([*watch[3:], "--once"], capsys)  # the restart, in this process
    assert code == 0, err
    assert "1 new (1 stored" in out
    urls = [r[0] for r in _rows(db, "SELECT url FROM articles ORDER BY url")]
    assert urls == [f"{site.base}/{k}.html" for k in ("a1", "a2", "a3")]
    assert _rows(db, "SELECT count(*) FROM watch_items") == [(3,)]
    assert site.statuses("/a1.html") == [200] and site.statuses("/a2.html") == [200]


def _has_items(db: Path) -> bool:
    try:
        return bool(_rows(db, "SELECT 1 FROM sqlite_master WHERE name = 'watch_items'"))
    except sqlite3.Error:
        return False


def test_the_alerts_of_a_round_killed_before_them_come_next_round(
    site: Site,
    receiver: Receiver,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RASID_WEBHOOK_SECRET", SECRET)
    db = tmp_path / "w.sqlite"
    add = ["--db", str(db), "watchlist", "add", "strike", "--type", "ASSAULT", "--country", "IQ"]
    assert rasid(add, capsys)[0] == 0
    site.items = ["a1", "a3"]
    site.slow_pages = {"a3": 30.0}  # killed while it waits for this page, a1 stored
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", "--db", str(db)]
    watch = [*cmd, "watch", f"{site.base}/feed.xml", "--webhook", receiver.url, *FAST]
    proc = subprocess.Popen(watch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # a1 recorded: the watcher waits for a3 now
            if _has_items(db) and _rows(db, "SELECT count(*) FROM watch_items") == [(1,)]:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the watcher did not record a1 in 20 s")
        time.sleep(0.3)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert _rows(db, "SELECT count(*) FROM watch_alerts") == [(0,)]
    assert receiver.posts == []
    site.items, site.slow_pages = ["a1"], {}  # nothing new in the feed for the restart
    code, out, err = rasid([*watch[3:], "--once"], capsys)
    assert code == 0, err
    assert "1 new" not in out
    (post,) = receiver.posts
    alert = json.loads(post[0])
    assert alert["watchlist"] == "strike" and alert["kind"] == "new"
    assert site.statuses("/a1.html") == [200]


def test_without_httpx_watch_names_the_extra_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['httpx'] = None\nfrom rasid.cli import main\n"
        f"main(['--db', {str(tmp_path / 'w.sqlite')!r}, 'watch', 'http://127.0.0.1:1/f.xml'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 1
    assert done.stderr.strip().endswith("pip install 'rasid[watch]'")
    assert "Traceback" not in done.stderr
