"""The project's blind-coded ANT gold: well formed, split as drawn, and clear of reserved ids."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold"
RESERVED = ROOT.parent / "shared" / "corpora" / "ant-multisource" / "RESERVED.txt"


def load(half: str) -> list[dict]:
    return json.loads((GOLD / f"ant-{half}.json").read_text(encoding="utf-8"))


def test_both_halves_pass_the_coders_check() -> None:
    for half in ("train", "test"):
        res = subprocess.run(
            [sys.executable, str(ROOT / "eval" / "coder.py"), "check", str(GOLD / f"ant-{half}.json")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert res.returncode == 0, res.stdout


def test_halves_have_their_size_and_follow_the_drawn_split() -> None:
    sample = json.loads((GOLD / "ant-sample.json").read_text(encoding="utf-8"))["articles"]
    half_of = {a["id"]: a["half"] for a in sample}
    train, test = load("train"), load("test")
    assert len(train) >= 200 and len(test) >= 100
    assert {d["doc"] for d in train} == {i for i, h in half_of.items() if h == "train"}
    assert {d["doc"] for d in test} == {i for i, h in half_of.items() if h == "test"}


def test_real_events_told_by_several_articles() -> None:
    counts = {}
    for half in ("train", "test"):
        docs_of: dict[str, set[str]] = defaultdict(set)
        for d in load(half):
            for e in d["events"]:
                docs_of[e["key"]].add(d["doc"])
        counts[half] = sum(1 for v in docs_of.values() if len(v) > 1)
    assert counts["train"] + counts["test"] >= 40
    assert counts["test"] >= 20


@pytest.mark.skipif(not RESERVED.exists(), reason="shared/ corpora not beside the checkout")
def test_no_reserved_article_anywhere_in_the_repository() -> None:
    reserved = {
        line.strip()
        for line in RESERVED.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert reserved
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=False
    ).stdout.split()
    files = [ROOT / p for p in tracked] or list(GOLD.glob("*.json"))
    for path in files:
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        hits = [r for r in reserved if r in text]
        assert not hits, f"{path}: {hits[:3]}"
