"""Records per real event over the dev articles and the merge test articles; prints JSON.

python bench/merge_report.py [--verbose]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import yaml

from rasid.eval import score_merge
from rasid.ingest import IngestProblem, read_articles
from rasid.pipeline import extract
from rasid.records import Event

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "merge"
DEV = ROOT.parent / "shared" / "seeds" / "dev" / "articles.jsonl"


def main() -> None:
    paths = [str(p) for p in (DEV, DATA / "articles.jsonl") if p.exists()]
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


if __name__ == "__main__":
    main()
