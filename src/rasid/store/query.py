"""Read queries behind the CLI, the HTTP API, the web UI and the exports.

Every list is filtered, sorted and paged in SQL over the indexed columns (date, type and date,
country, actor entity), so a page costs the same on 100 events as on 100k; only one page of rows
crosses into Python. Names a user types, in Arabic or English, are resolved through the knowledge
base and the stored actor names: a filter on "كتائب حزب الله" finds the events whose actor is that
group's entity id, whatever name the event row carries.

Text search compares normalized keys (``normalize_key``: hamza, ta marbuta, alef maqsura and
diacritics folded) against ``articles.text_norm`` and ``events.search_norm``; PostgreSQL answers
article searches from its full-text index (migration 002) instead of scanning.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
    text,
)

from rasid.errors import RasidError
from rasid.records import Event, Figure, Statement, event_from_json, record_from_json
from rasid.store import Store
from rasid.store import schema as s
from rasid.text.normalize import normalize, normalize_key

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
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
)
SORT_KEYS = ("date", "fatalities", "injuries", "sources", "confidence", "type", "updated")
STAT_KEYS = ("day", "week", "month", "year", "type", "mode", "country", "actor", "target", "place")


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
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise QueryError(f"{name}: {value!r} is not a valid date ({exc})") from None
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


def _has(store: Store, column: Any, needle: str) -> ColumnElement[bool]:
    """Substring test; instr/strpos beat LIKE on long text and need no wildcard escaping."""
    if store.dialect == "postgresql":
        return func.strpos(column, needle) > 0
    return func.instr(column, needle) > 0


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
    ea = s.event_actors
    exact = conn.execute(select(ea.c.entity_id).where(ea.c.entity_id == value).limit(1)).first()
    if exact is not None:  # an id: exact, so an actor page lists that entity only
        match: ColumnElement[bool] = ea.c.entity_id == value
    else:
        ids = resolve_names(value, places=False)
        ent = s.entities
        ids |= set(
            conn.execute(
                select(ent.c.id).where(
                    or_(_ilike(ent.c.name, value), ent.c.name_ar.contains(value, autoescape=True))
                )
            ).scalars()
        )
        match = or_(ea.c.entity_id.in_(ids), _ilike(ea.c.name, value))
    return s.events.c.id.in_(select(ea.c.event_id).where(ea.c.role == role, match))


def _place_condition(value: str) -> ColumnElement[bool]:
    """Events at the place, at any place inside it, or (for a governorate) in its admin1."""
    ev = s.events
    ids = resolve_names(value, places=True)
    admin1 = {value.lower()}
    codes: set[str] = set()
    for eid in ids:
        ent = kb_entity(eid)
        if ent is None:
            continue
        if ent.place_type == "governorate" and ent.admin1:
            admin1.add(ent.admin1.lower())
        elif ent.place_type == "country" and ent.country:
            codes.add(ent.country)
    conds: list[ColumnElement[bool]] = [
        ev.c.place_id == value,
        ev.c.place_id.in_(_with_descendants(ids)),
        func.lower(ev.c.admin1).in_(admin1),
        _ilike(ev.c.place_name, value),
    ]
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


def event_conditions(store: Store, conn: Connection, q: EventQuery) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a query; raises QueryError on unreadable filters."""
    ev = s.events
    conds: list[ColumnElement[bool]] = []
    if types := _split(q.type):
        conds.append(ev.c.type.in_([t.upper() for t in types]))
    if modes := _split(q.mode):
        conds.append(ev.c.mode.in_([m.lower() for m in modes]))
    if statuses := _split(q.status):
        conds.append(ev.c.status.in_([m.lower() for m in statuses]))
    if q.country:
        conds.append(ev.c.country.in_(_country_codes(q.country)))
    if since := check_date(q.since, "since"):
        # an event dated only to the month or year of `since` still counts
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
    if q.text and (key := normalize_key(q.text)):
        conds.append(_has(store, ev.c.search_norm, key))
    if q.located:
        conds.append(and_(ev.c.lat.is_not(None), ev.c.lon.is_not(None)))
    return conds


