"""The one relational schema, for SQLite and PostgreSQL alike (SQLAlchemy 2 Core).

Plain tables with JSON kept as TEXT, so the SQLite file opens in Datasette, pandas or DuckDB.
Migrations are named functions recorded in ``rasid_migrations``, applied in order, each once.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()


def _refers(column: str) -> ForeignKey:
    """A foreign key, checked at commit in PostgreSQL (a batch writes an event's mentions
    before the event) and declared only in SQLite, which leaves them unchecked by default:
    Datasette and schema readers follow them (``rasid.store.analyst``)."""
    return ForeignKey(column, deferrable=True, initially="DEFERRED")


migrations_table = Table(
    "rasid_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("url", Text),
    Column("source", Text),
    Column("published", String(40)),
    Column("published_from", String(20)),
    Column("title", Text),
    Column("lang", String(8)),
    Column("text", Text, nullable=False),
    Column("text_norm", Text, nullable=False),
    Column("captions", Text),
    Column("origin", Text),
    Column("ingested_at", String(40), nullable=False),
    # a later text under a stored id is stored as a new version (``rasid.store.versions``):
    # its id is ``ID~vN``, ``version_of`` the id it came under and ``version`` N; the first
    # text has neither
    Column("version_of", String(300), _refers("articles.id")),
    Column("version", Integer),
    # the title as ``normalize_key`` folds it, indexed for full-text search with ``text_norm``
    # (``rasid.store.analyst``)
    Column("title_norm", Text),
)
Index("ix_articles_published", articles.c.published)
Index("ix_articles_version_of", articles.c.version_of)

sentences = Table(
    "sentences",
    metadata,
    Column("article_id", String(300), _refers("articles.id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("paragraph", Integer, nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("article_id", String(300), _refers("articles.id"), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("entity_id", String(300), nullable=False),
    Column("label", String(40)),
    Column("rule", String(60)),
    Column("confidence", Float),
    Column("role", Text),
)
Index("ix_mentions_entity", mentions.c.entity_id)

entities = Table(
    "entities",
    metadata,
    Column("id", String(300), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("name", Text, nullable=False),
    Column("name_ar", Text),
    Column("country", String(4)),
    Column("wikidata", String(20)),
    Column("provisional", Integer, nullable=False),
    Column("role", Text),
    Column("data", Text),
    # a provisional name's last Arabic word: the writer finds the stored names a new one may
    # be another spelling of through it (``rasid.store.write``)
    Column("name_key", Text),
)
Index("ix_entities_name_key", entities.c.name_key, entities.c.provisional)

# The keys a provisional entity is found by (``rasid.entity_merge.name_keys``: its last word
# folded, that word's consonant skeleton, its English last word), its aliases' too: the writer
# reads the stored names a new one may be another spelling of through them (``rasid.store.write``)
entity_keys = Table(
    "entity_keys",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("entity_id", String(300), _refers("entities.id"), primary_key=True),
)

events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(12), nullable=False),
    Column("mode", String(20)),
    Column("date", String(40)),
    Column("date_end", String(40)),
    Column("date_key", String(40)),
    Column("country", String(4)),
    Column("admin1", Text),
    Column("place_id", String(300)),
    Column("place_name", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("fatalities", Integer),
    Column("injuries", Integer),
    Column("status", String(12)),
    Column("summary", Text),
    Column("confidence", Float),
    Column("n_sources", Integer, nullable=False),
    Column("search_norm", Text),
    Column("data", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("n_articles", Integer),
    Column("n_outlets", Integer),
)
Index("ix_events_date", events.c.date_key)
Index("ix_events_type_date", events.c.type, events.c.date_key)
Index("ix_events_country", events.c.country)

event_mentions = Table(
    "event_mentions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("article_id", String(300), nullable=False),
    Column("event_id", String(64), _refers("events.id"), nullable=False),
    Column("type", String(12), nullable=False),
    Column("date", String(40)),
    Column("date_end", String(40)),
    Column("day_lo", Integer),
    Column("day_hi", Integer),
    Column("country", String(4)),
    Column("place_id", String(300)),
    Column("data", Text, nullable=False),
    # declared in SQLite only: an event record imported whole (``import_event``) cites the
    # articles of another store, which this one need not hold
    ForeignKeyConstraint(["article_id"], ["articles.id"]).ddl_if(dialect="sqlite"),
)
Index("ix_event_mentions_event", event_mentions.c.event_id)
Index("ix_event_mentions_article", event_mentions.c.article_id)
# the merge's look-ups read only these indexes, never the rows (each holds a JSON record):
# the mentions of a block (type, days, country), and those of it at given places
_BLOCK = ("type", "day_lo", "day_hi", "country", "event_id")
_AT_PLACE = ("type", "place_id", "day_lo", "day_hi", "country", "event_id")
Index("ix_event_mentions_block", *(event_mentions.c[c] for c in _BLOCK))
Index("ix_event_mentions_place", *(event_mentions.c[c] for c in _AT_PLACE))

event_actors = Table(
    "event_actors",
    metadata,
    Column("event_id", String(64), _refers("events.id"), primary_key=True),
    Column("role", String(12), primary_key=True),
    Column("entity_id", String(300), primary_key=True),
    Column("name", Text),
)
Index("ix_event_actors_entity", event_actors.c.entity_id)

statements = Table(
    "statements",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("article_id", String(300), _refers("articles.id"), nullable=False),
    Column("speaker_id", String(300)),
    Column("date", String(40)),
    Column("data", Text, nullable=False),
)
Index("ix_statements_speaker", statements.c.speaker_id)
Index("ix_statements_article", statements.c.article_id)

figures = Table(
    "figures",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("article_id", String(300), _refers("articles.id"), nullable=False),
    Column("unit", String(30)),
    Column("subject", Text),
    Column("quantity", Float),
    Column("as_of", String(40)),
    Column("data", Text, nullable=False),
)
Index("ix_figures_unit", figures.c.unit, figures.c.as_of)
Index("ix_figures_article", figures.c.article_id)

# An id given to a copy of a stored text: it resolves to the article stored with that text
# (whichever id came first), with the copy's own URL and outlet as a further source.
article_aliases = Table(
    "article_aliases",
    metadata,
    Column("alias_id", String(300), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("url", Text),
    Column("source", Text),
)
Index("ix_article_aliases_hash", article_aliases.c.content_hash)


def _m001_initial(conn: Connection) -> None:
    metadata.create_all(
        conn, tables=[t for t in metadata.sorted_tables if t is not migrations_table]
    )


def _m002_postgres_search(conn: Connection) -> None:
    """Full-text search over normalized article text in PostgreSQL (replaced by 014)."""
    if conn.dialect.name != "postgresql":
        return
    conn.execute(
        text(
            "CREATE INDEX IF NOT EXISTS ix_articles_fts ON articles "
            "USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || text_norm))"
        )
    )


def _m003_event_indexes(conn: Connection) -> None:
    """Indexes for the web UI's sorts and filters (toll, place, governorate)."""
    for name, column in (
        ("ix_events_fatalities", "fatalities"),
        ("ix_events_place", "place_id"),
        ("ix_events_admin1", "admin1"),
        ("ix_events_n_sources", "n_sources"),
    ):
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({column})"))


