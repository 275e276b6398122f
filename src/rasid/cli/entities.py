"""Entity commands: ``rasid entities`` (mention counts) and ``rasid entity ID`` (one entity)."""

from __future__ import annotations

import json
from typing import Any

import typer

from rasid.cli.app import app, err, open_existing_store, out, settings
from rasid.cli.output import CSV_OPT, NL_OPT, TSV_OPT, OutputChoice, print_rows
from rasid.errors import CliError
from rasid.records import Entity

LABELS = ("PERS", "ORG", "LOC", "GPE", "FAC")


def _entity(entity_id: str, store: Any) -> Entity | None:
    """A knowledge-base entity, else a provisional one recorded in the store."""
    from rasid.kb import load_kb

    ent = load_kb().get(entity_id)
    if ent is not None:
        return ent
    found: Entity | None = store.provisional_entity(entity_id)
    return found


def _name(entity_id: str, store: Any) -> tuple[str, str, str]:
    ent = _entity(entity_id, store)
    if ent is None:
        return "", "", ""
    return ent.name, ent.name_ar, ent.kind


@app.command("entities")
def entities_command(
    article: str = typer.Option(None, "--article", help="Only mentions in this article id."),
    kind: str = typer.Option(
        None,
        "--kind",
        help="A label (PERS, ORG, LOC, GPE, FAC) or an entity kind (person, armed_group, place).",
    ),
    limit: int = typer.Option(100, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    as_csv: bool = CSV_OPT,
    as_tsv: bool = TSV_OPT,
    as_nl: bool = NL_OPT,
) -> None:
    """Entities mentioned in the stored articles, most mentioned first."""
    choice = OutputChoice.from_flags(as_json=as_json, csv=as_csv, tsv=as_tsv, nl=as_nl)
    store = open_existing_store()
    label = kind.upper() if kind and kind.upper() in LABELS else None
    rows: list[dict[str, Any]] = []
    more = False
    for entity_id, count in store.mention_counts(article, label):
        name, name_ar, ent_kind = _name(entity_id, store)
        if kind and label is None and ent_kind != kind:
            continue
        if len(rows) >= limit:
            more = True
            break
        rows.append(
            {"id": entity_id, "name": name, "name_ar": name_ar, "kind": ent_kind, "mentions": count}
        )
    if more and not settings.quiet:
        err.print(f"rasid: showing the first {limit} entities (--limit shows more)", markup=False)

    def table() -> Any:
        from rich.table import Table

        table = Table("id", "name", "name_ar", "kind", "mentions")
        for row in rows:
            table.add_row(row["id"], row["name"], row["name_ar"], row["kind"], str(row["mentions"]))
        return table

    print_rows(choice, rows, ("id", "name", "name_ar", "kind", "mentions"), table=table)


@app.command("entity")
def entity_command(
    entity_id: str = typer.Argument(..., help="An entity id: ac:..., pl:... or px:..."),
    limit: int = typer.Option(20, "--limit", min=1, help="Mentions to show."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of text."),
) -> None:
    """One entity: names, aliases, affiliations, and its mentions in context."""
    store = open_existing_store()
    ent = _entity(entity_id, store)
    mentions = store.entity_mentions(entity_id, limit)
    if ent is None and not mentions:
        raise CliError(f"no entity {entity_id!r} in the knowledge base or the store")
    affiliations = [
        {"id": a, "name": _name(a, store)[0]} for a in (ent.affiliations if ent else ())
    ]
    data: dict[str, Any] = {
        "id": entity_id,
        "name": ent.name if ent else "",
        "name_ar": ent.name_ar if ent else "",
        "kind": ent.kind if ent else "",
        "provisional": bool(ent.provisional) if ent else True,
        "role": ent.role if ent else None,
        "country": ent.country if ent else None,
        "wikidata": ent.wikidata if ent else None,
        "aliases": list(ent.aliases) if ent else [],
        "affiliations": affiliations,
        "mentions": mentions,
    }
    if ent is not None and ent.lat is not None:
        data.update(lat=ent.lat, lon=ent.lon, admin1=ent.admin1, place_type=ent.place_type)
    if as_json:
        out.print(json.dumps(data, ensure_ascii=False, indent=2), markup=False)
        return
    out.print(f"{data['id']}  {data['name']}  {data['name_ar']}  ({data['kind']})", markup=False)
    for key in ("role", "country", "wikidata", "place_type", "admin1"):
        if data.get(key):
            out.print(f"  {key}: {data[key]}", markup=False)
    if data["aliases"]:
        out.print("  aliases: " + " | ".join(data["aliases"]), markup=False)
    for aff in affiliations:
        out.print(f"  affiliation: {aff['id']} {aff['name']}", markup=False)
    out.print(f"  mentions: {len(mentions)} shown", markup=False)
    for m in mentions:
        out.print(f"  [{m['article_id']} {m['start']}-{m['end']}] {m['sentence']}", markup=False)
