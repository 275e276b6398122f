"""The store as analysts open it (``rasid.store.analyst``, ``rasid.store.views``): real stores
opened with Datasette's own library, pandas and plain SQL; older stores migrated."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Index, MetaData, Table, inspect, text

from rasid.jobs import ingest
from rasid.store import open_store
from rasid.store import schema as s
from rasid.store.views import VIEWS

ARTICLES = [
    {
        "id": "a1",
        "source": "الجزيرة نت",
        "url": "https://example.org/a1",
        "published": "2024-01-29",
        "title": "مقتل ثلاثة جنود أمريكيين في هجوم بطائرة مسيرة",
        "text": "قتل ثلاثة جنود أمريكيين وأصيب أكثر من 30 آخرين في هجوم بطائرة مسيرة على قاعدة"
        " البرج 22 في الأردن يوم الأحد. وقالت وزارة الدفاع الأمريكية إن الهجوم نفذته جماعات"
        " مدعومة من إيران.",
    },
    {
        "id": "a2",
        "source": "العربية",
        "url": "https://example.org/a2",
        "published": "2024-01-29",
        "title": "هجوم على قاعدة أمريكية في الأردن",
        "text": "أعلنت المقاومة الإسلامية في العراق مسؤوليتها عن هجوم بطائرة مسيرة استهدف قاعدة"
        " البرج 22 في الأردن يوم الأحد، ما أسفر عن مقتل ثلاثة جنود أمريكيين.",
    },
    {
        "id": "a3",
        "source": "الجزيرة نت",
        "url": "https://example.org/a3",
        "published": "2024-02-08",
        "title": "غارة في بغداد",
        "text": "قتل قيادي في كتائب حزب الله بغارة أمريكية بطائرة مسيرة استهدفت سيارته في شرق"
        " بغداد مساء الأربعاء.",
    },
]
INTERNAL = {"data", "search_norm", "text_norm", "title_norm", "name_key"}


def _ingest(tmp_path: Path, db: str) -> None:
    corpus = tmp_path / "articles.jsonl"
    corpus.write_text(
        "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8"
    )
    report = ingest([str(corpus)], db)
    assert report.stored == len(ARTICLES)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    db = str(tmp_path / "rasid.sqlite")
    _ingest(tmp_path, db)
    return db


def _datasette(db: str, *paths: str) -> list[Any]:
    """The JSON Datasette answers at each of ``paths`` over the store (database ``rasid``)."""
    from datasette.app import Datasette

    async def fetch() -> list[Any]:
        ds = Datasette([db])
        await ds.invoke_startup()
        out = []
        for path in paths:
            response = await ds.client.get(path)
            assert response.status_code == 200, (path, response.text)
            out.append(response.json())
        out.append(await ds.get_database("rasid").foreign_keys_for_table("event_mentions"))
        return out

    return asyncio.run(fetch())


def test_datasette_lists_the_views_and_searches_arabic(sqlite_store: str) -> None:
    listing, articles, folded, events, keys = _datasette(
        sqlite_store,
        "/rasid.json",
        "/rasid/articles.json?_shape=objects&_search=بغداد",
        # the index holds the folded text: "مسيّرة" with its shadda and ta marbuta typed as
        # normalize_key writes it
        "/rasid/articles.json?_shape=objects&_search=مسيره",
        "/rasid/events.json?_shape=objects&_search=البرج",
    )
    assert {v["name"] for v in listing["views"]} == set(VIEWS)
    assert [r["id"] for r in articles["rows"]] == ["a3"]
    assert {r["id"] for r in folded["rows"]} == {"a1", "a2", "a3"}
    assert len(events["rows"]) == 1 and events["rows"][0]["type"] == "ASSAULT"
    assert {(k["column"], k["other_table"]) for k in keys} == {
        ("article_id", "articles"),
        ("event_id", "events"),
    }


def test_pandas_reads_events_flat(sqlite_store: str) -> None:
    import pandas as pd

    with sqlite3.connect(sqlite_store) as con:
        frame = pd.read_sql("SELECT * FROM events_flat ORDER BY n_articles DESC", con)
        sources = pd.read_sql("SELECT * FROM event_sources", con)
    assert not INTERNAL & set(frame.columns)
    top = frame.iloc[0]
    assert (top["type"], top["n_articles"], top["n_outlets"]) == ("ASSAULT", 2, 2)
    assert top["fatalities"] == 3 and top["disrupted"] == 0
    assert "Islamic Resistance in Iraq" in top["actors"]
    mine = sources[sources["event_id"] == top["id"]]
    assert set(mine["outlet"]) == {"الجزيرة نت", "العربية"}
    for _, row in mine.iterrows():
        text_of = next(a["text"] for a in ARTICLES if a["id"] == row["article_id"])
        assert text_of[row["start"] : row["end"]] == row["sentence"]


def _view_columns(conn: Connection) -> dict[str, list[str]]:
    return {v: [c["name"] for c in inspect(conn).get_columns(v)] for v in VIEWS}


def test_views_leave_internal_columns_out(sqlite_store: str) -> None:
    store = open_store(sqlite_store)
    with store.connect() as conn:
        for view, columns in _view_columns(conn).items():
            assert columns, view
            assert not INTERNAL & set(columns), view
            assert not any(c.endswith("_json") for c in columns), view
    store.close()


def test_full_text_index_follows_every_write(sqlite_store: str) -> None:
    """Merging the second report rewrote the event: FTS5's own check compares each index with
    its table's rows."""
    with sqlite3.connect(sqlite_store) as con:
        for fts in ("articles_fts", "events_fts"):
            con.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
        # the event's text now holds the second outlet's sentence
        hits = con.execute(
            "SELECT e.n_articles FROM events e JOIN events_fts f ON f.rowid = e.rowid"
            " WHERE events_fts MATCH 'مسءوليتها'"
        ).fetchall()
        assert hits == [(2,)]
        con.execute("UPDATE articles SET title_norm = 'عنوان_اخر' WHERE id = 'a1'")
        con.execute("DELETE FROM articles WHERE id = 'a3'")
        con.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        found = con.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'بغداد'")
        assert found.fetchall() == []


