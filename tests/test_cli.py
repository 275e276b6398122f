"""The CLI on real files: ingest into a real SQLite file, then read it back."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "dev"


def rasid(
    *args: str, db: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()"]
    if db:
        cmd += ["--db", db]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, input=stdin, check=False)


@pytest.fixture(scope="module")
def dev_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("dev") / "dev.sqlite")
    res = rasid("ingest", str(DEV / "articles.jsonl"), db=db)
    assert res.returncode == 0, res.stderr
    return db


def test_ingest_dev_lists_three_articles_with_titles_and_dates(dev_db: str) -> None:
    res = rasid("articles", "--json", db=dev_db)
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert len(rows) == 3
    by_id = {r["id"]: r for r in rows}
    assert by_id["000"]["title"].startswith("الهجمات الأمريكية")
    assert by_id["000"]["published"].startswith("2024-02-08")
    assert by_id["001"]["published"] == "2021-05-03"
    assert by_id["002"]["published"] is None


def test_ingesting_again_adds_nothing(dev_db: str) -> None:
    res = rasid("ingest", str(DEV / "articles.jsonl"), db=dev_db)
    assert res.returncode == 0
    assert "3 read = 0 stored + 3 already there + 0 new versions" in res.stderr
    rows = json.loads(rasid("articles", "--json", db=dev_db).stdout)
    assert len(rows) == 3


def test_show_numbers_sentences_and_marks_captions(dev_db: str) -> None:
    res = rasid("show", "000", db=dev_db)
    assert res.returncode == 0
    assert "[1] [caption]" in res.stdout
    assert "الخميس 8 فبراير 2024" in res.stdout


def test_show_unknown_article_is_one_clear_line(dev_db: str) -> None:
    res = rasid("show", "nope", db=dev_db)
    assert res.returncode == 1
    assert res.stderr.strip().count("\n") == 0
    assert "no article with id 'nope'" in res.stderr
    assert "Traceback" not in res.stderr


def test_missing_path_is_reported_and_exit_is_non_zero(tmp_path: Path) -> None:
    res = rasid("ingest", str(tmp_path / "missing.jsonl"), db=str(tmp_path / "x.sqlite"))
    assert res.returncode == 1
    assert "missing.jsonl" in res.stderr and "no such file" in res.stderr
    assert "Traceback" not in res.stderr


def test_bad_lines_are_skipped_good_ones_kept(tmp_path: Path) -> None:
    good = json.dumps(
        {
            "id": "g1",
            "text": "قتل جنديان في هجوم على قاعدة عين الأسد أمس.",
            "published": "2024-01-10",
        },
        ensure_ascii=False,
    )
    src = tmp_path / "mixed.jsonl"
    src.write_text(f'{good}\nnot json\n{{"id": "x"}}\n', encoding="utf-8")
    db = str(tmp_path / "m.sqlite")
    res = rasid("ingest", str(src), db=db)
    assert res.returncode == 0
    assert f"{src}:2:" in res.stderr and f"{src}:3:" in res.stderr
    rows = json.loads(rasid("articles", "--json", db=db).stdout)
    assert [r["id"] for r in rows] == ["g1"]


def test_read_only_database_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = rasid("articles", db=str(blocker / "sub" / "db.sqlite"))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and res.stderr.startswith("rasid: error:")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = rasid("--debug", "articles", db=str(blocker / "sub" / "db.sqlite"))
    assert res.returncode != 0
    assert "Traceback" in res.stderr


def test_extract_then_eval_meets_the_dev_floor() -> None:
    ex = rasid("extract", str(DEV / "articles.jsonl"))
    assert ex.returncode == 0, ex.stderr
    ev = rasid("eval", str(DEV / "gold.json"), "-", "--json", stdin=ex.stdout)
    assert ev.returncode == 0, ev.stderr
    score = json.loads(ev.stdout)
    # pinned floors (role-aware scoreboard): the gate fails when extraction quality drops
    assert score["f1"] >= 0.8
    assert score["recall"] >= 0.9
    assert score["strict_f1"] >= 0.65
    assert score["fields"]["fatalities"] == 1.0
    assert score["fields"]["injuries"] == 1.0


def test_extract_table_and_what_layers() -> None:
    res = rasid("extract", str(DEV / "articles.jsonl"), "--what", "dates,numbers")
    assert res.returncode == 0, res.stderr
    assert "date " in res.stdout and "2024-02-07" in res.stdout
    assert "number " in res.stdout
    bad = rasid("extract", str(DEV / "articles.jsonl"), "--what", "colors")
    assert bad.returncode == 1 and "unknown: colors" in bad.stderr
