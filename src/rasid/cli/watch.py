"""``rasid watch``: poll live feeds into the store; ``rasid watchlist``: what to be alerted on;
``rasid alerts`` and ``rasid feeds``: what the monitor raised and how each feed fares."""

from __future__ import annotations

import json
from typing import Any

import typer

from rasid.cli.app import app, err, open_existing_store, out, settings, store_url
from rasid.errors import CliError

SECRET_ENV = "RASID_WEBHOOK_SECRET"  # the one of rasid.watch.config, named without importing it

watchlist_app = typer.Typer(help="Watchlists: the events to be alerted on.", no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")


def _feed_line(line: str, feed: dict[str, Any] | None) -> str:
    if not feed:
        return line
    return (
        f"{line}; last success {feed.get('last_success') or 'never'},"
        f" {feed.get('items') or 0} items, {feed.get('errors') or 0} errors"
    )


@app.command("watch")
def watch_command(
    feeds: list[str] = typer.Argument(..., help="FEEDS.yaml, or feed URLs, or both."),
    once: bool = typer.Option(False, "--once", help="Poll every feed once, then exit (cron)."),
    webhook: str = typer.Option(
        None, "--webhook", help=f"POST alerts here, signed with ${SECRET_ENV} (HMAC-SHA256)."
    ),
    every: float = typer.Option(None, "--every", min=1, help="Seconds between polls of a feed."),
    timeout: float = typer.Option(None, "--timeout", min=0.1, help="Seconds per request."),
    retries: int = typer.Option(None, "--retries", min=0, help="Retries of a failed request."),
    backoff: float = typer.Option(None, "--backoff", min=0, help="First retry wait, seconds."),
    host_interval: float = typer.Option(
        None, "--host-interval", min=0, help="Seconds between two requests to one host."
    ),
) -> None:
    """Poll RSS/Atom feeds and XML sitemaps, ingest each new item's page, alert on watched
    events (webhook, mail, the web UI).

    Prints one status line per feed and round. A restart (or a kill) loses and repeats
    nothing: what was seen is kept in the store. With --once, exits 1 when no feed could be
    read. FEEDS.yaml holds the feeds and the settings, the mail server's among them (see the
    README); secrets come from the environment only."""
    from rasid.extras import require_extra

    require_extra("watch")  # the fetcher's client: say so before any work
    from rasid.watch import read_config, watch
    from rasid.watch.state import list_feeds

    paths = [f for f in feeds if not f.startswith(("http://", "https://"))]
    urls = [f for f in feeds if f.startswith(("http://", "https://"))]
    if len(paths) > 1:
        raise CliError(f"give one FEEDS.yaml, not {len(paths)}")
    config = read_config(
        paths[0] if paths else None,
        urls,
        every=every,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        host_interval=host_interval,
        webhook=webhook,
    )
    url = store_url()
    for report in watch(url, config, once=once):
        from rasid.store import open_store

        store = open_store(url)
        try:
            known = {f["url"]: f for f in list_feeds(store)}
        finally:
            store.close()
        for feed in report.feeds:
            line = _feed_line(feed.line, known.get(feed.url))
            if feed.ok:
                if not settings.quiet:
                    out.print(line, markup=False)
            else:
                err.print(line, markup=False)
        if report.alerts and not settings.quiet:
            out.print(f"{len(report.alerts)} alerts", markup=False)
        if report.pending:
            err.print(f"{report.pending} alerts not delivered yet", markup=False)
        if once and report.feeds and not any(f.ok for f in report.feeds):
            # for cron: a round in which no feed could be read is a failure
            raise CliError("no feed could be read (see the lines above)")


@watchlist_app.command("add")
def watchlist_add(
    name: str = typer.Argument(..., help="The watchlist's name."),
    type_: str = typer.Option(None, "--type", help="Event types, comma-separated (ASSAULT)."),
    country: str = typer.Option(None, "--country", help="Country codes, comma-separated (IQ)."),
    actor: str = typer.Option(None, "--actor", help="An actor, by id or name."),
    place: str = typer.Option(None, "--place", help="A place, by id or name."),
    min_fatalities: int = typer.Option(None, "--min-fatalities", min=0, help="At least N killed."),
    lang: str = typer.Option(None, "--lang", help="The language of its alerts: en or ar."),
    email: str = typer.Option(
        None, "--email", help="Mail its alerts to these addresses, comma-separated."
    ),
) -> None:
    """Add (or replace) a watchlist: each new event matching all its filters gives an alert."""
    from rasid.store import open_store
    from rasid.watch.state import make_watchlist

    watchlist = make_watchlist(
        name,
        type=type_,
        country=country,
        actor=actor,
        place=place,
        min_fatalities=min_fatalities,
        lang=lang,
        email=email,
    )
    if isinstance(watchlist, str):
        raise CliError(watchlist)
    from rasid.watch.state import add_watchlist

    store = open_store(store_url())
    try:
        new = add_watchlist(store, watchlist)
    finally:
        store.close()
    if not settings.quiet:
        out.print(f"watchlist {name} {'added' if new else 'replaced'}", markup=False)


@watchlist_app.command("list")
def watchlist_list(as_json: bool = typer.Option(False, "--json", help="JSON.")) -> None:
    """The watchlists and their filters."""
    from rasid.watch.state import list_watchlists

    store = open_existing_store()
    try:
        rows = [w.to_json() for w in list_watchlists(store)]
    finally:
        store.close()
    if as_json:
        out.print(json.dumps(rows, ensure_ascii=False, indent=1), markup=False)
        return
    for row in rows:
        filters = " ".join(
            f"--{k.replace('_', '-')} {','.join(v) if isinstance(v, list) else v}"
            for k, v in row.items()
            if k != "name"
        )
        out.file.write(f"{row['name']}\t{filters}\n")


@watchlist_app.command("remove")
def watchlist_remove(name: str = typer.Argument(..., help="The watchlist's name.")) -> None:
    """Remove a watchlist (its alerts stay)."""
    from rasid.watch.state import remove_watchlist

    store = open_existing_store()
    try:
        if not remove_watchlist(store, name):
            raise CliError(f"no watchlist named {name!r} (see `rasid watchlist list`)")
    finally:
        store.close()
    if not settings.quiet:
        out.print(f"watchlist {name} removed", markup=False)


@app.command("alerts")
def alerts_command(
    watchlist: str = typer.Option(None, "--watchlist", help="Only this watchlist's alerts."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000, help="Alerts to show."),
    as_json: bool = typer.Option(False, "--json", help="JSON."),
) -> None:
    """The alerts raised by watchlists, newest first."""
    from rasid.watch.state import list_alerts

    store = open_existing_store()
    try:
        rows = list_alerts(store, limit=limit, watchlist=watchlist)
    finally:
        store.close()
    if as_json:
        out.print(json.dumps(rows, ensure_ascii=False, indent=1), markup=False)
        return
    for r in rows:
        delivered = "delivered" if r["delivered_at"] else "not delivered"
        out.file.write(
            f"{r['id']}\t{r['created_at']}\t{r['watchlist']}\t{r['kind']}\t{r['event_id']}"
            f"\t{r['fatalities'] if r['fatalities'] is not None else '-'} killed"
            f"\t{r['n_articles'] or 0} articles\t{delivered}\n"
        )


@app.command("feeds")
def feeds_command(as_json: bool = typer.Option(False, "--json", help="JSON.")) -> None:
    """The watched feeds: last poll, last success, items ingested, errors."""
    from rasid.watch.state import list_feeds

    store = open_existing_store()
    try:
        rows = list_feeds(store)
    finally:
        store.close()
    for row in rows:
        row.pop("etag", None)
        row.pop("last_modified", None)
    if as_json:
        out.print(json.dumps(rows, ensure_ascii=False, indent=1), markup=False)
        return
    for row in rows:
        out.print(_feed_line(row["last_status"] or row["url"], row), markup=False)
