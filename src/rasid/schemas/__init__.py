"""JSON Schemas of Rasid's records (docs/records.md) and of its PLOVER export.

``load_schema("event")`` gives the schema as a dict; any JSON Schema validator (2020-12) reads
it. Kept as data files so that programs outside Python can use the same files.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMAS = ("article", "event", "statement", "figure", "plover")


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (one of SCHEMAS)."""
    if name not in SCHEMAS:
        raise ValueError(f"no schema {name!r} (one of {', '.join(SCHEMAS)})")
    text = resources.files("rasid.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
