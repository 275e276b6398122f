"""An id stored with another text: a new version or a reported conflict, never a silent drop;
on real SQLite files and on PostgreSQL, through the library, the CLI and the migration."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rasid.jobs import ReadOptions, ingest
from rasid.store import open_store

TEXT_1 = "قصفت طائرة مسيرة موقعا لفصيل مسلح قرب البوكمال شرقي سوريا يوم الاثنين."
TEXT_2 = "قصفت طائرة مسيرة موقعا لفصيل مسلح قرب البوكمال شرقي سوريا يوم الاثنين، وقتل ثلاثة."
TEXT_3 = "استهدف هجوم صاروخي قاعدة عين الأسد الجوية في محافظة الأنبار غربي العراق."


def write_jsonl(path: Path, records: list[dict[str, str]]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return str(path)


def rasid(*args: str, db: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()"]
    if db:
        cmd += ["--db", db]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)


def _versions(url: str) -> dict[str, tuple[str | None, int | None, str]]:
    store = open_store(url)
    try:
        with store.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, version_of, version, text FROM articles ORDER BY id"
            ).all()
    finally:
        store.close()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _same_id_twice(tmp_path: Path) -> str:
    return write_jsonl(
        tmp_path / "changed.jsonl",
        [{"id": "a1", "text": TEXT_1}, {"id": "a1", "text": TEXT_2}, {"id": "a1", "text": TEXT_1}],
    )


def _check_versions(url: str, src: str) -> None:
    notes: list[str] = []
    report = ingest([src], url, on_note=notes.append)
    assert (report.stored, report.versions, report.skipped, report.failed) == (1, 1, 1, 0)
    assert report.total == report.accounted == 3
    assert notes == [
        f"{src}:2: id 'a1' is stored with another text; stored as version 2, id 'a1~v2'"
    ]
    assert _versions(url) == {"a1": (None, None, TEXT_1), "a1~v2": ("a1", 2, TEXT_2)}
    # a third text in a later run is version 3
    later = write_jsonl(Path(src).with_name("later.jsonl"), [{"id": "a1", "text": TEXT_3}])
    again = ingest([later], url)
    assert again.versions == 1
    assert _versions(url)["a1~v3"] == ("a1", 3, TEXT_3)


def test_a_changed_text_under_a_stored_id_is_a_new_version(tmp_path: Path) -> None:
    _check_versions(str(tmp_path / "v.sqlite"), _same_id_twice(tmp_path))


@pytest.mark.postgres
def test_a_changed_text_is_a_new_version_on_postgres(tmp_path: Path, pg_store_url: str) -> None:
    _check_versions(pg_store_url, _same_id_twice(tmp_path))


def test_in_flight_batches_of_a_pool_see_each_others_ids(tmp_path: Path) -> None:
    # the same id in two batches processed at once: the later is a version, not lost
    records = [{"id": f"p{n}", "text": f"{TEXT_3} رقم {n}"} for n in range(70)]
    records.append({"id": "p1", "text": TEXT_2})
    src = write_jsonl(tmp_path / "pool.jsonl", records)
    db = str(tmp_path / "pool.sqlite")
    report = ingest([src], db, workers=2)
    assert (report.stored, report.versions, report.conflicts) == (70, 1, 0)
    assert _versions(db)["p1~v2"] == ("p1", 2, TEXT_2)


def test_skip_policy_reports_each_conflict(tmp_path: Path) -> None:
    src = _same_id_twice(tmp_path)
    db = str(tmp_path / "skip.sqlite")
    report = ingest([src], db, options=ReadOptions(on_conflict="skip"))
    assert (report.stored, report.conflicts, report.skipped, report.versions) == (1, 1, 1, 0)
    assert report.problems == [
        f"{src}:2: id 'a1' is stored with another text; not stored (--on-conflict skip)"
    ]
    assert list(_versions(db)) == ["a1"]


def test_cli_reports_versions_and_conflicts_per_line(tmp_path: Path) -> None:
    src = _same_id_twice(tmp_path)
    db = str(tmp_path / "cli.sqlite")
    res = rasid("ingest", src, db=db)
    assert res.returncode == 0, res.stderr
    assert f"rasid: note: {src}:2: id 'a1' is stored with another text; stored as version 2" in (
        res.stderr
    )
    assert "3 read = 1 stored + 1 already there + 1 new version + 0 with problems" in res.stderr
    other = str(tmp_path / "other.sqlite")
    res = rasid("ingest", "--on-conflict", "skip", src, db=other)
    assert f"rasid: skipped: {src}:2: id 'a1' is stored with another text" in res.stderr
    assert "+ 1 id conflict not stored" in res.stderr
    bad = rasid("ingest", "--on-conflict", "replace", src, db=other)
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "rasid: error: --on-conflict must be one of version, skip, not 'replace'"
    )


def test_migration_adds_versions_to_an_older_store(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    open_store(str(db)).close()
    con = sqlite3.connect(db)
    # the articles table as before migration 009 (no foreign key on version_of), which is the
    # SQLite way to remove a constraint: edit the schema's text
    (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'articles'").fetchone()
    key = re.search(r",\s*FOREIGN KEY\s*\(version_of\)[^,)]*\([^)]*\)[^,)]*", sql)
    assert key, sql
    con.execute("PRAGMA writable_schema = ON")
    con.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = 'articles'",
        (sql[: key.start()] + sql[key.end() :],),
    )
    con.execute("PRAGMA writable_schema = OFF")
    con.commit()
    con.close()
    con = sqlite3.connect(db)
    con.execute("DROP INDEX ix_articles_version_of")
    con.execute("ALTER TABLE articles DROP COLUMN version_of")
    con.execute("ALTER TABLE articles DROP COLUMN version")
    con.execute("DELETE FROM rasid_migrations WHERE name = '007_article_versions'")
    con.commit()
    con.close()
    src = _same_id_twice(tmp_path)
    report = ingest([src], str(db))
    assert report.versions == 1
    assert _versions(str(db))["a1~v2"] == ("a1", 2, TEXT_2)
