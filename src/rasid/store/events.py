"""Writing merged events (and the per-article event mentions behind them) to the store.

A stored event's record is kept without its sources, with the tally merging needs of them
(``rasid.merge.Tally``): each source is stored once, in the event mention that reported it,
and read back from there (``event_sources``). So a report of an event that hundreds of
articles mention costs what a report of any other event costs.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from rasid.merge import Tally, day_range, outlet_key, tally_of
from rasid.records import Event, event_from_json, record_to_json
from rasid.store import now_iso, schema
from rasid.store.driver import Cursor, Row, insert_sql
from rasid.text.normalize import normalize_passage


def _search_text(event: Event, sentences: Sequence[str]) -> str:
    bits = [event.summary, event.type]
    for a in (*event.actors, *event.targets, *event.claimed_by):
        bits += [a.name, a.name_ar]
    if event.location:
        bits += [event.location.name, event.location.name_ar]
    bits += sentences
    return normalize_passage(" ".join(b for b in bits if b))


_INSERT_EVENT = insert_sql(schema.events)  # rows in the schema's column order
_INSERT_ACTOR = insert_sql(schema.event_actors)
EVENT_COLUMNS = tuple(c.name for c in schema.events.columns)
# a stored event's row as write_event builds it: what an update compares its new row with
SELECT_EVENT_ROWS = "SELECT {} FROM events".format(", ".join(f'"{c}"' for c in EVENT_COLUMNS))


@functools.lru_cache(maxsize=256)
def _update_sql(columns: tuple[str, ...]) -> str:
    return "UPDATE events SET {} WHERE id = ?".format(", ".join(f'"{c}" = ?' for c in columns))


def event_json(event: Event, tally: Tally) -> str:
    """The stored JSON of an event: its record without sources, and its tally."""
    data = record_to_json(event)
    data["sources"] = []
    data["tally"] = tally.to_json()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write_event(
    cur: Cursor,
    event: Event,
    tally: Tally,
    *,
    new: bool = False,
    before: Event | None = None,
    stored: Row | None = None,
) -> None:
    """Insert (``new``) or update one merged event with its actor index rows; ``before``: the
    stored event it updates, when at hand (its actor rows are left alone if they are the
    same); ``stored``: its row as read (``SELECT_EVENT_ROWS``), when at hand (only the
    columns whose value changes are written)."""
    loc = event.location
    row = (
        event.id,
        event.type,
        event.mode,
        event.date,
        event.date_end,
        (event.date or "")[:10] or None,
        loc.country if loc else None,
        loc.admin1 if loc else None,
        loc.entity_id if loc else None,
        loc.name if loc else None,
        loc.lat if loc else None,
        loc.lon if loc else None,
        event.fatalities,
        event.injuries,
        event.status,
        event.summary,
        event.confidence,
        tally.n_sources,
        _search_text(event, tally.sentences),
        event_json(event, tally),
        now_iso(),
        tally.n_articles,
        tally.n_outlets,
    )
    rows = actor_rows(event)
    if new:
        cur.run(_INSERT_EVENT, row)
    else:
        # SQLite rewrites the entry of every index on a column the statement sets, whatever
        # its value: of the eight on events, a report changes two or three (its counts)
        changed = [
            (name, value)
            for i, (name, value) in enumerate(zip(EVENT_COLUMNS, row, strict=True))
            if i and (stored is None or value != stored[i])
        ]
        if changed:
            names, values = zip(*changed, strict=True)
            cur.run(_update_sql(names), (*values, event.id))
        if before is not None and set(rows) == set(actor_rows(before)):
            return  # most reports add no participant: the event's rows stay as they are
        cur.run("DELETE FROM event_actors WHERE event_id = ?", (event.id,))
    cur.run_many(_INSERT_ACTOR, rows)


def actor_rows(event: Event) -> list[tuple[str, str, str, str]]:
    """The ``event_actors`` rows of an event: one a role and participant."""
    seen: set[tuple[str, str]] = set()
    rows = []
    for role, actors in (
        ("actor", event.actors),
        ("target", event.targets),
        ("claimed_by", event.claimed_by),
    ):
        for a in actors:
            key = (role, a.entity_id or a.name)
            if key in seen:
                continue
            seen.add(key)
            rows.append((event.id, role, key[1], a.name))
    return rows


_INSERT_MENTION = insert_sql(schema.event_mentions)  # rows in the schema's column order


def insert_mention(cur: Cursor, ev: Event, article_id: str, event_id: str, data: str) -> None:
    """Store one article's mention of an event (``data``: its JSON record, sources and all)."""
    loc = ev.location
    days = day_range(ev.date, ev.date_end)
    cur.run(
        _INSERT_MENTION,
        (
            ev.id,
            article_id,
            event_id,
            ev.type,
            ev.date,
            ev.date_end,
            days[0] if days else None,
            days[1] if days else None,
            loc.country if loc else None,
            loc.entity_id if loc else None,
            data,
        ),
    )


