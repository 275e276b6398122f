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
    # a child of a sitemap index: the <lastmod> its index gave when all its URLs were read
    Column("lastmod", String(40)),
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
    # when the events of its article were matched against the watchlists: a kill between the
    # article and its alerts leaves it null, and the next round raises them
    Column("alerted_at", String(40)),
)

watchlists = Table(
    "watchlists",
    watch_metadata,
    Column("name", String(200), primary_key=True),
    # the filters, as ``rasid.store.query.EventQuery`` fields (type, country, actor, place,
    # min_fatalities)
    Column("filters", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("lang", String(8)),  # the language its alerts are written in (en, ar)
    Column("email", Text),  # addresses its alerts are mailed to, comma-separated
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


# One row an alert and an address it is mailed to, made with the alert (one transaction), so
# a kill between the two never leaves an alert that no one is sent.
watch_mail = Table(
    "watch_mail",
    watch_metadata,
    Column("alert_id", Integer, primary_key=True),
    Column("address", String(320), primary_key=True),
    Column("lang", String(8), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("delivered_at", String(40)),
    Column("last_error", Text),
)


def create_watch_tables(conn: Connection) -> None:
    """Migration 012: the monitor's tables and the index its alert look-ups use."""
    watch_metadata.create_all(conn)
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_watch_alerts_event ON watch_alerts (watchlist, event_id)"
    )


_MAIL_TABLES = ("watchlists", "watch_feeds", "watch_items")


def add_mail_and_sitemaps(conn: Connection) -> None:
    """Migration 015: alerts by email (a watchlist's language and addresses, one row an alert
    and address) and the <lastmod> of sitemaps read from a sitemap index. A store made by 012
    after these columns were declared has them already."""
    from sqlalchemy import inspect

    have = {t: {c["name"] for c in inspect(conn).get_columns(t)} for t in _MAIL_TABLES}
    for table, column, kind in (
        ("watchlists", "lang", "VARCHAR(8)"),
        ("watchlists", "email", "TEXT"),
        ("watch_feeds", "lastmod", "VARCHAR(40)"),
        ("watch_items", "alerted_at", "VARCHAR(40)"),
    ):
        if column not in have[table]:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            if column == "alerted_at":  # items of earlier rounds had their alerts then
                conn.exec_driver_sql("UPDATE watch_items SET alerted_at = seen_at")
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_watch_items_alerted ON watch_items (alerted_at)"
    )
    watch_mail.create(conn, checkfirst=True)


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
    lastmod: str | None = None,
) -> None:
    """Record one poll of a feed; ``validators`` (ETag, Last-Modified) and a sitemap's
    ``lastmod`` only when every item of the feed is recorded, so that neither a 304 nor an
    unchanged ``<lastmod>`` ever hides an item not yet stored."""
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
        if lastmod is not None:
            values["lastmod"] = lastmod
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


def articles_to_alert(store: Store) -> list[str]:
    """The articles the monitor stored whose events were not yet matched to the watchlists."""
    i = watch_items
    query = select(i.c.article_id).where(
        i.c.alerted_at.is_(None), i.c.outcome == "stored", i.c.article_id.is_not(None)
    )
    with store.connect() as conn:
        return sorted({str(a) for a in conn.execute(query).scalars()})


def mark_alerted(store: Store) -> None:
    """Every item's events matched: called once the round's alerts are stored."""
    with store.begin() as conn:
        conn.execute(
            watch_items.update()
            .where(watch_items.c.alerted_at.is_(None))
            .values(alerted_at=now_iso())
        )


def count_seen(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(watch_items)).scalar_one())


# -- watchlists ------------------------------------------------------------------------------


