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
) -> None:
    """Serve the web UI at / and the API at /api (read-only unless a token is set)."""
    from rasid.extras import require_extra

    require_extra("web")
    from rasid.web.server import serve_forever

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
