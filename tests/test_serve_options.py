"""`rasid serve`'s limits given as options: the command itself in a process of its own on a free
port, its limits set on the command line (no RASID_ variable in its environment), each refusal
seen through real HTTP and raw sockets, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from test_query import build_store
from test_web_limits import _free_port, _multiply_events, _timeout_answer, _trickle, running

TOKEN = "serve-options-7c1e"
RASID = str(Path(sys.executable).with_name("rasid"))
LIMITS = (
    "RASID_READ_TIMEOUT",
    "RASID_QUERY_TIMEOUT",
    "RASID_MAX_BODY_BYTES",
    "RASID_READ_CACHE_MB",
)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LIMITS and k != "RASID_API_TOKEN"}
    return {**env, **extra}


@contextmanager
def rasid_serve(url: str, *options: str, **env: str) -> Iterator[tuple[str, int]]:
    port = _free_port()
    argv = [RASID, "-q", "--db", url, "serve", "--port", str(port), "--token", TOKEN, *options]
    with running(argv, _env(**env), port) as address:
        yield address


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_the_limits_given_as_options_bound_the_server(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if engine == "sqlite":
        url = build_store(tmp_path / "big.sqlite")
    else:
        url = build_store(tmp_path / "unused", _url=request.getfixturevalue("pg_store_url"))
    assert _multiply_events(url, 5_000) > 20_000
    options = ("--read-timeout", "1", "--query-timeout", "0.001", "--max-body-bytes", "2000")
    with (
        rasid_serve(url, *options, RASID_KEPT_ANSWERS="0") as address,
        httpx.Client(base_url=f"http://{address[0]}:{address[1]}", timeout=60) as client,
    ):
        headers = b"GET /api/meta HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 300 + b"\r\n\r\n"
        sent, answer = _trickle(address, headers)
        assert sent < len(headers)
        assert "within 1 s" in str(_timeout_answer(answer)["message"])

        big = client.post(
            "/api/articles",
            json={"id": "big-1", "text": "نص " * 1000},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert big.status_code == 413, big.text
        assert "--max-body-bytes" in big.json()["error"]["message"]

        # no index serves this order: every event is read and sorted, past 1 ms
        stopped = client.get("/api/events?sort=-confidence&limit=5")
        assert stopped.status_code == 503, stopped.text
        assert stopped.json()["error"]["code"] == "query_timeout"
        assert "--query-timeout" in stopped.json()["error"]["message"]
        assert client.get("/openapi.json").status_code == 200


def test_an_option_wins_over_its_variable_and_a_bad_value_is_a_usage_error(
    tmp_path: Path,
) -> None:
    url = build_store(tmp_path / "rasid.sqlite")
    # the variable says 0 (no limit), the option 1 s: the option is the one kept
    with rasid_serve(url, "--read-timeout", "1", RASID_READ_TIMEOUT="0") as address:
        _, answer = _trickle(address, b"GET /api/meta HTTP/1.1\r\nHost: x\r\n" + b"a" * 300)
        assert "within 1 s" in str(_timeout_answer(answer)["message"])
    for argv, env in (
        (["serve", "--query-timeout", "-1"], {}),
        (["serve", "--max-body-bytes", "lots"], {}),
        (["serve"], {"RASID_READ_TIMEOUT": "soon"}),
    ):
        done = subprocess.run(
            [RASID, "--db", url, *argv],
            env=_env(**env),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, (argv, env, done.stderr)
        assert "Usage:" in done.stderr and "internal error" not in done.stderr


def test_serve_help_and_the_serving_doc_name_every_limit() -> None:
    done = subprocess.run(
        [RASID, "serve", "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    doc = (Path(__file__).parents[1] / "docs" / "serving.md").read_text(encoding="utf-8")
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for option, variable in (
        ("--read-timeout", "RASID_READ_TIMEOUT"),
        ("--query-timeout", "RASID_QUERY_TIMEOUT"),
        ("--max-body-bytes", "RASID_MAX_BODY_BYTES"),
        ("--read-cache-mb", "RASID_READ_CACHE_MB"),
    ):
        assert option in done.stdout and variable in done.stdout
        assert option in doc and variable in doc
    assert "docs/serving.md" in readme
