"""Parallel and distributed ingest give the same store as one process."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rasid.jobs import ingest
from rasid.store import open_store
from rasid.store import schema as s

ANT = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "corpora"
    / "ant-multisource"
    / ("ant_v2.1_multisource.jsonl")
)

pytestmark = pytest.mark.skipif(
    not ANT.exists(), reason="the ANT corpus is not beside the checkout"
)


def _sample(tmp_path: Path, n: int, skip: int = 0, name: str = "sample.jsonl") -> Path:
    out = tmp_path / name
    with ANT.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in itertools.islice(src, skip, skip + n):
            dst.write(line)
    return out


def _snapshot(url: str) -> dict[str, object]:
    store = open_store(url)
    with store.connect() as conn:
        articles = sorted(conn.execute(select(s.articles.c.id)).scalars())
        events = sorted(
            (r.id, r.type, r.date, r.n_sources)
            for r in conn.execute(
                select(s.events.c.id, s.events.c.type, s.events.c.date, s.events.c.n_sources)
            )
        )
        mentions = dict(
            conn.execute(
                select(s.event_mentions.c.article_id, func.count()).group_by(
                    s.event_mentions.c.article_id
                )
            ).all()
        )
        statements = conn.execute(select(func.count()).select_from(s.statements)).scalar_one()
        entities = sorted(
            conn.execute(select(s.entities.c.id, s.entities.c.data, s.entities.c.name_key)).all()
        )
    store.close()
    return {
        "articles": articles,
        "events": events,
        "mentions": mentions,
        "statements": statements,
        "entities": entities,
    }


def test_two_workers_store_what_one_worker_stores(tmp_path: Path) -> None:
    corpus = _sample(tmp_path, 300)
    one, two = str(tmp_path / "one.sqlite"), str(tmp_path / "two.sqlite")
    r1 = ingest([str(corpus)], one, workers=1)
    r2 = ingest([str(corpus)], two, workers=2)
    assert r1.stored == r2.stored > 250
    assert _snapshot(one) == _snapshot(two)


def test_interrupted_run_completes_on_rerun(tmp_path: Path) -> None:
    corpus = _sample(tmp_path, 120)
    db = str(tmp_path / "k.sqlite")
    code = (
        "import os, signal\n"
        "import rasid.jobs\n"
        "from rasid.jobs import ingest\n"
        "rasid.jobs.BATCH = 32  # several transactions in these 120 articles\n"
        "n = 0\n"
        "def tick(k):\n"
        "    global n\n"
        "    n += k\n"
        "    if n >= 40:\n"
        "        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"ingest([{str(corpus)!r}], {db!r}, on_progress=tick)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False)
    assert proc.returncode != 0  # killed with -9 mid-run
    partial = _snapshot(db)
    assert 0 < len(partial["articles"]) < 120  # type: ignore[arg-type]
    # every stored article is whole: its sentences are there
    store = open_store(db)
    with store.connect() as conn:
        bare = conn.execute(
            select(func.count())
            .select_from(s.articles)
            .where(~s.articles.c.id.in_(select(s.sentences.c.article_id)))
        ).scalar_one()
    store.close()
    assert bare == 0
    report = ingest([str(corpus)], db)
    assert report.skipped == len(partial["articles"])  # type: ignore[arg-type]
    full = str(tmp_path / "full.sqlite")
    ingest([str(corpus)], full)
    assert _snapshot(db)["articles"] == _snapshot(full)["articles"]


def test_dask_cluster_writes_what_one_process_writes(tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    from rasid.cluster import ingest_on_cluster

    lines = _sample(tmp_path, 400).read_text(encoding="utf-8").splitlines()
    # a line that is not JSON and a line repeated in a later batch, among the articles
    corpus = tmp_path / "mixed.jsonl"
    mixed = [*lines[:100], "{not json", *lines[100:], lines[5]]
    corpus.write_text("\n".join(mixed) + "\n", "utf-8")
    single = str(tmp_path / "single.sqlite")
    r1 = ingest([str(corpus)], single)
    expected = _snapshot(single)
    counts = (r1.read, r1.stored, r1.skipped, r1.failed)
    assert r1.failed == 1 and r1.problems[0].startswith(f"{corpus}:101: not valid JSON")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        # the workers write the file (they run on this machine), then this process does
        for name, on_workers in (("workers", None), ("client", False)):
            db = str(tmp_path / f"{name}.sqlite")
            report = ingest_on_cluster(
                [str(corpus)], db, client, batch_size=32, write_on_workers=on_workers
            )
            assert (report.read, report.stored, report.skipped, report.failed) == counts, name
            assert report.problems == r1.problems, name
            assert r1.stored > 350
            assert _snapshot(db) == expected, name
        # a second run over the same articles stores nothing again
        again = ingest_on_cluster([str(corpus)], str(tmp_path / "workers.sqlite"), client)
        assert (again.stored, again.skipped) == (0, r1.stored + r1.skipped)


def test_a_stopped_cluster_job_leaves_nothing_running(tmp_path: Path) -> None:
    import time

    from distributed import Client, LocalCluster

    from rasid.cluster import ingest_on_cluster

    good = _sample(tmp_path, 240).read_text(encoding="utf-8").splitlines()
    corpus = tmp_path / "stops.jsonl"
    corpus.write_text("\n".join([*good[:200], "{not json", *good[200:]]) + "\n", "utf-8")

    class StopError(Exception):
        pass

    def stop(_: str) -> None:
        raise StopError  # as a user's interrupt would, with batches still in flight

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        with pytest.raises(StopError):
            ingest_on_cluster(
                [str(corpus)], str(tmp_path / "s.sqlite"), client, batch_size=8, on_problem=stop
            )
        deadline = time.monotonic() + 30
        while any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(client.processing().values())
    # what was written is whole, and a second run completes the store
    report = ingest([str(corpus)], str(tmp_path / "s.sqlite"))
    assert report.failed == 1
    assert len(_snapshot(str(tmp_path / "s.sqlite"))["articles"]) > 220  # type: ignore[arg-type]


@pytest.mark.postgres
def test_concurrent_ingest_into_postgres_loses_and_duplicates_nothing(
    tmp_path: Path, pg_store_url: str
) -> None:
    a = _sample(tmp_path, 150, 0, "a.jsonl")
    b = _sample(tmp_path, 150, 100, "b.jsonl")  # 50 articles in common
    open_store(pg_store_url).close()
    cmd = [
        sys.executable,
        "-c",
        "from rasid.cli import main; main()",
        "-q",
        "--db",
        pg_store_url,
        "ingest",
    ]
    procs = [subprocess.Popen([*cmd, str(p)]) for p in (a, b, a)]
    assert [p.wait(timeout=600) for p in procs] == [0, 0, 0]
    snap = _snapshot(pg_store_url)
    ids = set()
    for path in (a, b):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if item.get("text"):
                ids.add(item["id"])
    assert len(snap["articles"]) == len(set(snap["articles"]))  # type: ignore[arg-type]
    # byte-identical copies in the corpus collapse to one article by content hash
    assert set(snap["articles"]) <= ids  # type: ignore[arg-type]
    assert len(snap["articles"]) >= len(ids) - 10  # type: ignore[arg-type]


@pytest.mark.postgres
@pytest.mark.slow
def test_dask_cluster_equals_single_process(tmp_path: Path, pg_url: str) -> None:
    import uuid

    import psycopg
    from distributed import Client, LocalCluster

    from rasid.cluster import ingest_on_cluster

    corpus = _sample(tmp_path, 2000)
    base = pg_url.rsplit("/", 1)[0]
    names = ["c_" + uuid.uuid4().hex[:10], "c_" + uuid.uuid4().hex[:10]]
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        for name in names:
            c.execute(f"CREATE DATABASE {name}")
    single, distributed = (f"{base}/{n}" for n in names)
    r1 = ingest([str(corpus)], single)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        r2 = ingest_on_cluster([str(corpus)], distributed, client)
    assert r1.stored == r2.stored > 1900
    assert _snapshot(single) == _snapshot(distributed)


def test_ingest_command_on_a_cluster(tmp_path: Path) -> None:
    from distributed import LocalCluster

    corpus = _sample(tmp_path, 150)
    db = str(tmp_path / "cli.sqlite")
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", "--db", db, "ingest"]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        done = subprocess.run(
            [*cmd, "--cluster", cluster.scheduler_address, str(corpus)],
            check=False,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == 0, done.stderr
    single = str(tmp_path / "single.sqlite")
    report = ingest([str(corpus)], single)
    assert f"rasid: {report.summary()}" in done.stderr
    assert _snapshot(db) == _snapshot(single)
    # no scheduler there: one line that says so, and a failed exit
    gone = subprocess.run(
        [*cmd, "--cluster", "tcp://127.0.0.1:9", str(corpus)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"},
    )
    assert gone.returncode == 1
    assert gone.stderr.strip().splitlines() == [
        line for line in gone.stderr.strip().splitlines() if line.startswith("rasid: error:")
    ]
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in gone.stderr
