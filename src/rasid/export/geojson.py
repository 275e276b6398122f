"""A GeoJSON FeatureCollection of located events (RFC 7946: WGS 84, longitude first).

Properties are flat scalars, so the file opens as one layer in QGIS or geopandas: lists of actors
and sources become "; "-joined strings, and the full record stays available in the PLOVER export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from rasid.records import ActorRef, Event


def _names(actors: Iterable[ActorRef]) -> str:
    return "; ".join(dict.fromkeys(a.name for a in actors if a.name))


def event_feature(event: Event) -> dict[str, Any] | None:
    """One Point feature, or None when the event has no coordinates."""
    loc = event.location
    if loc is None or loc.lat is None or loc.lon is None:
        return None
    props: dict[str, Any] = {
        "id": event.id,
        "type": event.type,
        "mode": event.mode,
        "date": event.date,
        "date_end": event.date_end,
        "status": event.status,
        "disrupted": event.disrupted,
        "fatalities": event.fatalities,
        "injuries": event.injuries,
        "figures_disputed": event.figures_disputed,
        "place": loc.name,
        "place_ar": loc.name_ar,
        "admin1": loc.admin1,
        "country": loc.country,
        "precision": loc.precision,
        "actors": _names(event.actors),
        "targets": _names(event.targets),
        "claimed_by": _names(event.claimed_by),
        "summary": event.summary,
        "confidence": event.confidence,
        "n_sources": len(event.sources),
        "n_articles": len({s.article for s in event.sources}),
        "n_outlets": len({s.source or f"article:{s.article}" for s in event.sources}),
        "articles": "; ".join(dict.fromkeys(s.article for s in event.sources)),
        "outlets": "; ".join(dict.fromkeys(s.source for s in event.sources if s.source)),
    }
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": {"type": "Point", "coordinates": [round(loc.lon, 6), round(loc.lat, 6)]},
        "properties": props,
    }


def iter_geojson(events: Iterable[Event]) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":[\n'
    first = True
    for event in events:
        feature = event_feature(event)
        if feature is None:
            continue
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"
