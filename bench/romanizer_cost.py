"""What the name romanizer and the knowledge base cost the pipeline, measured in the same
conditions.

Each variant runs the pipeline phase of ``rasid bench`` in a fresh process, with its own
reference pass (``rasid bench``'s: parse each JSON line, one regular expression), so the
pipeline's rate is printed as a ratio to the reference measured in the same run, comparable
across variants on a shared machine:

- ``on``: the pipeline as shipped;
- ``off``: ``rasid.names.romanize_name`` replaced by a function returning the Arabic as is
  (only for this measurement: the entities keep no English name);
- ``timed``: as shipped, with the time spent inside ``romanize_name`` added up (its share of
  the pipeline's time, and how many calls and distinct names it saw), and the time inside the
  knowledge base's work for the entities: its matcher (``rasid.kb.match.match_kb``) and the
  links by context (``rasid.kb.context_links.link_by_context``).

The knowledge base cannot be turned off without changing what the pipeline does after it (no
actor, no event): its cost is its share of the pipeline's time, the speed the pipeline would
gain without it (a share s of the time is a share s of the speed). ``kb_and_names_share`` adds
the two: the issue's budget is a tenth.

Each share is printed twice: of wall time (``time.perf_counter``: ``*_share``) and of CPU time
(``time.process_time``, the process's own, inside the same functions and the same pipeline
calls: ``*_cpu_share``). The budget is judged on the CPU share. The pipeline is one thread with
no I/O inside its clock, so on an idle core its wall time is its CPU time and the two shares
agree; on a shared machine the wall clock also counts the moments the process waits for a core,
and the function that happens to be running then is charged for them, which moved the wall
share by two points between runs. The CPU share leaves those out and is what the wall share
would be on a machine of one's own; the wall share is printed beside it as the issue's own
measure (speed is articles a second of wall time).

The variants alternate ``--rounds`` times (on, off, timed, on, off, timed, ...); the figures
printed are each run's and each variant's median.

    python bench/romanizer_cost.py CORPUS [--limit 3000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

VARIANTS = ("on", "off", "timed")


class _Counter:
    """Time spent inside the romanizer, its calls and the distinct names it was given, the
    time inside the knowledge base's matcher and links by context, and inside the pipeline
    (wall and CPU time each)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu = 0.0
        self.calls = 0
        self.names: set[str] = set()
        self.kb_seconds = 0.0
        self.kb_cpu = 0.0
        self.pipeline_seconds = 0.0
        self.pipeline_cpu = 0.0


def _patch(variant: str) -> _Counter:
    """Replace the romanizer where the entities call it (not for ``on``)."""
    import rasid.entities
    import rasid.names

    counter = _Counter()
    original: Callable[[str], str] = rasid.names.romanize_name

    def as_is(name: str) -> str:
        return name

    def timed(name: str) -> str:
        c = time.process_time()
        t = time.perf_counter()
        try:
            return original(name)
        finally:
            counter.seconds += time.perf_counter() - t
            counter.cpu += time.process_time() - c
            counter.calls += 1
            counter.names.add(name)

    replacement = {"off": as_is, "timed": timed}.get(variant)
    if replacement is not None:
        for module in (rasid.names, rasid.entities):
            if hasattr(module, "romanize_name"):
                module.romanize_name = replacement
    if variant == "timed":
        import rasid.pipeline

        # where the entities call them, and the batch's walk of the knowledge base
        for module, name in (
            (rasid.entities, "match_kb"),
            (rasid.entities, "link_by_context"),
            (rasid.pipeline, "match_kb"),
        ):
            setattr(module, name, _timed_kb(getattr(module, name), counter))
    _time_pipeline(counter)
    return counter


def _timed_kb(function: Callable[..., Any], counter: _Counter) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        c = time.process_time()
        t = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            counter.kb_seconds += time.perf_counter() - t
            counter.kb_cpu += time.process_time() - c

    return timed


def _time_pipeline(counter: _Counter) -> None:
    """Add up the CPU time of each batch's pipeline call (``rasid bench`` clocks its wall
    time): ``rasid.bench`` imports ``process_batch`` when its phase starts, after this."""
    import rasid.pipeline

    original = rasid.pipeline.process_batch

    def timed(*args: Any, **kwargs: Any) -> Any:
        c = time.process_time()
        t = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            counter.pipeline_seconds += time.perf_counter() - t
            counter.pipeline_cpu += time.process_time() - c

    rasid.pipeline.process_batch = timed


def _child(variant: str, corpus: str, limit: int) -> None:
    from rasid.bench import run_phase

    counter = _patch(variant)
    result = run_phase("pipeline", corpus, limit or None, 1, 1)
    out: dict[str, Any] = {
        "variant": variant,
        "pipeline_articles_per_s": result.get("pipeline_articles_per_s"),
        "pipeline_ratio": result.get("pipeline_ratio"),
        "pipeline_s": result.get("pipeline_s"),
        "pipeline_cpu_s": round(counter.pipeline_cpu, 3),
        "reference_articles_per_s": result["reference"]["articles_per_s"],
        "events": result.get("events"),
    }
    if variant == "timed":
        out["romanize_s"] = round(counter.seconds, 3)
        out["romanize_cpu_s"] = round(counter.cpu, 3)
        out["romanize_calls"] = counter.calls
        out["romanize_distinct"] = len(counter.names)
        out["kb_s"] = round(counter.kb_seconds, 3)
        out["kb_cpu_s"] = round(counter.kb_cpu, 3)
        wall, cpu = counter.pipeline_seconds, counter.pipeline_cpu
        if wall and cpu:
            out["romanize_share"] = round(counter.seconds / wall, 4)
            out["kb_share"] = round(counter.kb_seconds / wall, 4)
            out["kb_and_names_share"] = round(out["romanize_share"] + out["kb_share"], 4)
            out["romanize_cpu_share"] = round(counter.cpu / cpu, 4)
            out["kb_cpu_share"] = round(counter.kb_cpu / cpu, 4)
            out["kb_and_names_cpu_share"] = round(
                out["romanize_cpu_share"] + out["kb_cpu_share"], 4
            )
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--limit", type=int, default=3000, help="articles (0: all)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        _child(args.variant, args.corpus, args.limit)
        return
    runs: list[dict[str, Any]] = []
    for _ in range(args.rounds):
        for variant in VARIANTS:
            cmd = [sys.executable, __file__, args.corpus, "--limit", str(args.limit)]
            proc = subprocess.run(
                [*cmd, "--variant", variant], stdout=subprocess.PIPE, text=True, check=True
            )
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            print(json.dumps(run), file=sys.stderr, flush=True)
            runs.append(run)
    summary: dict[str, Any] = {"limit": args.limit, "rounds": args.rounds, "runs": runs}
    for variant in VARIANTS:
        mine = [r for r in runs if r["variant"] == variant]
        summary[variant] = {
            k: statistics.median(r[k] for r in mine)
            for k in (
                "pipeline_articles_per_s",
                "reference_articles_per_s",
                "pipeline_ratio",
                "romanize_share",
                "kb_share",
                "kb_and_names_share",
                "romanize_cpu_share",
                "kb_cpu_share",
                "kb_and_names_cpu_share",
            )
            if all(r.get(k) is not None for r in mine)
        }
    on, off = summary["on"].get("pipeline_ratio"), summary["off"].get("pipeline_ratio")
    if on and off:
        # the share of the pipeline's speed the romanizer takes away
        summary["speed_lost"] = round(1 - on / off, 4)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
