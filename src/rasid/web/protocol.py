"""The HTTP protocol the server runs: uvicorn's h11 protocol with a time limit on reading a
request.

uvicorn times the idle wait between two requests of a connection (keep-alive, 5 s), but not a
connection that sends nothing, nor a request whose headers or body come a byte at a time: a
client trickling bytes (slowloris) held a connection, and its buffers, for as long as it liked,
and enough of them held every connection the server would take. Here a request must
arrive whole (request line, headers and body) within ``RASID_READ_TIMEOUT`` seconds (30 by
default; 0 for no limit) of its first byte (the first request of a connection: of the
connection's opening, so a connection that sends nothing is closed as well). Past it the client
is answered 408 ``request_timeout`` in the API's error shape (nothing, when it sent nothing) and
the connection is closed; an application already waiting for the rest of the body is told the
client left.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from rasid.web.errors import error_body
from rasid.web.limits import _seconds_from_env

ENV_READ_TIMEOUT = "RASID_READ_TIMEOUT"
DEFAULT_READ_TIMEOUT = 30.0
_READING = (h11.IDLE, h11.SEND_BODY)


def read_timeout_from_env() -> float:
    return _seconds_from_env(ENV_READ_TIMEOUT, DEFAULT_READ_TIMEOUT)


def _timeout_response(seconds: float) -> bytes:
    body = json.dumps(
        error_body(
            408,
            "request_timeout",
            f"the request did not arrive whole within {seconds:g} s; send it at once",
        )
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class TimedH11Protocol(H11Protocol):
    """``H11Protocol`` with the read timeout of the module's docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = read_timeout_from_env()
        self._read_timer: asyncio.TimerHandle | None = None
        self._bytes_of_request = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._read_timer is None and self.conn.their_state in _READING:
            self._arm()  # the first bytes of the next request of a kept-alive connection
        self._bytes_of_request += len(data)
        super().data_received(data)
        if self.conn.their_state not in _READING:
            self._disarm()  # the whole request is in
            self._bytes_of_request = 0

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state in _READING and self.conn.trailing_data[0]:
            self._arm()  # a pipelined request partly read already

    def _arm(self) -> None:
        self._disarm()
        if self.read_timeout > 0:
            self._read_timer = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing() or self.conn.their_state not in _READING:
            return
        # the request being read has its cycle once its headers are in
        cycle = self.cycle if self.conn.their_state is h11.SEND_BODY else None
        answered = cycle is not None and cycle.response_started
        if cycle is not None and not cycle.response_complete:
            # the application waiting for the body hears that the client left; whatever it
            # sends from now on is dropped
            cycle.disconnected = True
            cycle.message_event.set()
        if self._bytes_of_request and not answered:
            self.transport.write(_timeout_response(self.read_timeout))
        self.transport.close()
