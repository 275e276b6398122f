"""Rasid (راصد): Arabic conflict news to a sourced, merged, geocoded record of events.

Public API::

    import rasid
    records = rasid.extract([rasid.Article(id="a1", text="...", published="2024-02-08")])

Nothing heavy happens at import: the knowledge base and models load on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import rasid._native  # noqa: F401  (first: warns when a compiled module is stale)
from rasid.records import (
    ActorRef,
    Article,
    Entity,
    Event,
    Figure,
    Location,
    Mention,
    Quantity,
    Record,
    Sentence,
    Source,
    Statement,
    TimeExpr,
    record_from_json,
    record_to_json,
)

if TYPE_CHECKING:
    pass

__version__ = "0.1.0"

__all__ = [
    "ActorRef",
    "Article",
    "Entity",
    "Event",
    "Figure",
    "Location",
    "Mention",
    "Quantity",
    "Record",
    "Sentence",
    "Source",
    "Statement",
    "TimeExpr",
    "__version__",
    "extract",
    "record_from_json",
    "record_to_json",
]


def extract(articles: Iterable[Article]) -> list[Record]:
    """Run the whole pipeline in memory over ``articles`` and return merged records."""
    from rasid.pipeline import extract as _extract

    return _extract(articles)
