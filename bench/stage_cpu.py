"""The pipeline's CPU time stage by stage: ``process_batch`` over a JSONL corpus after the
warm-up, each stage of ``rasid.pipeline.STAGES`` timed with ``time.process_time``, reading left
out. Prints one JSON line: the total and each stage's seconds.

On a machine shared with other jobs every stage slows together with the load, so two trees are
best compared by a stage's share of the total, run after run, alternating:

    PYTHONPATH=/tmp/base/src python bench/stage_cpu.py FIRST_3000.jsonl
    PYTHONPATH=src python bench/stage_cpu.py FIRST_3000.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from itertools import islice
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    from rasid import pipeline
    from rasid.ingest import IngestProblem, read_articles
    from rasid.jobs import warm

    warm()
    articles = [
        a
        for a in islice(read_articles([args.corpus]), args.limit)
        if not isinstance(a, IngestProblem)
    ]
    spent: dict[str, float] = {}

    def timed(stage: Callable[[Any], None]) -> Callable[[Any], None]:
        name = stage.__name__

        def run(work: Any) -> None:
            started = time.process_time()
            try:
                stage(work)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - started

        return run

    pipeline.STAGES = tuple(timed(s) for s in pipeline.STAGES)
    started = time.process_time()
    for batch in pipeline.batches(articles):
        for result in pipeline.process_batch(batch):
            if isinstance(result, Exception):
                raise result
    total = time.process_time() - started
    print(
        json.dumps(
            {
                "articles": len(articles),
                "total_s": round(total, 3),
                **{k: round(v, 3) for k, v in spent.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
