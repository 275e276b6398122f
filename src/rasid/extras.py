"""The optional parts of Rasid and the packages each needs (``pip install 'rasid[web]'``).

The core (reading, the pipeline, a SQLite store, the exports, the CLI) installs with
``pip install rasid``; a PostgreSQL store, the web UI and API, and a Dask cluster each need an
extra, named in ``pyproject.toml`` and here. A command that needs one that is missing says which
to install, in one line, before it imports anything of it.
"""

from __future__ import annotations

import importlib.util

from rasid.errors import RasidError

# extra -> (what it is for, the modules it brings that Rasid imports)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "postgres": ("a PostgreSQL store", ("psycopg",)),
    "web": ("the web UI and the HTTP API", ("fastapi", "uvicorn", "jinja2")),
    "cluster": ("a Dask cluster", ("distributed",)),
    "watch": ("rasid watch", ("httpx",)),
}


class MissingExtraError(RasidError):
    """An optional part of Rasid is used without the packages it needs."""


def require_extra(name: str) -> None:
    """Raise MissingExtraError unless the modules of the extra ``name`` can be imported."""
    purpose, modules = EXTRAS[name]
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingExtraError(
            f"{purpose} needs {', '.join(missing)}, which is not installed:"
            f" pip install 'rasid[{name}]'"
        )
