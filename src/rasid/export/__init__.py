"""Exports of stored records: ACLED-style CSV, PLOVER event records, GeoJSON and JSON Lines.

Each format is a generator of text chunks over records, so the CLI writes them to a file and the
API streams them without holding a whole export in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from rasid.records import Event, Record

FORMATS = ("acled", "plover", "geojson", "jsonl")


@dataclass(frozen=True, slots=True)
class FormatInfo:
    media_type: str
    suffix: str
    events_only: bool


FORMAT_INFO: dict[str, FormatInfo] = {
    "acled": FormatInfo("text/csv; charset=utf-8", ".csv", True),
    "plover": FormatInfo("application/x-ndjson", ".jsonl", True),
    "geojson": FormatInfo("application/geo+json", ".geojson", True),
    "jsonl": FormatInfo("application/x-ndjson", ".jsonl", False),
}


def export_chunks(fmt: str, records: Iterable[Record]) -> Iterator[str]:
    """The text of ``records`` in format ``fmt``; formats of events only skip other records."""
    if fmt not in FORMAT_INFO:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if fmt == "jsonl":
        from rasid.export.jsonl import iter_jsonl

        return iter_jsonl(records)
    events = (r for r in records if isinstance(r, Event))
    if fmt == "acled":
        from rasid.export.acled import iter_acled

        return iter_acled(events)
    if fmt == "plover":
        from rasid.export.plover import iter_plover

        return iter_plover(events)
    from rasid.export.geojson import iter_geojson

    return iter_geojson(events)


def write_export(fmt: str, records: Iterable[Record], out: TextIO) -> None:
    for chunk in export_chunks(fmt, records):
        out.write(chunk)


__all__ = ["FORMATS", "FORMAT_INFO", "FormatInfo", "export_chunks", "write_export"]
