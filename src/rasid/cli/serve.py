"""``rasid serve``: the web UI and the HTTP API over the store."""

from __future__ import annotations

import os

import typer

from rasid.cli.app import app, err, open_existing_store, settings, store_url


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535),
    token: str = typer.Option(
        None,
        "--token",
        help="API token that enables POST /api/articles (default: RASID_API_TOKEN).",
    ),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Server processes."),
    read_timeout: float = typer.Option(
        None,
        "--read-timeout",
        min=0,
        envvar="RASID_READ_TIMEOUT",
        show_envvar=True,
        metavar="SECONDS",
        help="A request must arrive whole (headers and body) within it, else 408 and the"
        " connection closed (default 30; 0: no limit).",
    ),
    query_timeout: float = typer.Option(
        None,
        "--query-timeout",
        min=0,
        envvar="RASID_QUERY_TIMEOUT",
        show_envvar=True,
        metavar="SECONDS",
        help="The reads of one GET request must be done within it, else 503 query_timeout"
        " (default 10; 0: no limit).",
    ),
    max_body: int = typer.Option(
        None,
        "--max-body-bytes",
        min=1,
        envvar="RASID_MAX_BODY_BYTES",
        show_envvar=True,
        metavar="BYTES",
        help="A request body over it is refused 413 while it is read (default 20971520: 20 MB).",
    ),
    read_cache: int = typer.Option(
        None,
        "--read-cache-mb",
        min=0,
        envvar="RASID_READ_CACHE_MB",
        show_envvar=True,
        metavar="MB",
        help="SQLite page cache of each read connection (default 8).",
    ),
) -> None:
    """Serve the web UI at / and the API at /api (read-only unless a token is set).

    The limits and what each refusal looks like: docs/serving.md."""
    from rasid.extras import require_extra

    require_extra("web")
    from rasid.web.server import serve_forever

    # the server's processes (uvicorn's workers too) read their limits from the environment
    limits = {
        "RASID_READ_TIMEOUT": read_timeout,
        "RASID_QUERY_TIMEOUT": query_timeout,
        "RASID_MAX_BODY_BYTES": max_body,
        "RASID_READ_CACHE_MB": read_cache,
    }
    for name, value in limits.items():
        if value is not None:
            os.environ[name] = f"{value:g}" if isinstance(value, float) else str(value)
    url = store_url()
    api_token = token or os.environ.get("RASID_API_TOKEN") or None
    if not api_token:
        open_existing_store().close()  # a read-only server creates no store to serve
    if not settings.quiet:
        mode = "accepting articles with the API token" if api_token else "read-only"
        err.print(
            f"rasid: serving {url} at http://{host}:{port}/ ({mode}; Ctrl-C to stop)", markup=False
        )
    serve_forever(url, host=host, port=port, api_token=api_token, workers=workers)
