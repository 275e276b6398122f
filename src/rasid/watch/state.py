"""What the monitor remembers in the store: feeds and their state, the items it has seen,
watchlists and the alerts they gave.

The tables have their own ``MetaData`` and are created by one named migration
(``rasid.store.schema``), so a store opened by any command is ready for ``rasid watch``. Every
write here is one short transaction: an item is recorded as seen only after its article is
written, and a feed's validators (ETag, Last-Modified) only after all of its items are recorded,
so a process killed at any point repeats at most an already-stored article (skipped by content
hash) and loses none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
)

from rasid.store import Store, now_iso

watch_metadata = MetaData()

watch_feeds = Table(
    "watch_feeds",
    watch_metadata,
    Column("url", String(2000), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_polled", String(40)),
    Column("last_success", String(40)),
    Column("last_status", Text),  # "ok: 3 new" or the error line of the last poll
    Column("items", Integer, nullable=False, default=0),  # new items ingested, all rounds
    Column("errors", Integer, nullable=False, default=0),  # failed polls, all rounds
)

watch_items = Table(
    "watch_items",
    watch_metadata,
    Column("key", String(2000), primary_key=True),  # the item's guid, else its link
    Column("feed_url", String(2000), nullable=False),
    Column("url", Text),
    Column("article_id", String(300)),
    Column("outcome", String(20), nullable=False),  # stored, already_there, failed
    Column("seen_at", String(40), nullable=False),
)

watchlists = Table(
    "watchlists",
    watch_metadata,
    Column("name", String(200), primary_key=True),
    # the filters, as ``rasid.store.query.EventQuery`` fields (type, country, actor, place,
    # min_fatalities)
    Column("filters", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

watch_alerts = Table(
    "watch_alerts",
    watch_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watchlist", String(200), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("kind", String(10), nullable=False),  # new, update
    Column("fatalities", Integer),
    Column("n_articles", Integer),
    Column("payload", Text, nullable=False),  # the JSON the webhook receives
    Column("created_at", String(40), nullable=False),
    Column("delivered_at", String(40)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)


def create_watch_tables(conn: Connection) -> None:
    """The migration: the monitor's tables and the index its alert look-ups use."""
    watch_metadata.create_all(conn)
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_watch_alerts_event ON watch_alerts (watchlist, event_id)"
    )


# -- feeds -----------------------------------------------------------------------------------


def feed_state(store: Store, url: str) -> dict[str, Any]:
    with store.connect() as conn:
        row = conn.execute(select(watch_feeds).where(watch_feeds.c.url == url)).mappings().first()
    return dict(row) if row else {"url": url, "etag": None, "last_modified": None}


def record_poll(
    store: Store,
    url: str,
    *,
    status: str,
    ok: bool,
    new_items: int = 0,
    validators: tuple[str | None, str | None] | None = None,
) -> None:
    """Record one poll of a feed; ``validators`` (ETag, Last-Modified) only when every item
    of the feed is recorded, so that a 304 never hides an item not yet stored."""
    now = now_iso()
    with store.begin() as conn:
        have = conn.execute(select(watch_feeds.c.url).where(watch_feeds.c.url == url)).first()
        if have is None:
            conn.execute(watch_feeds.insert().values(url=url, items=0, errors=0))
        values: dict[str, Any] = {
            "last_polled": now,
            "last_status": status,
            "items": watch_feeds.c["items"] + new_items,
            "errors": watch_feeds.c.errors + (0 if ok else 1),
        }
        if ok:
            values["last_success"] = now
        if validators is not None:
            values["etag"], values["last_modified"] = validators
        conn.execute(watch_feeds.update().where(watch_feeds.c.url == url).values(**values))


def list_feeds(store: Store) -> list[dict[str, Any]]:
    with store.connect() as conn:
        rows = conn.execute(select(watch_feeds).order_by(watch_feeds.c.url)).mappings()
        return [dict(r) for r in rows]


# -- items -----------------------------------------------------------------------------------


def seen_keys(store: Store, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    with store.connect() as conn:
        rows = conn.execute(select(watch_items.c.key).where(watch_items.c.key.in_(keys)))
        return set(rows.scalars())


def mark_seen(
    store: Store, key: str, feed_url: str, url: str | None, article_id: str | None, outcome: str
) -> None:
    with store.begin() as conn:
        if conn.execute(select(watch_items.c.key).where(watch_items.c.key == key)).first():
            return
        conn.execute(
            watch_items.insert().values(
                key=key,
                feed_url=feed_url,
                url=url,
                article_id=article_id,
                outcome=outcome,
                seen_at=now_iso(),
            )
        )


def count_seen(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(watch_items)).scalar_one())


# -- watchlists ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A named set of event filters; every field left None matches anything."""

    name: str
    type: str | None = None
    country: str | None = None
    actor: str | None = None
    place: str | None = None
    min_fatalities: int | None = None

    def filters(self) -> dict[str, Any]:
        fields = ("type", "country", "actor", "place", "min_fatalities")
        return {f: getattr(self, f) for f in fields if getattr(self, f) is not None}


def add_watchlist(store: Store, watchlist: Watchlist) -> bool:
    """Add or replace a watchlist; True when it is new."""
    filters = json.dumps(watchlist.filters(), ensure_ascii=False, sort_keys=True)
    with store.begin() as conn:
        old = conn.execute(select(watchlists.c.name).where(watchlists.c.name == watchlist.name))
        if old.first():
            conn.execute(
                watchlists.update()
                .where(watchlists.c.name == watchlist.name)
                .values(filters=filters)
            )
            return False
        conn.execute(
            watchlists.insert().values(name=watchlist.name, filters=filters, created_at=now_iso())
        )
        return True


def remove_watchlist(store: Store, name: str) -> bool:
    with store.begin() as conn:
        return bool(conn.execute(watchlists.delete().where(watchlists.c.name == name)).rowcount)


def list_watchlists(store: Store) -> list[Watchlist]:
    with store.connect() as conn:
        rows = conn.execute(select(watchlists).order_by(watchlists.c.name)).mappings().all()
    return [Watchlist(name=r["name"], **json.loads(r["filters"])) for r in rows]


# -- alerts ----------------------------------------------------------------------------------


def list_alerts(
    store: Store, *, limit: int = 100, offset: int = 0, watchlist: str | None = None
) -> list[dict[str, Any]]:
    """Alerts, newest first, each with its payload read back."""
    query = select(watch_alerts).order_by(watch_alerts.c.id.desc()).limit(limit).offset(offset)
    if watchlist:
        query = query.where(watch_alerts.c.watchlist == watchlist)
    with store.connect() as conn:
        rows = conn.execute(query).mappings().all()
    out = []
    for r in rows:
        item = dict(r)
        item["payload"] = json.loads(item["payload"])
        out.append(item)
    return out
