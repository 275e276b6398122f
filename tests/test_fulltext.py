"""Text search through the full-text indexes (rasid.store.fulltext) and answers kept until the
store changes (rasid.store.changes): real SQLite files, a real PostgreSQL server, real HTTP."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from rasid.records import Article
from rasid.store import Store, open_store
from rasid.store.changes import Answers, change_token
from rasid.store.fulltext import clitic_forms, find_hits, key_phrases
from rasid.store.lookups import search_articles
from rasid.store.query import EventQuery, explain, query_events
from rasid.text.normalize import normalize
from test_api import TOKEN, LiveServer

# each article holds the name in one form; "other" holds it nowhere as a word
TEXTS = {
    "bare": "قال مسؤول إن الموصل شهدت هدوءا يوم الأحد.",
    "bi": "انفجرت عبوة بالموصل صباح الاثنين.",
    "wa": "زار الوزير بغداد والموصل خلال جولته.",
    "lil": "وصل وفد حكومي للموصل لمتابعة الإعمار.",
    "wa-lil": "أرسلت الحكومة تعزيزات إلى نينوى وللموصل حصة منها.",
    "nisba": "قال الصحفي الموصلي إن الأسواق فتحت.",
    "title": "",  # the name only in its title
    "other": "كتب المراسل عن غرب العراق والأنبار.",
    "english": "A roadside bomb hit an army patrol in Mosul's old city.",
    "white": "The white house said nothing about the killing.",
}
TITLES = {"title": "هجوم على الموصل", "other": "تقرير"}


def _fill(store: Store) -> None:
    with store.begin() as conn:
        for aid, written in TEXTS.items():
            body = written or "نص بلا اسم المدينة."
            article = Article(
                id=aid,
                text=body,
                title=TITLES.get(aid),
                published="2024-03-0" + str(1 + len(aid) % 9),
                content_hash=hashlib.sha256(body.encode()).hexdigest(),
                lang="en" if aid in ("english", "white") else "ar",
            )
            assert store.insert_article(conn, article, normalize(body).text)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    st = open_store(str(tmp_path_factory.mktemp("fts") / "rasid.sqlite"))
    _fill(st)
    yield st
    st.close()


def _found(store: Store, q: str) -> set[str]:
    return {it["id"] for it in search_articles(store, q, limit=100).items}


CASES = [
    ("الموصل", {"bare", "bi", "wa", "lil", "wa-lil", "nisba", "title", "english"}),
    ("بالموصل", {"bi"}),  # a form typed as it is written finds that form
    ("Mosul", {"bare", "bi", "wa", "lil", "wa-lil", "nisba", "title", "english"}),
    ("هيت", set()),  # a name no article holds
    ("hit", {"english"}),  # a word, not the inside of "white"
    ("قتل", set()),  # no longer inside "مقتل" or "killing"
]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_search_finds_every_clitic_form_and_no_inside_of_a_word(
    store: Store, query: str, expected: set[str]
) -> None:
    assert _found(store, query) == expected


def test_snippets_mark_the_name_after_its_clitics(store: Store) -> None:
    page = search_articles(store, "الموصل", limit=100)
    marked = {
        it["id"]: snip["text"][start:end]
        for it in page.items
        for snip in it["snippets"]
        for start, end in snip["marks"]
    }
    assert marked["bi"] == "الموصل"  # inside "بالموصل"
    assert marked["lil"] == "للموصل"  # the key the ل form comes with (expand_query)
    assert marked["nisba"] == "الموصل"  # the start of "الموصلي"


@pytest.mark.parametrize(
    ("word", "has", "has_not"),
    [
        ("الموصل", {"بالموصل", "والموصل", "للموصل", "وللموصل", "فبالموصل"}, {"لالموصل", "موصل"}),
        ("هجوم", {"الهجوم", "بهجوم", "للهجوم", "وبالهجوم"}, {"ههجوم"}),
        ("mosul", {"mosul"}, {"وmosul"}),  # Latin words take no Arabic clitics
        ("في", {"في"}, {"وفي"}),  # too short to carry them
    ],
)
def test_clitic_forms(word: str, has: set[str], has_not: set[str]) -> None:
    forms = set(clitic_forms(word))
    assert has <= forms
    assert not has_not & forms


def test_a_key_that_is_a_form_of_another_adds_nothing() -> None:
    alone = key_phrases(["الموصل"])
    assert key_phrases(["الموصل", "للموصل"]) == alone
    assert len(alone) == len(clitic_forms("الموصل"))
    assert all(p.prefix for p in alone)
    assert not key_phrases(["في"])[0].prefix  # too short to be a prefix


@pytest.mark.parametrize(
    ("text_norm", "keys", "hits"),
    [
        ("وصل بالموصل امس", ["الموصل"], [(5, 11)]),
        ("xالموصل", ["الموصل"], []),
        ("قاعده  حرير", ["قاعده حرير"], [(0, 11)]),  # the words of a key apart by spaces
        ("a white hit", ["hit"], [(8, 11)]),
    ],
)
def test_find_hits(text_norm: str, keys: list[str], hits: list[tuple[int, int]]) -> None:
    assert find_hits(text_norm, keys) == hits


@pytest.mark.parametrize("query", ['"', "\x00", 'a"b', "NEAR(a b)", "*", "(", "AND OR", "ب"])
def test_queries_with_the_index_syntax_are_words(store: Store, query: str) -> None:
    search_articles(store, query)  # no error from FTS5's query syntax
    query_events(store, EventQuery(text=query))


def test_event_text_filter_reads_the_index(tmp_path: Path) -> None:
    from test_query import build_store

    st = open_store(build_store(tmp_path / "q.sqlite"))
    try:
        plan = " ".join(explain(st, EventQuery(text="قاعدة حرير")))
        assert "events_fts" in plan and "instr" not in plan.lower()
        assert {e["id"] for e in query_events(st, EventQuery(text="حرير")).items} == {
            "ev-harir-intercept"
        }
    finally:
        st.close()


@pytest.mark.postgres
def test_postgres_search_finds_the_same(pg_store_url: str) -> None:
    st = open_store(pg_store_url)
    try:
        _fill(st)
        for query, expected in CASES:
            assert _found(st, query) == expected, query
        with st.connect() as conn:
            index = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_articles_search_tsv'")
            ).scalar_one()
            plan = " ".join(
                r[0]
                for r in conn.execute(
                    text(
                        "EXPLAIN SELECT id FROM articles"
                        " WHERE search_tsv @@ to_tsquery('simple', 'الموصل:*')"
                    )
                )
            )
        assert "gin (search_tsv)" in index  # migration 014
        assert "to_tsvector" not in plan  # the stored words, not computed again
    finally:
        st.close()


@pytest.mark.postgres
def test_postgres_store_before_014_is_migrated(pg_store_url: str) -> None:
    st = open_store(pg_store_url)
    _fill(st)
    with st.begin() as conn:  # as migrations 002 and 010 left it: expression indexes
        for table_name in ("articles", "events"):
            conn.execute(text(f"DROP INDEX ix_{table_name}_search_tsv"))
            conn.execute(text(f"ALTER TABLE {table_name} DROP COLUMN search_tsv"))
        conn.execute(
            text(
                "CREATE INDEX ix_articles_fts ON articles"
                " USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || text_norm))"
            )
        )
        conn.execute(text("DELETE FROM rasid_migrations WHERE name = '014_search_vectors'"))
    st.close()
    st = open_store(pg_store_url)
    try:
        assert _found(st, "هجوم علي الموصل") == {"title"}  # "على" folded in the stored title
        with st.connect() as conn:
            names = set(
                conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'articles'"))
                .scalars()
                .all()
            )
        assert "ix_articles_search_tsv" in names and "ix_articles_fts" not in names
    finally:
        st.close()


# -- answers kept until the store changes ---------------------------------------------------


def test_change_token_moves_with_every_commit_of_another_connection(tmp_path: Path) -> None:
    db = str(tmp_path / "t.sqlite")
    st = open_store(db)
    try:
        first = change_token(st)
        assert first is not None and change_token(st) == first
        with sqlite3.connect(db) as con:
            con.execute(
                "INSERT INTO entities (id, kind, name, provisional) VALUES ('x', 'p', 'x', 1)"
            )
        second = change_token(st)
        assert second != first
        _fill(st)  # through the store's own pool
        assert change_token(st) != second
    finally:
        st.close()


def test_a_store_made_anew_at_the_same_path_is_not_answered_from_the_old(tmp_path: Path) -> None:
    db = tmp_path / "again.sqlite"
    answers = Answers()
    first = open_store(str(db))
    assert answers.get(first, "k", lambda: b"old") == b"old"
    first.close()
    for leftover in tmp_path.glob("again.sqlite*"):
        leftover.unlink()
    second = open_store(str(db))  # its own connection counts data versions from the start
    try:
        assert answers.get(second, "k", lambda: b"new") == b"new"
    finally:
        second.close()


def test_answers_are_kept_until_the_store_changes_and_stay_bounded(tmp_path: Path) -> None:
    st = open_store(str(tmp_path / "a.sqlite"))
    answers = Answers(most=3)
    computed: list[str] = []

    def compute(key: str) -> bytes:
        computed.append(key)
        return key.encode() * 10

    try:
        for key in ("a", "a", "b", "a"):
            assert answers.get(st, key, lambda k=key: compute(k)) == key.encode() * 10
        assert computed == ["a", "b"]
        _fill(st)
        answers.get(st, "a", lambda: compute("a"))
        assert computed == ["a", "b", "a"]
        for key in "cdefg":
            answers.get(st, key, lambda k=key: compute(k))
        assert len(answers._kept) == 3 and answers._bytes == 30
        assert Answers(most=0).lookup(st, "a") == (None, None)
    finally:
        st.close()


def test_a_kept_page_is_never_older_than_the_store(tmp_path: Path) -> None:
    """Through real HTTP: the same search and event page asked again are answered from what was
    kept; an article posted in between shows at once."""
    db = str(tmp_path / "live.sqlite")
    article = {
        "id": "live-1",
        "published": "2024-03-02",
        "text": "بغداد - استهدف هجوم بطائرة مسيرة قاعدة عين الأسد الجوية في محافظة الأنبار "
        "غربي العراق فجر السبت، دون أن يسفر عن إصابات.",
    }
    with LiveServer(db, token=TOKEN) as server, httpx.Client(base_url=server.url) as c:
        empty = c.get("/api/search", params={"q": "عين الأسد"})
        assert empty.status_code == 200 and empty.json()["total"] == 0
        assert c.get("/api/search", params={"q": "عين الأسد"}).content == empty.content
        events = c.get("/api/events").json()
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert c.post("/api/articles", json=article, headers=auth).status_code == 201
        found = c.get("/api/search", params={"q": "عين الأسد"}).json()
        assert [it["id"] for it in found["items"]] == ["live-1"]
        after = c.get("/api/events").json()
        assert after["total"] > events["total"]
        bad = c.get("/api/events", params={"since": "2024-02-30"})
        assert bad.status_code == 422 and bad.json()["error"]["status"] == 422
