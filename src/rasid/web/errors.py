"""One error shape for every failure the server answers: ``{"error": {code, message, status}}``.

API clients (and anything that does not ask for HTML) get that JSON; a browser on a page gets the
same fields rendered as an HTML page. Unexpected exceptions become a 500 with a generic message;
the traceback goes to the log, never to the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match
from starlette.types import Message, Receive, Scope, Send

from rasid.errors import ApiError, StoreError
from rasid.store.query import QueryError
from rasid.web.asgi import HttpMiddleware
from rasid.web.limits import past_deadline, timeout_message

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    503: "store_unavailable",
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "status"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "status": {"type": "integer"},
            },
        }
    },
}


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/api", "/openapi.json"):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_html(request):
        render: Callable[..., Response] | None = getattr(request.app.state, "render_error", None)
        if render is not None:
            return render(request, status, code, message)
    return JSONResponse(error_body(status, code, message), status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "body") or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _allowed_methods(request: Request) -> str:
    """Every method some route accepts at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if status == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}"
        headers = dict(exc.headers) if exc.headers else None
        if status == 405:
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return error_response(request, status, _CODES.get(status, "error"), message, headers)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 422, "invalid_request", _validation_message(exc))

    async def on_query(request: Request, exc: Exception) -> Response:
        return error_response(request, 422, "invalid_query", str(exc))

    async def on_api(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return error_response(request, exc.status, exc.code, str(exc), headers)

    async def on_store(request: Request, exc: Exception) -> Response:
        if past_deadline():  # stopped by the query timeout (rasid.web.limits)
            seconds = getattr(request.app.state, "query_timeout", 0.0)
            log.warning("query timeout on %s: %s", request.url.path, exc)
            return error_response(request, 503, "query_timeout", timeout_message(seconds))
        log.error("store error on %s: %s", request.url.path, exc)
        return error_response(request, 503, "store_unavailable", str(exc))

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(QueryError, on_query)
    app.add_exception_handler(ApiError, on_api)
    app.add_exception_handler(StoreError, on_store)
    app.add_middleware(_Crashes)


class _Crashes(HttpMiddleware):
    """Unexpected exceptions answered with the 500 error shape, the traceback to the log.

    Caught here, inside the application: an exception left to Starlette's outermost handler is
    answered and then raised again, and the server drops the connection under the client.
    """

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:  # too late for another answer
                raise
            request = Request(scope)
            log.error("internal error on %s", request.url.path, exc_info=exc)
            response = error_response(
                request, 500, "internal_error", "internal error (the server log has the details)"
            )
            await response(scope, receive, send)
