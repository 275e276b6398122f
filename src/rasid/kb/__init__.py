"""The knowledge base of actors and places, and the mentions of them in a text.

``load_kb()`` reads the package's data files (and a user's, see ``rasid.kb.load``) once;
``find_mentions(doc)`` adds knowledge-base and context mentions to a ``Doc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rasid.kb.load import Affiliation, EntryInfo, KnowledgeBase, KnowledgeBaseError, load_kb
from rasid.kb.match import match_kb
from rasid.kb.matcher import label_of

if TYPE_CHECKING:
    from rasid.doc import Doc
    from rasid.records import Mention

__all__ = [
    "Affiliation",
    "EntryInfo",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "find_mentions",
    "label_of",
    "load_kb",
    "match_kb",
]


def find_mentions(
    doc: Doc, kb: KnowledgeBase | None = None, extra_spans: Sequence[Mention] = ()
) -> Doc:
    """``doc`` with its mentions (KB and context, original offsets) and provisional entities."""
    from rasid.entities import find_mentions as _find_mentions

    return _find_mentions(doc, kb, extra_spans)
