"""Search across languages: an English name finds what its Arabic name finds, and the reverse,
through the knowledge base's names and aliases and the press spellings of names. The store is
built by ingesting real text (tests/data/search/articles.jsonl) through the whole pipeline and
searched through real HTTP; the article filter runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rasid.jobs import ingest
from rasid.kb.synonyms import expand_query
from rasid.store import open_store
from rasid.store.lookups import search_articles
from rasid.store.query import EventQuery, query_events
from test_api import LiveServer

DATA = Path(__file__).parent / "data" / "search" / "articles.jsonl"

PAIRS = [
    ("Mosul", "الموصل", {"ar-mosul-1", "ar-mosul-2", "en-mosul"}),
    ("Anbar", "الأنبار", {"ar-anbar", "ar-kh", "en-kh"}),
    ("Kataib Hezbollah", "كتائب حزب الله", {"ar-kh", "en-kh"}),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("search") / "rasid.sqlite"
    report = ingest([str(DATA)], str(path))
    assert report.stored == 8
    return str(path)


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[httpx.Client]:
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _found(client: httpx.Client, q: str) -> set[str]:
    resp = client.get("/api/search", params={"q": q, "limit": 100})
    assert resp.status_code == 200, resp.text
    return {it["id"] for it in resp.json()["items"]}


@pytest.mark.parametrize(("english", "arabic", "expected"), PAIRS)
def test_api_search_finds_the_same_articles_in_both_languages(
    client: httpx.Client, english: str, arabic: str, expected: set[str]
) -> None:
    assert _found(client, english) == expected
    assert _found(client, arabic) == expected


@pytest.mark.parametrize(("english", "arabic", "expected"), PAIRS)
def test_api_event_text_filter_finds_the_same_events_in_both_languages(
    client: httpx.Client, english: str, arabic: str, expected: set[str]
) -> None:
    def events(q: str) -> set[str]:
        resp = client.get("/api/events", params={"text": q, "limit": 100})
        assert resp.status_code == 200, resp.text
        return {it["id"] for it in resp.json()["items"]}

    found = events(english)
    assert found  # the store's events name these places and this group
    assert found == events(arabic)


def test_search_answer_names_its_keys_and_marks_the_other_language(client: httpx.Client) -> None:
    body = client.get("/api/search", params={"q": "Mosul"}).json()
    assert body["key"] == "mosul"
    assert "الموصل" in body["keys"]
    by_id = {it["id"]: it for it in body["items"]}
    snip = by_id["ar-mosul-1"]["snippets"][0]
    start, end = snip["marks"][0]
    assert snip["text"][start:end] == "الموصل"


def test_search_page_shows_arabic_articles_for_an_english_query(client: httpx.Client) -> None:
    html = client.get("/search", params={"q": "Kataib Hezbollah"}).text
    assert "/articles/ar-kh" in html and "/articles/en-kh" in html
    assert "/articles/ar-lebanon" not in html


@pytest.mark.parametrize(
    ("query", "not_found"),
    [
        ("Kataib Hezbollah", "ar-lebanon"),  # Lebanon's Hezbollah is another group
        ("Mosul", "ar-homs"),
        ("Anbar", "ar-mosul-1"),
    ],
)
def test_an_expanded_search_stays_on_its_subject(
    client: httpx.Client, query: str, not_found: str
) -> None:
    assert not_found not in _found(client, query)


@pytest.mark.parametrize(
    ("query", "must", "never"),
    [
        ("Mosul", {"mosul", "الموصل", "للموصل"}, set()),
        ("الأنبار", {"الانبار", "anbar"}, set()),
        ("Haditha", {"haditha", "قضاء حديثه"}, {"حديثه"}),  # حديثة is also "modern"
        # a person the knowledge base does not know, by the press spelling; Kofi Annan's "عنان"
        # is another man
        ("Sami Anan", {"sami anan", "سامي عنان"}, {"عنان", "anan"}),
        ("علي", {"علي"}, {"ali"}),  # one-word names never expand
        ("", set(), set()),
    ],
)
def test_expand_query(query: str, must: set[str], never: set[str]) -> None:
    keys = expand_query(query)
    assert must <= set(keys)
    assert not never & set(keys)


def test_cli_events_text_filter_reads_english(db: str) -> None:
    store = open_store(db)
    try:
        en = {e["id"] for e in query_events(store, EventQuery(text="Anbar", limit=100)).items}
        ar = {e["id"] for e in query_events(store, EventQuery(text="الأنبار", limit=100)).items}
    finally:
        store.close()
    assert en == ar


@pytest.mark.postgres
def test_postgres_search_finds_the_same_articles(pg_store_url: str) -> None:
    ingest([str(DATA)], pg_store_url)
    store = open_store(pg_store_url)
    try:
        for english, arabic, expected in PAIRS:
            for q in (english, arabic):
                found = {it["id"] for it in search_articles(store, q, limit=100).items}
                assert found == expected, q
    finally:
        store.close()


@pytest.mark.browser
def test_browser_english_query_finds_and_marks_the_arabic_name(db: str) -> None:
    import os

    from test_web_browser import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with LiveServer(db) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="en-US")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/search?lang=en")
        page.fill("input[name=q]", "Mosul")
        page.press("input[name=q]", "Enter")
        page.wait_for_selector("ol.hits")
        titles = page.locator("ol.hits a.hit-title").all_inner_texts()
        assert "مقتل جنديين بانفجار عبوة في الموصل" in titles
        assert "Roadside bomb kills two Iraqi soldiers in Mosul" in titles
        assert "الموصل" in page.locator("ol.hits mark").all_inner_texts()
        page.click("a.hit-title[href*='ar-mosul-1']")
        page.wait_for_selector(".article-text mark.hl-hit")
        assert page.locator(".article-text mark.hl-hit").first.inner_text() == "الموصل"
        browser.close()
        assert errors == []
