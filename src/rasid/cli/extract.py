"""`rasid extract` (the whole pipeline in memory) and `rasid eval` (score against gold)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from rasid.cli.app import app, err, out, settings
from rasid.errors import CliError, EvalError
from rasid.records import Article, Event, Figure, Statement, record_to_json

WHAT = ("dates", "numbers", "figures", "mentions", "sentences")


def _read(inputs: list[str]) -> list[Article]:
    from rasid.ingest import IngestProblem, read_articles

    articles: list[Article] = []
    for item in read_articles(inputs, stdin=sys.stdin.buffer if "-" in inputs else None):
        if isinstance(item, IngestProblem):
            err.print(f"rasid: skipped: {item}", markup=False)
        else:
            articles.append(item)
    return articles


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., help="Articles: files, directories, or - for stdin."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl, json or table."),
    what: str = typer.Option(
        None, "--what", help=f"Debug layers instead of records: {','.join(WHAT)}."
    ),
) -> None:
    """Run the whole pipeline in memory (no database) and print the records."""
    if fmt not in ("jsonl", "json", "table"):
        raise CliError(f"--format must be jsonl, json or table, not {fmt!r}")
    articles = _read(inputs)
    if not articles:
        raise CliError("no article could be read from the inputs")
    if what:
        layers = [w.strip() for w in what.split(",") if w.strip()]
        bad = [w for w in layers if w not in WHAT]
        if bad:
            raise CliError(f"--what takes {', '.join(WHAT)}; unknown: {', '.join(bad)}")
        _print_layers(articles, layers)
        return
    from rasid.pipeline import extract as run

    records = run(articles)
    if fmt == "jsonl":
        for r in records:
            out.print(json.dumps(record_to_json(r), ensure_ascii=False), markup=False)
    elif fmt == "json":
        out.print(
            json.dumps([record_to_json(r) for r in records], ensure_ascii=False, indent=1),
            markup=False,
        )
    else:
        from rich.table import Table

        table = Table("record", "type", "date", "where", "summary")
        for r in records:
            if isinstance(r, Event):
                where = r.location.name if r.location else ""
                table.add_row("event", r.type, r.date or "", where, r.summary)
            elif isinstance(r, Statement):
                who = r.speaker.name if r.speaker else "?"
                table.add_row("statement", "", r.date or "", "", f"{who}: {r.quote[:80]}")
            elif isinstance(r, Figure):
                table.add_row("figure", r.unit, r.as_of or "", "", f"{r.quantity:g} {r.subject}")
        out.print(table)


def _print_layers(articles: list[Article], layers: list[str]) -> None:
    from rasid.pipeline import annotate

    for article in articles:
        doc = annotate(article)
        text = article.text
        out.print(f"# {article.id}  published={article.published}", markup=False)
        if "sentences" in layers:
            for s in doc.sentences:
                out.print(f"sentence {s.index} [{s.kind}] {text[s.start : s.end]}", markup=False)
        if "mentions" in layers:
            for m in doc.mentions:
                out.print(
                    f"mention {m.start}-{m.end} {text[m.start : m.end]!r} -> {m.entity_id} "
                    f"({m.label}, {m.rule})",
                    markup=False,
                )
        if "dates" in layers:
            for t in doc.times:
                rng = f"..{t.value_end}" if t.value_end else ""
                out.print(
                    f"date {t.start}-{t.end} {text[t.start : t.end]!r} -> {t.value}{rng} "
                    f"({t.precision}, {t.rule})",
                    markup=False,
                )
        if "numbers" in layers:
            for q in doc.quantities:
                out.print(
                    f"number {q.start}-{q.end} {text[q.start : q.end]!r} -> {q.value:g} "
                    f"{q.bound} unit={q.unit} ({q.rule})",
                    markup=False,
                )
        if "figures" in layers:
            from rasid.figures import find_figures

            for f in find_figures(doc):
                out.print(
                    f"figure {f.quantity:g} {f.unit} ({f.bound}) subject={f.subject!r} "
                    f"as_of={f.as_of} period={f.period}",
                    markup=False,
                )


@app.command("eval")
def evaluate(
    gold: Path = typer.Argument(..., help="Gold file (seeds/dev/gold.json format)."),
    system: str = typer.Argument(..., help="System records (JSONL or JSON), or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the full score as JSON."),
) -> None:
    """Score event records against gold: precision, recall, F1, per type, fields, misses."""
    from rasid.eval import read_records, score

    try:
        gold_data = json.loads(gold.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalError(f"{gold}: no such file") from exc
    except json.JSONDecodeError as exc:
        raise EvalError(f"{gold}:{exc.lineno}: not JSON ({exc.msg})") from exc
    if system == "-":
        lines = sys.stdin.readlines()
    else:
        try:
            lines = Path(system).read_text(encoding="utf-8").splitlines(keepends=True)
        except FileNotFoundError as exc:
            raise EvalError(f"{system}: no such file") from exc
    result = score(gold_data, read_records(lines, system))
    if as_json:
        out.print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1), markup=False)
        return
    out.print(
        f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}  "
        f"(tp {result.tp}, fp {result.fp}, fn {result.fn})",
        markup=False,
    )
    for t, row in result.per_type.items():
        out.print(
            f"  {t:<10} gold {row['gold']:>3}  system {row['system']:>3}  tp {row['tp']:>3}  "
            f"P {row['precision']:.2f}  R {row['recall']:.2f}  F1 {row['f1']:.2f}",
            markup=False,
        )
    if result.fields:
        out.print(
            "fields on matched events: "
            + ", ".join(f"{k} {v:.2f}" for k, v in result.fields.items()),
            markup=False,
        )
    out.print(f"figures found: {result.figures_found}/{result.figures_total}", markup=False)
    for m in result.misses:
        out.print(f"miss: {m}", markup=False)
    for x in result.extras:
        out.print(f"extra: {x}", markup=False)
    for m in result.figure_misses:
        out.print(f"figure miss: {m}", markup=False)
    if settings.verbose:
        out.print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1), markup=False)
