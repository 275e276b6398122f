"""The benchmarks' repeated corpus: each copy is other news (ids, dates and years moved on)."""

from __future__ import annotations

import json
from pathlib import Path

from rasid.bench import _articles


def test_each_copy_moves_ids_publication_and_the_years_it_names(tmp_path: Path) -> None:
    text = "وقع الهجوم في 12 آذار 2015، بعد اتفاق عام ٢٠١٤، وقتل 2099 شخصا ورقم الهاتف 120151."
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"id": "a1", "text": text, "published": "2015-03-13"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    first, third = list(_articles(str(path), None, repeat=3))[::2]
    assert (first.id, first.text, first.published) == ("a1", text, "2015-03-13")
    assert third.id == "a1~2" and third.published == "2017-03-13"
    assert third.text.startswith("وقع الهجوم في 12 آذار 2017، بعد اتفاق عام ٢٠١٦، وقتل 2099 شخصا")
    assert "120151" in third.text  # digits inside a longer number are no year
    assert len(third.text) == len(text) + len("\n[2]")
    assert third.content_hash != first.content_hash


def test_bench_command_reports_each_phase(tmp_path: Path) -> None:
    import subprocess
    import sys
    from importlib.resources import files

    samples = str(files("rasid.samples") / "articles.jsonl")
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", "bench", samples]
    out = subprocess.run(
        [*cmd, "--phases", "read,pipeline,ingest", "--limit", "6"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    results = {r["phase"]: r for r in json.loads(out.stdout)["results"]}
    assert set(results) == {"read", "pipeline", "ingest"}
    assert results["read"]["articles"] == results["pipeline"]["articles"] == 6
    assert results["pipeline"]["events"] > 0 and results["pipeline"]["articles_per_s"] > 0
    assert results["ingest"]["articles"] == 6 and results["ingest"]["db_mb"] > 0
    # every phase is also a ratio to the reference pass over the same articles, same process
    for r in results.values():
        assert r["reference"]["articles"] == 6 and r["reference"]["articles_per_s"] > 0
        # the fastest of its passes, each listed
        assert r["reference"]["best_of"] == len(r["reference"]["pass_articles_per_s"]) == 5
        assert r["reference"]["articles_per_s"] == max(r["reference"]["pass_articles_per_s"])
        assert r["ratio"] == round(r["articles_per_s"] / r["reference"]["articles_per_s"], 4)
    assert results["pipeline"]["pipeline_ratio"] > 0
    assert json.loads(out.stdout)["machine"]["cpus"] >= 1
