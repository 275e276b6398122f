"""Event queries behind the CLI, the HTTP API, the web UI and the exports: filters, paging,
sorting, one event with its sources, statistics. Actors, articles, search, statements and
figures are in ``rasid.store.lookups``, which shares the helpers defined here.

Every list is filtered, sorted and paged in SQL over the indexed columns (date, type and date,
country, actor entity), so a page costs the same on 100 events as on 100k; only one page of rows
crosses into Python. Names a user types, in Arabic or English, are resolved through the knowledge
base and the stored actor names: a filter on "كتائب حزب الله" finds the events whose actor is that
group's entity id, whatever name the event row carries.

Text search looks normalized keys (``normalize_key``: hamza, ta marbuta, alef maqsura and
diacritics folded) up in the full-text indexes of articles and events, with the forms Arabic
proclitics give a word ("بالموصل" for "الموصل"; ``rasid.store.fulltext``), never scanning a
row's text. A query also finds the other names of what it names, in either language ("Mosul"
finds "الموصل"): ``text_keys`` ORs them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
)

from rasid.errors import RasidError
from rasid.records import Event, event_from_json
from rasid.store import Store
from rasid.store import schema as s
from rasid.store.changes import change_token
from rasid.store.events import event_sources, with_sources
from rasid.store.fulltext import match_rows
from rasid.text.normalize import normalize_key

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ARABIC = re.compile("[\u0600-\u06ff]")
_EVENT_COLUMNS = (
    "id",
    "type",
    "mode",
    "date",
    "date_end",
    "country",
    "admin1",
    "place_id",
    "place_name",
    "lat",
    "lon",
    "fatalities",
    "injuries",
    "status",
    "summary",
    "confidence",
    "n_sources",
    "n_articles",
    "n_outlets",
)
SORT_KEYS = (
    "date",
    "fatalities",
    "injuries",
    "sources",
    "articles",
    "outlets",
    "mentions",
    "confidence",
    "type",
    "updated",
)
STAT_KEYS = (
    "day",
    "week",
    "month",
    "year",
    "auto",
    "type",
    "mode",
    "country",
    "actor",
    "target",
    "place",
)


class QueryError(RasidError):
    """A filter or parameter that cannot be read (bad date, unknown sort key)."""


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters over merged events. String filters accept comma-separated alternatives where that
    makes sense (type, mode, country); names in actor, target and place may be ids or names."""

    type: str | None = None
    mode: str | None = None
    actor: str | None = None
    target: str | None = None
    place: str | None = None
    country: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0
    sort: str = "-date"
    status: str | None = None
    located: bool = False
    min_confidence: float | None = None
    actor_kind: str | None = None  # kinds of an actor or target (state, armed_group ...)
    min_fatalities: int | None = None
    complete: bool = False  # only events naming a participant and a place


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int = 50
    offset: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "items": self.items,
            **self.extra,
        }


# -- helpers ---------------------------------------------------------------------------------