def import_event(cur: Cursor, event: Event) -> None:
    """Store a whole event record made elsewhere (an import, a synthetic store) as a new
    event with one mention per source."""
    for i, src in enumerate(event.sources):
        mention = dataclasses.replace(event, id=f"{event.id}#{i}", sources=(src,))
        data = json.dumps(record_to_json(mention), ensure_ascii=False)
        insert_mention(cur, mention, src.article, event.id, data)
    write_event(cur, event, tally_of(event, mentions=max(1, len(event.sources))), new=True)


def event_sources(conn: Connection, event_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The sources of stored events (JSON objects, oldest report first), from their mentions."""
    em = schema.event_mentions
    ids = list(dict.fromkeys(event_ids))
    found: dict[str, dict[tuple[str, int], dict[str, Any]]] = defaultdict(dict)
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            select(em.c.event_id, em.c.data).where(em.c.event_id.in_(ids[i : i + 500]))
        )
        for event_id, raw in rows:
            for src in json.loads(raw).get("sources") or ():
                key = (src.get("article", ""), src.get("start", 0))
                had = found[event_id].get(key)
                # two mentions of one sentence: the one that gives a toll
                if had is None or (_toll(src) and not _toll(had)):
                    found[event_id][key] = src
    return {
        eid: sorted(
            found[eid].values(),
            key=lambda s: (s.get("published") or "", s.get("article", ""), s.get("start", 0)),
        )
        for eid in ids
    }


def _toll(src: dict[str, Any]) -> bool:
    return src.get("fatalities") is not None or src.get("injuries") is not None


def with_sources(data: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """A stored event's JSON as its record: the sources in, the tally out."""
    data.pop("tally", None)
    data["sources"] = sources
    return data


def count_stored_outlets(conn: Connection) -> None:
    """Give every stored event its count of articles and outlets, and its tally the outlets:
    read from its mentions' articles, page by page, by id."""
    ev, em, ar = schema.events, schema.event_mentions, schema.articles
    last = ""
    while True:
        page = conn.execute(
            select(ev.c.id, ev.c.data)
            .where(ev.c.id > last, ev.c.n_outlets.is_(None))
            .order_by(ev.c.id)
            .limit(500)
        ).all()
        if not page:
            return
        ids = [event_id for event_id, _ in page]
        outlets: dict[str, set[str]] = {i: set() for i in ids}
        articles: dict[str, set[str]] = {i: set() for i in ids}
        rows = conn.execute(
            select(em.c.event_id, em.c.article_id, ar.c.source)
            .select_from(em.outerjoin(ar, ar.c.id == em.c.article_id))
            .where(em.c.event_id.in_(ids))
        )
        for event_id, article_id, outlet in rows:
            articles[event_id].add(article_id)
            outlets[event_id].add(outlet_key(outlet, article_id))
        for event_id, raw in page:
            data = json.loads(raw)
            values: dict[str, Any] = {
                "n_articles": len(articles[event_id]) or 1,
                "n_outlets": len(outlets[event_id]) or 1,
            }
            if "tally" in data:
                data["tally"]["outlets"] = sorted(outlets[event_id])
                Tally.from_json(data["tally"])  # still a tally
                values["data"] = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            conn.execute(ev.update().where(ev.c.id == event_id).values(**values))
        last = page[-1][0]


def tally_stored_events(conn: Connection) -> None:
    """Rewrite events stored with their whole source list (before tallies) in the tallied
    form: sources dropped (their mentions have them), tally added. Page by page, by id."""
    ev, em = schema.events, schema.event_mentions
    counts: dict[str, tuple[int, float]] = {}
    for event_id, raw in conn.execute(select(em.c.event_id, em.c.data)):
        n, top = counts.get(event_id, (0, 0.0))
        counts[event_id] = (n + 1, max(top, float(json.loads(raw).get("confidence") or 0.0)))
    last = ""
    while True:
        page = conn.execute(
            select(ev.c.id, ev.c.data).where(ev.c.id > last).order_by(ev.c.id).limit(1000)
        ).all()
        if not page:
            return
        for event_id, raw in page:
            data = json.loads(raw)
            event = event_from_json(data)
            if "tally" in data or not event.sources:
                continue
            n, top = counts.get(event_id, (1, event.confidence))
            tally = tally_of(event, mentions=n, top=top)
            conn.execute(
                ev.update().where(ev.c.id == event_id).values(data=event_json(event, tally))
            )
        last = page[-1][0]
