"""Mentions linked to entities: knowledge-base matches plus names found by context.

``find_mentions`` is the pipeline's stage, in three steps, each in its own module:
1. knowledge-base mentions: the actors and places of the knowledge base (rasid.kb.match);
2. names found by context: titles, verbs of saying, kunyas, organization cues, photo credits
   (rasid.context_names, which says what each pattern catches and what guards it);
3. provisional entities: those names as mentions and entities of the article, their repeats,
   one entity per person (rasid.provisional; across articles rasid.entity_merge).
The knowledge base wins over context where spans overlap; words like "التحالف" are then linked
by the story's context (rasid.kb.context_links); the names kept are spelled in English
(rasid.names).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rasid.context_names import provisional_id
from rasid.doc import Doc
from rasid.kb.context_links import link_by_context
from rasid.kb.load import KnowledgeBase, load_kb
from rasid.kb.match import match_kb
from rasid.names import romanize_name
from rasid.provisional import find_names, is_generic_name, kb_person_names
from rasid.records import Mention

__all__ = [
    "find_mentions",
    "find_names",
    "is_generic_name",
    "kb_person_names",
    "provisional_id",
    "transliterate",
]


def transliterate(name: str) -> str:
    """The English of an Arabic name as the press spells it ("ريناد منصور" -> "Rinad Mansour");
    rasid.names says how."""
    return romanize_name(name)


def find_mentions(
    doc: Doc,
    kb: KnowledgeBase | None = None,
    extra_spans: Sequence[Mention] = (),
    kb_mentions: Sequence[Mention] | None = None,
) -> Doc:
    """The document with ``mentions`` (KB and context, original offsets, sorted by start,
    non-overlapping) and ``provisional`` entities.

    ``extra_spans`` are PERS/ORG/LOC spans from another recognizer (a trained model); they are
    kept where neither the KB nor the context rules claimed the text. ``kb_mentions`` are the
    knowledge base's own (``match_kb``) when a batch's walk found them already.
    """
    base = kb if kb is not None else load_kb()
    if kb_mentions is None:
        kb_mentions = match_kb(doc.norm, base)
    context, provisional = find_names(doc, kb_mentions, base, extra_spans)
    kept = [m for m in kb_mentions if not any(m.start < c.end and c.start < m.end for c in context)]
    mentions = sorted([*kept, *context], key=lambda m: (m.start, m.end))
    mentions = link_by_context(doc, mentions, base)  # "التحالف" by the story's war
    used = {m.entity_id for m in mentions}
    # only the names kept are spelled in English: a name joined to a longer one, to a
    # knowledge-base person or left without a mention costs the romanizer nothing
    return dataclasses.replace(
        doc,
        mentions=tuple(mentions),
        provisional={
            k: v if v.name else dataclasses.replace(v, name=transliterate(v.name_ar))
            for k, v in provisional.items()
            if k in used
        },
    )
