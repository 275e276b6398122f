"""``rasid watch`` on XML sitemaps served over real HTTP on loopback: a sitemap index whose
sitemaps are read when their <lastmod> changes (and never when it is old), conditional
requests, a page read again when its <lastmod> changes, gzip, a broken sitemap, and a bound
on the items a poll reads."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from rasid.watch.sitemap import SitemapError, read_sitemap, recent
from test_watch import ARTICLES, FAST, _page, _rows, _serve, rasid

NOW = datetime.now(UTC).replace(microsecond=0)
FRESH = (NOW - timedelta(hours=2)).isoformat()
LATER = (NOW - timedelta(hours=1)).isoformat()
OLD = "2019-05-01"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(base: str, pages: dict[str, str]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}/{key}.html</loc><lastmod>{lastmod}</lastmod></url>"
        for key, lastmod in pages.items()
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{urls}</urlset>'.encode()


def index(base: str, maps: dict[str, str]) -> bytes:
    items = "".join(
        f"<sitemap><loc>{base}/{name}</loc><lastmod>{lastmod}</lastmod></sitemap>"
        for name, lastmod in maps.items()
    )
    return f'<?xml version="1.0"?><sitemapindex {NS}>{items}</sitemapindex>'.encode()


@dataclass
class Site:
    base: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # path -> body
    pages: dict[str, bytes] = field(default_factory=dict)  # key -> page, else ARTICLES
    log: list[tuple[str, int]] = field(default_factory=list)

    def statuses(self, path: str) -> list[int]:
        return [status for p, status in self.log if p == path]


@pytest.fixture
def site() -> Iterator[Site]:
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            key = self.path.strip("/").removesuffix(".html")
            body = state.files.get(self.path) or state.pages.get(key)
            if body is None and key in ARTICLES:
                body = _page(key)
            if body is None:
                state.log.append((self.path, 404))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            status = 304 if self.headers.get("If-None-Match") == etag else 200
            state.log.append((self.path, status))
            self.send_response(status)
            self.send_header("ETag", etag)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body) if status == 200 else 0))
            self.end_headers()
            if status == 200:
                self.wfile.write(body)

    server, state.base = _serve(Handler)
    yield state
    server.shutdown()
    server.server_close()


def test_an_index_reads_its_changed_sitemaps_and_skips_old_ones(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.sqlite"
    site.files["/news.xml"] = urlset(site.base, {"a1": FRESH, "a2": FRESH})
    site.files["/archive.xml"] = urlset(site.base, {"a3": OLD})
    site.files["/index.xml"] = index(site.base, {"news.xml": FRESH, "archive.xml": OLD})
    watch = ["--db", str(db), "watch", f"{site.base}/index.xml", "--once", *FAST]
    code, out, err = rasid(watch, capsys)
    assert code == 0, err
    assert "index.xml: ok, 2 new (2 stored, 0 already there, 0 failed) from 1 sitemaps" in out
    assert site.statuses("/archive.xml") == []  # older than the two days read
    assert sorted(r[0] for r in _rows(db, "SELECT url FROM articles")) == [
        f"{site.base}/a1.html",
        f"{site.base}/a2.html",
    ]
    feeds = dict(_rows(db, "SELECT url, lastmod FROM watch_feeds"))
    assert feeds == {f"{site.base}/index.xml": None, f"{site.base}/news.xml": FRESH}

    code, out, _ = rasid(watch, capsys)  # unchanged: one conditional request, a 304
    assert code == 0 and "index.xml: ok, not modified" in out
    assert site.statuses("/index.xml") == [200, 304] and site.statuses("/news.xml") == [200]

    # the index changes, its news sitemap does not: only the index is read
    site.files["/index.xml"] = index(site.base, {"news.xml": FRESH, "more.xml": LATER})
    site.files["/more.xml"] = urlset(site.base, {"a2": FRESH, "a3": LATER})
    code, out, err = rasid(watch, capsys)
    assert code == 0, err
    assert "ok, 1 new (1 stored, 0 already there, 0 failed) from 1 sitemaps" in out
    assert site.statuses("/news.xml") == [200] and site.statuses("/more.xml") == [200]
    assert _rows(db, "SELECT count(*) FROM articles") == [(3,)]
    for key in ("a1", "a2", "a3"):
        assert site.statuses(f"/{key}.html") == [200]


def test_a_page_is_read_again_when_its_lastmod_changes(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.sqlite"
    site.files["/sitemap.xml.gz"] = gzip.compress(urlset(site.base, {"a1": FRESH}))
    watch = ["--db", str(db), "watch", f"{site.base}/sitemap.xml.gz", "--once", *FAST]
    code, out, err = rasid(watch, capsys)
    assert code == 0, err
    assert "1 new (1 stored" in out
    # the page is corrected and its lastmod moves: read again, kept as a new version
    site.pages["a1"] = _page("a1").replace("ثلاثة أشخاص".encode(), "خمسة أشخاص".encode())
    site.files["/sitemap.xml.gz"] = gzip.compress(urlset(site.base, {"a1": LATER}))
    code, out, err = rasid(watch, capsys)
    assert code == 0, err
    assert "1 new (1 stored" in out
    assert site.statuses("/a1.html") == [200, 200]
    ids = [r[0] for r in _rows(db, "SELECT id FROM articles ORDER BY id")]
    assert len(ids) == 2 and ids[1] == ids[0] + "~v2"


def test_a_poll_reads_at_most_max_items_the_rest_next_round(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "w.sqlite"
    site.files["/sitemap.xml"] = urlset(site.base, {"a1": FRESH, "a2": LATER})
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"max_items: 1\nfeeds:\n  - {site.base}/sitemap.xml\n  - url: {site.base}/broken.xml\n",
        encoding="utf-8",
    )
    site.files["/broken.xml"] = urlset(site.base, {"a3": FRESH})[:-20]
    code, out, err = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert code == 0
    assert f"{site.base}/broken.xml: error: broken XML (" in err
    assert "sitemap.xml: ok, 1 new (1 stored" in out
    assert site.statuses("/a2.html") == [200]  # the newest first
    code, out, _ = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert "sitemap.xml: ok, 1 new (1 stored" in out  # not a 304: the rest was still to read
    assert site.statuses("/sitemap.xml") == [200, 200]
    code, out, _ = rasid(["--db", str(db), "watch", str(feeds), "--once", *FAST], capsys)
    assert "sitemap.xml: ok, not modified" in out


def test_news_sitemaps_give_title_and_date_and_the_parser_resolves_nothing() -> None:
    body = (
        f"<urlset {NS} {NEWS}><url><loc>https://example.org/a</loc><news:news>"
        "<news:publication_date>2024-02-07T21:30:00+03:00</news:publication_date>"
        "<news:title>غارة &amp; قتلى</news:title></news:news></url>"
        "<url><loc>javascript:alert(1)</loc></url></urlset>"
    ).encode()
    (entry,) = read_sitemap(body).entries
    assert entry.title == "غارة & قتلى" and entry.published == "2024-02-07T21:30:00+03:00"
    assert recent(entry, None) and not recent(entry, 2)
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>https://example.org/&x;</loc></url></urlset>"
    )
    entries = read_sitemap(evil).entries
    assert all("root:" not in e.loc for e in entries)
    with pytest.raises(SitemapError, match="not a sitemap"):
        read_sitemap(b"<html><body>hi</body></html>")
