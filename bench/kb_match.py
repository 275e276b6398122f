"""Mention matching: quality on the dev gold list, speed on ANT news articles. Prints JSON.

    python bench/kb_match.py --dev             # precision and recall on the dev gold list
    python bench/kb_match.py --speed --n 2000     # ms per article over the first 2000 ANT articles
    python bench/kb_match.py --dev --errors       # also list the misses and false links

Scores: a system mention counts when its entity id equals the gold id and the spans are the
same ("strict") or overlap ("overlap"); "twins" also accepts a state for its own country place
(ac:iraq for pl:iraq) and back. "names" leaves out nisba adjectives.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from rasid.kb import KnowledgeBase, find_mentions, load_kb, match_kb
from rasid.pipeline import segment
from rasid.records import Article, Mention
from rasid.text import normalize

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "dev_entities_gold.yaml"
DEV = ROOT.parent / "shared" / "seeds" / "dev"
ANT = ROOT.parent / "shared" / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"


def _twin(kb: KnowledgeBase, eid: str) -> str:
    """One id for a state and its country place."""
    place = kb.place_of_state(eid)
    return place.id if place is not None else eid


def _score(
    gold: list[dict[str, Any]], system: list[Mention], same: Any, span: str
) -> dict[str, int]:
    used: set[int] = set()
    tp = 0
    for g in gold:
        for i, m in enumerate(system):
            if i in used or not same(g["id"], m.entity_id):
                continue
            if span == "strict":
                ok = (m.start, m.end) == (g["start"], g["end"])
            else:
                ok = m.start < g["end"] and g["start"] < m.end
            if ok:
                used.add(i)
                tp += 1
                break
    return {"tp": tp, "gold": len(gold), "system": len(system)}


def _prf(c: dict[str, int]) -> dict[str, float]:
    p = c["tp"] / c["system"] if c["system"] else 0.0
    r = c["tp"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), **c}


def run_dev(show_errors: bool) -> dict[str, Any]:
    kb = load_kb()
    gold_all: dict[str, list[dict[str, Any]]] = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    totals: dict[str, dict[str, int]] = {}
    errors: list[dict[str, Any]] = []
    exact = lambda a, b: a == b  # noqa: E731
    twins = lambda a, b: a == b or _twin(kb, a) == _twin(kb, b)  # noqa: E731
    for aid, gold in gold_all.items():
        text = (DEV / f"{aid}.txt").read_text(encoding="utf-8")
        doc = find_mentions(segment(Article(id=aid, text=text)), kb)
        system = list(doc.mentions)
        names_gold = [g for g in gold if not g.get("nisba")]
        names_sys = [m for m in system if not m.nisba]
        runs = {
            "strict": (gold, system, exact, "strict"),
            "overlap": (gold, system, exact, "overlap"),
            "overlap_twins": (gold, system, twins, "overlap"),
            "names_strict": (names_gold, names_sys, exact, "strict"),
        }
        for name, (g, s, same, span) in runs.items():
            c = _score(g, s, same, span)
            t = totals.setdefault(name, {"tp": 0, "gold": 0, "system": 0})
            for k in t:
                t[k] += c[k]
        if show_errors:
            gset = {(g["start"], g["end"], g["id"]) for g in gold}
            sset = {(m.start, m.end, m.entity_id) for m in system}
            for a, b, eid in sorted(gset - sset):
                errors.append({"article": aid, "miss": text[a:b], "at": a, "id": eid})
            for a, b, eid in sorted(sset - gset):
                errors.append({"article": aid, "false": text[a:b], "at": a, "id": eid})
    result: dict[str, Any] = {name: _prf(c) for name, c in totals.items()}
    result["kb_entities"] = len(kb)
    if show_errors:
        result["errors"] = errors
    return result


def run_speed(n: int) -> dict[str, Any]:
    kb = load_kb()
    t0 = time.perf_counter()
    _ = kb.matcher  # the automaton is built once, before the clock starts
    build_s = time.perf_counter() - t0
    texts: list[str] = []
    with ANT.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("text"):
                texts.append(row["text"])
            if len(texts) >= n:
                break
    norms = [normalize(t) for t in texts]
    match_ms: list[float] = []
    for norm in norms:
        t = time.perf_counter()
        match_kb(norm, kb)
        match_ms.append((time.perf_counter() - t) * 1000)
    full_ms: list[float] = []
    for text in texts:
        doc = segment(Article(id="x", text=text))
        t = time.perf_counter()
        find_mentions(doc, kb)
        full_ms.append((time.perf_counter() - t) * 1000)
    chars = sum(len(t) for t in texts)
    per_5kb = 5000 / (chars / len(texts))
    return {
        "articles": len(texts),
        "mean_chars": round(chars / len(texts)),
        "automaton_build_s": round(build_s, 3),
        "kb_match_ms_per_article": round(statistics.mean(match_ms), 3),
        "kb_match_ms_per_5kb": round(sum(match_ms) / chars * 5000, 3),
        "kb_match_p95_ms": round(sorted(match_ms)[int(0.95 * len(match_ms))], 3),
        "find_mentions_ms_per_article": round(statistics.mean(full_ms), 3),
        "find_mentions_ms_per_5kb": round(sum(full_ms) / chars * 5000, 3),
        "articles_per_5kb": round(per_5kb, 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", action="store_true", help="score against the dev gold list")
    ap.add_argument("--errors", action="store_true", help="list misses and false links")
    ap.add_argument("--speed", action="store_true", help="time matching on ANT articles")
    ap.add_argument("--n", type=int, default=2000, help="ANT articles to time")
    args = ap.parse_args(argv)
    out: dict[str, Any] = {}
    if args.dev or not args.speed:
        out["dev"] = run_dev(args.errors)
    if args.speed:
        out["speed"] = run_speed(args.n)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