def check_date(value: str | None, name: str) -> str | None:
    """A date filter as given (YYYY, YYYY-MM or YYYY-MM-DD), or QueryError naming the filter."""
    if value is None or value == "":
        return None
    value = value.strip()
    if not _DATE_RE.match(value):
        raise QueryError(f"{name}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 1
    if year < 1 or not 1 <= month <= 12 or (len(parts) > 2 and not 1 <= parts[2] <= 31):
        raise QueryError(f"{name}: {value!r} is not a valid date")
    if len(parts) > 2:
        # a day the month does not have is a mistake: read as the month's end, it would
        # answer a question nobody asked
        last = calendar.monthrange(year, month)[1]
        if parts[2] > last:
            raise QueryError(
                f"{name}: {value!r} is not a date ({calendar.month_name[month]} {year}"
                f" has {last} days)"
            )
    return value


def _through(day: str) -> str:
    """The upper bound that keeps every date inside a coarse ``until`` ("2024-01" -> all January):
    ISO dates compare as strings, and no real month or day is 99."""
    return day + "-99-99"[: 10 - len(day)]


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _paging(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise QueryError(f"offset must be 0 or more, not {offset}")
    return limit, offset


def text_keys(conn: Connection, text: str) -> list[str]:
    """The normalized keys a text search ORs: the query's, its other names in the knowledge base
    and the names dictionary (``rasid.kb.synonyms.expand_query``), and the Arabic names of
    stored provisional entities whose English name is the query ("Abd Rabbuh Mansur Hadi")."""
    from rasid.kb.synonyms import SHORTEST, expand_query

    keys = expand_query(text)
    if not keys or len(keys[0]) < SHORTEST or _ARABIC.search(keys[0]):
        return keys
    ent = s.entities
    rows = conn.execute(
        select(ent.c.name_ar)
        .where(func.lower(ent.c.name) == keys[0], ent.c.name_ar.is_not(None))
        .limit(20)
    ).scalars()
    extra = [normalize_key(n) for n in rows if n]
    return list(dict.fromkeys([*keys, *(k for k in extra if k)]))


def _ilike(column: Any, needle: str) -> ColumnElement[bool]:
    return func.lower(column).contains(needle.lower(), autoescape=True)


def _loads(raw: str | None) -> dict[str, Any]:
    data = json.loads(raw or "{}")
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True, slots=True)
class _KbIndex:
    names: dict[str, frozenset[str]]  # normalized name -> ids
    entities: Mapping[str, Any]
    children: dict[str, tuple[str, ...]]  # place id -> places directly inside it


@lru_cache(maxsize=1)
def _kb_index() -> _KbIndex:
    """The knowledge base's names, entities and place tree; empty when it cannot be loaded."""
    try:
        from rasid.kb import load_kb

        kb = load_kb()
    except (ImportError, RasidError) as exc:  # serving must work without a knowledge base
        log.warning("knowledge base unavailable, names resolve only by stored names: %s", exc)
        return _KbIndex({}, {}, {})
    names: dict[str, set[str]] = defaultdict(set)
    children: dict[str, list[str]] = defaultdict(list)
    for eid, ent in kb.entities.items():
        for name in (eid, ent.name, ent.name_ar, *ent.aliases):
            if name:
                names[normalize_key(name)].add(eid)
        if ent.parent:
            children[ent.parent].append(eid)
    return _KbIndex(
        {k: frozenset(v) for k, v in names.items()},
        kb.entities,
        {k: tuple(v) for k, v in children.items()},
    )


def kb_entity(entity_id: str) -> Any | None:
    """The knowledge-base entity with this id, or None (provisional ids are not in the KB)."""
    return _kb_index().entities.get(entity_id)


def resolve_names(value: str, *, places: bool) -> set[str]:
    """Knowledge-base ids whose name, Arabic name or alias matches ``value``.

    Exact key matches win; only when there is none do names containing the key count, so
    "حزب الله" means Hezbollah, not every group with that phrase in its name.
    """
    kb = _kb_index()
    key = normalize_key(value)
    if not key:
        return set()

    def keep(eid: str) -> bool:
        ent = kb.entities.get(eid)
        return ent is not None and (ent.kind == "place") == places

    found = {e for e in kb.names.get(key, ()) if keep(e)}
    if found or len(key) < 3:
        return found
    return {e for k, ids in kb.names.items() if key in k for e in ids if keep(e)}


def _with_descendants(place_ids: set[str]) -> set[str]:
    """The places and every place inside them (a base inside a town inside a governorate)."""
    children = _kb_index().children
    out, todo = set(place_ids), list(place_ids)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


# -- events ----------------------------------------------------------------------------------


def _role_condition(conn: Connection, role: str, value: str) -> ColumnElement[bool]:
    """Events where ``value`` (an id, or a name the knowledge base knows, else any stored name
    containing it) plays ``role``. Ids go through the entity index; only unknown names scan."""
    ea = s.event_actors
    exact = conn.execute(select(ea.c.entity_id).where(ea.c.entity_id == value).limit(1)).first()
    ids = {value} if exact is not None else resolve_names(value, places=False)
    if ids:
        match: ColumnElement[bool] = ea.c.entity_id.in_(ids)
    else:
        ent = s.entities
        provisional = set(
            conn.execute(
                select(ent.c.id).where(
                    or_(_ilike(ent.c.name, value), ent.c.name_ar.contains(value, autoescape=True))
                )
            ).scalars()
        )
        match = or_(ea.c.entity_id.in_(provisional), _ilike(ea.c.name, value))
    return s.events.c.id.in_(select(ea.c.event_id).where(ea.c.role == role, match))


def _place_condition(value: str) -> ColumnElement[bool]:
    """Events at the place or any place inside it; for a governorate, anywhere in its admin1;
    for a country, anywhere in it. Names the knowledge base does not know match stored names."""
    ev = s.events
    ids = resolve_names(value, places=True)
    if not ids:
        return or_(
            ev.c.place_id == value,
            _ilike(ev.c.place_name, value),
            func.lower(ev.c.admin1) == value.lower(),
        )
    admin1: set[str] = set()
    codes: set[str] = set()
    for eid in ids:
        ent = kb_entity(eid)
        if ent is None:
            continue
        if ent.place_type == "governorate" and ent.admin1:
            admin1.add(ent.admin1)
        elif ent.place_type == "country" and ent.country:
            codes.add(ent.country)
    conds: list[ColumnElement[bool]] = [ev.c.place_id.in_(_with_descendants(ids))]
    if admin1:
        conds.append(ev.c.admin1.in_(admin1))
    if codes:
        conds.append(ev.c.country.in_(codes))
    return or_(*conds)


def _country_codes(value: str) -> list[str]:
    codes: list[str] = []
    for part in _split(value):
        if len(part) == 2 and part.isascii():
            codes.append(part.upper())
            continue
        for eid in resolve_names(part, places=False) | resolve_names(part, places=True):
            ent = kb_entity(eid)
            if ent is None or not ent.country:
                continue
            if ent.kind == "state" or ent.place_type == "country":
                codes.append(ent.country)
    return codes or ["??"]  # a name that resolves to nothing matches nothing


def event_conditions(
    store: Store, conn: Connection, q: EventQuery, *, date_walk: bool = False
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a query; raises QueryError on unreadable filters.

    ``date_walk`` keeps SQLite off the country index: a page sorted by date is found fastest by
    walking the date index and stopping after one page, and a country holding half the events
    would otherwise make it sort them all first.
    """
    ev = s.events
    conds: list[ColumnElement[bool]] = []
    if types := _split(q.type):
        conds.append(ev.c.type.in_([t.upper() for t in types]))
    if modes := _split(q.mode):
        conds.append(ev.c.mode.in_([m.lower() for m in modes]))
    if statuses := _split(q.status):
        conds.append(ev.c.status.in_([m.lower() for m in statuses]))
    if q.min_confidence is not None:
        if not 0.0 <= q.min_confidence <= 1.0:
            raise QueryError(f"min_confidence must lie between 0 and 1, not {q.min_confidence}")
        conds.append(ev.c.confidence >= q.min_confidence)
    if q.country:
        country = ev.c.country.concat("") if date_walk else ev.c.country
        conds.append(country.in_(_country_codes(q.country)))
    if since := check_date(q.since, "since"):
        # an event dated only to the month or year of `since` still counts
        # the first clause is a plain range, so the date index narrows the scan
        conds.append(ev.c.date_key >= since[:4])
        if len(since) > 4:
            conds.append(
                or_(ev.c.date_key >= since, ev.c.date_key == since[:7], ev.c.date_key == since[:4])
            )
    if until := check_date(q.until, "until"):
        conds.append(ev.c.date_key <= _through(until))
    if q.actor and q.actor.strip():
        conds.append(_role_condition(conn, "actor", q.actor.strip()))
    if q.target and q.target.strip():
        conds.append(_role_condition(conn, "target", q.target.strip()))
    if q.place and q.place.strip():
        conds.append(_place_condition(q.place.strip()))
    if q.text and (keys := text_keys(conn, q.text)):
        conds.append(match_rows(store.dialect, "events", keys))
    if q.located:
        conds.append(and_(ev.c.lat.is_not(None), ev.c.lon.is_not(None)))
    if kinds := _split(q.actor_kind):
        conds.append(_kind_condition(conn, [k.lower() for k in kinds]))
    if q.min_fatalities is not None:
        conds.append(ev.c.fatalities >= q.min_fatalities)
    if q.complete:
        ea = s.event_actors
        named = select(ea.c.event_id).where(ea.c.role.in_(("actor", "target")))
        conds.append(ev.c.id.in_(named))
        conds.append(or_(ev.c.place_name.is_not(None), ev.c.country.is_not(None)))
    return conds


def _kind_condition(conn: Connection, kinds: list[str]) -> ColumnElement[bool]:
    """Events where an actor or a target is of one of ``kinds``: the stored entity's kind, or
    the knowledge base's for entities only the knowledge base holds."""
    ea, ent = s.event_actors, s.entities
    stored = select(ent.c.id).where(ent.c.kind.in_(kinds))
    ids = {eid for eid, e in _kb_index().entities.items() if getattr(e, "kind", None) in kinds}
    match = (
        or_(ea.c.entity_id.in_(stored), ea.c.entity_id.in_(ids))
        if ids
        else (ea.c.entity_id.in_(stored))
    )
    return s.events.c.id.in_(select(ea.c.event_id).where(ea.c.role.in_(("actor", "target")), match))


def _order(store: Store, sort: str) -> list[Any]:
    ev = s.events
    desc = sort.startswith("-")
    key = sort.lstrip("-+")
    columns = {
        "date": ev.c.date_key,
        "fatalities": ev.c.fatalities,
        "injuries": ev.c.injuries,
        # "sources" are the articles that report an event; mentions count each sentence
        "sources": ev.c.n_articles,
        "articles": ev.c.n_articles,
        "outlets": ev.c.n_outlets,
        "mentions": ev.c.n_sources,
        "n_sources": ev.c.n_sources,
        "confidence": ev.c.confidence,
        "type": ev.c.type,
        "updated": ev.c.updated_at,
    }
    if key not in columns:
        raise QueryError(f"sort: unknown key {key!r} (one of {', '.join(SORT_KEYS)}, '-' first)")
    # SQLite's hidden rowid is in every index, so (date_key, rowid) walks ix_events_date in order
    tie = literal_column("events.rowid") if store.dialect == "sqlite" else ev.c.id
    col = columns[key]
    if desc:
        return [col.desc().nulls_last(), tie.desc()]
    return [col.asc().nulls_last(), tie.asc()]


def _attach_actors(conn: Connection, items: list[dict[str, Any]]) -> None:
    by_id = {it["id"]: it for it in items}
    for it in items:
        it["actors"], it["targets"] = [], []
    if not by_id:
        return
    ea = s.event_actors
    rows = conn.execute(
        select(ea.c.event_id, ea.c.role, ea.c.entity_id, ea.c.name).where(
            ea.c.event_id.in_(list(by_id)), ea.c.role.in_(("actor", "target"))
        )
    )
    for event_id, role, entity_id, name in rows:
        by_id[event_id]["actors" if role == "actor" else "targets"].append(
            {"id": entity_id, "name": name or entity_id}
        )
    for it in items:
        it["actors"].sort(key=lambda a: a["name"])
        it["targets"].sort(key=lambda a: a["name"])


_COUNT_TTL = 30.0
_counts: dict[tuple[str, Any], tuple[str | None, float, int]] = {}
_counts_lock = threading.Lock()


def count_once(store: Store, key: Any, count: Callable[[], int]) -> int:
    """``count()``, remembered under ``key`` until the store changes (``rasid.store.changes``):
    paging through one result set, or many clients sending the same filters, costs one count,
    not one per page. Where the store cannot tell when it changes, a total is remembered half a
    minute and may lag an ingest by that long; the page itself is always fresh."""
    full = (store.url, key)
    token = change_token(store)
    now = time.monotonic()
    with _counts_lock:
        hit = _counts.get(full)
    if hit is not None and hit[0] == token and (token is not None or now - hit[1] < _COUNT_TTL):
        return hit[2]
    total = count()
    with _counts_lock:
        if len(_counts) > 2048:
            _counts.clear()
        _counts[full] = (token, now, total)
    return total


def _count_events(store: Store, conn: Connection, q: EventQuery, conds: list[Any]) -> int:
    """The number of events matching ``q``, counted once a change of the store (``count_once``)."""
    stmt = select(func.count()).select_from(s.events).where(*conds)
    return count_once(
        store, replace(q, limit=0, offset=0, sort=""), lambda: int(conn.execute(stmt).scalar_one())
    )


def _walk_dates(store: Store, conn: Connection, total: int, wanted: int) -> bool:
    """Whether a page of a country's events sorted by date is found faster by walking the date
    index than through the country index. The walk reads about ``wanted`` rows for every share
    of the store the country holds (``wanted * events / total``); the country index reads its
    ``total`` rows and sorts them. A country with half the events is walked; one with 4% of them
    (Iraq in ANT: 272 of 6,642, the walk read every event for a page: 6-7 ms) is not."""
    events = count_once(
        store,
        "all events",
        lambda: int(conn.execute(select(func.count()).select_from(s.events)).scalar_one()),
    )
    return wanted * events < total * total


def query_events(store: Store, q: EventQuery) -> Page:
    """One page of events matching ``q``, with the total count."""
    limit, offset = _paging(q.limit, q.offset)
    ev = s.events
    with store.connect() as conn:
        conds = event_conditions(store, conn, q)
        order = _order(store, q.sort)
        total = _count_events(store, conn, q, conds)
        walk = store.dialect == "sqlite" and q.sort.lstrip("-+") == "date"
        if walk and (not q.country or _walk_dates(store, conn, total, limit + offset)):
            conds = event_conditions(store, conn, q, date_walk=True)
        cols = [ev.c[c] for c in _EVENT_COLUMNS]
        page: Any = select(*cols).where(*conds).order_by(*order).limit(limit).offset(offset)
        if store.dialect == "sqlite" and q.sort.lstrip("-+") != "date":
            # no index serves this order: sort row ids only, then fetch the page's rows
            rowid: Any = literal_column("events.rowid")
            ids = (
                select(rowid)
                .select_from(ev)
                .where(*conds)
                .order_by(*order)
                .limit(limit)
                .offset(offset)
                .correlate(None)
            )
            page = select(*cols).where(rowid.in_(ids.scalar_subquery())).order_by(*order)
        rows = conn.execute(page).mappings()
        items = [dict(r) for r in rows]
        _attach_actors(conn, items)
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def check_event_query(store: Store, q: EventQuery) -> None:
    """Raise QueryError now for filters a streamed export would only trip on mid-stream."""
    with store.connect() as conn:
        event_conditions(store, conn, q)
    _order(store, q.sort)


def iter_events(store: Store, q: EventQuery, *, limit: int | None = None) -> Iterator[Event]:
    """Every event matching ``q`` (paging ignored), as records whose sources name their outlet."""
    ev = s.events
    with store.connect() as conn:
        stmt: Select[Any] = (
            select(ev.c.data)
            .where(*event_conditions(store, conn, q))
            .order_by(*_order(store, q.sort))
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        result = conn.execution_options(stream_results=True, yield_per=500).execute(stmt)
        outlets: dict[str, str | None] = {}
        for part in result.scalars().partitions(500):
            stored = [_loads(raw) for raw in part]
            sources = event_sources(conn, [d.get("id", "") for d in stored])
            events = [event_from_json(with_sources(d, sources[d.get("id", "")])) for d in stored]
            need = {src.article for e in events for src in e.sources} - set(outlets)
            if need:
                outlets.update(_outlets(conn, need))
            for e in events:
                yield _with_outlets(e, outlets)


def _outlets(conn: Connection, ids: Iterable[str]) -> dict[str, str | None]:
    a = s.articles
    out: dict[str, str | None] = {}
    ids = list(ids)
    for i in range(0, len(ids), 500):
        rows = conn.execute(select(a.c.id, a.c.source).where(a.c.id.in_(ids[i : i + 500])))
        out.update({r[0]: r[1] for r in rows})
    return out


def _with_outlets(event: Event, outlets: Mapping[str, str | None]) -> Event:
    if all(src.source for src in event.sources):
        return event
    sources = tuple(
        src if src.source else replace(src, source=outlets.get(src.article))
        for src in event.sources
    )
    return replace(event, sources=sources)


def _article_meta(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    a = s.articles
    ids = list(set(ids))
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            select(a.c.id, a.c.title, a.c.source, a.c.url, a.c.published, a.c.lang).where(
                a.c.id.in_(ids[i : i + 500])
            )
        ).mappings()
        out.update({r["id"]: dict(r) for r in rows})
    return out


def get_event(store: Store, event_id: str) -> dict[str, Any] | None:
    """The event record with each source's article title, outlet and URL; None when unknown."""
    ev = s.events
    with store.connect() as conn:
        row = conn.execute(select(ev.c.data, ev.c.updated_at).where(ev.c.id == event_id)).first()
        if row is None:
            return None
        data = with_sources(_loads(row.data), event_sources(conn, [event_id])[event_id])
        sources = data["sources"]
        meta = _article_meta(conn, [src.get("article", "") for src in sources])
    for src in sources:
        art = meta.get(src.get("article", ""), {})
        src["outlet"] = src.get("source") or art.get("source")
        src["title"] = art.get("title")
        src["url"] = art.get("url")
        src["lang"] = art.get("lang")
        src["stored"] = bool(art)
    data["updated_at"] = row.updated_at
    return data


# -- statistics ------------------------------------------------------------------------------


def week_start(day: str) -> str | None:
    """The Monday of the ISO week holding ``day`` (YYYY-MM-DD), or None for coarser dates."""
    if len(day) != 10:
        return None
    try:
        d = dt.date.fromisoformat(day)
    except ValueError:
        return None
    return (d - dt.timedelta(days=d.weekday())).isoformat()


def _bucket(day: str, by: str) -> str | None:
    if by == "day":
        return day if len(day) == 10 else None
    if by == "week":
        return week_start(day)
    if by == "month":
        return day[:7] if len(day) >= 7 else None
    return day[:4] if len(day) >= 4 else None


def _date_buckets(store: Store, conn: Connection, q: EventQuery, by: str) -> dict[str, Any]:
    ev = s.events
    conds = event_conditions(store, conn, q)
    rows = conn.execute(
        select(ev.c.date_key, ev.c.type, func.count())
        .where(*conds)
        .group_by(ev.c.date_key, ev.c.type)
    ).all()
    if by == "auto":
        by = _auto_bucket([r[0] for r in rows if r[0] and len(r[0]) == 10])
    buckets: dict[str, Counter[str]] = defaultdict(Counter)
    coarse = undated = 0
    for day, etype, n in rows:
        if not day:
            undated += n
            continue
        key = _bucket(day, by)
        if key is None:
            coarse += n
            continue
        buckets[key][etype] += n
    keys = _fill(sorted(buckets), by)
    items = [
        {"key": k, "count": sum(buckets[k].values()), "by_type": dict(buckets[k])} for k in keys
    ]
    return {"by": by, "items": items, "undated": undated, "coarser_than_bucket": coarse}


AUTO_WEEKS = 156


def _auto_bucket(days: list[str]) -> str:
    """Weeks, unless they would be more than three years of bars too thin to read: months."""
    if not days:
        return "week"
    span = dt.date.fromisoformat(max(days)) - dt.date.fromisoformat(min(days))
    return "week" if span.days <= AUTO_WEEKS * 7 else "month"


def _fill(keys: list[str], by: str) -> list[str]:
    """Every bucket between the first and the last, so a chart shows quiet weeks as gaps."""
    if len(keys) < 2 or (by == "year" and len(keys) > 200):
        return keys
    out: list[str] = []
    if by in ("day", "week"):
        step = dt.timedelta(days=1 if by == "day" else 7)
        d, end = dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])
        if (end - d) / step > 5000:
            return keys
        while d <= end:
            out.append(d.isoformat())
            d += step
        return out
    if by == "month":
        y, m = int(keys[0][:4]), int(keys[0][5:7])
        while f"{y:04d}-{m:02d}" <= keys[-1]:
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    return [str(y) for y in range(int(keys[0]), int(keys[-1]) + 1)]


def event_stats(store: Store, q: EventQuery, by: str, *, top: int = 50) -> dict[str, Any]:
    """Counts of the events matching ``q`` by day/week/month/year (with a per-type breakdown;
    "auto" is weeks, or months when weeks would span more than three years) or by type, mode,
    country, actor, target or place (the ``top`` largest)."""
    if by not in STAT_KEYS:
        raise QueryError(f"by: unknown key {by!r} (one of {', '.join(STAT_KEYS)})")
    ev, ea = s.events, s.event_actors
    with store.connect() as conn:
        if by in ("day", "week", "month", "year", "auto"):
            return _date_buckets(store, conn, q, by)
        conds = event_conditions(store, conn, q)
        n = func.count().label("n")
        stmt: Any
        if by in ("actor", "target"):
            filtered = select(ev.c.id).where(*conds)
            stmt = (
                select(ea.c.entity_id, func.max(ea.c.name), n)
                .where(ea.c.role == by, ea.c.event_id.in_(filtered))
                .group_by(ea.c.entity_id)
            )
        elif by == "place":
            stmt = (
                select(func.coalesce(ev.c.place_id, ev.c.place_name), func.max(ev.c.place_name), n)
                .where(*conds, ev.c.place_name.is_not(None))
                .group_by(func.coalesce(ev.c.place_id, ev.c.place_name))
            )
        else:
            col = ev.c[by]
            stmt = select(col, col, n).where(*conds).group_by(col)
        rows = conn.execute(stmt.order_by(n.desc()).limit(top))
        items = [{"key": r[0], "label": r[1] or r[0], "count": int(r[2])} for r in rows]
    return {"by": by, "items": items}


def event_count(store: Store) -> int:
    with store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(s.events)).scalar_one())


def explain(store: Store, q: EventQuery) -> list[str]:
    """SQLite's plan for the page query: a check that filters use the indexes."""
    with store.connect() as conn:
        walk = store.dialect == "sqlite" and q.sort.lstrip("-+") == "date"
        conds = event_conditions(store, conn, q, date_walk=walk)
        stmt = select(s.events.c.id).where(*conds).order_by(*_order(store, q.sort)).limit(q.limit)
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        if store.dialect != "sqlite":
            return [sql]
        return [str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql))]
