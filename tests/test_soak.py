"""A short soak on loopback (bench/soak.py): a real server process over a real SQLite file, two
clients posting new articles while four read events, searches, stats and the posted articles
over real HTTP for 100 seconds; no request may fail, and after a 40 s warm-up the server's
memory, sampled from /proc, may rise by under 16 KB a post (the medians of the first and last
seconds after it): a server that kept 20 KB of each post fails. A new process's per-word caches
fill over their first rounds (rasid.caches.ROUND, 1,000 articles): here, posting 60 articles a
second, memory rose from 304 MB at 17 s to 343 MB at 70 s (about 7 KB a post) and then stayed
within 337-344 MB to 100 s; flatness over minutes is what `python bench/soak.py` measures over
the whole corpus. tests/test_caches.py checks the pipeline's caches over rounds of new words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "search" / "articles.jsonl"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="memory is read from /proc")
def test_posts_and_reads_together_without_error_and_with_bounded_memory(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "soak.py"),
            "--db",
            str(tmp_path / "soak.sqlite"),
            "--corpus",
            str(CORPUS),
            "--duration",
            "100",
            "--warmup",
            "40",
            "--writers",
            "2",
            "--readers",
            "4",
            "--most-growth",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=240,
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
    assert rss["growth_kb_per_post"] < 16, result["rss_samples"]
    assert result["posts_after_warmup"] >= 100
