"""The store as analysts open it: foreign keys, full-text search and flat views (migrations 009
to 011 of ``rasid.store.schema``).

- Foreign keys from every table that names an article or an event to it. SQLite leaves them
  unchecked (its default; the writer never turns them on) and Datasette draws them as links;
  PostgreSQL checks them at commit. Older SQLite stores get them by rebuilding each table (the
  only way SQLite adds a constraint); older PostgreSQL stores by ``ALTER TABLE``, validated when
  the rows allow it. PostgreSQL leaves ``event_mentions.article_id`` unchecked (``SQLITE_ONLY``).
- Full-text search over the Arabic as ``normalize_key`` folds it (hamza, ta marbuta, alef
  maqsura, diacritics): ``articles.title_norm`` and ``text_norm``, ``events.search_norm``, all
  filled by the writer (``rasid.store.write``, ``rasid.store.events``). SQLite indexes them in
  FTS5 tables whose ``content=`` names their table, so Datasette offers ``_search`` on
  ``articles`` and ``events``; triggers keep them in step with every insert, update and delete.
  A search term matches as folded: "الموصل" finds it, "قتلى" must be typed "قتلي". PostgreSQL
  indexes the same columns with GIN over ``to_tsvector('simple', ...)`` (articles since
  migration 002).
- Flat views, one column a value, no JSON: ``events_flat``, ``event_sources`` (one row per
  source sentence of an event), ``statements_flat`` and ``figures_flat``. Internal columns (the
  records' JSON, ``search_norm``, name keys) stay out of them.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Table, inspect, select, text
from sqlalchemy.schema import CreateTable

from rasid.store import schema as s

log = logging.getLogger(__name__)

# tables with foreign keys, each rebuilt once in an older SQLite store
_REFERRING = (
    s.articles,
    s.sentences,
    s.mentions,
    s.event_mentions,
    s.event_actors,
    s.statements,
    s.figures,
)


# declared in SQLite, not checked in PostgreSQL (see ``rasid.store.schema.event_mentions``)
SQLITE_ONLY = {("event_mentions", "article_id")}


def add_foreign_keys(conn: Connection) -> None:
    """Give the tables of an older store the foreign keys the schema declares."""
    pg = conn.dialect.name == "postgresql"
    for table in _REFERRING:
        have = {
            tuple(fk["constrained_columns"]) for fk in inspect(conn).get_foreign_keys(table.name)
        }
        missing = [
            fk
            for fk in table.foreign_keys
            if (fk.parent.name,) not in have
            and not (pg and (table.name, fk.parent.name) in SQLITE_ONLY)
        ]
        if not missing:
            continue
        if pg:
            for fk in missing:
                _add_pg_foreign_key(conn, table.name, fk.parent.name, fk.target_fullname)
        else:
            _rebuild_sqlite_table(conn, table)


def _add_pg_foreign_key(conn: Connection, table: str, column: str, target: str) -> None:
    """Checked for every new row at once; checked for the stored rows when they all hold (a
    store with rows that point nowhere keeps them, and a warning says so)."""
    name = f"{table}_{column}_fkey"
    parent, parent_column = target.split(".")
    conn.execute(
        text(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column})"
            f" REFERENCES {parent} ({parent_column}) DEFERRABLE INITIALLY DEFERRED NOT VALID"
        )
    )
    try:
        with conn.begin_nested():
            conn.execute(text(f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}"))
    except Exception as exc:  # the stored rows break it: keep them, check new ones only
        log.warning("%s.%s: stored rows point to no %s (%s)", table, column, parent, exc)


def _rebuild_sqlite_table(conn: Connection, table: Table) -> None:
    """SQLite's way to change a table's constraints: a new table with them, the rows copied,
    the old one dropped and the new one renamed, its indexes made again."""
    old_columns = {c["name"] for c in inspect(conn).get_columns(table.name)}
    columns = ", ".join(f'"{c.name}"' for c in table.columns if c.name in old_columns)
    indexes = (
        conn.execute(
            text(
                "SELECT sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
            ),
            {"t": table.name},
        )
        .scalars()
        .all()
    )
    new = f"_rasid_new_{table.name}"
    ddl = str(CreateTable(table).compile(dialect=conn.dialect)).strip()
    head = f"CREATE TABLE {table.name} ("
    assert ddl.startswith(head), ddl
    # left by a migration killed before its first write (Python's sqlite3 runs DDL outside a
    # transaction until one is open): made again
    conn.execute(text(f"DROP TABLE IF EXISTS {new}"))
    conn.execute(text(f"CREATE TABLE {new} (" + ddl.removeprefix(head)))
    conn.execute(
        text(f"INSERT INTO {new} (rowid, {columns}) SELECT rowid, {columns} FROM {table.name}")
    )
    conn.execute(text(f"DROP TABLE {table.name}"))
    conn.execute(text(f"ALTER TABLE {new} RENAME TO {table.name}"))
    for sql in indexes:
        conn.execute(text(sql))


# -- full-text search ----------------------------------------------------------------------

# the indexed columns of each table; the index is named TABLE_fts
FULL_TEXT = {"articles": ("title_norm", "text_norm"), "events": ("search_norm",)}


def add_full_text(conn: Connection) -> None:
    """Articles' folded titles, then the full-text indexes of articles and events."""
    if "title_norm" not in {c["name"] for c in inspect(conn).get_columns("articles")}:
        conn.execute(text("ALTER TABLE articles ADD COLUMN title_norm TEXT"))
    fill_title_keys(conn)
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "CREATE INDEX IF NOT EXISTS ix_events_fts ON events"
                " USING gin (to_tsvector('simple', coalesce(search_norm, '')))"
            )
        )
        return
    for table, columns in FULL_TEXT.items():
        for sql in full_text_sql(table, columns):
            conn.exec_driver_sql(sql)
        # the rows stored before: read from the table through its content= link
        conn.exec_driver_sql(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")


def fill_title_keys(conn: Connection) -> None:
    """``title_norm`` of the articles stored without one, page by page, by id."""
    from rasid.text.normalize import normalize_key

    a = s.articles
    last = ""
    while True:
        page = conn.execute(
            select(a.c.id, a.c.title)
            .where(a.c.id > last, a.c.title_norm.is_(None), a.c.title.is_not(None))
            .order_by(a.c.id)
            .limit(1000)
        ).all()
        if not page:
            return
        conn.execute(
            text("UPDATE articles SET title_norm = :key WHERE id = :id"),
            [{"id": aid, "key": normalize_key(title)} for aid, title in page],
        )
        last = page[-1][0]


def full_text_sql(table: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table over ``columns`` of ``table`` and the triggers that keep it in step.
    ``content="TABLE"`` in double quotes is what Datasette looks for."""
    fts = f"{table}_fts"
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols},"
        f' content="{table}", tokenize="unicode61 remove_diacritics 2")',
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        # the writer rewrites a whole event row when it merges a report into it: the index
        # changes only when the searched text does
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {cols} ON {table}"
        f" WHEN {changed} BEGIN {delete} {insert} END",
    ]