FILTERS = ("type", "country", "actor", "place", "min_fatalities")


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A named set of event filters; every field left None matches anything. ``lang`` is the
    language its alerts are written in, ``email`` the addresses they are mailed to."""

    name: str
    type: str | None = None
    country: str | None = None
    actor: str | None = None
    place: str | None = None
    min_fatalities: int | None = None
    lang: str | None = None
    email: tuple[str, ...] = ()

    def filters(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in FILTERS if getattr(self, f) is not None}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, **self.filters()}
        if self.lang:
            out["lang"] = self.lang
        if self.email:
            out["email"] = list(self.email)
        return out


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def make_watchlist(name: str, **given: Any) -> Watchlist | str:
    """A watchlist from what a person typed (the command line, the web form), or the one-line
    reason it cannot be one: a known event type, en or ar, mail addresses."""
    from rasid.records import EVENT_TYPES
    from rasid.watch.config import LANGS, check_address

    name = name.strip()
    if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
        return "a watchlist needs a name of 1 to 200 characters"
    values = {k: _text(given.get(k)) for k in ("type", "country", "actor", "place", "lang")}
    if values["type"]:
        types = [t.strip().upper() for t in values["type"].split(",") if t.strip()]
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown:
            return f"unknown event type {unknown[0]!r} (known: {', '.join(sorted(EVENT_TYPES))})"
        values["type"] = ",".join(types) or None
    if values["lang"] and values["lang"] not in LANGS:
        return f"the language must be one of {', '.join(LANGS)} (got {values['lang']!r})"
    least = given.get("min_fatalities")
    if isinstance(least, str):
        if least.strip() and not least.strip().isdigit():
            return f"the least number killed must be a whole number (got {least!r})"
        least = int(least) if least.strip() else None
    email = tuple(a.strip() for a in str(given.get("email") or "").split(",") if a.strip())
    for address in email:
        if problem := check_address(address):
            return problem
    return Watchlist(name=name, min_fatalities=least, email=email, **values)


def add_watchlist(store: Store, watchlist: Watchlist) -> bool:
    """Add or replace a watchlist; True when it is new."""
    values = {
        "filters": json.dumps(watchlist.filters(), ensure_ascii=False, sort_keys=True),
        "lang": watchlist.lang,
        "email": ",".join(watchlist.email) or None,
    }
    with store.begin() as conn:
        old = conn.execute(select(watchlists.c.name).where(watchlists.c.name == watchlist.name))
        if old.first():
            conn.execute(
                watchlists.update().where(watchlists.c.name == watchlist.name).values(**values)
            )
            return False
        conn.execute(
            watchlists.insert().values(name=watchlist.name, created_at=now_iso(), **values)
        )
        return True


def remove_watchlist(store: Store, name: str) -> bool:
    with store.begin() as conn:
        return bool(conn.execute(watchlists.delete().where(watchlists.c.name == name)).rowcount)


def list_watchlists(store: Store) -> list[Watchlist]:
    with store.connect() as conn:
        rows = conn.execute(select(watchlists).order_by(watchlists.c.name)).mappings().all()
    return [
        Watchlist(
            name=r["name"],
            lang=r["lang"],
            email=tuple(a for a in (r["email"] or "").split(",") if a),
            **json.loads(r["filters"]),
        )
        for r in rows
    ]


def get_watchlist(store: Store, name: str) -> Watchlist | None:
    return next((w for w in list_watchlists(store) if w.name == name), None)


# -- alerts ----------------------------------------------------------------------------------


def _read_alerts(conn: Connection, query: Any) -> list[dict[str, Any]]:
    out = []
    for row in conn.execute(query).mappings().all():
        item = dict(row)
        item["payload"] = json.loads(item["payload"])
        out.append(item)
    return out


def list_alerts(
    store: Store,
    *,
    limit: int = 100,
    offset: int = 0,
    watchlist: str | None = None,
    after: int | None = None,
) -> list[dict[str, Any]]:
    """Alerts, newest first, each with its payload read back; ``after``: only those with a
    greater id."""
    a = watch_alerts
    query = select(a).order_by(a.c.id.desc()).limit(limit).offset(offset)
    if watchlist:
        query = query.where(a.c.watchlist == watchlist)
    if after is not None:
        query = query.where(a.c.id > after)
    with store.connect() as conn:
        return _read_alerts(conn, query)


def list_alerts_by_id(store: Store, ids: set[int]) -> list[dict[str, Any]]:
    with store.connect() as conn:
        return _read_alerts(conn, select(watch_alerts).where(watch_alerts.c.id.in_(sorted(ids))))


def last_alert_id(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.max(watch_alerts.c.id))).scalar() or 0)


def mail_status(store: Store, alert_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Who each alert is mailed to, and whether it was."""
    m = watch_mail
    out: dict[int, list[dict[str, Any]]] = {}
    if not alert_ids:
        return out
    with store.connect() as conn:
        rows = conn.execute(
            select(m.c.alert_id, m.c.address, m.c.lang, m.c.delivered_at, m.c.attempts,
                   m.c.last_error).where(m.c.alert_id.in_(alert_ids)).order_by(m.c.address)
        ).mappings()  # fmt: skip
        for row in rows:
            out.setdefault(row["alert_id"], []).append(dict(row))
    return out
