"""Time limits of the server through real HTTP: `rasid serve`'s server in a process of its own on
a free port, raw sockets that trickle a request's headers or body (slowloris), a connection that
sends nothing, and a query stopped past the query timeout, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from rasid.store import open_store
from rasid.store import schema as s
from test_query import build_store

TOKEN = "limits-token-5d2a"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(argv: list[str], env: dict[str, str], port: int) -> Iterator[tuple[str, int]]:
    """A server process started from ``argv``, its address once it answers on ``port``."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "exited")
            try:  # no query: the query timeout of a test may be tiny
                if httpx.get(f"http://127.0.0.1:{port}/openapi.json").status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def serving(db: str, **env: str) -> Iterator[tuple[str, int]]:
    """The server of `rasid serve` over ``db`` with ``env`` set, in a process of its own."""
    port = _free_port()
    code = (
        "from rasid.web.server import serve_forever; "
        f"serve_forever({db!r}, '127.0.0.1', {port}, api_token={TOKEN!r})"
    )
    with running([sys.executable, "-c", code], {**os.environ, **env}, port) as address:
        yield address


def _trickle(address: tuple[str, int], request: bytes, head: int = 0) -> tuple[int, bytes]:
    """Send the first ``head`` bytes of ``request`` at once, then the rest one byte every 0.2 s
    until the server answers or closes; how many bytes went, and what came back."""
    answer = b""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request[:head])
        sent = head
        sock.settimeout(0.2)
        while sent < len(request):
            try:
                sock.sendall(request[sent : sent + 1])
            except OSError:
                break
            sent += 1
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            answer += chunk
            if not chunk:
                break
        sock.settimeout(10)
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return sent, answer


def _timeout_answer(answer: bytes) -> dict[str, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b"connection: close" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] == "request_timeout" and error["status"] == 408
    return dict(error)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("limits") / "rasid.sqlite")


def test_trickled_headers_a_silent_connection_and_a_trickled_body_are_cut(db: str) -> None:
    with serving(db, RASID_READ_TIMEOUT="1") as address:
        headers = b"GET /api/meta HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 300 + b"\r\n\r\n"
        sent, answer = _trickle(address, headers)
        assert sent < len(headers)  # cut long before the headers were all sent
        assert "within 1 s" in str(_timeout_answer(answer)["message"])

        # a connection that sends nothing is closed (the keep-alive timer never started)
        with socket.create_connection(address, timeout=20) as sock:
            assert sock.recv(100) == b""

        body = json.dumps({"id": "slow-1", "text": "نص " * 200}).encode()
        post = (
            b"POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        sent, answer = _trickle(address, post + body, head=len(post))
        assert sent < len(post + body)
        _timeout_answer(answer)

        # the server goes on serving; a request sent whole is not cut, kept alive or not
        with httpx.Client(base_url=f"http://{address[0]}:{address[1]}") as client:
            for _ in range(2):
                assert client.get("/api/meta").json()["articles"] > 0
                time.sleep(1.5)  # longer than the read timeout, shorter than keep-alive
            assert client.get("/api/meta").json()["articles"] > 0
        assert httpx.get(f"http://{address[0]}:{address[1]}/api/search?q=x").status_code == 200


def _multiply_events(url: str, copies: int) -> int:
    """Copies of every stored event under new ids, made by the database itself; the count."""
    store = open_store(url)
    cols = [c.name for c in s.events.columns if c.name != "id"]
    picked = ", ".join(f"e.{c}" for c in cols)
    with store.begin() as conn:
        conn.execute(
            text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :k) "
                f"INSERT INTO events (id, {', '.join(cols)}) "
                f"SELECT e.id || '~' || CAST(n.i AS VARCHAR), {picked} FROM events e, n"
            ),
            {"k": copies},
        )
        count = int(conn.execute(text("SELECT count(*) FROM events")).scalar_one())
    store.close()
    return count


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_query_past_the_timeout_is_stopped_and_answered_503(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if engine == "sqlite":
        url = build_store(tmp_path / "big.sqlite")
    else:
        url = build_store(tmp_path / "unused", _url=request.getfixturevalue("pg_store_url"))
    assert _multiply_events(url, 20_000) > 100_000
    # no index serves this order: every event is read and sorted
    heavy = "/api/events?sort=-confidence&limit=5"
    limited = serving(url, RASID_QUERY_TIMEOUT="0.001", RASID_KEPT_ANSWERS="0")
    with (
        limited as (host, port),
        httpx.Client(base_url=f"http://{host}:{port}", timeout=60) as client,
    ):
        stopped = client.get(heavy)
        assert stopped.status_code == 503, stopped.text
        error = stopped.json()["error"]
        assert error["code"] == "query_timeout" and error["status"] == 503
        assert "RASID_QUERY_TIMEOUT" in error["message"]
        # the stopped query holds nothing: the server answers, the export is not timed
        assert client.get("/openapi.json").status_code == 200
        with client.stream("GET", "/api/export", params={"format": "jsonl"}) as export:
            assert export.status_code == 200
            lines = export.iter_lines()
            assert sum(1 for _, line in zip(range(2000), lines, strict=False) if line) == 2000
    with serving(url, RASID_KEPT_ANSWERS="0") as (host, port):  # the default limit, 10 s
        page = httpx.get(f"http://{host}:{port}{heavy}", timeout=60)
        assert page.status_code == 200 and page.json()["total"] > 100_000