def _order(store: Store, sort: str) -> list[Any]:
    ev = s.events
    desc = sort.startswith("-")
    key = sort.lstrip("-+")
    columns = {
        "date": ev.c.date_key,
        "fatalities": ev.c.fatalities,
        "injuries": ev.c.injuries,
        "sources": ev.c.n_sources,
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


def query_events(store: Store, q: EventQuery) -> Page:
    """One page of events matching ``q``, with the total count."""
    limit, offset = _paging(q.limit, q.offset)
    ev = s.events
    with store.connect() as conn:
        conds = event_conditions(store, conn, q)
        order = _order(store, q.sort)
        total = conn.execute(select(func.count()).select_from(ev).where(*conds)).scalar_one()
        cols = [ev.c[c] for c in _EVENT_COLUMNS]
        rows = conn.execute(
            select(*cols).where(*conds).order_by(*order).limit(limit).offset(offset)
        ).mappings()
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
            events = [event_from_json(_loads(raw)) for raw in part]
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
        data = _loads(row.data)
        sources = data.get("sources") or []
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


def article_texts(store: Store, ids: Iterable[str]) -> dict[str, str]:
    a = s.articles
    with store.connect() as conn:
        rows = conn.execute(select(a.c.id, a.c.text).where(a.c.id.in_(list(set(ids)))))
        return {r[0]: r[1] for r in rows}


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
    )
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
    """Counts of the events matching ``q`` by day/week/month/year (with a per-type breakdown)
    or by type, mode, country, actor, target or place (the ``top`` largest)."""
    if by not in STAT_KEYS:
        raise QueryError(f"by: unknown key {by!r} (one of {', '.join(STAT_KEYS)})")
    ev, ea = s.events, s.event_actors
    with store.connect() as conn:
        if by in ("day", "week", "month", "year"):
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


# -- entities --------------------------------------------------------------------------------


