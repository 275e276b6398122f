"""Core commands: ingest, articles, show, demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from rasid.cli.app import app, err, out, settings, store_url
from rasid.errors import CliError, StoreError


@app.command()
def ingest(
    paths: list[str] = typer.Argument(
        ..., help="Files or directories (JSONL, .txt, .html, RSS/Atom), or - for stdin."
    ),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Processes for the pipeline."),
    cluster: str = typer.Option(
        None, "--cluster", help="Run the stages on a Dask cluster: tcp://HOST:8786."
    ),
) -> None:
    """Read articles, extract events, and store them (the same article is stored once)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    url = store_url()
    show_bar = not settings.quiet and sys.stderr.isatty()
    problems: list[str] = []

    def on_problem(msg: str) -> None:
        problems.append(msg)
        err.print(f"rasid: skipped: {msg}", markup=False)

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
            )
        else:
            report = run_ingest(
                paths,
                url,
                workers=workers,
                stdin=stdin,
                on_problem=on_problem,
                on_progress=lambda n: progress.advance(task, n),
            )
    if not settings.quiet:
        err.print(
            f"rasid: {report.stored} stored, {report.skipped} already there, "
            f"{report.failed} skipped with problems, into {url}",
            markup=False,
        )
    if report.stored == 0 and report.skipped == 0 and report.failed:
        raise typer.Exit(1)


@app.command()
def articles(
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
    limit: int = typer.Option(100, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
) -> None:
    """List stored articles, newest first."""
    from rasid.store import open_store

    store = open_store(store_url(), create=True)
    rows = store.list_articles(limit=limit, offset=offset)
    store.close()
    if as_json:
        out.print(json.dumps(rows, ensure_ascii=False, indent=1), markup=False)
        return
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
    out.print(table)


@app.command()
def show(article_id: str = typer.Argument(..., help="Article id.")) -> None:
    """Show an article's text with its sentences numbered (captions and headings marked)."""
    from rasid.store import open_store

    store = open_store(store_url(), create=True)
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
    from rasid.web.server import serve_forever

    err.print(f"rasid: serving http://{host}:{port}/ (Ctrl-C to stop)", markup=False)
    serve_forever(url, host=host, port=port)
