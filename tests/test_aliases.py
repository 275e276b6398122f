"""A copy's id resolves: two ids with one text, read in either order, both show the article."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rasid.jobs import ingest
from rasid.store import open_store
from test_api import LiveServer

TEXT = "قصفت طائرات مسيرة مواقع في بلدة القائم غرب العراق يوم الأحد وقتلت خمسة مسلحين."


def _file(path: Path, ids: list[str]) -> str:
    rows = [
        {"id": i, "url": f"https://example.org/{i}", "source": f"Outlet {i}", "text": TEXT,
         "published": "2019-12-30"}
        for i in ids
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return str(path)


def _show(db: str, article_id: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", "--db", db]
    return subprocess.run([*cmd, "show", article_id], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("order", [["first", "second"], ["second", "first"]])
def test_both_ids_resolve_whatever_the_order(tmp_path: Path, order: list[str]) -> None:
    db = str(tmp_path / "s.sqlite")
    report = ingest([_file(tmp_path / "a.jsonl", order)], db)
    assert (report.stored, report.skipped) == (1, 1)
    for article_id in ("first", "second"):
        res = _show(db, article_id)
        assert res.returncode == 0, res.stderr
        assert "القائم" in res.stdout
    store = open_store(db)
    try:
        kept = store.get_article(order[0])
        assert kept is not None and kept["id"] == order[0]
        assert [c["id"] for c in kept["copies"]] == [order[1]]
        assert kept["copies"][0]["url"] == f"https://example.org/{order[1]}"
    finally:
        store.close()
    with LiveServer(db) as server, httpx.Client(base_url=server.url) as c:
        for article_id in ("first", "second"):
            res = c.get(f"/api/articles/{article_id}")
            assert res.status_code == 200 and res.json()["id"] == order[0]
        assert c.get("/api/articles/third").status_code == 404


def test_a_copy_in_a_later_run_and_a_rerun_add_no_alias_of_itself(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    ingest([_file(tmp_path / "a.jsonl", ["first"])], db)
    ingest([_file(tmp_path / "a.jsonl", ["first"])], db)  # the same id and text again
    ingest([_file(tmp_path / "b.jsonl", ["later"])], db)  # another id, a later run
    store = open_store(db)
    try:
        assert [c["id"] for c in store.get_article("first")["copies"]] == ["later"]  # type: ignore[index]
        assert store.resolve_article_id("later") == "first"
    finally:
        store.close()
    assert _show(db, "later").returncode == 0
