"""Writing merged events (and the per-article event mentions behind them) to the store."""

from __future__ import annotations

import datetime as dt
import json

from rasid.records import Event, record_to_json
from rasid.store import now_iso, schema
from rasid.store.driver import Cursor, insert_sql
from rasid.text.normalize import normalize_key


def day_number(iso: str | None, *, last: bool = False) -> int | None:
    """Days since 0001-01-01 of the first (or last) day an ISO date of any precision covers."""
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso[:10].split("-")]
        if len(parts) == 3:
            return dt.date(*parts).toordinal()
        if len(parts) == 2:
            y, m = parts
            if not last:
                return dt.date(y, m, 1).toordinal()
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt.toordinal() - 1
        y = parts[0]
        return dt.date(y, 12, 31).toordinal() if last else dt.date(y, 1, 1).toordinal()
    except ValueError:
        return None


def _search_text(event: Event) -> str:
    bits = [event.summary, event.type]
    for a in (*event.actors, *event.targets, *event.claimed_by):
        bits += [a.name, a.name_ar]
    if event.location:
        bits += [event.location.name, event.location.name_ar]
    bits += [src.sentence for src in event.sources]
    return normalize_key(" ".join(b for b in bits if b))


_INSERT_EVENT = insert_sql(schema.events)  # rows in the schema's column order
_INSERT_ACTOR = insert_sql(schema.event_actors)


def write_event(cur: Cursor, event: Event, *, new: bool = False) -> None:
    """Insert or replace one merged event with its actor index rows (``new``: the id is not
    stored yet, so there is nothing to delete first)."""
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
        len(event.sources),
        _search_text(event),
        json.dumps(record_to_json(event), ensure_ascii=False, separators=(",", ":")),
        now_iso(),
    )
    if not new:
        delete_event(cur, event.id)
    cur.run(_INSERT_EVENT, row)
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
    cur.run_many(_INSERT_ACTOR, rows)


def delete_event(cur: Cursor, event_id: str) -> None:
    cur.run("DELETE FROM event_actors WHERE event_id = ?", (event_id,))
    cur.run("DELETE FROM events WHERE id = ?", (event_id,))
