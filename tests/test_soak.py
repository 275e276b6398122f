"""A short soak on loopback (bench/soak.py): a real server process over a real SQLite file, two
clients posting new articles while four read events, searches, stats and the posted articles
over real HTTP for 40 seconds; no request may fail, and the server's memory, sampled from /proc,
may not rise after a 15 s warm-up by more than 15 MB nor by 12 KB a post (the medians of the
first and last 5 s): posting 1,000 to 1,500 articles after the warm-up, a server that kept 20 KB
of each would fail. On these articles it rose 7.4 to 7.6 MB (about 5 KB a post: the per-word
caches still filling in the first minute of a new process). `python bench/soak.py` runs it for
minutes over the whole corpus, where the later half is judged by its slope;
tests/test_caches.py checks the pipeline's caches over rounds of new words."""

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
            "40",
            "--warmup",
            "15",
            "--writers",
            "2",
            "--readers",
            "4",
            "--most-growth",
            "15",
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
    assert rss["growth_after_warmup"] <= 15, result["rss_samples"]
    assert rss["growth_kb_per_post"] < 12, result["rss_samples"]
    assert result["posts_after_warmup"] >= 100
