"""The training recipe cross-validated on ANT train: how a change is judged without the test half.

    python bench/crossval.py        # one JSON line: the pooled held-out scoreboard

Each fold of the train half's articles (re-report groups kept whole) is extracted with a decider
trained on the other folds, the dev seeds and GSR dev; the pooled records are scored with the
scoreboard. Compare a change's line with main's before keeping it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from rasid.events.train import crossval_recipe
from rasid.gsr import read_gsr
from rasid.ingest import IngestProblem, read_articles

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import ROOT, ant_articles, shared_dir


def main() -> int:
    shared = shared_dir()
    gold = json.loads((ROOT / "eval" / "gold" / "ant-train.json").read_text(encoding="utf-8"))
    corpus = shared / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"
    arts = ant_articles({str(d["doc"]) for d in gold}, corpus)
    dev = shared / "seeds" / "dev"
    dev_gold = json.loads((dev / "gold.json").read_text(encoding="utf-8"))
    dev_arts = [a for a in read_articles([str(dev / "articles.jsonl")])
                if not isinstance(a, IngestProblem)]  # fmt: skip
    gsr = []
    for kind in ("assault", "protest"):
        gsr += read_gsr(shared / "corpora" / "arabic-event-gsr" / f"{kind}_dev.csv")
    started = time.perf_counter()
    b = crossval_recipe(gold, arts, [(dev_gold, dev_arts)], gsr)
    print(json.dumps({
        "precision": b.precision, "recall": b.recall, "f1": b.f1,
        "strict_precision": b.strict_precision, "strict_recall": b.strict_recall,
        "strict_f1": b.strict_f1, "fields": b.fields, "record_errors": b.record_errors,
        "miss_causes": b.miss_causes, "seconds": round(time.perf_counter() - started, 1),
    }), flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
