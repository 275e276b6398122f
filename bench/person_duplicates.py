"""Count duplicate person entities in a store: how many person entities are another's double.

Two entities are counted as one person when they share an English name (case folded), when the
normalized Arabic words of one are all in the other's and both end in the same word ("هادي",
"عبد ربه منصور هادي"), or when a provisional name is a knowledge-base person's name or alias.
Duplicates = entities - groups, over the store's provisional persons and the knowledge-base
persons they meet. A rough upper bound: namesakes (two people with one family name) count too.

    python bench/person_duplicates.py STORE.sqlite [--list]

``--list`` prints each group of more than one entity on stderr.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections import defaultdict

from rasid.kb import load_kb
from rasid.text import normalize_key


def count(path: str, show: bool = False) -> dict[str, int]:
    rows = sqlite3.connect(path).execute(
        "SELECT id, name, name_ar FROM entities WHERE kind = 'person' AND provisional = 1"
    )
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for eid, name, name_ar in rows:
        names[eid] = ((name or "").lower(), tuple(normalize_key(name_ar or "").split()))
    kb = load_kb()
    kb_keys: dict[str, str] = {}
    for eid, ent in kb.entities.items():
        if ent.kind == "person":
            for n in (ent.name, ent.name_ar, *ent.aliases):
                if n:
                    kb_keys[normalize_key(n)] = eid
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    by_en: dict[str, str] = {}
    by_last: dict[str, list[str]] = defaultdict(list)
    kb_met = set()
    for eid, (en, words) in names.items():
        find(eid)
        if en:
            if en in by_en:
                union(eid, by_en[en])
            by_en[en] = eid
        key = " ".join(words)
        for k in (key, en):
            if k in kb_keys:
                kb_met.add(kb_keys[k])
                union(eid, kb_keys[k])
        if words:
            by_last[words[-1]].append(eid)
    for group in by_last.values():
        sets = [(e, set(names[e][1])) for e in group]
        for i, (a, wa) in enumerate(sets):
            for b, wb in sets[i + 1 :]:
                if wa <= wb or wb <= wa:
                    union(a, b)
    members = set(names) | kb_met
    groups = {find(e) for e in members}
    if show:
        by_group: dict[str, list[str]] = defaultdict(list)
        for e in sorted(members):
            by_group[find(e)].append(e)
        for group in by_group.values():
            if len(group) > 1:
                print(" | ".join(group), file=sys.stderr)
    return {
        "provisional_persons": len(names),
        "kb_persons_met": len(kb_met),
        "groups": len(groups),
        "duplicates": len(members) - len(groups),
    }


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1], show="--list" in sys.argv[2:]), indent=1))
