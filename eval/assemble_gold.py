"""Join the coders' batches (eval/gold/parts/) into the two halves of the ANT gold.

    python eval/assemble_gold.py     # writes eval/gold/ant-train.json and ant-test.json

Each article goes to the half eval/gold/ant-sample.json gives it (a seeded hash, see
eval/sample_ant.py). Prints the counts, including the real events told by several articles.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold"


def main() -> int:
    sample = json.loads((GOLD / "ant-sample.json").read_text(encoding="utf-8"))["articles"]
    meta = {a["id"]: a for a in sample}
    docs: dict[str, dict] = {}
    for part in sorted((GOLD / "parts").glob("batch-*.json")):
        for doc in json.loads(part.read_text(encoding="utf-8")):
            if doc["doc"] in docs:
                print(f"{part.name}: {doc['doc']} coded twice", file=sys.stderr)
                return 1
            if doc["doc"] not in meta:
                print(f"{part.name}: {doc['doc']} is not in the sample", file=sys.stderr)
                return 1
            docs[doc["doc"]] = doc
    missing = sorted(set(meta) - set(docs))
    if missing:
        print(f"not coded yet: {len(missing)} ({', '.join(missing[:5])} ...)", file=sys.stderr)
    halves: dict[str, list[dict]] = defaultdict(list)
    for doc_id in sorted(docs):
        doc = dict(docs[doc_id])
        doc["group"] = meta[doc_id]["group"]
        halves[meta[doc_id]["half"]].append(doc)
    stats = {}
    for half, items in sorted(halves.items()):
        (GOLD / f"ant-{half}.json").write_text(
            json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        required = [e for d in items for e in d["events"] if not e.get("optional")]
        docs_of = defaultdict(set)
        for d in items:
            for e in d["events"]:
                docs_of[e["key"]].add(d["doc"])
        multi = [k for k, v in docs_of.items() if len(v) > 1]
        stats[half] = {
            "articles": len(items),
            "events": sum(len(d["events"]) for d in items),
            "required": len(required),
            "rereported_events": len(multi),
            "types": dict(Counter(e["type"] for e in required).most_common()),
        }
    print(json.dumps(stats, ensure_ascii=False, indent=1))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
