"""Writing merged events (and the per-article event mentions behind them) to the store."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, delete

from rasid.records import Event, record_to_json
from rasid.store import now_iso
from rasid.store import schema as s
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


def write_event(conn: Connection, event: Event, *, new: bool = False) -> None:
    """Insert or replace one merged event with its actor index rows (``new``: the id is not
    stored yet, so there is nothing to delete first)."""
    loc = event.location
    row: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "mode": event.mode,
        "date": event.date,
        "date_end": event.date_end,
        "date_key": (event.date or "")[:10] or None,
        "country": loc.country if loc else None,
        "admin1": loc.admin1 if loc else None,
        "place_id": loc.entity_id if loc else None,
        "place_name": loc.name if loc else None,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "fatalities": event.fatalities,
        "injuries": event.injuries,
        "status": event.status,
        "summary": event.summary,
        "confidence": event.confidence,
        "n_sources": len(event.sources),
        "search_norm": _search_text(event),
        "data": json.dumps(record_to_json(event), ensure_ascii=False, separators=(",", ":")),
        "updated_at": now_iso(),
    }
    # delete and insert with bound parameters: two cached statements, on both engines
    if not new:
        conn.execute(delete(s.events).where(s.events.c.id == event.id))
    conn.execute(s.events.insert(), [row])
    if not new:
        conn.execute(delete(s.event_actors).where(s.event_actors.c.event_id == event.id))
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
            rows.append({"event_id": event.id, "role": role, "entity_id": key[1], "name": a.name})
    if rows:
        conn.execute(s.event_actors.insert(), rows)


def delete_event(conn: Connection, event_id: str) -> None:
    conn.execute(delete(s.event_actors).where(s.event_actors.c.event_id == event_id))
    conn.execute(delete(s.events).where(s.events.c.id == event_id))
