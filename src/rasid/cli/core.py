"""Core commands: ingest, articles, show, demo."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from rasid.cli.app import app, err, open_existing_store, out, settings, store_url
from rasid.cli.output import CSV_OPT, NL_OPT, TSV_OPT, OutputChoice, print_rows
from rasid.errors import CliError, StoreError
from rasid.ingest.problem import DEFAULT_MAX_BYTES


@app.command()
def ingest(
    paths: list[str] = typer.Argument(
        ..., help="Files or directories (JSONL, .txt, .html, RSS/Atom), or - for stdin."
    ),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes for the pipeline."),
    cluster: str = typer.Option(
        None, "--cluster", help="Run the stages on a Dask cluster: tcp://HOST:8786."
    ),
    max_bytes: int = typer.Option(
        DEFAULT_MAX_BYTES, "--max-bytes", min=1, help="Largest file or JSON line read (bytes)."
    ),
    follow_links: bool = typer.Option(
        False, "--follow-links", help="Follow symbolic links out of a directory given."
    ),
    on_conflict: str = typer.Option(
        "version",
        "--on-conflict",
        help="An id stored with another text: 'version' stores a new version, 'skip' does not.",
    ),
    min_confidence: float = typer.Option(
        None,
        "--min-confidence",
        min=0.0,
        max=1.0,
        help="Store proposed events the decider gives at least this probability "
        "(default: its own threshold; 0 keeps every proposal naming someone or somewhere).",
    ),
) -> None:
    """Read articles, extract events, and store them (the same article is stored once).

    Ends with one line that adds up: read = stored + already there + new versions + with
    problems, and the paths not read. Exits 1 when nothing could be read or stored."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from rasid.cli.extract import set_min_confidence
    from rasid.jobs import ReadOptions
    from rasid.store.versions import POLICIES

    set_min_confidence(min_confidence)
    if on_conflict not in POLICIES:
        raise CliError(f"--on-conflict must be one of {', '.join(POLICIES)}, not {on_conflict!r}")
    options = ReadOptions(max_bytes=max_bytes, follow_links=follow_links, on_conflict=on_conflict)
    url = store_url()
    show_bar = not settings.quiet and sys.stderr.isatty()

    def on_problem(msg: str) -> None:
        err.print(f"rasid: skipped: {msg}", markup=False)

    def on_note(msg: str) -> None:
        if not settings.quiet:
            err.print(f"rasid: note: {msg}", markup=False)

    from rasid.cluster import ingest_on_cluster
    from rasid.jobs import ingest as run_ingest

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not show_bar,
        transient=True,
    ) as progress:
        task = progress.add_task("ingesting", total=None)
        stdin = sys.stdin.buffer if "-" in paths else None
        if cluster:
            report = ingest_on_cluster(
                paths,
                url,
                cluster,
                stdin=stdin,
                on_problem=on_problem,
                on_progress=lambda n: progress.advance(task, n),
                on_note=on_note,
                options=options,
            )
        else:
            report = run_ingest(
                paths,
                url,
                workers=workers,
                stdin=stdin,
                on_problem=on_problem,
                on_progress=lambda n: progress.advance(task, n),
                on_note=on_note,
                options=options,
            )
    if not settings.quiet:
        err.print(f"rasid: {report.summary()}; into {url}", markup=False)
    if report.stored + report.skipped + report.versions == 0 and (
        report.failed or report.not_read or report.conflicts
    ):
        raise typer.Exit(1)


@app.command()
def articles(
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    as_csv: bool = CSV_OPT,
    as_tsv: bool = TSV_OPT,
    as_nl: bool = NL_OPT,
    limit: int = typer.Option(100, "--limit", min=1, help="Articles to show (100 unless given)."),
    offset: int = typer.Option(0, "--offset", min=0, help="Articles to pass over first."),
) -> None:
    """List stored articles, newest first (the first 100 unless --limit; a note on stderr says
    how many there are when not all are shown)."""
    choice = OutputChoice.from_flags(as_json=as_json, csv=as_csv, tsv=as_tsv, nl=as_nl)
    store = open_existing_store()
    try:
        rows = store.list_articles(limit=limit, offset=offset)
        total = store.count_articles()
    finally:
        store.close()
    if (offset or len(rows) < total) and not settings.quiet:
        # on stderr, so that --json output stays one JSON document
        first = offset + 1 if rows else 0
        err.print(
            f"rasid: showing articles {first}-{offset + len(rows)} of {total:,}"
            " (--limit and --offset show others)",
            markup=False,
        )

    def table() -> Any:
        from rich.table import Table

        table = Table("id", "published", "source", "title", "chars")
        for r in rows:
            table.add_row(
                r["id"],
                r["published"] or "?",
                r["source"] or "",
                (r["title"] or "")[:70],
                str(r["chars"]),
            )
        return table

    columns = list(rows[0]) if rows else ["id", "published", "source", "title", "chars"]
    print_rows(choice, rows, columns, table=table)


@app.command()
def show(article_id: str = typer.Argument(..., help="Article id.")) -> None:
    """Show an article's text with its sentences numbered (captions and headings marked)."""
    store = open_existing_store()
    data = store.get_article(article_id)
    store.close()
    if data is None:
        raise CliError(f"no article with id {article_id!r} (see `rasid articles`)")
    out.print(
        f"{data['id']}  {data['published'] or 'date unknown'}  {data['source'] or ''}", markup=False
    )
    if data["title"]:
        out.print(data["title"], markup=False)
    out.print("", markup=False)
    text = data["text"]
    for sent in data["sentences"]:
        mark = "" if sent["kind"] == "body" else f" [{sent['kind']}]"
        out.print(f"[{sent['idx'] + 1}]{mark} {text[sent['start'] : sent['end']]}", markup=False)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    no_serve: bool = typer.Option(False, "--no-serve", help="Ingest and print events only."),
) -> None:
    """Ingest the bundled sample articles, print their events, and serve the web UI."""
    from rasid.jobs import ingest as run_ingest

    samples = Path(__file__).resolve().parent.parent / "samples"
    url = store_url()
    report = run_ingest([str(samples)], url, on_problem=lambda m: err.print(m, markup=False))
    err.print(f"rasid: {report.stored} sample articles stored in {url}", markup=False)
    from rasid.store import open_store

    try:
        store = open_store(url)
        from rasid.store.query import EventQuery, query_events

        page = query_events(store, EventQuery(limit=50))
        for ev in page.items:
            out.print(
                f"{ev['date'] or '????-??-??'}  {ev['type']:<9} {ev['summary']}", markup=False
            )
        store.close()
    except StoreError:
        raise
    if no_serve:
        return
    from rasid.extras import require_extra

    require_extra("web")
    from rasid.web.server import serve_forever

    err.print(f"rasid: serving http://{host}:{port}/ (Ctrl-C to stop)", markup=False)
    serve_forever(url, host=host, port=port)
