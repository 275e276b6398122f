"""Search keys across languages: a query and the other names of what it names.

``expand_query("Mosul")`` gives the normalized keys a text search ORs together: the query's own
key, then every name, Arabic name and alias of the knowledge-base entries the query names exactly
("Mosul" -> "الموصل", "al-mawsil" ...), the whole names of the project's names dictionary
(kb/rules/names_en.tsv, both ways), the press spelling of a multi-word Arabic name
(``rasid.names.romanize_name``), and the form an Arabic key takes after ل ("للموصل").

Guards: only exact names expand (a query naming part of a name expands to nothing); a query that
names more than ``MOST_ENTRIES`` entries is too vague to expand; keys of other entries shorter
than ``SHORTEST`` characters are left out ("KH" would hit every "kh" of an English text); the bare
name of a place flagged ``place_or_word`` (حديثة is also "modern") is left out, its qualified
aliases ("قضاء حديثة") stay; one-word names of the dictionary never expand (علي would become على).

Risky: a key is matched as the start of a word (``rasid.store.fulltext``), so a short English key
still finds the longer words it begins ("Hit" finds "hits" and "hitting", no longer "white").
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from dataclasses import dataclass

from rasid.errors import RasidError
from rasid.text import normalize_key

log = logging.getLogger(__name__)

MOST_ENTRIES = 3
SHORTEST = 4
MOST_KEYS = 24  # an OR of more substrings costs more than it finds


@dataclass(frozen=True, slots=True)
class SynonymIndex:
    """Normalized names -> the ids they name, and each id's keys for search."""

    ids_by_key: dict[str, frozenset[str]]
    keys_by_id: dict[str, tuple[str, ...]]
    names_en: dict[str, tuple[str, ...]]  # dictionary whole names: either language -> the other


def _is_arabic(key: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in key)


@functools.cache
def synonym_index() -> SynonymIndex:
    """Built once from the knowledge base and the names dictionary; empty without a KB."""
    ids_by_key: dict[str, set[str]] = defaultdict(set)
    keys_by_id: dict[str, tuple[str, ...]] = {}
    try:
        from rasid.kb import load_kb

        kb = load_kb()
    except (ImportError, RasidError) as exc:  # search must work without a knowledge base
        log.warning("knowledge base unavailable, search matches the query only: %s", exc)
        kb = None
    if kb is not None:
        for eid, ent in kb.entities.items():
            names = [normalize_key(n) for n in (ent.name, ent.name_ar, *ent.aliases) if n]
            info = kb.info.get(eid)
            bare = normalize_key(ent.name_ar or "")
            word_like = info is not None and info.ambiguous == "place_or_word"
            for key in names:
                ids_by_key[key].add(eid)
            keys_by_id[eid] = tuple(
                dict.fromkeys(
                    k for k in names if len(k) >= SHORTEST and not (word_like and k == bare)
                )
            )
    from rasid.names import name_book

    names_en: dict[str, list[str]] = defaultdict(list)
    for arabic, english in name_book().names.items():
        eng = normalize_key(english)
        names_en[arabic].append(eng)
        names_en[eng].append(arabic)
    return SynonymIndex(
        ids_by_key={k: frozenset(v) for k, v in ids_by_key.items()},
        keys_by_id=keys_by_id,
        names_en={k: tuple(dict.fromkeys(v)) for k, v in names_en.items()},
    )


def entries_named(key: str) -> frozenset[str]:
    """The knowledge-base ids whose name, Arabic name or alias is exactly ``key``."""
    return synonym_index().ids_by_key.get(key, frozenset())


def _after_lil(key: str) -> str | None:
    """ "الموصل" -> "للموصل": the article loses its alef after ل, so the plain key misses it."""
    if not _is_arabic(key):
        return None
    from rasid.kb.morph import lil_form, morphology

    stem = lil_form(key)
    return morphology().lil + stem if stem else None


def expand_query(query: str) -> list[str]:
    """The normalized keys that find what ``query`` names, in either language; the query's own
    key first. Empty for a query with no letters."""
    key = normalize_key(query)
    if not key:
        return []
    index = synonym_index()
    keys = [key]
    ids = entries_named(key)
    if len(ids) <= MOST_ENTRIES:
        for eid in sorted(ids):
            keys += index.keys_by_id.get(eid, ())
    if " " in key:
        keys += index.names_en.get(key, ())
        if _is_arabic(key) and not ids:
            from rasid.names import romanize_name

            keys.append(normalize_key(romanize_name(key)))
    keys += [lil for k in keys if (lil := _after_lil(k))]
    return _shortest_cover(list(dict.fromkeys(k for k in keys if k)))[:MOST_KEYS]


def _shortest_cover(keys: list[str]) -> list[str]:
    """The keys without those containing another ("قضاء الموصل" adds nothing to "الموصل")."""
    return [k for k in keys if not any(o != k and o in k for o in keys)]
