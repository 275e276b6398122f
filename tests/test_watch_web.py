"""The monitor in the web UI, over real HTTP (uvicorn on loopback) and in headless Chromium:
watchlists listed, added and deleted once unlocked with the server's token (and refused
without it or from another site), alerts new since the last visit, and each watchlist's Atom
feed, valid Atom 1.0 with the articles' markup escaped."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import feedparser
import httpx
import pytest

from rasid.store import open_store
from rasid.watch.alerts import raise_alerts
from rasid.watch.state import Watchlist, add_watchlist
from test_api import LiveServer
from test_query import build_store
from test_web_browser import ARGS, CHROMIUM, SHOTS

TOKEN = "t0ken-for-tests"
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_NAME = "<b>strikes</b> & more"


def _raise_all(db: str) -> int:
    """Alerts for every stored event (as if the monitor had just ingested them all)."""
    store = open_store(db)
    try:
        with sqlite3.connect(db) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM events")]
        return len(raise_alerts(store, ids))
    finally:
        store.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = build_store(tmp_path_factory.mktemp("watchweb") / "rasid.sqlite")
    store = open_store(path)
    add_watchlist(store, Watchlist("strike", type="ASSAULT", country="IQ", lang="ar"))
    add_watchlist(store, Watchlist(HOSTILE_NAME, type="ASSAULT"))
    store.close()
    assert _raise_all(path) >= 3
    return path


@pytest.fixture(scope="module")
def server(db: str) -> Iterator[str]:
    with LiveServer(db, token=TOKEN) as live:
        yield live.url


@pytest.fixture
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def _unlock(client: httpx.Client) -> None:
    resp = client.post("/watchlists/unlock", data={"token": TOKEN})
    assert resp.status_code == 303 and "rasid_watch" in client.cookies


def test_writes_need_the_token_and_this_sites_forms(client: httpx.Client, db: str) -> None:
    page = client.get("/watchlists?lang=en")
    assert page.status_code == 200 and 'id="unlock-form"' in page.text
    assert 'id="watchlist-form"' not in page.text
    assert "&lt;b&gt;strikes&lt;/b&gt; &amp; more" in page.text and "<b>strikes" not in page.text
    refused = client.post("/watchlists", data={"name": "x"})
    assert refused.status_code == 403 and "read-only" in refused.text
    wrong = client.post("/watchlists/unlock", data={"token": "guess"})
    assert wrong.status_code == 403 and "not the server&#39;s API token" in wrong.text
    _unlock(client)
    assert 'id="watchlist-form"' in client.get("/watchlists").text
    elsewhere = client.post(
        "/watchlists", data={"name": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert elsewhere.status_code == 403
    cross = client.post("/watchlists", data={"name": "x"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    bad = client.post("/watchlists", data={"name": "x", "type": "BOMBING"})
    assert bad.status_code == 400 and "unknown event type &#39;BOMBING&#39;" in bad.text
    bad = client.post("/watchlists", data={"name": "x", "email": "not-an-address"})
    assert bad.status_code == 400 and "is not a mail address" in bad.text
    form = [("name", "jordan"), ("type", "ASSAULT"), ("type", "COERCE"), ("country", "JO"),
            ("min_fatalities", "1"), ("lang", "en"), ("email", "desk@example.org")]  # fmt: skip
    made = client.post(
        "/watchlists",
        content=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert made.status_code == 303 and made.headers["location"] == "/watchlists?saved=jordan"
    listed = {w["name"]: w for w in client.get("/api/watchlists").json()["items"]}
    assert listed["jordan"] == {
        "name": "jordan",
        "type": "ASSAULT,COERCE",
        "country": "JO",
        "min_fatalities": 1,
        "lang": "en",
        "email": ["desk@example.org"],
    }
    assert client.post("/watchlists/jordan/delete").status_code == 303
    assert client.post("/watchlists/jordan/delete").status_code == 404
    assert "jordan" not in {w["name"] for w in client.get("/api/watchlists").json()["items"]}
    with httpx.Client(base_url=str(client.base_url)) as stranger:  # no cookie
        assert stranger.post("/watchlists/strike/delete").status_code == 403


def test_a_read_only_server_shows_watchlists_and_no_form(db: str) -> None:
    with LiveServer(db) as live, httpx.Client(base_url=live.url) as c:
        page = c.get("/watchlists?lang=en").text
        assert "strike" in page and "unlock-form" not in page and "watchlist-form" not in page
        assert c.post("/watchlists/unlock", data={"token": TOKEN}).status_code == 403


def test_the_atom_feed_is_atom_1_0_with_markup_escaped(client: httpx.Client) -> None:
    resp = client.get("/watchlists/strike/atom")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert b"<script" not in resp.content and b"<img" not in resp.content
    root = ET.fromstring(resp.content)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"  # the watchlist's
    # RFC 4287 4.1.1: exactly one id, title, updated; an author; a self link
    for tag in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{ATOM}{tag}")) == 1, tag
    selfs = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in selfs] == [f"{client.base_url}/watchlists/strike/atom"]
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) >= 2
    ids = set()
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        ids.add(entry.findtext(f"{ATOM}id"))
        datetime.fromisoformat(entry.findtext(f"{ATOM}updated") or "")  # RFC 3339
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
    assert all(i and i.startswith("urn:uuid:") for i in ids) and len(ids) == len(entries)
    parsed = feedparser.parse(resp.content)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title == "راصد: strike"
    evil = [e for e in parsed.entries if "<script" in e.content[0].value.replace("&lt;", "<")]
    assert evil, "the hostile article's title is told, escaped"
    html = evil[0].content[0].value
    assert "&lt;script&gt;" in html and "<script" not in html
    assert all(e.link.startswith(f"{client.base_url}/events/") for e in parsed.entries)
    english = feedparser.parse(client.get("/watchlists/strike/atom?lang=en").content)
    assert english.entries[0].title.startswith("strike: new event: Assault in ")
    assert client.get("/watchlists/nothing/atom").status_code == 404
    quoted = client.get("/watchlists/%3Cb%3Estrikes%3C%2Fb%3E%20%26%20more/atom")
    assert quoted.status_code == 200
    assert feedparser.parse(quoted.content).feed.title == f"Rasid: {HOSTILE_NAME}"


def test_alerts_new_since_the_last_visit(client: httpx.Client, db: str) -> None:
    first = client.get("/alerts?lang=en")
    fresh = len(re.findall(r'<tr class="alert new"', first.text))
    assert fresh >= 3 and f"{fresh} new since your last visit" in first.text
    again = client.get("/alerts?lang=en")
    assert "Nothing new since your last visit." in again.text
    assert '<tr class="alert new"' not in again.text
    with sqlite3.connect(db) as conn:  # a later report raises a toll: one follow-up
        conn.execute("UPDATE events SET fatalities = 40 WHERE id = 'ev-baghdad-strike'")
    assert _raise_all(db) >= 1
    later = client.get("/alerts?lang=en&watchlist=strike")
    assert len(re.findall(r'<tr class="alert new"', later.text)) == 1
    assert "1 new since your last visit" in later.text and "40 (was" in later.text
    items = client.get("/api/alerts").json()["items"]
    assert items[0]["kind"] == "update" and items[0]["mail"] == []


# -- in the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.browser
def test_a_watchlist_made_and_deleted_in_the_browser(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{server}/watchlists?lang=en")
    page.click("nav a[href='/watchlists']")
    assert page.locator("nav a.active").inner_text() == "Watch"
    page.fill("#unlock-form input[name=token]", TOKEN)
    page.click("#unlock-form button")
    page.wait_for_selector("#watchlist-form")
    page.fill("#watchlist-form input[name=name]", "tower")
    page.check("#watchlist-form input[name=type][value=ASSAULT]")
    page.fill("#watchlist-form input[name=country]", "JO")
    page.select_option("#watchlist-form select[name=lang]", "ar")
    page.click("#watchlist-form button[type=submit]")
    page.wait_for_selector("#watch-message")
    assert page.locator("#watch-message").inner_text() == 'Watchlist "tower" saved.'
    row = page.locator("tr.watchlist[data-name=tower]")
    assert "--type ASSAULT" in row.inner_text() and "--country JO" in row.inner_text()
    assert row.locator("a.atom").get_attribute("href") == "/watchlists/tower/atom"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "watchlists-en.png"), full_page=True)
    row.locator("button.delete").click()
    page.wait_for_selector("#watch-message")
    assert page.locator("tr.watchlist[data-name=tower]").count() == 0
    page.goto(f"{server}/alerts?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(SHOTS / "alerts-ar.png"), full_page=True)
    page.reload()
    assert page.locator("#alerts-new").inner_text() == "لا جديد منذ زيارتك الأخيرة."
    context.close()
    assert errors == []
