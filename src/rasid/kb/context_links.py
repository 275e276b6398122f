"""Bare names whose actor depends on what the article is about (kb/rules/context_links.yaml).

What it catches: "التحالف" alone, which is the Saudi-led coalition in a story on Yemen and the
Houthis and the US-led coalition against ISIS in a story on Iraq or Syria and ISIS;
"الانقلابيون", the Houthis in a story on Yemen; "السفارة الأمريكية", the embassy in Baghdad only
in a story on Iraq. The file says, for each bare name, which entities and countries speak for
each choice.

Guards: a choice is taken only when all its groups are met and no other choice's are (an
article on both wars links nothing); the bare name must stand alone (the next word starting
with the article continues it: "التحالف الوطني" is a political bloc); text another mention
holds is left alone, unless that mention is a word inside the name ("الأمريكية" in "السفارة
الأمريكية"), which gives way to the whole name. Risky: a story on Yemen that mentions some
other alliance by "التحالف".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from rasid.doc import Doc
from rasid.kb.load import KnowledgeBase
from rasid.kb.matcher import label_of
from rasid.kb.morph import morphology, read_rules_text
from rasid.records import Mention
from rasid.text import normalize_key


@dataclass(frozen=True, slots=True)
class Choice:
    entity_id: str
    needs: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (entities, countries) groups


@dataclass(frozen=True, slots=True)
class ContextLink:
    name: str  # normalized
    forms: frozenset[str]  # normalized phrases that say no more than the name
    rule: str
    choices: tuple[Choice, ...]
    pattern: re.Pattern[str]  # the name alone, after any proclitics, in normalized text
    core: str  # what every match of ``pattern`` holds: the name less its first letter


@functools.cache
def context_links() -> tuple[ContextLink, ...]:
    data: list[dict[str, Any]] = yaml.safe_load(read_rules_text("context_links.yaml")) or []
    morph = morphology()
    prefixes = sorted((p for p in morph.prefixes if p), key=len, reverse=True)
    out = []
    for entry in data:
        name = normalize_key(entry["name"])
        forms = [name, *(p + name for p in prefixes)]
        if name.startswith(morph.article):  # ل + التحالف -> للتحالف: the alef goes
            forms += [p + name[1:] for p in morph.lil_prefixes if p]
        alt = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        # the name alone: not inside a word, and not continued by a word with the article
        pattern = re.compile(rf"(?<!\w)(?:{alt})(?!\w)(?!\s+{re.escape(morph.article)})")
        choices = tuple(
            Choice(
                entity_id=c["id"],
                needs=tuple(
                    (frozenset(g.get("entities", ())), frozenset(g.get("countries", ())))
                    for g in c["needs"]
                ),
            )
            for c in entry["choices"]
        )
        said = frozenset(normalize_key(f) for f in entry.get("forms", [name]))
        # the lil forms lose the name's first letter ("للتحالف"), the others hold it whole
        out.append(ContextLink(name, said, str(entry["rule"]), choices, pattern, name[1:]))
    return tuple(out)


def _met(choice: Choice, ids: set[str], countries: set[str]) -> bool:
    return all(ids & ents or countries & codes for ents, codes in choice.needs)


def _is_form(text: str, forms: frozenset[str]) -> bool:
    """A mention's text is one of ``forms``, after any proclitics ("وللتحالف"; the KB's span
    of "للتحالف" is "لتحالف", the article's alef gone after ل)."""
    key = normalize_key(text)
    morph = morphology()
    art = morph.article
    for prefix in morph.prefixes:
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if rest in forms or (rest.startswith(art[1:]) and art[0] + rest in forms):
                return True
    return False


def link_by_context(doc: Doc, mentions: Sequence[Mention], kb: KnowledgeBase) -> list[Mention]:
    """``mentions`` with the bare names of kb/rules/context_links.yaml linked as the article's
    other mentions decide: new mentions where nothing holds the text, and knowledge-base
    mentions of another choice with one of the name's forms re-linked."""
    links = context_links()
    text = doc.norm.text
    out = list(mentions)
    if not links or not any(link.name in text for link in links):
        return out
    for link in links:
        choice_ids = {c.entity_id for c in link.choices}
        ids = {m.entity_id for m in out if m.entity_id not in choice_ids}
        countries = set()
        for eid in ids:
            ent = kb.get(eid)
            if ent is not None and ent.kind in ("place", "state") and ent.country:
                countries.add(ent.country)
        # a choice's own full name ("التحالف العربي") speaks for it
        ids |= {
            m.entity_id
            for m in out
            if m.entity_id in choice_ids and not _is_form(m.text, link.forms)
        }
        met = [c for c in link.choices if _met(c, ids, countries)]
        if len(met) != 1 or (ent := kb.get(met[0].entity_id)) is None:
            continue
        for k, m in enumerate(out):
            if m.entity_id in choice_ids - {ent.id} and _is_form(m.text, link.forms):
                out[k] = Mention(m.start, m.end, m.text, ent.id, label_of(ent), link.rule, 0.7)
        if link.core not in text:
            continue  # no match: a scan of the text in C, not one of the pattern
        for hit in link.pattern.finditer(text):
            start, end = doc.norm.to_original_span(hit.start(), hit.end())
            crossing = [m for m in out if start < m.end and m.start < end]
            # a word of the name matched alone ("الأمريكية" in "السفارة الأمريكية") gives way
            # to the whole name; a mention reaching past it stays
            if any(
                m.start < start or m.end > end or (m.start, m.end) == (start, end) for m in crossing
            ):
                continue
            out = [m for m in out if m not in crossing]
            surface = doc.article.text[start:end]
            out.append(Mention(start, end, surface, ent.id, label_of(ent), link.rule, 0.7))
    return sorted(out, key=lambda m: (m.start, m.end))
