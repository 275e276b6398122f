"""Provisional names across articles: one entity when the evidence agrees.

Two outlets write one person's name differently ("أنيسة بصيري تبريزي", "أنيسة تبريزي";
"ماثيو تولر", "ماثيو تيولر"). Two provisional entities are one when their names are alike (the
same number of words, each within one or two letters of the other, or one name's words inside
the other's with the same last word) and the evidence agrees: the same role or the same
organization; or the press writes both the same in English and nothing else differs
("ستيفن منوتشين", "ستيفن منوشين": Steven Mnuchin). A name alike but with a different role or
organization stays separate.

Written here because no record-linkage library knows Arabic name variants; the comparison is on
normalized text (rasid.text), so hamza and ta marbuta variants are already equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rasid.records import Entity
from rasid.text.normalize import normalize_key


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def names_alike(a: str, b: str) -> bool:
    """Spelling variants of one name (normalized words compared one by one)."""
    return _words_alike(normalize_key(a).split(), normalize_key(b).split())


def _words_alike(wa: Sequence[str], wb: Sequence[str]) -> bool:
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if len(wa) == len(wb):
        return all(
            _distance(x, y, 2 if len(x) >= 6 else 1) <= (2 if len(x) >= 6 else 1)
            for x, y in zip(wa, wb, strict=True)
        )
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    return len(short) >= 2 and short[-1] == long_[-1] and set(short) <= set(long_)


def evidence_agrees(a: Entity, b: Entity) -> bool:
    """The same kind, and the same role or the same organization when both give one."""
    if a.kind != b.kind:
        return False
    if a.role and b.role:
        return normalize_key(a.role) == normalize_key(b.role)
    if a.affiliations and b.affiliations:
        return bool(set(a.affiliations) & set(b.affiliations))
    return False


def _english_key(e: Entity) -> tuple[str, ...] | None:
    """A person's English name as a key when it has two words or more ("steven mnuchin")."""
    words = tuple(e.name.lower().split()) if e.kind == "person" and e.name_ar else ()
    return ("en", e.kind, *words) if len(words) >= 2 else None


def spelled_alike(a: Entity, b: Entity) -> bool:
    """Two spellings of one person's name that the press writes the same in English
    ("ستيفن منوتشين", "ستيفن منوشين": Steven Mnuchin), with no role or organization that
    differs. A join on the English alone would take two people with one common name for one,
    as the same Arabic spelling already does; the Arabic must be alike too."""
    if _english_key(a) is None or _english_key(a) != _english_key(b):
        return False
    if a.role and b.role and normalize_key(a.role) != normalize_key(b.role):
        return False
    if a.affiliations and b.affiliations and not set(a.affiliations) & set(b.affiliations):
        return False
    return names_alike(a.name_ar, b.name_ar)


def same_entity(a: Entity, b: Entity) -> bool:
    alike = names_alike(a.name_ar or a.name, b.name_ar or b.name)
    return (alike and evidence_agrees(a, b)) or spelled_alike(a, b)


class ProvisionalIndex:
    """Known provisional entities, found by what a match must share: the same role, or an
    organization, and then the same number of words or the same last word. A look-up reads one
    small block, so linking a corpus costs time in proportion to it, not to its square."""

    def __init__(self) -> None:
        self._blocks: dict[tuple[str, ...], dict[str, list[tuple[str, Entity]]]] = {}
        self._words: dict[str, tuple[str, ...]] = {}

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self._words

    @staticmethod
    def _evidence_keys(e: Entity) -> list[tuple[str, ...]]:
        keys: list[tuple[str, ...]] = []
        if (english := _english_key(e)) is not None:
            keys.append(english)
        if e.role:
            keys.append(("role", e.kind, normalize_key(e.role)))
        keys += [("aff", e.kind, a) for a in e.affiliations]
        return keys

    def add(self, e: Entity) -> None:
        if not e.provisional or e.id in self._words:
            return
        words = tuple(normalize_key(e.name_ar or e.name).split())
        self._words[e.id] = words
        if not words:
            return
        for key in self._evidence_keys(e):
            block = self._blocks.setdefault(key, {})
            block.setdefault(f"n{len(words)}", []).append((e.id, e))
            block.setdefault(f"w{words[-1]}", []).append((e.id, e))

    def find(self, e: Entity) -> str | None:
        """The id of the known entity ``e`` is (the smallest id when several are), or None."""
        words = tuple(normalize_key(e.name_ar or e.name).split())
        if not words:
            return None
        best: str | None = None
        for key in self._evidence_keys(e):
            block = self._blocks.get(key)
            if not block:
                continue
            for kid, k in (*block.get(f"n{len(words)}", ()), *block.get(f"w{words[-1]}", ())):
                if best is not None and kid >= best:
                    continue
                if key[0] == "en":
                    if spelled_alike(e, k):
                        best = kid
                elif _words_alike(words, self._words[kid]) and evidence_agrees(e, k):
                    best = kid
        return best


def link_provisional(
    new: Iterable[Entity], known: Mapping[str, Entity] | ProvisionalIndex
) -> dict[str, str]:
    """new id -> known id for the new provisional entities that are known ones. ``known`` is
    a mapping of entities or, to link a whole corpus in one pass, a ProvisionalIndex."""
    if isinstance(known, ProvisionalIndex):
        index = known
    else:
        index = ProvisionalIndex()
        for k in known.values():
            index.add(k)
    out: dict[str, str] = {}
    for e in new:
        if e.id in known:
            continue
        match = index.find(e)
        if match is not None:
            out[e.id] = match
    return out