def _m004_event_tallies(conn: Connection) -> None:
    """Events keep their sources in their mentions only, with a tally of them."""
    from rasid.store.events import tally_stored_events

    tally_stored_events(conn)


def _m005_covering_block_indexes(conn: Connection) -> None:
    """The merge's block look-ups served by indexes alone (see ``_BLOCK``, ``_AT_PLACE``)."""
    conn.execute(text("DROP INDEX IF EXISTS ix_event_mentions_block"))
    for name, columns in (
        ("ix_event_mentions_block", _BLOCK),
        ("ix_event_mentions_place", _AT_PLACE),
    ):
        conn.execute(
            text(f"CREATE INDEX IF NOT EXISTS {name} ON event_mentions ({', '.join(columns)})")
        )


def _m006_entity_name_keys(conn: Connection) -> None:
    """Stored provisional names keyed by their last word, so that every writer (each process
    of a cluster) finds the names stored before it in the store itself."""
    from sqlalchemy import inspect

    if "name_key" not in {c["name"] for c in inspect(conn).get_columns("entities")}:
        conn.execute(text("ALTER TABLE entities ADD COLUMN name_key TEXT"))
        rows = conn.execute(text("SELECT id, name_ar FROM entities WHERE provisional = 1")).all()
        keys = [{"id": eid, "key": name_key(name)} for eid, name in rows]
        if keys:
            conn.execute(text("UPDATE entities SET name_key = :key WHERE id = :id"), keys)
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_entities_name_key ON entities (name_key, provisional)")
    )


