"""Requests that carry a body: the token checked before a byte of it is read, its size bounded
while it is read.

A write (POST /api/articles) is answered 403 on a read-only server and 401 without the right
Bearer token straight from the headers, so an unauthenticated client cannot
make the server read, buffer or parse anything. A body whose Content-Length passes the limit is
answered 413 at once; one that streams past it (chunked, or a lying header) is cut off at the
limit and answered 413. Every answer has the API's one error shape. Plain ASGI, like the other
middlewares (rasid.web.asgi), so responses stream as before.
"""

from __future__ import annotations

import hmac
import json
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasid.web.asgi import HttpMiddleware
from rasid.web.errors import error_body

DEFAULT_MAX_BODY = 20 * 2**20
ENV_MAX_BODY = "RASID_MAX_BODY_BYTES"
# the routes that write (method, path): the only ones a token opens
WRITES = frozenset({("POST", "/api/articles")})


def max_body_from_env() -> int:
    raw = os.environ.get(ENV_MAX_BODY)
    try:
        return int(raw) if raw else DEFAULT_MAX_BODY
    except ValueError:
        return DEFAULT_MAX_BODY


class RequestGuard(HttpMiddleware):
    def __init__(self, app: ASGIApp, token: str | None, max_body: int = DEFAULT_MAX_BODY) -> None:
        super().__init__(app)
        self.token = token
        self.max_body = max_body

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope.get("method", "GET"), scope["path"].rstrip("/")) in WRITES:
            refusal = self._refusal(scope)
            if refusal is not None:
                await _answer(send, *refusal)
                return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await _answer(send, 413, "too_large", self._too_large())
            return
        seen = 0
        started = answered = False

        async def bounded_receive() -> Message:
            nonlocal seen, answered
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    # answer now and tell the application the client is gone: it stops
                    # reading, and whatever it would answer is dropped
                    if not started:
                        await _answer(send, 413, "too_large", self._too_large())
                    answered = True
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, bounded_receive, tracking_send)

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        if not self.token:
            return (
                403,
                "read_only",
                "this server is read-only: start it with RASID_API_TOKEN set to accept articles",
            )
        given = b""
        for name, value in scope.get("headers") or ():
            if name == b"authorization":
                given = value
        scheme, _, credential = given.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            credential.strip().encode(), self.token.encode()
        ):
            return 401, "unauthorized", "send the API token as 'Authorization: Bearer TOKEN'"
        return None

    def _too_large(self) -> str:
        return (
            f"the request body is over {self.max_body:,} bytes "
            f"(the server allows more with `rasid serve --max-body-bytes` or {ENV_MAX_BODY})"
        )


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(status, code, message)).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
