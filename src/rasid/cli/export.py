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


@app.command("export")
def export_command(
    fmt: str = typer.Option(..., "--format", "-f", help="acled, plover, geojson or jsonl."),
    output: str = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
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
    """Export the stored records matching the filters (all of them without filters)."""
    from rasid.export import FORMAT_INFO, FORMATS, write_export
    from rasid.store.lookups import iter_records
    from rasid.store.query import check_event_query, iter_events

    if fmt not in FORMATS:
        raise CliError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
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
                    write_export(fmt, records, fh)
            except OSError as exc:
                raise CliError(f"{output}: cannot write ({exc.strerror})") from exc
            if not settings.quiet:
                err.print(f"rasid: wrote {fmt} export to {output}", markup=False)
        else:
            write_export(fmt, records, sys.stdout)
            sys.stdout.flush()
    finally:
        store.close()
