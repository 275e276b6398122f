"""Provisional names across articles: one entity when the evidence agrees.

Two outlets write one person's name differently ("أنيسة بصيري تبريزي", "أنيسة تبريزي";
"ماثيو تولر", "ماثيو تيولر"). Two provisional entities are one when their names are alike (the
same number of words, each within one or two letters of the other, or one name's words inside
the other's with the same last word) and the evidence agrees: the same role or the same
organization. A name alike but with a different role or organization stays separate.

Written here because no record-linkage library knows Arabic name variants; the comparison is on
normalized text (rasid.text), so hamza and ta marbuta variants are already equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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
    wa, wb = normalize_key(a).split(), normalize_key(b).split()
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


def same_entity(a: Entity, b: Entity) -> bool:
    return names_alike(a.name_ar or a.name, b.name_ar or b.name) and evidence_agrees(a, b)


def link_provisional(new: Iterable[Entity], known: Mapping[str, Entity]) -> dict[str, str]:
    """new id -> known id for the new provisional entities that are known ones."""
    out: dict[str, str] = {}
    for e in new:
        if e.id in known:
            continue
        match = next(
            (k for k in sorted(known) if known[k].provisional and same_entity(e, known[k])), None
        )
        if match is not None:
            out[e.id] = match
    return out
