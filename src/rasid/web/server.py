"""Serving the application with uvicorn."""

from __future__ import annotations

import os

from fastapi import FastAPI

_DB_ENV = "RASID_SERVE_DB"


def app_from_env() -> FastAPI:
    """The application for worker processes, which uvicorn builds from an import string."""
    from rasid.web.app import create_app

    return create_app(os.environ[_DB_ENV])


def serve_forever(
    store_url: str, host: str, port: int, *, api_token: str | None = None, workers: int = 1
) -> None:
    """Serve the API and the web UI over the store at ``store_url`` until interrupted.

    With ``workers`` > 1 uvicorn runs that many processes, each with its own connection pool.
    Requests are read with a time limit (``rasid.web.protocol``).
    """
    import uvicorn

    from rasid.web.app import create_app
    from rasid.web.protocol import TimedH11Protocol

    if workers > 1:
        os.environ[_DB_ENV] = store_url
        if api_token:
            os.environ["RASID_API_TOKEN"] = api_token
        uvicorn.run(
            "rasid.web.server:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            access_log=False,
            http=TimedH11Protocol,
        )
        return
    app = create_app(store_url, api_token=api_token)
    uvicorn.run(
        app, host=host, port=port, log_level="warning", access_log=False, http=TimedH11Protocol
    )
