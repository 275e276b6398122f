"""Event commands: ``rasid events`` (filtered list) and ``rasid event ID`` (every source)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import typer

from rasid.cli.app import app, open_existing_store, out
from rasid.cli.output import CSV_OPT, NL_OPT, TSV_OPT, OutputChoice, print_rows
from rasid.errors import CliError
from rasid.store.query import EventQuery


@dataclass(frozen=True, slots=True)
class FilterOptions:
    """The filter options ``rasid events`` and ``rasid export`` share."""

    type: str | None
    mode: str | None
    actor: str | None
    target: str | None
    place: str | None
    country: str | None
    since: str | None
    until: str | None
    text: str | None

    def query(self, *, limit: int = 50, offset: int = 0, sort: str = "-date") -> EventQuery:
        return EventQuery(
            type=self.type,
            mode=self.mode,
            actor=self.actor,
            target=self.target,
            place=self.place,
            country=self.country,
            since=self.since,
            until=self.until,
            text=self.text,
            limit=limit,
            offset=offset,
            sort=sort,
        )


def check_types(value: str | None) -> str | None:
    """``--type``: PLOVER types, comma-separated; any other word is a usage error naming them."""
    if not value:
        return value
    from rasid.records import EVENT_TYPES

    wrong = [t for t in (p.strip() for p in value.split(",")) if t and t.upper() not in EVENT_TYPES]
    if wrong:
        raise typer.BadParameter(
            f"{', '.join(map(repr, wrong))} is not a PLOVER type; the types are "
            + ", ".join(EVENT_TYPES)
        )
    return ",".join(t.strip().upper() for t in value.split(",") if t.strip())


def check_sort(value: str) -> str:
    """``--sort``: a key of the store's sorts, '-' first for descending."""
    from rasid.store.query import SORT_KEYS

    if value.lstrip("-+") not in SORT_KEYS:
        raise typer.BadParameter(
            f"{value!r} is not a sort key; one of {', '.join(SORT_KEYS)} ('-' first: descending)"
        )
    return value


TYPE_OPT = typer.Option(
    None,
    "--type",
    "-t",
    callback=check_types,
    help="PLOVER types, comma-separated (ASSAULT,COERCE).",
)
MODE_OPT = typer.Option(None, "--mode", help="Modes, comma-separated (drone,rocket).")
ACTOR_OPT = typer.Option(None, "--actor", help="Initiator: entity id or name, Arabic or English.")
TARGET_OPT = typer.Option(None, "--target", help="Target: entity id or name.")
PLACE_OPT = typer.Option(None, "--place", help="Place id or name; includes places inside it.")
COUNTRY_OPT = typer.Option(None, "--country", help="ISO codes (IQ,SY) or country names.")
SINCE_OPT = typer.Option(None, "--since", help="From this date: YYYY, YYYY-MM or YYYY-MM-DD.")
UNTIL_OPT = typer.Option(None, "--until", help="Up to this date (inclusive).")
TEXT_OPT = typer.Option(None, "--text", help="Words in the event (Arabic spelling-insensitive).")


def _open() -> Any:
    return open_existing_store()


@app.command("events")
def events_command(
    type_: str = TYPE_OPT,
    mode: str = MODE_OPT,
    actor: str = ACTOR_OPT,
    target: str = TARGET_OPT,
    place: str = PLACE_OPT,
    country: str = COUNTRY_OPT,
    since: str = SINCE_OPT,
    until: str = UNTIL_OPT,
    text: str = TEXT_OPT,
    sort: str = typer.Option(
        "-date",
        "--sort",
        callback=check_sort,
        help="date, fatalities, sources, confidence; '-' first for descending.",
    ),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=1000, help="Events per page."),
    page: int = typer.Option(1, "--page", min=1, help="Page number."),
    as_json: bool = typer.Option(
        False, "--json", help="JSON (the page and its total) instead of a table."
    ),
    as_csv: bool = CSV_OPT,
    as_tsv: bool = TSV_OPT,
    as_nl: bool = NL_OPT,
    min_confidence: float = typer.Option(
        None, "--min-confidence", min=0.0, max=1.0, help="Only events trusted at least this much."
    ),
) -> None:
    """List merged events, newest first, filtered like the web UI."""
    import dataclasses

    from rasid.store.query import query_events

    choice = OutputChoice.from_flags(as_json=as_json, csv=as_csv, tsv=as_tsv, nl=as_nl)
    filters = FilterOptions(type_, mode, actor, target, place, country, since, until, text)
    query = filters.query(limit=limit, offset=(page - 1) * limit, sort=sort)
    query = dataclasses.replace(query, min_confidence=min_confidence)
    store = _open()
    try:
        result = query_events(store, query)
    finally:
        store.close()
    print_rows(
        choice,
        result.items,
        EVENT_COLUMNS,
        table=lambda: _events_table(result.items, result.total, page, limit),
        json_doc=result.to_json(),
    )


