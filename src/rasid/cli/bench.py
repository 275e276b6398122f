"""`rasid bench`: throughput and peak memory, printed as JSON."""

from __future__ import annotations

import json
import platform

import typer

from rasid.cli.app import app, out
from rasid.errors import CliError


@app.command()
def bench(
    corpus: str = typer.Argument(..., help="A JSONL corpus, e.g. the ANT corpus."),
    phases: str = typer.Option(
        "read,pipeline,ingest", "--phases", help="read,pipeline,merge,ingest"
    ),
    limit: int = typer.Option(0, "--limit", min=0, help="Articles per phase (0: all)."),
    workers: int = typer.Option(1, "--workers", min=1, help="Processes for the ingest phase."),
    repeat: int = typer.Option(1, "--repeat", min=1, help="Read the corpus N times, shifted."),
) -> None:
    """Measure articles per second and peak memory of each phase; print JSON. Each phase's
    rate is also a ratio to a reference pass over the same articles in the same process (parse
    the JSON, one regular expression): the fastest of up to 5 passes, each pass's rate listed."""
    from rasid.bench import PHASES, run

    wanted = [p.strip() for p in phases.split(",") if p.strip()]
    bad = [p for p in wanted if p not in PHASES]
    if bad:
        raise CliError(f"--phases takes {', '.join(PHASES)}; unknown: {', '.join(bad)}")
    results = run(corpus, wanted, limit or None, workers, repeat)
    from rasid.bench import cpu_model

    report = {
        "corpus": corpus,
        "machine": {
            "python": platform.python_version(),
            "cpus": __import__("os").cpu_count(),
            "cpu": cpu_model(),
        },
        "results": results,
    }
    out.print(json.dumps(report, ensure_ascii=False, indent=1), markup=False)
