"""The pipeline's CPU time with two versions of some modules, paired by article in one process.

On a machine shared with other jobs, two runs of the same code differ by up to a fifth in CPU
time, more than most changes to one stage: two processes run one after the other see different
loads.
Here each article goes through ``process_article`` twice, once with the modules as they are
imported and once with the same modules loaded from another checkout (``--base``, e.g. an
extract of the commit before a change: ``git archive HEAD~ src | tar -x -C /tmp/base``), the
order alternating from one article to the next; the CPU time of each version is added up. Both
versions see the same load, the same articles and each other's warm caches.

Only names taken from the swapped modules are swapped: every function or class of theirs that
another loaded ``rasid`` module imported is set back and forth between the two versions before
each run. Run it with the tree under test first on the path:

    PYTHONPATH=src python bench/paired_ab.py CORPUS --base /tmp/base/src \
        --modules rasid.events.context [--limit 3000]

The same code against itself gives 1.004x (two runs over the first 3,000 ANT articles): a
ratio within a per cent of that is no change.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
import types
from itertools import islice
from pathlib import Path
from typing import Any


def _load_base(name: str, base: Path) -> types.ModuleType:
    """The module ``name`` executed from the other checkout, as a module of its own."""
    path = base / (name.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location(name + "_base", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"no module {name} under {base}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _swaps(names: list[str], base: Path) -> list[tuple[Any, str, Any, Any]]:
    """(module, attribute, base value, new value) for each name a loaded rasid module took."""
    swaps = []
    for name in names:
        new = importlib.import_module(name)
        old = _load_base(name, base)
        for module in list(sys.modules.values()):
            if module is new or not getattr(module, "__name__", "").startswith("rasid"):
                continue
            for attr, value in list(vars(module).items()):
                if (
                    callable(value)
                    and getattr(value, "__module__", None) == name
                    and getattr(new, attr, None) is value
                    and attr in vars(old)
                ):
                    swaps.append((module, attr, vars(old)[attr], value))
    return swaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--base", required=True, help="the other checkout's src folder")
    parser.add_argument("--modules", required=True, help="comma-separated module names")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    from rasid.ingest import IngestProblem, read_articles
    from rasid.jobs import warm
    from rasid.pipeline import process_article

    warm()
    swaps = _swaps(args.modules.split(","), Path(args.base))
    articles = [
        a
        for a in islice(read_articles([args.corpus]), args.limit)
        if not isinstance(a, IngestProblem)
    ]
    spent = [0.0, 0.0]  # base, new
    for k, article in enumerate(articles):
        for version in (0, 1) if k % 2 == 0 else (1, 0):
            for module, attr, old, new in swaps:
                setattr(module, attr, new if version else old)
            started = time.process_time()
            process_article(article)
            spent[version] += time.process_time() - started
    print(
        json.dumps(
            {
                "articles": len(articles),
                "swapped": sorted({f"{m.__name__}.{a}" for m, a, _, _ in swaps}),
                "base_cpu_s": round(spent[0], 3),
                "new_cpu_s": round(spent[1], 3),
                "new_over_base": round(spent[1] / spent[0], 3) if spent[0] else None,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