# the columns of ``rasid events --csv``: the event list's own fields, flat
EVENT_COLUMNS = (
    "id",
    "type",
    "mode",
    "date",
    "date_end",
    "country",
    "admin1",
    "place_name",
    "lat",
    "lon",
    "fatalities",
    "injuries",
    "status",
    "confidence",
    "n_articles",
    "n_outlets",
    "n_sources",
    "summary",
)


def _events_table(items: list[dict[str, Any]], total: int, page: int, limit: int) -> Any:
    from rich.table import Table

    first = (page - 1) * limit + 1 if items else 0
    table = Table(title=f"events {first}-{max(first + len(items) - 1, 0)} of {total}")
    # ids and dates must stay whole: they are what `rasid event ID` and filters take
    table.add_column("date", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("summary", ratio=1, min_width=20)
    table.add_column("place")
    table.add_column("killed", justify="right")
    table.add_column("injured", justify="right")
    table.add_column("articles/outlets", justify="right")
    table.add_column("id", no_wrap=True, min_width=max((len(e["id"]) for e in items), default=2))
    for ev in items:
        table.add_row(
            ev["date"] or "?",
            ev["type"] + (f"/{ev['mode']}" if ev["mode"] else ""),
            ev["summary"] or "",
            ", ".join(x for x in (ev["place_name"], ev["country"]) if x),
            "" if ev["fatalities"] is None else str(ev["fatalities"]),
            "" if ev["injuries"] is None else str(ev["injuries"]),
            f"{ev['n_articles'] or ev['n_sources']}/{ev['n_outlets'] or 1}",
            ev["id"],
        )
    return table


def _names(actors: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{a.get('name') or ''} ({a.get('name_ar') or ''})".replace(" ()", "") for a in actors
    )


@app.command("event")
def event_command(
    event_id: str = typer.Argument(..., help="Event id (see `rasid events`)."),
    as_json: bool = typer.Option(False, "--json", help="The event record as JSON."),
) -> None:
    """Show one event with every source side by side: outlet, evidence sentence, figures."""
    from rasid.store.query import get_event

    store = _open()
    try:
        event = get_event(store, event_id)
    finally:
        store.close()
    if event is None:
        raise CliError(f"no event with id {event_id!r} (see `rasid events`)")
    if as_json:
        out.print(json.dumps(event, ensure_ascii=False, indent=1), markup=False)
        return
    from rich.table import Table

    loc = event.get("location") or {}
    out.print(
        f"{event['type']}{'/' + event['mode'] if event.get('mode') else ''}  "
        f"{event.get('date') or 'date unknown'}  {event.get('summary') or ''}",
        markup=False,
    )
    lines = [
        (
            "place",
            ", ".join(
                str(x)
                for x in (
                    loc.get("name"),
                    loc.get("name_ar"),
                    loc.get("admin1"),
                    loc.get("country"),
                )
                if x
            ),
        ),
        ("actors", _names(event.get("actors") or [])),
        ("targets", _names(event.get("targets") or [])),
        ("claimed by", _names(event.get("claimed_by") or [])),
        ("killed", "" if event.get("fatalities") is None else str(event["fatalities"])),
        ("injured", "" if event.get("injuries") is None else str(event["injuries"])),
        ("status", str(event.get("status") or "")),
        ("disputed", "yes: sources disagree on the toll" if event.get("figures_disputed") else ""),
    ]
    for key, value in lines:
        if value:
            out.print(f"  {key:<11}{value}", markup=False)
    table = Table(
        "#",
        "outlet / article",
        "published",
        "evidence sentence",
        "killed",
        "injured",
        title=f"{len(event.get('sources') or [])} sources",
        show_lines=True,
    )
    for i, src in enumerate(event.get("sources") or [], start=1):
        table.add_row(
            str(i),
            f"{src.get('outlet') or '?'}\n{src.get('article')}",
            (src.get("published") or "")[:10],
            src.get("sentence") or "",
            "" if src.get("fatalities") is None else str(src["fatalities"]),
            "" if src.get("injuries") is None else str(src["injuries"]),
        )
    out.print(table)
