"""`rasid train`: fit the event decider on annotated real text (rasid.events.train)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer

from rasid.cli.app import app, err, out
from rasid.errors import CliError
from rasid.records import Article


def _gold_articles(ids: set[str], paths: list[Path]) -> list[Article]:
    """The articles with these ids, read through Rasid's own readers (JSON Lines prefiltered)."""
    from rasid.ingest import IngestProblem, read_articles

    with tempfile.TemporaryDirectory() as tmp:
        inputs: list[str] = []
        for k, path in enumerate(paths):
            if path.suffix != ".jsonl":
                inputs.append(str(path))
                continue
            part = Path(tmp) / f"{k}.jsonl"
            with path.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
                for line in src:
                    head = line[:300]
                    if any(f'"{i}"' in head for i in ids) and json.loads(line).get("id") in ids:
                        dst.write(line)
            inputs.append(str(part))
        return [a for a in read_articles(inputs) if not isinstance(a, IngestProblem)]


@app.command()
def train(
    gold: list[Path] = typer.Option(
        [], "--gold", help="Gold files (eval/GUIDELINES.md format) whose articles teach."
    ),
    articles: list[Path] = typer.Option(
        [], "--articles", help="Where the gold's articles are (JSON Lines, files, folders)."
    ),
    gsr: list[Path] = typer.Option([], "--gsr", help="GSR sentence files (CSV) that teach."),
    output: Path = typer.Option(
        Path("src/rasid/models/event_decider.json"), "-o", "--output", help="The model file."
    ),
    merge: bool = typer.Option(
        False, "--merge", help="Fit the merge scorer (rasid.merge_train) instead of the decider."
    ),
    merge_output: Path = typer.Option(
        Path("src/rasid/models/merge_scorer.json"), "--merge-output", help="The scorer file."
    ),
    merge_guard: list[Path] = typer.Option(
        [], "--merge-guard", help="Articles the scorer must merge as the rules do (JSON Lines)."
    ),
) -> None:
    """Train the event decider (or, with --merge, the merge scorer on the gold's re-report
    keys); print its cross-validated figures. Never on a test half."""
    from rasid.events.train import gold_examples, gsr_examples, train_decider, write_model
    from rasid.gsr import read_gsr

    if merge:
        _train_merge(gold, articles, merge_output, merge_guard)
        return
    if not gold and not gsr:
        raise CliError("give --gold FILE --articles PATH and/or --gsr FILE to learn from")
    for g in gold:
        if "test" in g.stem.split("-"):
            raise CliError(f"{g}: a test half only measures; train on the train half")
    examples = []
    for g in gold:
        try:
            data = json.loads(g.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CliError(f"{g}: cannot read the gold ({exc})") from exc
        ids = {str(d.get("doc")) for d in data if isinstance(d, dict)}
        arts = _gold_articles(ids, articles)
        if not arts:
            raise CliError(f"{g}: none of its articles is in --articles")
        found = gold_examples(data, arts)
        err.print(f"rasid: {g}: {len(arts)} articles, {len(found)} proposals", markup=False)
        examples += found
    for path in gsr:
        found = gsr_examples(read_gsr(path))
        err.print(f"rasid: {path}: {len(found)} proposals", markup=False)
        examples += found
    model = train_decider(examples)
    write_model(model, output)
    summary = {k: v for k, v in model.items() if k != "weights"}
    summary["features"] = len(model["weights"])
    summary["bytes"] = output.stat().st_size
    out.print(json.dumps(summary, ensure_ascii=False), markup=False)


def _train_merge(gold: list[Path], articles: list[Path], output: Path, guard: list[Path]) -> None:
    from rasid.merge_train import train_merge_scorer, write_model

    if not gold:
        raise CliError("give --gold FILE --articles PATH: the merge learns from re-report keys")
    data: list[dict[str, object]] = []
    for g in gold:
        if "test" in g.stem.split("-"):
            raise CliError(f"{g}: a test half only measures; train on the train half")
        try:
            data += json.loads(g.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CliError(f"{g}: cannot read the gold ({exc})") from exc
    arts = _gold_articles({str(d.get("doc")) for d in data if isinstance(d, dict)}, articles)
    if not arts:
        raise CliError("none of the gold's articles is in --articles")
    err.print(f"rasid: {len(arts)} articles", markup=False)
    from rasid.ingest import IngestProblem, read_articles

    guarded = [
        a for a in read_articles([str(p) for p in guard]) if not isinstance(a, IngestProblem)
    ]
    model = train_merge_scorer(data, arts, guarded)
    write_model(model, output)
    summary = {k: v for k, v in model.items() if k != "weights"}
    summary["features"] = len(model["weights"])
    summary["bytes"] = output.stat().st_size
    out.print(json.dumps(summary, ensure_ascii=False), markup=False)
