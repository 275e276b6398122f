"""The FastAPI application: the JSON API under /api, the pages, the static assets, /docs.

``create_app(store_url)`` opens the store once and shares it between requests (each query opens a
short transaction). Every response carries a Content-Security-Policy that allows only this
server's own scripts and styles, a second wall behind the escaping of article text.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from rasid import __version__
from rasid.store import open_store
from rasid.web.api import router as api_router
from rasid.web.asgi import HttpMiddleware
from rasid.web.errors import install_error_handlers
from rasid.web.guard import RequestGuard, max_body_from_env
from rasid.web.limits import (
    QueryDeadline,
    bound_reads,
    query_timeout_from_env,
    read_cache_from_env,
)
from rasid.web.memory import limit_arenas
from rasid.web.pages import render_error
from rasid.web.pages import router as pages_router
from rasid.web.render import STATIC_DIR, make_env
from rasid.web.watch_pages import router as watch_pages_router

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI boots from an inline script and sets inline styles.
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

DESCRIPTION = """Events, actors, articles, statements and figures extracted by Rasid from Arabic
news about conflict, each traceable to its source sentence. Read-only unless the server was given
an API token (RASID_API_TOKEN), which POST /api/articles then requires as a Bearer token.

Every error has the same shape: `{"error": {"code": "...", "message": "...", "status": 404}}`."""


class SecurityHeaders(HttpMiddleware):
    """Adds CSP and friends to every HTTP response (pure ASGI: streaming stays streaming)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        csp = _DOCS_CSP if scope["path"] == "/docs" else _CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(store_url: str, api_token: str | None = None) -> FastAPI:
    """The application over the store at ``store_url``. ``api_token`` (else RASID_API_TOKEN)
    enables POST /api/articles for clients presenting it; without one the server is read-only."""
    token = api_token if api_token is not None else os.environ.get("RASID_API_TOKEN") or None
    limit_arenas()  # before the thread pool's threads start (rasid.web.memory)
    store = open_store(store_url)
    query_timeout = query_timeout_from_env()
    bound_reads(store.engine, cache_mb=read_cache_from_env())  # rasid.web.limits
    writer = open_store(store_url, migrate=False) if token else store

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()
        writer.close()

    app = FastAPI(
        title="Rasid",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.writer = writer
    app.state.query_timeout = query_timeout
    app.state.api_token = token
    app.state.jinja = make_env()
    app.state.render_error = render_error
    install_error_handlers(app)
    app.include_router(api_router)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Rasid API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.include_router(pages_router)
    app.include_router(watch_pages_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(GZipMiddleware, minimum_size=2000, compresslevel=5)
    app.add_middleware(QueryDeadline, seconds=query_timeout)
    # writes are refused from their headers, bodies bounded while read (rasid.web.guard)
    app.add_middleware(RequestGuard, token=token, max_body=max_body_from_env())
    app.add_middleware(SecurityHeaders)
    return app
