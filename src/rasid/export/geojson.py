"""A GeoJSON FeatureCollection of located events (RFC 7946: WGS 84, longitude first).

Properties are flat scalars, so the file opens as one layer in QGIS or geopandas: lists of actors
and sources become "; "-joined strings, and the full record stays available in the PLOVER export.
Dates are whole ISO days (``date_start``, ``date_end``) with ``date_precision`` saying how much
of them the text gave (day, month, year), so a date column reads as dates, not mixed text.

Only places with a point of their own get a geometry: a vague region ("the region", "the Middle
East") has coordinates in the gazetteer only as a label position, and a point there would put an
event where nothing happened. Such events, and those without a place, are left out and counted,
or written with a null geometry (RFC 7946 section 3.2) with ``include_unplaced``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rasid.merge import outlets_of
from rasid.records import ActorRef, Event

if TYPE_CHECKING:
    from rasid.export import ExportReport

# location precisions whose coordinates are no place an event can be mapped to
VAGUE_PRECISIONS = frozenset({"region"})


def _names(actors: Iterable[ActorRef]) -> str:
    return "; ".join(dict.fromkeys(a.name for a in actors if a.name))


def date_range(date: str | None, date_end: str | None) -> tuple[str | None, str | None, str | None]:
    """(first day, last day, precision) of an ISO date at day, month or year precision."""
    if not date:
        return None, None, None
    import calendar

    if len(date) >= 10:
        start, precision = date[:10], "day"
        end = start
    elif len(date) == 7:
        year, month = int(date[:4]), int(date[5:7])
        start, precision = f"{date}-01", "month"
        end = f"{date}-{calendar.monthrange(year, month)[1]:02d}"
    else:
        start, end, precision = f"{date[:4]}-01-01", f"{date[:4]}-12-31", "year"
    if date_end and len(date_end) >= 10 and date_end[:10] > start:
        end = date_end[:10]
    return start, end, precision


def unplaced_reason(event: Event) -> str | None:
    """Why an event has no point, or None when it has one."""
    loc = event.location
    if loc is None:
        return "no place"
    if loc.precision in VAGUE_PRECISIONS:
        return "vague region"
    if loc.lat is None or loc.lon is None:
        return "no coordinates"
    return None


def event_feature(event: Event, *, include_unplaced: bool = False) -> dict[str, Any] | None:
    """One Point feature; for an event without a point of its own, a feature with a null
    geometry when ``include_unplaced``, else None."""
    loc = event.location
    placed = unplaced_reason(event) is None
    if not placed and not include_unplaced:
        return None
    start, end, precision = date_range(event.date, event.date_end)
    props: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "mode": event.mode,
        "date_start": start,
        "date_end": end,
        "date_precision": precision,
        "status": event.status,
        "disrupted": event.disrupted,
        "fatalities": event.fatalities,
        "injuries": event.injuries,
        "figures_disputed": event.figures_disputed,
        "place": loc.name if loc else None,
        "place_ar": loc.name_ar if loc else None,
        "admin1": loc.admin1 if loc else None,
        "country": loc.country if loc else None,
        "precision": loc.precision if loc else None,
        "actors": _names(event.actors),
        "targets": _names(event.targets),
        "claimed_by": _names(event.claimed_by),
        "summary": event.summary,
        "confidence": event.confidence,
        "n_sources": len(event.sources),
        "n_articles": len({s.article for s in event.sources}),
        "n_outlets": len(outlets_of(event.sources)),
        "articles": "; ".join(dict.fromkeys(s.article for s in event.sources)),
        "outlets": "; ".join(dict.fromkeys(s.source for s in event.sources if s.source)),
    }
    geometry = None
    if placed and loc is not None and loc.lat is not None and loc.lon is not None:
        geometry = {"type": "Point", "coordinates": [round(loc.lon, 6), round(loc.lat, 6)]}
    return {"type": "Feature", "id": event.id, "geometry": geometry, "properties": props}


def iter_geojson(
    events: Iterable[Event],
    report: ExportReport | None = None,
    *,
    include_unplaced: bool = False,
) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":[\n'
    first = True
    for event in events:
        feature = event_feature(event, include_unplaced=include_unplaced)
        if feature is None:
            if report is not None:
                report.leave_out(unplaced_reason(event) or "no coordinates")
            continue
        if report is not None:
            report.written += 1
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"
