from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from rasid.errors import StoreError
from rasid.records import Article
from rasid.store import open_store
from rasid.store import schema as s


def _article(i: int = 1, text: str = "قتل جنديان في هجوم على قاعدة عين الأسد.") -> Article:
    return Article(
        id=f"a{i}", text=text, title="عنوان", published="2024-02-08", content_hash=f"h{i}"
    )


def _insert(store_url: str, article: Article) -> bool:
    store = open_store(store_url)
    with store.begin() as conn:
        ok = store.insert_article(conn, article, article.text)
    store.close()
    return ok


def test_sqlite_file_is_created_and_migrated(db_path: str) -> None:
    store = open_store(db_path)
    with store.connect() as conn:
        names = set(conn.execute(select(s.migrations_table.c.name)).scalars())
    assert names == {name for name, _ in s.MIGRATIONS}
    store.close()
    # the file is a plain SQLite database other tools can open
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    con.close()
    assert {"articles", "events", "event_mentions", "statements", "figures"} <= tables


def test_same_article_is_stored_once(db_path: str) -> None:
    assert _insert(db_path, _article(1)) is True
    assert _insert(db_path, _article(1)) is False
    assert _insert(db_path, _article(2, "نص آخر")) is True
    store = open_store(db_path)
    assert store.count_articles() == 2
    assert store.known_hashes(["h1", "h9"]) == {"h1"}
    store.close()


def test_sqlite_connections_have_the_store_settings(db_path: str) -> None:
    """Every connection of a store, read back from SQLite itself, has the settings that
    docs/store.md documents: WAL, synchronous NORMAL, a 64 MB page cache, a checkpoint every
    8,000 pages, sorts in memory."""
    store = open_store(db_path)
    with store.connect() as first, store.connect() as second:
        for conn in (first, second):
            raw = conn.connection.dbapi_connection
            assert raw is not None

            def read(name: str, raw: sqlite3.Connection = raw) -> object:
                return raw.execute(f"PRAGMA {name}").fetchone()[0]

            assert read("journal_mode") == "wal"
            assert read("synchronous") == 1  # NORMAL
            assert read("cache_size") == -65536
            assert read("wal_autocheckpoint") == 8000
            assert read("temp_store") == 2  # MEMORY
            assert read("busy_timeout") == 10000
    store.close()


def test_migrations_run_once(db_path: str) -> None:
    open_store(db_path).close()
    open_store(db_path).close()
    con = sqlite3.connect(db_path)
    n = con.execute("select count(*) from rasid_migrations").fetchone()[0]
    con.close()
    assert n == len(s.MIGRATIONS)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database_is_a_clear_error(db_path: str) -> None:
    _insert(db_path, _article(1))
    os.chmod(db_path, stat.S_IRUSR)
    with pytest.raises(StoreError, match=r"read-only|readonly|cannot open"):
        _insert(db_path, _article(3, "نص ثالث"))


def test_read_only_database_as_root_is_a_clear_error(tmp_path: Path) -> None:
    # a file under a path that cannot be a directory fails the same way for every user
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        open_store(str(blocker / "sub" / "rasid.sqlite"))


def test_locked_database_is_a_clear_error(db_path: str) -> None:
    _insert(db_path, _article(1))
    con = sqlite3.connect(db_path, timeout=0.1)
    con.execute("BEGIN EXCLUSIVE")
    try:
        store = open_store(db_path, create=False)
        store.engine.dispose()
        from sqlalchemy import create_engine

        store.engine = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 0.2})
        with pytest.raises(StoreError, match="locked"), store.begin() as conn:
            store.insert_article(conn, _article(5, "نص خامس"), "x")
    finally:
        con.rollback()
        con.close()


@pytest.mark.postgres
def test_postgres_store_same_schema(pg_store_url: str) -> None:
    assert _insert(pg_store_url, _article(1)) is True
    assert _insert(pg_store_url, _article(1)) is False
    store = open_store(pg_store_url)
    assert store.count_articles() == 1
    assert store.list_articles()[0]["id"] == "a1"
    store.close()
