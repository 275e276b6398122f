"""Exports of stored records: ACLED-style CSV, PLOVER event records, GeoJSON and JSON Lines.

Each format is a generator of text chunks over records, so the CLI writes them to a file and the
API streams them without holding a whole export in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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


@dataclass(slots=True)
class ExportReport:
    """What an export wrote and what it left out, with the reason for each record left out:
    nothing is dropped without a count."""

    written: int = 0
    left_out: Counter[str] = field(default_factory=Counter)

    def leave_out(self, reason: str) -> None:
        self.left_out[reason] += 1

    def summary(self) -> str:
        """``12 written, 3 left out (2 verbal type, 1 no date)``."""
        n_out = sum(self.left_out.values())
        line = f"{self.written} written, {n_out} left out"
        if n_out:
            reasons = ", ".join(f"{n} {why}" for why, n in self.left_out.most_common())
            line += f" ({reasons})"
        return line


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """Choices of a format that change which records it writes."""

    include_unplaced: bool = False  # geojson: events without coordinates, null geometry


def export_chunks(
    fmt: str,
    records: Iterable[Record],
    report: ExportReport | None = None,
    options: ExportOptions | None = None,
) -> Iterator[str]:
    """The text of ``records`` in format ``fmt``; formats of events only skip other records.
    ``report`` (when given) counts what is written and what is left out, and why."""
    if fmt not in FORMAT_INFO:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    report = ExportReport() if report is None else report
    options = options or ExportOptions()
    if fmt == "jsonl":
        from rasid.export.jsonl import iter_jsonl

        return iter_jsonl(records, report)
    events = _events_only(records, report)
    if fmt == "acled":
        from rasid.export.acled import iter_acled

        return iter_acled(events, report=report)
    if fmt == "plover":
        from rasid.export.plover import iter_plover

        return iter_plover(events, report)
    from rasid.export.geojson import iter_geojson

    return iter_geojson(events, report, include_unplaced=options.include_unplaced)


def _events_only(records: Iterable[Record], report: ExportReport) -> Iterator[Event]:
    for r in records:
        if isinstance(r, Event):
            yield r
        else:
            report.leave_out(f"{type(r).__name__.lower()} (not an event)")


def write_export(
    fmt: str,
    records: Iterable[Record],
    out: TextIO,
    report: ExportReport | None = None,
    options: ExportOptions | None = None,
) -> ExportReport:
    report = ExportReport() if report is None else report
    for chunk in export_chunks(fmt, records, report, options):
        out.write(chunk)
    return report


__all__ = [
    "FORMATS",
    "FORMAT_INFO",
    "ExportOptions",
    "ExportReport",
    "FormatInfo",
    "export_chunks",
    "write_export",
]
