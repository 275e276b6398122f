"""A coder's helper for the ANT gold (eval/GUIDELINES.md): read articles, check gold files.

    python eval/coder.py batch 3          # the ids of coder batch 3, group beside each
    python eval/coder.py show ID [ID ...] # an article to read, paragraphs numbered
    python eval/coder.py check FILE       # a gold file's shape, one line per problem

It reads the texts from shared/corpora (never copied into the repository) and does not run
Rasid: coding is blind.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpora" / "ant-multisource"
SAMPLE = HERE / "gold" / "ant-sample.json"

TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
    "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}
PRECISIONS = {"site", "city", "admin1", "country", "region"}
STATUSES = {"occurred", "planned", "claimed"}
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def sample() -> list[dict]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))["articles"]


def articles(ids: set[str]) -> dict[str, dict]:
    out = {}
    with (CORPUS / "ant_v2.1_multisource.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if any(i in line[:200] for i in ids):
                row = json.loads(line)
                if row["id"] in ids:
                    out[row["id"]] = row
    return out


def show(ids: list[str]) -> None:
    meta = {a["id"]: a for a in sample()}
    rows = articles(set(ids))
    for i in ids:
        row = rows.get(i)
        if row is None:
            print(f"{i}: not in the corpus", file=sys.stderr)
            continue
        print(f"=== {i}  source={row['source']}  published={row['published']}  "
              f"group={meta.get(i, {}).get('group')}")
        print(f"TITLE: {row['title']}")
        for n, para in enumerate(row["text"].split("\n"), start=1):
            print(f"[{n}] {para}")
        print()


def check_event(where: str, ev: dict, problems: list[str]) -> None:
    need = ("key", "type", "date", "tol_days", "where", "actor", "target", "killed", "injured",
            "optional", "note")
    for k in need:
        if k not in ev:
            problems.append(f"{where}: missing {k}")
    if ev.get("type") not in TYPES:
        problems.append(f"{where}: type {ev.get('type')!r} is not a PLOVER type")
    for t in ev.get("alt_types") or ():
        if t not in TYPES:
            problems.append(f"{where}: alt type {t!r} is not a PLOVER type")
    if ev.get("status", "occurred") not in STATUSES:
        problems.append(f"{where}: status {ev.get('status')!r}")
    if ev.get("date") is not None and not DATE.match(str(ev["date"])):
        problems.append(f"{where}: date {ev.get('date')!r} is not YYYY[-MM[-DD]]")
    if not isinstance(ev.get("tol_days", 0), int):
        problems.append(f"{where}: tol_days must be an integer")
    w = ev.get("where")
    if w is not None:
        if not isinstance(w, dict) or not w.get("names"):
            problems.append(f"{where}: where needs names")
        elif w.get("precision") not in PRECISIONS:
            problems.append(f"{where}: where.precision {w.get('precision')!r}")
        elif w.get("country") is not None and not re.match(r"^[A-Z]{2}$", str(w["country"])):
            problems.append(f"{where}: where.country {w.get('country')!r} is not ISO alpha-2")
    for role in ("actor", "target", "claimed_by"):
        v = ev.get(role, [])
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            problems.append(f"{where}: {role} must be a list of names")
    for k in ("killed", "injured"):
        if ev.get(k) is not None and not isinstance(ev[k], int):
            problems.append(f"{where}: {k} must be an integer or null")


def check(path: Path) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{path}: cannot read ({exc})")
        return 1
    known = {a["id"] for a in sample()}
    problems: list[str] = []
    keys: dict[str, str] = {}
    for doc in data:
        d = doc.get("doc")
        if d not in known:
            problems.append(f"{d}: not in the sample")
        for k, ev in enumerate(doc.get("events") or []):
            check_event(f"{d} event {k + 1}", ev, problems)
            key = ev.get("key", "")
            if key in keys and keys[key] == d:
                problems.append(f"{d} event {k + 1}: key {key} used twice in one article")
            keys[key] = d
    for p in problems:
        print(p)
    events = sum(len(doc.get("events") or []) for doc in data)
    print(f"{path}: {len(data)} articles, {events} events, {len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, rest = argv[1], argv[2:]
    if cmd == "batch":
        for a in sample():
            if str(a["batch"]) == rest[0]:
                print(a["id"], a["group"] or "-")
        return 0
    if cmd == "show":
        show(rest)
        return 0
    if cmd == "check":
        return max((check(Path(p)) for p in rest), default=0)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
