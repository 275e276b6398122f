"""The store: SQLite by default (one file), PostgreSQL for shared or large deployments.

One schema (``schema.py``), two engines. Articles are keyed by content hash, so ingesting the same
article twice stores it once; each article is written in one transaction, so a run killed with
``kill -9`` leaves no half article and running again completes the job.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from rasid.errors import StoreError
from rasid.records import Article, Entity
from rasid.store import schema as s

log = logging.getLogger(__name__)


def default_url() -> str:
    """The default SQLite file in the user's data directory."""
    from platformdirs import user_data_dir

    path = Path(user_data_dir("rasid", appauthor=False)) / "rasid.sqlite"
    return str(path)


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def _engine_url(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from rasid.extras import require_extra

        require_extra("postgres")
    if url.startswith(("postgresql://", "postgres://")):
        rest = url.split("://", 1)[1]
        return "postgresql+psycopg://" + rest
    if url.startswith(("postgresql+", "sqlite:")):
        return url
    scheme = _SCHEME.match(url)
    if scheme:
        # a URL of another database is not a file name: say so, create nothing
        raise StoreError(
            f"{url}: unsupported store URL scheme {scheme.group(1)!r}"
            " (use a SQLite file path, sqlite:///PATH or postgresql://USER@HOST/DB)"
        )
    return "sqlite:///" + str(Path(url).expanduser())


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _database_error(exc: BaseException) -> bool:
    """An error of the database, through SQLAlchemy or straight from its driver (the writer
    runs its statements on the driver's cursor: rasid.store.driver)."""
    if isinstance(exc, OperationalError | DBAPIError | sqlite3.Error):
        return True
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(exc, psycopg.Error)


def _describe(exc: BaseException, url: str) -> str:
    msg = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    low = msg.lower()
    if "readonly" in low or "read-only" in low or "read only" in low:
        return f"{url}: the database is read-only (check the file's permissions or pass --db)"
    if "locked" in low or "busy" in low:
        return f"{url}: the database is locked by another process (wait, or pass another --db)"
    if "unable to open" in low:
        return f"{url}: cannot open the database file (does its folder exist and is it writable?)"
    if "connection" in low and ("refused" in low or "failed" in low):
        return f"{url}: cannot connect to the PostgreSQL server ({msg})"
    return f"{url}: {msg}"


# Every SQLite connection's settings (docs/store.md says why each, with the figures):
SQLITE_PRAGMAS: dict[str, int | str] = {
    # a commit writes the WAL without waiting for the disk; a checkpoint syncs it (a power cut
    # may lose the last transactions, never the file)
    "synchronous": "NORMAL",
    # page cache per connection, in KiB when negative (SQLite's default is 2 MB): what the
    # writer's merge look-ups and index updates read again from batch to batch
    "cache_size": -65536,
    # the WAL is copied back into the file once it holds this many pages (4 KB each)
    "wal_autocheckpoint": 8000,
    # sorts and DISTINCTs of the merge's candidate look-ups in memory, not in temporary files
    "temp_store": "MEMORY",
    "busy_timeout": 10000,
}


class Store:
    """Access to one store. Methods open short transactions; nothing is held between calls."""

    def __init__(self, url: str, *, create: bool = True, migrate: bool | None = None) -> None:
        self.url = url
        self.engine: Engine = self._make_engine(url, create=create)
        self.dialect = self.engine.dialect.name
        if create if migrate is None else migrate:
            self.migrate()

    # -- set-up ------------------------------------------------------------------------------

    @staticmethod
    def _make_engine(url: str, *, create: bool) -> Engine:
        full = _engine_url(url)
        if full.startswith("sqlite:///"):
            path = Path(full.removeprefix("sqlite:///"))
            if not create and not path.exists():
                raise StoreError(f"{url}: no such database (run `rasid ingest` first)")
            if create:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"{url}: cannot create its folder ({exc.strerror})") from exc
            engine = create_engine(full, connect_args={"timeout": 10})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
                cur = dbapi_conn.cursor()
                # read-only files cannot switch journal mode; reading still works
                with contextlib.suppress(sqlite3.OperationalError):
                    cur.execute("PRAGMA journal_mode=WAL")
                for name, value in SQLITE_PRAGMAS.items():
                    cur.execute(f"PRAGMA {name}={value}")
                cur.close()

            return engine
        return create_engine(full, pool_pre_ping=True, pool_size=10, max_overflow=20)

    def migrate(self) -> None:
        """Apply every named migration not yet recorded."""
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # one migrator at a time when several processes start together
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7412001)")
                s.migrations_table.create(conn, checkfirst=True)
                done = set(conn.execute(select(s.migrations_table.c.name)).scalars())
                for name, fn in s.MIGRATIONS:
                    if name in done:
                        continue
                    log.info("applying migration %s", name)
                    fn(conn)
                    conn.execute(
                        s.migrations_table.insert().values(name=name, applied_at=now_iso())
                    )
        except (OperationalError, DBAPIError) as exc:
            raise StoreError(_describe(exc, self.url)) from exc

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One transaction; store errors become StoreError with a clear message."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except Exception as exc:
            if not _database_error(exc):
                raise
            raise StoreError(_describe(exc, self.url)) from exc

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except (OperationalError, DBAPIError) as exc:
            raise StoreError(_describe(exc, self.url)) from exc

    def close(self) -> None:
        self.engine.dispose()

    # -- articles ----------------------------------------------------------------------------

    def has_article(self, content_hash: str) -> bool:
        with self.connect() as conn:
            row = conn.execute(
                select(s.articles.c.id).where(s.articles.c.content_hash == content_hash)
            ).first()
        return row is not None

    def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        if not hashes:
            return set()
        with self.connect() as conn:
            rows = conn.execute(
                select(s.articles.c.content_hash).where(s.articles.c.content_hash.in_(hashes))
            ).scalars()
            return set(rows)

    def hashes_of_ids(self, ids: Sequence[str]) -> dict[str, str]:
        """The content hash stored under each of ``ids`` that is stored."""
        if not ids:
            return {}
        a = s.articles
        with self.connect() as conn:
            rows = conn.execute(select(a.c.id, a.c.content_hash).where(a.c.id.in_(list(ids))))
            return {r[0]: r[1] for r in rows}

    def add_aliases(self, copies: Sequence[Article]) -> None:
        """Keep the ids of copies of stored (or being stored) texts, so that each resolves."""
        if not copies:
            return
        al = s.article_aliases
        rows = [
            {"alias_id": a.id, "content_hash": a.content_hash, "url": a.url, "source": a.source}
            for a in {a.id: a for a in copies}.values()
        ]
        with self.begin() as conn:
            have = set(
                conn.execute(
                    select(al.c.alias_id).where(al.c.alias_id.in_([r["alias_id"] for r in rows]))
                ).scalars()
            )
            fresh = [r for r in rows if r["alias_id"] not in have]
            if fresh:
                conn.execute(al.insert(), fresh)

    def resolve_article_id(self, article_id: str) -> str | None:
        """The stored article an id names: itself, or the article holding the text of the copy
        that came under it; None when neither."""
        a, al = s.articles, s.article_aliases
        with self.connect() as conn:
            if conn.execute(select(a.c.id).where(a.c.id == article_id)).first() is not None:
                return article_id
            found = conn.execute(
                select(a.c.id)
                .select_from(al.join(a, a.c.content_hash == al.c.content_hash))
                .where(al.c.alias_id == article_id)
            ).scalar()
        return None if found is None else str(found)

    def copies_of(self, article_id: str) -> list[dict[str, Any]]:
        """The ids, URLs and outlets that came with the same text as a stored article."""
        a, al = s.articles, s.article_aliases
        with self.connect() as conn:
            rows = conn.execute(
                select(al.c.alias_id, al.c.url, al.c.source)
                .select_from(al.join(a, a.c.content_hash == al.c.content_hash))
                .where(a.c.id == article_id, al.c.alias_id != article_id)
                .order_by(al.c.alias_id)
            )
            return [{"id": r[0], "url": r[1], "source": r[2]} for r in rows]

    def id_of_hash(self, content_hash: str) -> str | None:
        """The id of the article stored with this content hash."""
        a = s.articles
        with self.connect() as conn:
            found = conn.execute(select(a.c.id).where(a.c.content_hash == content_hash)).scalar()
        return None if found is None else str(found)

    def records_of_article(self, article_id: str) -> dict[str, Any]:
        """What the store holds from one article: the ids of the stored events it reports (as
        merged, so each resolves), and how many statements and figures it gave."""
        with self.connect() as conn:
            events = conn.execute(
                select(s.event_mentions.c.event_id)
                .where(s.event_mentions.c.article_id == article_id)
                .distinct()
                .order_by(s.event_mentions.c.event_id)
            ).scalars()
            counts = {
                name: conn.execute(
                    select(func.count()).select_from(table).where(table.c.article_id == article_id)
                ).scalar_one()
                for name, table in (("statements", s.statements), ("figures", s.figures))
            }
            return {"events": list(events), **counts}

    def last_version(self, base: str) -> int:
        """The highest version number stored of the article ``base`` (0 when none is)."""
        a = s.articles
        with self.connect() as conn:
            value = conn.execute(
                select(func.max(a.c.version)).where(a.c.version_of == base)
            ).scalar()
        return int(value or 0)

    def insert_article(self, conn: Connection, article: Article, text_norm: str) -> bool:
        """Insert the article row; False when its content hash (or id) is already stored."""
        from rasid.store.driver import Cursor
        from rasid.store.write import insert_article

        cur = Cursor(conn)
        try:
            return insert_article(cur, article, text_norm)
        finally:
            cur.close()

    def count_articles(self) -> int:
        with self.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(s.articles)).scalar_one())

    def list_articles(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        cols = [
            s.articles.c.id,
            s.articles.c.title,
            s.articles.c.published,
            s.articles.c.published_from,
            s.articles.c.source,
            s.articles.c.url,
            s.articles.c.lang,
            func.length(s.articles.c.text).label("chars"),
        ]
        with self.connect() as conn:
            rows = conn.execute(
                select(*cols)
                .order_by(s.articles.c.published.desc(), s.articles.c.id)
                .limit(limit)
                .offset(offset)
            ).mappings()
            return [dict(r) for r in rows]

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        resolved = self.resolve_article_id(article_id)
        if resolved is None:
            return None
        article_id = resolved
        with self.connect() as conn:
            row = conn.execute(select(s.articles).where(s.articles.c.id == article_id)).first()
            if row is None:
                return None
            data = dict(row._mapping)
            data.pop("title_norm", None)  # the search index's, not the article's
            data["captions"] = [tuple(c) for c in json.loads(data.get("captions") or "[]")]
            sents = conn.execute(
                select(s.sentences)
                .where(s.sentences.c.article_id == article_id)
                .order_by(s.sentences.c.idx)
            ).mappings()
            data["sentences"] = [dict(r) for r in sents]
        data["copies"] = self.copies_of(article_id)
        return data

    # -- mentions and entities ---------------------------------------------------------------

    def mention_counts(
        self, article_id: str | None = None, kind: str | None = None
    ) -> list[tuple[str, int]]:
        """(entity id, number of mentions), most mentioned first. ``kind`` filters by label."""
        stmt = select(s.mentions.c.entity_id, func.count().label("n")).group_by(
            s.mentions.c.entity_id
        )
        if article_id:
            stmt = stmt.where(s.mentions.c.article_id == article_id)
        if kind:
            stmt = stmt.where(s.mentions.c.label == kind)
        stmt = stmt.order_by(func.count().desc(), s.mentions.c.entity_id)
        with self.connect() as conn:
            return [(r[0], int(r[1])) for r in conn.execute(stmt)]

    def entity_mentions(self, entity_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """Mentions of one entity with their sentence, newest articles first."""
        m, a, sn = s.mentions, s.articles, s.sentences
        stmt = (
            select(m.c.article_id, m.c.start, m.c.end, m.c.text, a.c.text.label("article_text"))
            .join(a, a.c.id == m.c.article_id)
            .where(m.c.entity_id == entity_id)
            .order_by(a.c.published.desc(), m.c.article_id, m.c.start)
            .limit(limit)
        )
        out: list[dict[str, Any]] = []
        with self.connect() as conn:
            for r in conn.execute(stmt).mappings():
                sent = conn.execute(
                    select(sn.c.start, sn.c.end).where(
                        (sn.c.article_id == r["article_id"])
                        & (sn.c.start <= r["start"])
                        & (sn.c.end >= r["end"])
                    )
                ).first()
                text = r["article_text"]
                sentence = text[sent[0] : sent[1]] if sent else text[r["start"] : r["end"]]
                out.append(
                    {
                        "article_id": r["article_id"],
                        "start": r["start"],
                        "end": r["end"],
                        "text": r["text"],
                        "sentence": sentence,
                    }
                )
        return out

    def provisional_entity(self, entity_id: str) -> Entity | None:
        with self.connect() as conn:
            row = conn.execute(select(s.entities).where(s.entities.c.id == entity_id)).first()
        if row is None:
            return None
        data = json.loads(row.data or "{}")
        return Entity(
            id=row.id,
            kind=row.kind,
            name=row.name,
            name_ar=row.name_ar or "",
            country=row.country,
            wikidata=row.wikidata,
            provisional=bool(row.provisional),
            role=row.role,
            aliases=tuple(data.get("aliases", ())),
            affiliations=tuple(data.get("affiliations", ())),
        )


def open_store(
    url: str | None = None, *, create: bool = True, migrate: bool | None = None
) -> Store:
    """Open (and migrate) the store at ``url``: a file path, sqlite:/// URL or postgresql://.

    ``create``: make a SQLite file (and its folders) that does not exist; without it a missing
    file is a StoreError. ``migrate`` (default: ``create``): apply pending migrations.
    """
    target = url or os.environ.get("RASID_DB") or default_url()
    try:
        return Store(target, create=create, migrate=migrate)
    except StoreError:
        raise
    except SQLAlchemyError as exc:
        raise StoreError(_describe(exc, target)) from exc
