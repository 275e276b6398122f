"""Polite HTTP for the monitor: conditional requests, a timeout, retries with backoff, and a
minimum interval between two requests to one host.

A transient failure (timeout, connection error, 429 or 5xx) is retried ``retries`` times, the
wait doubling from ``backoff`` seconds; any other answer is final. Nothing here raises on an
HTTP status: the caller reads ``Fetched.status`` and ``Fetched.error``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from rasid import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"rasid/{__version__} (news monitor)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer, or the error that stood in for it (status 0)."""

    url: str
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass
class Fetcher:
    """One HTTP client for a watch run; ``host_interval`` seconds between requests to a host."""

    timeout: float = 10.0
    retries: int = 2
    backoff: float = 1.0
    host_interval: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)
    _client: Any = None

    def __post_init__(self) -> None:
        import httpx

        self._client = httpx.Client(
            timeout=self.timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
        )

    def close(self) -> None:
        self._client.close()

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last.get(host)
        if last is not None:
            wait = last + self.host_interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
        self._last[host] = time.monotonic()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url``, conditional on the validators given; retried when transient."""
        import httpx

        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        error = "not fetched"
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_for_host(url)
            try:
                resp = self._client.get(url, headers=headers)
            except httpx.TimeoutException:
                error = f"timed out after {self.timeout:g} s"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if resp.status_code not in RETRY_STATUSES:
                    return Fetched(url, resp.status_code, resp.content, dict(resp.headers))
                error = f"HTTP {resp.status_code}"
            log.debug("%s: %s (attempt %d)", url, error, attempt + 1)
        tries = self.retries + 1
        return Fetched(url, 0, error=f"{error} ({tries} attempt{'s' * (tries > 1)})")

    def post_json(self, url: str, body: bytes, headers: dict[str, str]) -> str | None:
        """POST ``body``; None when the receiver took it (2xx), else the last error."""
        import httpx

        error = "not sent"
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                resp = self._client.post(
                    url, content=body, headers={"Content-Type": "application/json", **headers}
                )
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            if 200 <= resp.status_code < 300:
                return None
            error = f"HTTP {resp.status_code}"
            if resp.status_code not in RETRY_STATUSES:
                break
        return error
