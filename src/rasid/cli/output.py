"""How list commands print their rows: a table for people, or CSV, TSV, JSON or newline-delimited
JSON for programs (the flags sqlite-utils and Datasette use: ``--csv``, ``--tsv``, ``--json``,
``--nl``). At most one may be given; a table is the default.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import typer

from rasid.cli.app import out

CSV_OPT = typer.Option(False, "--csv", help="CSV with a header row instead of a table.")
TSV_OPT = typer.Option(False, "--tsv", help="Tab-separated values with a header row.")
NL_OPT = typer.Option(False, "--nl", help="One JSON object per line (newline-delimited JSON).")


@dataclass(frozen=True, slots=True)
class OutputChoice:
    """The output a list command was asked for: table, csv, tsv, json or nl."""

    kind: str

    @classmethod
    def from_flags(cls, *, as_json: bool, csv: bool, tsv: bool, nl: bool) -> OutputChoice:
        chosen = [
            name
            for name, flag in (("--json", as_json), ("--csv", csv), ("--tsv", tsv), ("--nl", nl))
            if flag
        ]
        if len(chosen) > 1:
            raise typer.BadParameter(f"give one of {', '.join(chosen)}, not several")
        return cls(chosen[0].lstrip("-") if chosen else "table")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def print_rows(
    choice: OutputChoice,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    table: Callable[[], Any],
    json_doc: Any = None,
) -> None:
    """Print ``rows`` as asked: CSV/TSV with ``columns`` as header, ``--nl`` one object a line,
    ``--json`` ``json_doc`` (the rows when not given), otherwise the rich table ``table()``."""
    if choice.kind in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(
            buf, delimiter="," if choice.kind == "csv" else "\t", lineterminator="\n"
        )
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        out.file.write(buf.getvalue())
        return
    if choice.kind == "nl":
        for row in rows:
            out.file.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    if choice.kind == "json":
        doc = rows if json_doc is None else json_doc
        out.print(json.dumps(doc, ensure_ascii=False, indent=1), markup=False)
        return
    out.print(table())
