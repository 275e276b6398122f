"""Shared fixtures: real SQLite files in tmp_path, a real PostgreSQL server when available."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# speed is measured by the benchmarks, not asserted by tests: a property test on a loaded
# machine must not fail for taking longer than hypothesis's default 200 ms an example
settings.register_profile("rasid", deadline=None)
settings.load_profile("rasid")
SHARED = ROOT.parent / "shared"
DEV = SHARED / "seeds" / "dev"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / "initdb").exists():
            return base
    return None


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL: RASID_TEST_PG if set, else a throwaway server started for the run."""
    url = os.environ.get("RASID_TEST_PG")
    if url:
        yield url
        return
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (install postgresql or set RASID_TEST_PG)")
    tmp = Path(tempfile.mkdtemp(prefix="rasid-pg-"))
    data = tmp / "data"
    port = _free_port()
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: use the postgres system user
        shutil.chown(tmp, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "rasid",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    proc = subprocess.Popen(
        [
            *run_as,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-p",
            str(port),
            "-k",
            str(tmp),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=60",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import psycopg

        deadline = time.time() + 30
        while True:
            try:
                with psycopg.connect(
                    f"host=127.0.0.1 port={port} user=rasid dbname=postgres", autocommit=True
                ) as conn:
                    conn.execute("CREATE DATABASE rasid_test")
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        yield f"postgresql://rasid@127.0.0.1:{port}/rasid_test"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def pg_store_url(pg_url: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server for one test."""
    import uuid

    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgresql://", "postgresql://"), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    yield pg_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store for one test, once as a SQLite file and once on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite")
    return str(request.getfixturevalue("pg_store_url"))


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "rasid.sqlite")


@pytest.fixture(scope="module")
def rules_only() -> Iterator[None]:
    """The rules' proposals with no trained decision: for tests of the rules and of merging,
    whose cases the decider (measured by bench/quality.py) would otherwise thin."""
    from rasid.events.decide import reset_decider, use_decider

    use_decider(None)
    yield
    reset_decider()
