"""`rasid extract` (the whole pipeline in memory) and `rasid eval` (score against gold)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

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
    min_confidence: float = typer.Option(
        None,
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Keep proposed events the decider gives at least this probability "
        "(default: its own threshold; 0 keeps every proposal naming someone or somewhere).",
    ),
) -> None:
    """Run the whole pipeline in memory (no database) and print the records."""
    if fmt not in ("jsonl", "json", "table"):
        raise CliError(f"--format must be jsonl, json or table, not {fmt!r}")
    set_min_confidence(min_confidence)
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
        # a JSON line needs none of rich's rendering (emoji codes, control codes, cell widths),
        # which took a tenth of the command's time (0.24 ms a line): one plain write each
        write = out.file.write
        for r in records:
            write(json.dumps(record_to_json(r), ensure_ascii=False) + "\n")
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


def set_min_confidence(value: float | None) -> None:
    """The decider's threshold for this run (and the worker processes it starts)."""
    if value is not None:
        from rasid.events.decide import ENV_THRESHOLD

        os.environ[ENV_THRESHOLD] = repr(value)


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
    gold: Path = typer.Argument(None, help="Gold file (eval/GUIDELINES.md format)."),
    system: str = typer.Argument(None, help="System records (JSONL or JSON), or - for stdin."),
    gsr: list[Path] = typer.Option(
        [], "--gsr", help="Score the sentence task of an Arabic event GSR CSV file instead."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full score as JSON."),
    show: bool = typer.Option(False, "--show", help="List every miss and every wrong record."),
) -> None:
    """Score event records against gold: P/R/F1 role-aware, per type, fields, errors, merging."""
    if gsr:
        _evaluate_gsr(gsr, as_json)
        return
    if gold is None or system is None:
        raise CliError("give GOLD and SYSTEM (or --gsr FILE): rasid eval gold.json records.jsonl")
    from rasid.eval import read_records
    from rasid.scoreboard import score_board

    gold_data = json.loads(_read_text(gold))
    if system == "-":
        lines = sys.stdin.readlines()
    else:
        lines = _read_text(Path(system)).splitlines(keepends=True)
    board = score_board(gold_data, read_records(lines, system))
    if as_json:
        out.print(json.dumps(board.as_dict(), ensure_ascii=False, indent=1), markup=False)
        return
    for line in board_lines(board, show=show or settings.verbose):
        out.print(line, markup=False)


def _read_text(path: Path) -> str:
    """A gold or records file as text; one line naming the file for what is not one."""
    from rasid.eval import read_text_file

    text = read_text_file(path, "a file of records")
    if "\x00" in text:
        raise EvalError(f"{path}: a binary file, not JSON")
    if path.suffix == ".json" or text.lstrip().startswith("["):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from exc
    return text


def _evaluate_gsr(paths: list[Path], as_json: bool) -> None:
    from rasid.gsr import read_gsr, score_gsr

    for path in paths:
        for sc in score_gsr(read_gsr(path)):
            if as_json:
                out.print(json.dumps({"file": str(path), **sc.as_dict()}), markup=False)
                continue
            out.print(
                f"{path.name} {sc.type}: precision {sc.precision:.3f}  recall {sc.recall:.3f}  "
                f"F1 {sc.f1:.3f}  (tp {sc.tp}, fp {sc.fp}, fn {sc.fn}, tn {sc.tn}); flagged "
                + ", ".join(f"{k} {v}" for k, v in sc.flagged_by_label.items()),
                markup=False,
            )


def board_lines(board: Any, *, show: bool = False) -> list[str]:
    """The scoreboard as lines of text."""
    lines = [
        f"{board.articles} articles, {board.gold} gold events, {board.records} records",
        f"matched   precision {board.precision:.3f}  recall {board.recall:.3f}  "
        f"F1 {board.f1:.3f}  (tp {board.tp}, fp {board.fp}, fn {board.fn})",
        f"right     precision {board.strict_precision:.3f}  recall {board.strict_recall:.3f}  "
        f"F1 {board.strict_f1:.3f}  ({board.right} records right in actor, target and place)",
    ]
    for t, row in board.per_type.items():
        lines.append(
            f"  {t:<10} gold {row['gold']:>4}  system {row['system']:>4}  tp {row['tp']:>4}  "
            f"P {row['precision']:.2f}  R {row['recall']:.2f}  F1 {row['f1']:.2f}"
        )
    if board.fields:
        lines.append(
            "fields of matched events: "
            + ", ".join(f"{k} {v:.2f}" for k, v in board.fields.items())
        )
    for title, counts in (
        ("wrong records", board.record_errors),
        ("missed gold events", board.miss_causes),
        ("field errors of matched events", board.field_errors),
    ):
        if counts:
            lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    m = board.merge
    if m:
        a, r = m["all"], m["rereported"]
        lines.append(
            f"merging: B-cubed P {a['precision']:.3f} R {a['recall']:.3f} F1 {a['f1']:.3f} "
            f"({a['items']} items); re-reported events {m['rereported_events']}: "
            f"B-cubed P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}, "
            f"{m['rereported_one_record']} as one record, {len(m['split_events'])} split, "
            f"{len(m['joining_records'])} records join different events"
        )
    if show:
        lines += [f"miss: {x}" for x in board.misses]
        lines += [f"wrong: {x}" for x in board.extras]
    return lines
