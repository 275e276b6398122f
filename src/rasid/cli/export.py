"""``rasid export``: events as ACLED-style CSV, PLOVER records or GeoJSON; every record as JSONL."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rasid.cli.app import app, err, open_existing_store, settings
from rasid.cli.events import (
    ACTOR_OPT,
    COUNTRY_OPT,
    MODE_OPT,
    PLACE_OPT,
    SINCE_OPT,
    TARGET_OPT,
    TEXT_OPT,
    TYPE_OPT,
    UNTIL_OPT,
    FilterOptions,
)
from rasid.errors import CliError


def _check_format(value: str) -> str:
    from rasid.export import FORMATS

    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r} is not a format; one of {', '.join(FORMATS)}")
    return value


@app.command("export")
def export_command(
    fmt: str = typer.Option(
        ..., "--format", "-f", callback=_check_format, help="acled, plover, geojson or jsonl."
    ),
    output: str = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
    include_unplaced: bool = typer.Option(
        False,
        "--include-unplaced",
        help="geojson: also events without coordinates, as features with a null geometry.",
    ),
    type_: str = TYPE_OPT,
    mode: str = MODE_OPT,
    actor: str = ACTOR_OPT,
    target: str = TARGET_OPT,
    place: str = PLACE_OPT,
    country: str = COUNTRY_OPT,
    since: str = SINCE_OPT,
    until: str = UNTIL_OPT,
    text: str = TEXT_OPT,
) -> None:
    """Export the stored records matching the filters (all of them without filters).

    Ends with one line on stderr: how many records were written and how many were left out,
    and why (an ACLED row needs a material event with a date and a country, ...)."""
    from rasid.export import FORMAT_INFO, ExportOptions, ExportReport, write_export
    from rasid.store.lookups import iter_records
    from rasid.store.query import check_event_query, iter_events

    report = ExportReport()
    options = ExportOptions(include_unplaced=include_unplaced)
    query = FilterOptions(type_, mode, actor, target, place, country, since, until, text).query()
    store = open_existing_store()
    try:
        check_event_query(store, query)
        records = (
            iter_events(store, query)
            if FORMAT_INFO[fmt].events_only
            else iter_records(store, query)
        )
        if output and output != "-":
            path = Path(output)
            try:
                with path.open("w", encoding="utf-8", newline="") as fh:
                    write_export(fmt, records, fh, report, options)
            except OSError as exc:
                raise CliError(f"{output}: cannot write ({exc.strerror})") from exc
        else:
            write_export(fmt, records, sys.stdout, report, options)
            sys.stdout.flush()
    finally:
        store.close()
    if not settings.quiet:
        where = f" to {output}" if output and output != "-" else ""
        err.print(f"rasid: {fmt}{where}: {report.summary()}", markup=False)
