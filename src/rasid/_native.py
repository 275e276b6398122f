"""A check, at import, that no compiled module is older than its source.

Set-up compiles the pipeline's hot modules with mypyc (``setup.py``); a compiled module is
imported in place of its ``.py``, so after an edit, until set-up runs again, Python would run the
old code. This warns of it instead of running stale code in silence.
"""

from __future__ import annotations

import warnings
from pathlib import Path


def stale_modules(root: Path = Path(__file__).parent) -> list[str]:
    """Sources newer than the module compiled from them, under ``root`` (this package)."""
    stale = []
    for compiled in root.rglob("*.so"):
        source = compiled.with_name(compiled.name.split(".", 1)[0] + ".py")
        if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
            stale.append(str(source.relative_to(root.parent)))
    return sorted(stale)


_STALE = stale_modules()
if _STALE:
    warnings.warn(
        f"rasid: {', '.join(_STALE)} changed since it was compiled; run ./run setup again "
        "(or RASID_MYPYC=0 ./run setup for pure Python)",
        RuntimeWarning,
        stacklevel=2,
    )