def _entity_names(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """name, name_ar, kind of ids from the knowledge base, else the provisional entities."""
    out: dict[str, dict[str, Any]] = {}
    rest: list[str] = []
    for eid in ids:
        ent = kb_entity(eid)
        if ent is not None:
            out[eid] = {"name": ent.name, "name_ar": ent.name_ar, "kind": ent.kind, "kb": True}
        else:
            rest.append(eid)
    if rest:
        e = s.entities
        rows = conn.execute(select(e.c.id, e.c.name, e.c.name_ar, e.c.kind).where(e.c.id.in_(rest)))
        for r in rows:
            out[r.id] = {"name": r.name, "name_ar": r.name_ar, "kind": r.kind, "kb": False}
    return out


def list_entities(
    store: Store, q: str | None = None, *, role: str | None = None, limit: int = 50, offset: int = 0
) -> Page:
    """Actors that appear in events, most frequent first, with counts as actor and as target."""
    limit, offset = _paging(limit, offset)
    ea = s.event_actors
    conds: list[ColumnElement[bool]] = []
    if role:
        if role not in ("actor", "target", "claimed_by"):
            raise QueryError(f"role: {role!r} is not one of actor, target, claimed_by")
        conds.append(ea.c.role == role)
    with store.connect() as conn:
        if q and q.strip():
            ids = resolve_names(q, places=False)
            conds.append(or_(ea.c.entity_id.in_(ids), _ilike(ea.c.name, q.strip())))
        n = func.count(distinct(ea.c.event_id)).label("n")
        as_actor = func.sum(case((ea.c.role == "actor", 1), else_=0)).label("as_actor")
        as_target = func.sum(case((ea.c.role == "target", 1), else_=0)).label("as_target")
        total = conn.execute(
            select(func.count(distinct(ea.c.entity_id))).where(*conds)
        ).scalar_one()
        rows = conn.execute(
            select(ea.c.entity_id, func.max(ea.c.name).label("name"), n, as_actor, as_target)
            .where(*conds)
            .group_by(ea.c.entity_id)
            .order_by(n.desc(), ea.c.entity_id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        items = [
            {
                "id": r["entity_id"],
                "name": r["name"],
                "events": int(r["n"]),
                "as_actor": int(r["as_actor"] or 0),
                "as_target": int(r["as_target"] or 0),
            }
            for r in rows
        ]
        names = _entity_names(conn, [it["id"] for it in items])
    for it in items:
        info = names.get(it["id"], {})
        it["name"] = info.get("name") or it["name"]
        it["name_ar"] = info.get("name_ar")
        it["kind"] = info.get("kind")
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def get_entity(store: Store, entity_id: str) -> dict[str, Any] | None:
    """What Rasid knows of one actor: names and aliases, counts and months as actor and target,
    and how many statements it made. None when the id appears nowhere."""
    ent = kb_entity(entity_id)
    ev, ea, st = s.events, s.event_actors, s.statements
    with store.connect() as conn:
        info: dict[str, Any] | None = None
        if ent is not None:
            info = {
                "id": entity_id,
                "name": ent.name,
                "name_ar": ent.name_ar,
                "kind": ent.kind,
                "country": ent.country,
                "wikidata": ent.wikidata,
                "aliases": list(ent.aliases),
                "affiliations": list(getattr(ent, "affiliations", ())),
                "lat": ent.lat,
                "lon": ent.lon,
                "provisional": False,
            }
        else:
            row = conn.execute(select(s.entities).where(s.entities.c.id == entity_id)).first()
            if row is not None:
                extra = _loads(row.data)
                info = {
                    "id": entity_id,
                    "name": row.name,
                    "name_ar": row.name_ar,
                    "kind": row.kind,
                    "country": row.country,
                    "wikidata": row.wikidata,
                    "aliases": list(extra.get("aliases", [])),
                    "affiliations": list(extra.get("affiliations", [])),
                    "lat": None,
                    "lon": None,
                    "provisional": bool(row.provisional),
                    "role": row.role,
                }
        names = conn.execute(
            select(ea.c.name, func.count()).where(ea.c.entity_id == entity_id).group_by(ea.c.name)
        ).all()
        if info is None:
            if not names:
                return None
            top = max(names, key=lambda r: r[1])[0] or entity_id
            info = {"id": entity_id, "name": top, "name_ar": None, "kind": None, "aliases": []}
        info["names_in_events"] = sorted(n for n, _ in names if n)
        month = func.substr(ev.c.date_key, 1, 7)
        series = conn.execute(
            select(ea.c.role, month, func.count())
            .join(ev, ev.c.id == ea.c.event_id)
            .where(ea.c.entity_id == entity_id)
            .group_by(ea.c.role, month)
        ).all()
        counts: Counter[str] = Counter()
        months: dict[str, Counter[str]] = defaultdict(Counter)
        for role, m, n in series:
            counts[role] += n
            if m:
                months[m][role] += n
        info["as_actor"] = counts["actor"]
        info["as_target"] = counts["target"]
        info["as_claimant"] = counts["claimed_by"]
        info["months"] = [
            {"key": k, "count": sum(months[k].values()), "by_role": dict(months[k])}
            for k in _fill(sorted(months), "month")
        ]
        info["statements"] = int(
            conn.execute(
                select(func.count()).select_from(st).where(st.c.speaker_id == entity_id)
            ).scalar_one()
        )
    return info


# -- articles and search ---------------------------------------------------------------------


def list_articles(
    store: Store,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    limit, offset = _paging(limit, offset)
    a = s.articles
    conds: list[ColumnElement[bool]] = []
    if source:
        conds.append(a.c.source == source)
    if d := check_date(since, "since"):
        conds.append(a.c.published >= d)
    if d := check_date(until, "until"):
        conds.append(func.substr(a.c.published, 1, len(d)) <= d)
    cols = [a.c.id, a.c.title, a.c.source, a.c.url, a.c.published, a.c.lang]
    with store.connect() as conn:
        total = conn.execute(select(func.count()).select_from(a).where(*conds)).scalar_one()
        rows = conn.execute(
            select(*cols, func.length(a.c.text).label("chars"))
            .where(*conds)
            .order_by(a.c.published.desc().nulls_last(), a.c.id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        items = [dict(r) for r in rows]
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def get_article(store: Store, article_id: str) -> dict[str, Any] | None:
    """The article with its sentences, mentions and the evidence spans of the events,
    statements and figures drawn from it (offsets into its original text)."""
    data = store.get_article(article_id)
    if data is None:
        return None
    data.pop("text_norm", None)
    data["captions"] = [list(c) for c in data.get("captions", [])]
    em, ev, st, fg, mn = s.event_mentions, s.events, s.statements, s.figures, s.mentions
    spans: list[dict[str, Any]] = []
    with store.connect() as conn:
        ids = select(em.c.event_id).where(em.c.article_id == article_id).distinct()
        for eid, etype, raw in conn.execute(
            select(ev.c.id, ev.c.type, ev.c.data).where(ev.c.id.in_(ids))
        ):
            for src in _loads(raw).get("sources", []):
                if src.get("article") == article_id:
                    spans.append(_span("event", eid, etype, src))
        for table, kind in ((st, "statement"), (fg, "figure")):
            for rid, raw in conn.execute(
                select(table.c.id, table.c.data).where(table.c.article_id == article_id)
            ):
                rec = _loads(raw)
                label = rec.get("unit") if kind == "figure" else "statement"
                for src in rec.get("sources", []):
                    if src.get("article") == article_id:
                        spans.append(_span(kind, rid, str(label or kind), src))
        data["mentions"] = [
            dict(r)
            for r in conn.execute(
                select(mn.c.start, mn.c.end, mn.c.text, mn.c.entity_id, mn.c.label)
                .where(mn.c.article_id == article_id)
                .order_by(mn.c.start)
            ).mappings()
        ]
    n = len(data["text"])
    data["highlights"] = sorted(
        (sp for sp in spans if 0 <= sp["start"] < sp["end"] <= n),
        key=lambda sp: (sp["start"], sp["end"], sp["kind"], sp["ref"]),
    )
    return data


def _span(kind: str, ref: str, label: str, src: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "start": int(src.get("start", 0)),
        "end": int(src.get("end", 0)),
        "kind": kind,
        "ref": ref,
        "label": label,
    }


def _snippets(text: str, key: str, *, width: int = 90, most: int = 3) -> list[dict[str, Any]]:
    """Windows of the ORIGINAL text around each hit of ``key`` in its normalized form."""
    norm = normalize(text)
    hay = norm.text
    out: list[dict[str, Any]] = []
    pos = hay.find(key)
    last_end = -1
    while pos >= 0 and len(out) < most:
        start, end = norm.to_original_span(pos, pos + len(key))
        if start >= last_end:
            lo, hi = max(0, start - width), min(len(text), end + width)
            out.append(
                {
                    "text": text[lo:hi],
                    "marks": [[start - lo, end - lo]],
                    "start": lo,
                    "prefix": lo > 0,
                    "suffix": hi < len(text),
                }
            )
            last_end = hi
        pos = hay.find(key, pos + len(key))
    return out


def search_articles(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> Page:
    """Articles containing ``query`` (normalized), newest first, with highlighted snippets, plus
    the number of events whose text or names contain it."""
    limit, offset = _paging(limit, offset)
    key = normalize_key(query)
    if not key:
        raise QueryError("q: give some text to search for")
    a = s.articles
    with store.connect() as conn:
        cond: ColumnElement[bool]
        if store.dialect == "postgresql":
            doc = func.to_tsvector(
                literal_column("'simple'"), func.coalesce(a.c.title, "") + " " + a.c.text_norm
            )
            cond = doc.op("@@")(func.plainto_tsquery(literal_column("'simple'"), key))
        else:
            cond = _has(store, a.c.text_norm, key)
        total = conn.execute(select(func.count()).select_from(a).where(cond)).scalar_one()
        rows = conn.execute(
            select(a.c.id, a.c.title, a.c.source, a.c.url, a.c.published, a.c.text)
            .where(cond)
            .order_by(a.c.published.desc().nulls_last(), a.c.id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        items = []
        for r in rows:
            item = {k: r[k] for k in ("id", "title", "source", "url", "published")}
            item["snippets"] = _snippets(r["text"], key)
            items.append(item)
        n_events = conn.execute(
            select(func.count())
            .select_from(s.events)
            .where(_has(store, s.events.c.search_norm, key))
        ).scalar_one()
    return Page(
        items=items,
        total=int(total),
        limit=limit,
        offset=offset,
        extra={"query": query, "key": key, "events": int(n_events)},
    )


# -- statements and figures ------------------------------------------------------------------


def _record_page(
    conn: Connection,
    *,
    table: Any,
    conds: list[ColumnElement[bool]],
    order: list[Any],
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    total = conn.execute(select(func.count()).select_from(table).where(*conds)).scalar_one()
    rows = conn.execute(
        select(table.c.data).where(*conds).order_by(*order).limit(limit).offset(offset)
    ).scalars()
    items = [_loads(raw) for raw in rows]
    meta = _article_meta(
        conn, [src.get("article", "") for it in items for src in it.get("sources", [])]
    )
    for it in items:
        for src in it.get("sources", []):
            art = meta.get(src.get("article", ""), {})
            src["outlet"] = src.get("source") or art.get("source")
            src["title"] = art.get("title")
    return int(total), items


def list_statements(
    store: Store,
    *,
    speaker: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    article: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Statements newest first; ``speaker`` is an entity id or a name; ``text`` is matched
    against the quote as written."""
    limit, offset = _paging(limit, offset)
    st = s.statements
    conds: list[ColumnElement[bool]] = []
    if speaker and speaker.strip():
        ids = {speaker.strip()} | resolve_names(speaker, places=False)
        conds.append(st.c.speaker_id.in_(ids))
    if d := check_date(since, "since"):
        conds.append(st.c.date >= d)
    if d := check_date(until, "until"):
        conds.append(st.c.date <= _through(d))
    if text and text.strip():
        conds.append(st.c.data.contains(text.strip(), autoescape=True))
    if article:
        conds.append(st.c.article_id == article)
    with store.connect() as conn:
        total, items = _record_page(
            conn,
            table=st,
            conds=conds,
            order=[st.c.date.desc().nulls_last(), st.c.id],
            limit=limit,
            offset=offset,
        )
    return Page(items=items, total=total, limit=limit, offset=offset)


def _figure_conditions(
    unit: str | None, subject: str | None, since: str | None, until: str | None
) -> list[ColumnElement[bool]]:
    fg = s.figures
    conds: list[ColumnElement[bool]] = []
    if units := _split(unit):
        conds.append(fg.c.unit.in_(units))
    if subject and subject.strip():
        conds.append(_ilike(fg.c.subject, subject.strip()))
    if d := check_date(since, "since"):
        conds.append(fg.c.as_of >= d)
    if d := check_date(until, "until"):
        conds.append(fg.c.as_of <= _through(d))
    return conds


def list_figures(
    store: Store,
    *,
    unit: str | None = None,
    subject: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    limit, offset = _paging(limit, offset)
    fg = s.figures
    conds = _figure_conditions(unit, subject, since, until)
    with store.connect() as conn:
        total, items = _record_page(
            conn,
            table=fg,
            conds=conds,
            order=[fg.c.as_of.desc().nulls_last(), fg.c.id],
            limit=limit,
            offset=offset,
        )
    return Page(items=items, total=total, limit=limit, offset=offset)


def figure_kinds(store: Store, *, top: int = 100) -> list[dict[str, Any]]:
    """The (unit, subject) pairs with most figures: what a figures chart can follow."""
    fg = s.figures
    n = func.count().label("n")
    with store.connect() as conn:
        rows = conn.execute(
            select(fg.c.unit, fg.c.subject, n)
            .group_by(fg.c.unit, fg.c.subject)
            .order_by(n.desc(), fg.c.unit, fg.c.subject)
            .limit(top)
        ).all()
    return [{"unit": r[0], "subject": r[1], "count": int(r[2])} for r in rows]


def figure_series(
    store: Store,
    *,
    unit: str,
    subject: str | None = None,
    since: str | None = None,
    until: str | None = None,
    most: int = 2000,
) -> list[dict[str, Any]]:
    """Dated points of one quantity across sources, oldest first: as_of, value, bound, outlet."""
    fg = s.figures
    conds = [*_figure_conditions(unit, subject, since, until), fg.c.as_of.is_not(None)]
    with store.connect() as conn:
        raws = conn.execute(
            select(fg.c.data).where(*conds).order_by(fg.c.as_of, fg.c.id).limit(most)
        ).scalars()
        figs = [_loads(r) for r in raws]
        meta = _article_meta(
            conn, [src.get("article", "") for f in figs for src in f.get("sources", [])]
        )
    points = []
    for f in figs:
        src = (f.get("sources") or [{}])[0]
        art = meta.get(src.get("article", ""), {})
        points.append(
            {
                "id": f.get("id"),
                "as_of": f.get("as_of") or f.get("period"),
                "quantity": f.get("quantity"),
                "bound": f.get("bound"),
                "approximate": f.get("approximate"),
                "subject": f.get("subject"),
                "unit": f.get("unit"),
                "article": src.get("article"),
                "outlet": src.get("source") or art.get("source") or art.get("id"),
                "sentence": src.get("sentence"),
                "start": src.get("start"),
                "end": src.get("end"),
            }
        )
    return points


def iter_records(
    store: Store, q: EventQuery, *, kinds: tuple[str, ...] = ("event", "statement", "figure")
) -> Iterator[Event | Statement | Figure]:
    """Events matching ``q``, then statements and figures dated within its since/until."""
    if "event" in kinds:
        yield from iter_events(store, q)
    since, until = check_date(q.since, "since"), check_date(q.until, "until")
    for kind, table, date_col in (
        ("statement", s.statements, s.statements.c.date),
        ("figure", s.figures, s.figures.c.as_of),
    ):
        if kind not in kinds:
            continue
        conds: list[ColumnElement[bool]] = []
        if since:
            conds.append(date_col >= since)
        if until:
            conds.append(date_col <= _through(until))
        with store.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(
                select(table.c.data).where(*conds).order_by(date_col, table.c.id)
            )
            for raw in result.scalars():
                rec = record_from_json({**_loads(raw), "record": kind})
                if isinstance(rec, Statement | Figure):
                    yield rec


def explain(store: Store, q: EventQuery) -> list[str]:
    """SQLite's plan for the page query: a check that filters use the indexes."""
    with store.connect() as conn:
        conds = event_conditions(store, conn, q)
        stmt = select(s.events.c.id).where(*conds).order_by(*_order(store, q.sort)).limit(q.limit)
        sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
        if store.dialect != "sqlite":
            return [sql]
        return [str(r[-1]) for r in conn.execute(text("EXPLAIN QUERY PLAN " + sql))]