def _m007_article_versions(conn: Connection) -> None:
    """Articles keep every text given under one id: later texts are new versions of it."""
    from sqlalchemy import inspect

    have = {c["name"] for c in inspect(conn).get_columns("articles")}
    if "version_of" not in have:
        conn.execute(text("ALTER TABLE articles ADD COLUMN version_of VARCHAR(300)"))
    if "version" not in have:
        conn.execute(text("ALTER TABLE articles ADD COLUMN version INTEGER"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_articles_version_of ON articles (version_of)"))


def _m008_event_outlets(conn: Connection) -> None:
    """Events count their articles and outlets, not only their mentions: "most sources" means
    most articles, and five articles of one outlet are one outlet."""
    from sqlalchemy import inspect

    from rasid.store.events import count_stored_outlets

    have = {c["name"] for c in inspect(conn).get_columns("events")}
    for column in ("n_articles", "n_outlets"):
        if column not in have:
            conn.execute(text(f"ALTER TABLE events ADD COLUMN {column} INTEGER"))
    count_stored_outlets(conn)
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_events_n_articles ON events (n_articles)"))


def _m009_foreign_keys(conn: Connection) -> None:
    """Every table that names an article or an event refers to it (``rasid.store.analyst``)."""
    from rasid.store.analyst import add_foreign_keys

    add_foreign_keys(conn)


def _m010_full_text(conn: Connection) -> None:
    """Full-text indexes of articles and events over their folded Arabic: FTS5 tables that
    Datasette finds in SQLite, GIN indexes in PostgreSQL (``rasid.store.analyst``)."""
    from rasid.store.analyst import add_full_text

    add_full_text(conn)


def _m011_flat_views(conn: Connection) -> None:
    """``events_flat``, ``event_sources``, ``statements_flat``, ``figures_flat``: the records
    one value a column, for pandas and Datasette (``rasid.store.views``)."""
    from rasid.store.views import create_views

    create_views(conn)


def _m012_watch(conn: Connection) -> None:
    """The monitor's feeds, seen items, watchlists and alerts (``rasid.watch.state``)."""
    from rasid.watch.state import create_watch_tables

    create_watch_tables(conn)


def _m013_article_aliases(conn: Connection) -> None:
    """Ids of copies resolve to the stored text (``article_aliases``)."""
    article_aliases.create(conn, checkfirst=True)
    conn.execute(
        text("CREATE INDEX IF NOT EXISTS ix_article_aliases_hash ON article_aliases (content_hash)")
    )


def _m014_search_vectors(conn: Connection) -> None:
    """PostgreSQL keeps the words of articles (folded title and text, as SQLite's FTS5 table)
    and events in stored, indexed ``search_tsv`` columns (``rasid.store.fulltext``)."""
    from rasid.store.fulltext import add_search_vectors

    add_search_vectors(conn)


def _m015_watch_mail(conn: Connection) -> None:
    """Alerts by email and sitemaps read from an index (``rasid.watch.state``)."""
    from rasid.watch.state import add_mail_and_sitemaps

    add_mail_and_sitemaps(conn)


def _m016_entity_keys(conn: Connection) -> None:
    """Stored provisional names found by keys, not only by their raw last word: "منوتشين" and
    "منوشين", "عبد العزيز" and "عبدالعزيز" meet (``entity_keys``)."""
    import json

    from rasid.entity_merge import name_keys
    from rasid.records import Entity

    entity_keys.create(conn, checkfirst=True)
    rows = conn.execute(
        text("SELECT id, kind, name, name_ar, data FROM entities WHERE provisional = 1")
    ).all()
    keys: list[dict[str, str]] = []
    for eid, kind, name, name_ar, raw in rows:  # rows written before 016 have no keys
        data = json.loads(raw or "{}")
        aliases = tuple(data.get("aliases", ())) if isinstance(data, dict) else ()
        entity = Entity(id=eid, kind=kind, name=name or "", name_ar=name_ar or "", aliases=aliases)
        keys += [{"key": k, "entity_id": eid} for k in name_keys(entity)]
    if keys:
        conn.execute(entity_keys.insert(), keys)


def _m017_long_mention_indexes(conn: Connection) -> None:
    """The merge's block look-ups read the mentions that span several days from indexes of
    their own, and the others over the few days they can reach (``rasid.store.merging``)."""
    from rasid.store.merging import LONG

    for name, columns in (
        ("ix_event_mentions_long", _BLOCK),
        ("ix_event_mentions_long_place", _AT_PLACE),
    ):
        conn.execute(
            text(
                f"CREATE INDEX IF NOT EXISTS {name} ON event_mentions ({', '.join(columns)})"
                f" WHERE {LONG}"
            )
        )


def name_key(name_ar: str | None) -> str | None:
    """The key of a provisional name: its last Arabic word (None when it has none)."""
    words = (name_ar or "").split()
    return words[-1] if words else None


MIGRATIONS: tuple[tuple[str, Callable[[Connection], None]], ...] = (
    ("001_initial", _m001_initial),
    ("002_postgres_search", _m002_postgres_search),
    ("003_event_indexes", _m003_event_indexes),
    ("004_event_tallies", _m004_event_tallies),
    ("005_covering_block_indexes", _m005_covering_block_indexes),
    ("006_entity_name_keys", _m006_entity_name_keys),
    ("007_article_versions", _m007_article_versions),
    ("008_event_outlets", _m008_event_outlets),
    ("009_foreign_keys", _m009_foreign_keys),
    ("010_full_text", _m010_full_text),
    ("011_flat_views", _m011_flat_views),
    ("012_watch", _m012_watch),
    ("013_article_aliases", _m013_article_aliases),
    ("014_search_vectors", _m014_search_vectors),
    ("015_watch_mail", _m015_watch_mail),
    ("016_entity_keys", _m016_entity_keys),
    ("017_long_mention_indexes", _m017_long_mention_indexes),
)