# -- older stores ---------------------------------------------------------------------------


def _old_store(url: str) -> None:
    """A store as migration 008 left it: no foreign keys, no title_norm, then one article
    with one event."""
    old = MetaData()
    for table in s.metadata.sorted_tables:
        columns = [
            Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, unique=c.unique)
            for c in table.columns
            if c.name != "title_norm"
        ]
        copy = Table(table.name, old, *columns)
        for ix in table.indexes:
            Index(ix.name, *(copy.c[c.name] for c in ix.columns))
    store = open_store(url, create=True, migrate=False)
    with store.begin() as conn:
        old.create_all(conn)
        for _name, fn in s.MIGRATIONS[1:8]:
            fn(conn)
        conn.execute(
            s.migrations_table.insert(),
            [{"name": name, "applied_at": "2025-01-01"} for name, _ in s.MIGRATIONS[:8]],
        )
        article = ARTICLES[2]
        conn.execute(
            text(
                "INSERT INTO articles (id, content_hash, title, source, text, text_norm,"
                " ingested_at) VALUES ('a3', 'h3', :title, :source, :text, :text, '2025')"
            ),
            {"title": article["title"], "source": article["source"], "text": article["text"]},
        )
        source = {"article": "a3", "sentence": article["text"], "start": 0, "end": 10}
        conn.execute(
            text(
                "INSERT INTO events (id, type, n_sources, search_norm, data, updated_at)"
                " VALUES ('ev1', 'ASSAULT', 1, 'غاره في شرق بغداد', :data, '2025')"
            ),
            {"data": json.dumps({"disrupted": False, "fatalities_bound": "exact"})},
        )
        conn.execute(
            text(
                "INSERT INTO event_mentions (id, article_id, event_id, type, data)"
                " VALUES ('ev1#0', 'a3', 'ev1', 'ASSAULT', :data)"
            ),
            {"data": json.dumps({"sources": [source]}, ensure_ascii=False)},
        )
    store.close()


def _check_migrated(url: str) -> None:
    store = open_store(url)
    with store.connect() as conn:
        assert "title_norm" in {c["name"] for c in inspect(conn).get_columns("articles")}
        for table in ("sentences", "mentions", "event_mentions", "statements", "figures"):
            refs = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys(table)}
            unchecked = store.dialect == "postgresql" and table == "event_mentions"
            assert ("articles" in refs) is not unchecked, table
        flat = conn.execute(text("SELECT id, disrupted, fatalities_bound FROM events_flat")).all()
        assert [tuple(r) for r in flat] == [("ev1", 0, "exact")]
        src = conn.execute(text("SELECT article_id, outlet, start FROM event_sources")).all()
        assert [tuple(r) for r in src] == [("a3", "الجزيرة نت", 0)]
        title = conn.execute(text("SELECT title_norm FROM articles")).scalar()
        assert title == "غاره في بغداد"
        if store.dialect == "postgresql":
            hit = "to_tsvector('simple', coalesce(search_norm, '')) @@ plainto_tsquery('simple', 'بغداد')"
            assert conn.execute(text(f"SELECT id FROM events WHERE {hit}")).scalar() == "ev1"
        else:
            for fts, word in (("articles_fts", "غاره"), ("events_fts", "بغداد")):
                found = conn.execute(
                    text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :w"), {"w": word}
                )
                assert len(found.all()) == 1, fts
    store.close()


def test_older_sqlite_store_is_migrated(tmp_path: Path) -> None:
    db = str(tmp_path / "old.sqlite")
    _old_store(db)
    _check_migrated(db)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.postgres
def test_older_postgres_store_is_migrated(pg_store_url: str) -> None:
    _old_store(pg_store_url)
    _check_migrated(pg_store_url)


@pytest.mark.postgres
def test_postgres_store_has_the_views_keys_and_search(tmp_path: Path, pg_store_url: str) -> None:
    _ingest(tmp_path, pg_store_url)
    store = open_store(pg_store_url)
    with store.connect() as conn:
        for view, columns in _view_columns(conn).items():
            assert columns and not INTERNAL & set(columns), view
        top = conn.execute(
            text("SELECT type, n_articles, actors FROM events_flat ORDER BY n_articles DESC")
        ).first()
        assert top is not None and top[:2] == ("ASSAULT", 2)
        indexes = conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'events'"))
        assert "ix_events_search_tsv" in set(indexes.scalars())  # migration 014
        # imported events may cite articles the store does not hold: not checked there
        refs = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("event_mentions")}
        assert refs == {"events"}
        refs = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("statements")}
        assert refs == {"articles"}
    store.close()
