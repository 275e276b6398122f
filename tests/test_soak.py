"""A short soak on loopback (bench/soak.py): a real server process over a real SQLite file, two
clients posting new articles while four read events, searches, stats and the posted articles
over real HTTP for 20 seconds; no request may fail and the server's memory, sampled from /proc
after a warm-up, may not grow by more than 50 MB. `python bench/soak.py` runs it for minutes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "search" / "articles.jsonl"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="memory is read from /proc")
def test_posts_and_reads_together_without_error_and_with_flat_memory(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "soak.py"),
            "--db",
            str(tmp_path / "soak.sqlite"),
            "--corpus",
            str(CORPUS),
            "--duration",
            "20",
            "--warmup",
            "8",
            "--writers",
            "2",
            "--readers",
            "4",
            "--most-growth",
            "50",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,  # the JSON printed says what failed
    )
    result = json.loads(run.stdout)
    assert result["errors"] == 0, result["first_errors"]
    assert run.returncode == 0, run.stderr
    assert set(result["statuses"]) <= {"get 200", "post 201"}
    assert result["posts"] >= 20 and result["reads"] >= 100
    assert result["articles"] == [0, result["posts"]]  # every post stored, none lost
    assert result["events"][1] > 0
    rss = result["rss_mb"]
    assert rss["after_warmup"] > rss["at_start"] > 0  # the server's own memory was read
    assert rss["growth_after_warmup"] <= 50
