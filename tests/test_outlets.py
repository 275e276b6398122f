"""Events count the articles and outlets that report them, in the store, the API and exports."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rasid.jobs import ingest
from rasid.store import open_store
from rasid.store.query import EventQuery, query_events

pytestmark = pytest.mark.usefixtures("rules_only")  # every proposal counts here

STRIKE = "قصفت طائرات أمريكية مواقع لكتائب حزب الله في القائم يوم الأحد وقتلت خمسة مسلحين."


def _reports(tmp_path: Path) -> Path:
    """One strike told by three articles of two outlets, and a meeting told once."""
    rows = [
        {"id": "a1", "source": "Outlet A", "published": "2019-12-30", "text": STRIKE},
        {"id": "a2", "source": "Outlet A", "published": "2019-12-30", "text": "وقال مسؤول إن " + STRIKE},
        {"id": "b1", "source": "Outlet B", "published": "2019-12-30", "text": "أكدت مصادر أن " + STRIKE},
        {"id": "c1", "source": "Outlet C", "published": "2019-12-30",
         "text": "التقى رئيس الوزراء العراقي عادل عبد المهدي السفير الأمريكي في بغداد يوم الاثنين."},
    ]  # fmt: skip
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


def _counts(db: str) -> dict[str, tuple[int, int, int]]:
    store = open_store(db)
    try:
        page = query_events(store, EventQuery(limit=100, sort="-sources"))
    finally:
        store.close()
    return {e["type"]: (e["n_articles"], e["n_outlets"], e["n_sources"]) for e in page.items}


def test_an_event_counts_its_articles_and_outlets(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    report = ingest([str(_reports(tmp_path))], db)
    assert report.stored == 4
    counts = _counts(db)
    assert counts["ASSAULT"][:2] == (3, 2)
    assert counts["ASSAULT"][2] >= 3


def test_the_migration_counts_an_older_store(tmp_path: Path) -> None:
    db = str(tmp_path / "old.sqlite")
    ingest([str(_reports(tmp_path))], db)
    before = _counts(db)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, data FROM events").fetchall()
    for event_id, raw in rows:
        data = json.loads(raw)
        data["tally"].pop("outlets", None)
        con.execute(
            "UPDATE events SET data = ?, n_articles = NULL, n_outlets = NULL WHERE id = ?",
            (json.dumps(data, ensure_ascii=False), event_id),
        )
    con.execute("DELETE FROM rasid_migrations WHERE name = '008_event_outlets'")
    con.commit()
    con.close()
    assert _counts(db) == before  # reopening the store ran the migration again
    con = sqlite3.connect(db)
    tallies = [json.loads(r[0])["tally"]["outlets"] for r in con.execute("SELECT data FROM events")]
    con.close()
    assert ["Outlet A", "Outlet B"] in tallies
