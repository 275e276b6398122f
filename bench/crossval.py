"""The training recipe cross-validated on ANT train: how a change is judged without the test half.

    python bench/crossval.py             # one JSON line: the pooled held-out scoreboard
    python bench/crossval.py --repeat 3  # the mean over three different fold draws

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
    runs = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    keys = ("precision", "recall", "f1", "strict_precision", "strict_recall", "strict_f1")
    sums = dict.fromkeys(keys, 0.0)
    for k in range(runs):
        # each repeat draws other folds: their mean is steadier than one split's figure
        b = crossval_recipe(gold, arts, [(dev_gold, dev_arts)], gsr, salt=f"r{k}:" if k else "")
        for key in keys:
            sums[key] += getattr(b, key) / runs
    out = {key: round(v, 4) for key, v in sums.items()}
    out.update(repeats=runs, seconds=round(time.perf_counter() - started, 1))
    if runs == 1:
        out.update(fields=b.fields, record_errors=b.record_errors, miss_causes=b.miss_causes)
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
