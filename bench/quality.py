"""Every gold set the project has, scored in one run; one JSON line per set.

    python bench/quality.py                       # dev seeds, ANT train, ANT test, GSR dev
    python bench/quality.py --sets ant-train --records /tmp/out   # keep the records to read

The sets:
- dev: the three development articles (shared/seeds/dev) and their gold;
- ant-train, ant-test: the blind-coded ANT articles (eval/gold/ant-*.json, eval/GUIDELINES.md);
  the texts are read from shared/corpora/ant-multisource, never from the repository. The test
  half only measures: read its errors as these counts, never case by case;
- gsr-assault, gsr-protest: the sentence task of the public Arabic event GSR, development half.

Each line gives matched and strict ("right") precision, recall and F1, the error counts by
category, and for the ANT sets B-cubed merging over re-reported events. `docs/quality.md`
keeps the table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rasid.events.decide import load_decider
from rasid.events.train import Example, cross_validated_gsr, gold_examples
from rasid.gsr import read_gsr, score_gsr
from rasid.ingest import IngestProblem, read_articles
from rasid.pipeline import extract
from rasid.records import Article, Record, record_to_json
from rasid.scoreboard import score_board

ROOT = Path(__file__).resolve().parents[1]
SETS = ("dev", "ant-train", "ant-test", "gsr-assault", "gsr-protest")


def shared_dir() -> Path:
    return Path(os.environ.get("RASID_SHARED") or ROOT.parent / "shared")


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def ant_articles(doc_ids: set[str], corpus: Path) -> list[Article]:
    """The gold's articles, read from the corpus through Rasid's own JSON Lines reader."""
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "ant-gold.jsonl"
        with corpus.open(encoding="utf-8") as src, part.open("w", encoding="utf-8") as dst:
            for line in src:
                row = json.loads(line)
                if row["id"] in doc_ids:
                    keep = {k: row[k] for k in ("id", "url", "source", "published", "title",
                                                 "text")}  # fmt: skip
                    dst.write(json.dumps(keep, ensure_ascii=False) + "\n")
        return [a for a in read_articles([str(part)]) if not isinstance(a, IngestProblem)]


def _board_line(name: str, gold: Any, articles: list[Article], keep: Path | None) -> dict:
    started = time.perf_counter()
    records: list[Record] = extract(articles)
    seconds = time.perf_counter() - started
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        with (keep / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(record_to_json(r), ensure_ascii=False) + "\n")
    b = score_board(gold, records)
    merge = b.merge.get("rereported", {})
    return {
        "set": name,
        "articles": b.articles,
        "gold": b.gold,
        "records": b.records,
        "precision": b.precision,
        "recall": b.recall,
        "f1": b.f1,
        "strict_precision": b.strict_precision,
        "strict_recall": b.strict_recall,
        "strict_f1": b.strict_f1,
        "fields": b.fields,
        "record_errors": b.record_errors,
        "miss_causes": b.miss_causes,
        "field_errors": b.field_errors,
        "merge_rereported_events": b.merge.get("rereported_events"),
        "merge_bcubed_f1": merge.get("f1"),
        "merge_bcubed_precision": merge.get("precision"),
        "merge_bcubed_recall": merge.get("recall"),
        "merge_split": len(b.merge.get("split_events", [])),
        "merge_joining": len(b.merge.get("joining_records", [])),
        "seconds": round(seconds, 1),
    }


def run_set(name: str, shared: Path, keep: Path | None) -> list[dict]:
    if name == "dev":
        dev = shared / "seeds" / "dev"
        gold = json.loads((dev / "gold.json").read_text(encoding="utf-8"))
        arts = [a for a in read_articles([str(dev / "articles.jsonl")])
                if not isinstance(a, IngestProblem)]  # fmt: skip
        return [_board_line(name, gold, arts, keep)]
    if name.startswith("ant-"):
        path = ROOT / "eval" / "gold" / f"{name}.json"
        gold = json.loads(path.read_text(encoding="utf-8"))
        corpus = shared / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"
        arts = ant_articles({str(d["doc"]) for d in gold}, corpus)
        return [_board_line(name, gold, arts, keep)]
    kind = name.split("-", 1)[1]
    path = shared / "corpora" / "arabic-event-gsr" / f"{kind}_dev.csv"
    started = time.perf_counter()
    sentences = read_gsr(path)
    found = None
    how = "rules"
    if load_decider() is not None:
        # the shipped decider learned from these sentences: score each fold with a model
        # trained without it
        found = cross_validated_gsr(_other_examples(shared), sentences)
        how = "decider, 5-fold cross-validated"
    scores = score_gsr(sentences, found)
    seconds = round(time.perf_counter() - started, 1)
    return [{"set": name, "scored_with": how, **s.as_dict(), "seconds": seconds} for s in scores]


_OTHERS: list[Example] = []


def _other_examples(shared: Path) -> list[Example]:
    """The decider's training proposals that are not GSR: ANT train and the dev seeds."""
    if not _OTHERS:
        dev = shared / "seeds" / "dev"
        gold = json.loads((dev / "gold.json").read_text(encoding="utf-8"))
        arts = [a for a in read_articles([str(dev / "articles.jsonl")])
                if not isinstance(a, IngestProblem)]  # fmt: skip
        _OTHERS.extend(gold_examples(gold, arts))
        train = ROOT / "eval" / "gold" / "ant-train.json"
        if train.exists():
            gold = json.loads(train.read_text(encoding="utf-8"))
            corpus = shared / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"
            _OTHERS.extend(gold_examples(gold, ant_articles({str(d["doc"]) for d in gold}, corpus)))
    return _OTHERS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ",".join(SETS))
    parser.add_argument("--records", type=Path, help="write each set's records here (JSONL)")
    args = parser.parse_args()
    shared = shared_dir()
    if not shared.is_dir():
        print(f"quality: {shared}: no shared/ folder beside the checkout (set RASID_SHARED)",
              file=sys.stderr)  # fmt: skip
        return 1
    wanted = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SETS]
    if unknown:
        print(f"quality: unknown set {', '.join(unknown)}; sets are {', '.join(SETS)}",
              file=sys.stderr)  # fmt: skip
        return 2
    commit = _commit()
    for name in wanted:
        for line in run_set(name, shared, args.records):
            print(json.dumps({"commit": commit, **line}, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
