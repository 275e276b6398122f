"""Records per real event, merged by the hand-set rules and by the merge scorer; prints JSON.

python bench/merge_report.py [--verbose]   # the dev articles and the merge test articles
python bench/merge_report.py --ant         # the ANT halves: the rules and the scorer side by side
python bench/merge_report.py --cost 4000   # the merge's seconds, first N/4, N/2, N ANT articles

``--ant`` prints one JSON object per line, each measured with the rules (no scorer), with the
packaged scorer (``rasid.merge_model``) and with the scorer alone (veto 1, the threshold learned
for pairs) in the same run:
- ant-test and ant-train, the system's records: event P/R/F1 and the scoreboard's merge part
  (B-cubed over the re-reported events' found mentions, real events split, records joining two);
- ant-train-5fold: the merge of the gold events made into mentions, and of the system's
  mentions matched to gold, each fold merged by a scorer trained on the other folds' pairs
  (folds by unit: a group and its shared keys);
- ant-test-gold: the test half's gold events and matched system mentions merged by the packaged
  scorer, and its pairs scored (the test half only measures: nothing here is fitted to it);
- dev: the dev seeds' score (its floor is F1 0.909).
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from rasid.eval import score_merge
from rasid.ingest import IngestProblem, read_articles
from rasid.merge import merge_events, merge_results
from rasid.merge_model import load_scorer, reset_scorer, use_scorer
from rasid.merge_train import (
    Report,
    config_name,
    crossval_merge,
    gold_mentions,
    merge_board,
    pair_examples,
    pair_scores,
    system_mentions,
)
from rasid.pipeline import extract, process_articles
from rasid.records import Article, Event
from rasid.scoreboard import score_board

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "merge"
SHARED = ROOT.parent / "shared"
DEV = SHARED / "seeds" / "dev"
MODEL = ROOT / "src" / "rasid" / "models" / "merge_scorer.json"
CORPUS = SHARED / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import ant_articles  # noqa: E402 - beside this script


def main() -> None:
    if "--ant" in sys.argv:
        ant()
        return
    if "--cost" in sys.argv:
        cost(int(sys.argv[sys.argv.index("--cost") + 1]))
        return
    paths = [str(p) for p in (DEV / "articles.jsonl", DATA / "articles.jsonl") if p.exists()]
    articles = [a for a in read_articles(paths) if not isinstance(a, IngestProblem)]
    started = time.perf_counter()
    records = extract(articles)
    elapsed = time.perf_counter() - started
    expected = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))
    result = score_merge(expected, records, {a.id: a.text for a in articles})
    out = result.as_dict()
    out["articles"] = len(articles)
    out["output_events"] = sum(isinstance(r, Event) for r in records)
    out["seconds"] = round(elapsed, 2)
    if "--verbose" in sys.argv:
        for r in records:
            if isinstance(r, Event):
                arts = sorted({s.article for s in r.sources})
                print(
                    r.id,
                    r.type,
                    r.date,
                    r.location.name if r.location else None,
                    arts,
                    r.summary[:90],
                    file=sys.stderr,
                )
    print(json.dumps(out, ensure_ascii=False, indent=1))


def _board(gold: Any, results: list[Any]) -> dict[str, Any]:
    b = score_board(gold, merge_results(results))
    m = b.merge
    return {
        "precision": b.precision,
        "recall": b.recall,
        "f1": b.f1,
        "rereported_bcubed": m["rereported"],
        "rereported_events": m["rereported_events"],
        "rereported_one_record": m["rereported_one_record"],
        "split_events": len(m["split_events"]),
        "joining_records": len(m["joining_records"]),
    }


def _both(measure: Any) -> dict[str, Any]:
    """A measure with the rules (no scorer), the packaged scorer, and the scorer alone (no
    join the rules allow under the threshold learned for pairs: veto 1)."""
    packaged = load_scorer()
    assert packaged is not None, "no packaged merge scorer"
    out = {}
    try:
        use_scorer(None)
        out["rules"] = measure()
        use_scorer(packaged)
        out["scorer"] = measure()
        use_scorer(dataclasses.replace(packaged, veto=1.0, threshold=_pair_threshold()))
        out["scorer_alone"] = measure()
    finally:
        reset_scorer()
    return out


def _pair_threshold() -> float:
    return float(json.loads(MODEL.read_text(encoding="utf-8"))["pair_threshold"])


def _line(name: str, data: dict[str, Any]) -> None:
    print(json.dumps({"set": name, **data}, ensure_ascii=False), flush=True)


def _test_pairs(reports: list[Report], pair_threshold: float) -> dict[str, Any]:
    """The scorer on the pairs alone (at the threshold trained for pairs), the rules'
    compatibility on the same pairs, and the AUC of the probabilities."""
    scorer = load_scorer()
    assert scorer is not None, "no packaged merge scorer"
    examples = pair_examples(reports)
    probs: list[float | None] = [scorer.probability(ex.features) for ex in examples]
    rules: list[float | None] = [float(ex.rules) for ex in examples]
    pos = [p for ex, p in zip(examples, probs, strict=True) if ex.label and p is not None]
    neg = [p for ex, p in zip(examples, probs, strict=True) if not ex.label and p is not None]
    wins = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg)
    return {
        "scorer": pair_scores(examples, probs, pair_threshold),
        "rules": pair_scores(examples, rules, 0.5),
        "auc": round(wins / (len(pos) * len(neg)), 4) if pos and neg else None,
    }


def ant() -> None:
    started = time.perf_counter()
    halves: dict[str, tuple[Any, list[Article]]] = {}
    for half in ("train", "test"):
        gold = json.loads((ROOT / "eval" / "gold" / f"ant-{half}.json").read_text("utf-8"))
        halves[half] = (gold, ant_articles({str(d["doc"]) for d in gold}, CORPUS))
    for half, (gold, arts) in halves.items():
        results = list(process_articles(arts))
        _line(f"ant-{half}", _both(lambda g=gold, r=results: _board(g, r)))
    gold, arts = halves["train"]
    reports = {"gold": gold_mentions(gold, arts), "system": system_mentions(gold, arts)}
    examples = pair_examples(reports["gold"]) + pair_examples(reports["system"])
    packaged = load_scorer()
    assert packaged is not None, "no packaged merge scorer"
    cfg, alone = (packaged.veto, packaged.threshold), (1.0, _pair_threshold())
    for origin, found in reports.items():
        boards = crossval_merge(found, examples, (cfg, alone))
        _line(
            f"ant-train-5fold-{origin}",
            {
                "rules": boards["rules"],
                "scorer": boards[config_name(cfg)],
                "scorer_alone": boards[config_name(alone)],
            },
        )
    pair_threshold = _pair_threshold()
    gold, arts = halves["test"]
    for origin, reports in (
        ("gold", gold_mentions(gold, arts)),
        ("system", system_mentions(gold, arts)),
    ):
        out = _both(lambda r=reports: merge_board(r))
        out["pairs"] = _test_pairs(reports, pair_threshold)
        _line(f"ant-test-{origin}", out)
    dev_gold = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))
    dev_arts = [
        a for a in read_articles([str(DEV / "articles.jsonl")]) if not isinstance(a, IngestProblem)
    ]
    dev_results = list(process_articles(dev_arts))
    _line("dev", _both(lambda: _board(dev_gold, dev_results)))
    _line("seconds", {"seconds": round(time.perf_counter() - started, 1)})


def cost(n: int) -> None:
    """Seconds of the in-memory merge (its events made once) of the first n/4, n/2 and n ANT
    articles, with the rules and with the packaged scorer, best of three runs each."""
    with CORPUS.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for _, line in zip(range(n), fh, strict=False)]
    articles = [a for a in read_articles_from(rows) if not isinstance(a, IngestProblem)]
    events = [e for r in process_articles(articles) for e in r.events]
    by_article = {a.id: i for i, a in enumerate(articles)}
    packaged = load_scorer()
    for part in (n // 4, n // 2, n):
        local = [e for e in events if by_article[e.sources[0].article] < part]
        out: dict[str, Any] = {"articles": part, "events": len(local)}
        try:
            for name, scorer in (("rules", None), ("scorer", packaged)):
                use_scorer(scorer)
                best = math.inf
                for _ in range(3):
                    started = time.perf_counter()
                    merged = merge_events(local)
                    best = min(best, time.perf_counter() - started)
                out[f"{name}_s"] = round(best, 3)
                out[f"{name}_records"] = len(merged)
        finally:
            reset_scorer()
        _line("cost", out)


def read_articles_from(rows: list[dict[str, Any]]) -> list[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "part.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        return list(read_articles([str(path)]))


if __name__ == "__main__":
    main()
