"""Draw the ANT articles that the project codes by hand (eval/gold/ant-*.json).

Seeded and repeatable: the same corpus and seed give the same sample, the same split and the
same coder batches. Run from the checkout:

    python eval/sample_ant.py            # writes eval/gold/ant-sample.json

What is drawn (300 articles, see eval/GUIDELINES.md for how they are coded):
- the pool: the middleEast and internationalNews categories, first copies only (`duplicate_of`
  empty), bodies of 300 to 5,000 characters (a coder reads each whole), and never an id listed in
  RESERVED.txt nor a copy of one;
- re-report groups: articles from different outlets published within a day of each other whose
  titles and leads share most of their content words and speak of violence or the military,
  so that the same real event is told more than once (they measure merging);
- the rest at random, an equal share from each outlet, about 70% middleEast, 30% world news.

The split is by a seeded hash of the unit (a group, or a single article): half the groups go to
the test half, and single articles ordered by their hash fill it to 100 articles. The test half
only measures: nothing is fitted to it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from collections import defaultdict
from pathlib import Path

SEED = "rasid-ant-gold-2026"
TOTAL = 300
TEST = 100
GROUPS = 44
MIDDLE_EAST_SHARE = 0.7
CODERS = 7
MIN_CHARS, MAX_CHARS = 300, 5000

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpora" / "ant-multisource"

# content words of a conflict lead; a group must name at least one (sampling only, not a rule)
VIOLENCE = re.compile(
    "هجوم|غار[ةا]|قصف|مقتل|قتل|قتلى|انفجار|تفجير|اشتباك|ضرب[ةا]|صاروخ|صواريخ|مسلح|"
    "عسكري|قوات|جيش|اعتقال|معارك|استهداف|ضحايا|جرحى|طائر[ةا]"
)
ARABIC_WORD = re.compile(r"[\u0621-\u064a]{3,}")
DIACRITICS = re.compile(r"[\u064b-\u0652\u0640]")


def _words(text: str) -> set[str]:
    text = DIACRITICS.sub("", text)
    text = re.sub("[أإآ]", "ا", text).replace("ة", "ه").replace("ى", "ي")
    words = set()
    for word in ARABIC_WORD.findall(text):
        if word.startswith("ال") and len(word) > 4:
            word = word[2:]  # noqa: PLW2901  (the bare form is the word compared)
        elif word.startswith(("وال", "بال", "فال")) and len(word) > 5:
            word = word[3:]  # noqa: PLW2901
        words.add(word)
    return words


def _hash(unit: str) -> int:
    return int(hashlib.sha256(f"{SEED}:{unit}".encode()).hexdigest(), 16)


def load_pool(corpus: Path) -> list[dict]:
    reserved = {
        line.strip()
        for line in (corpus / "RESERVED.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    rows = []
    with (corpus / "ant_v2.1_multisource.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
    # a copy of a reserved article is reserved too, in either direction
    blocked = set(reserved)
    for r in rows:
        if r.get("duplicate_of") in reserved:
            blocked.add(r["id"])
        if r["id"] in reserved and r.get("duplicate_of"):
            blocked.add(r["duplicate_of"])
    pool = []
    for r in rows:
        if r["id"] in blocked or r.get("duplicate_of"):
            continue
        if r["category"] not in ("middleEast", "internationalNews"):
            continue
        if not MIN_CHARS <= len(r.get("text") or "") <= MAX_CHARS:
            continue
        if not str(r.get("published", "")).startswith("2018"):
            continue
        pool.append(r)
    return pool


def find_groups(pool: list[dict]) -> list[list[dict]]:
    """Pairs of outlets' articles about one story, joined into groups of two or three."""
    by_day: dict[str, list[dict]] = defaultdict(list)
    for r in pool:
        by_day[r["published"][:10]].append(r)
    days = sorted(by_day)
    lead = {r["id"]: _words(r["title"] + " " + r["text"][:400]) for r in pool}
    pairs = []
    for i, day in enumerate(days):
        near = by_day[day] + (by_day[days[i + 1]] if i + 1 < len(days) else [])
        for a in by_day[day]:
            if not VIOLENCE.search(a["title"] + a["text"][:400]):
                continue
            for b in near:
                if b["id"] <= a["id"] and b["published"][:10] == day:
                    continue
                if b["source"] == a["source"]:
                    continue
                wa, wb = lead[a["id"]], lead[b["id"]]
                if not wa or not wb:
                    continue
                sim = len(wa & wb) / len(wa | wb)
                if sim >= 0.22:
                    pairs.append((sim, a["id"], b["id"]))
    pairs.sort(reverse=True)
    by_id = {r["id"]: r for r in pool}
    group_of: dict[str, int] = {}
    groups: list[list[str]] = []
    for _sim, a, b in pairs:
        ga, gb = group_of.get(a), group_of.get(b)
        if ga is None and gb is None:
            group_of[a] = group_of[b] = len(groups)
            groups.append([a, b])
        elif ga is not None and gb is None and len(groups[ga]) < 3:
            if by_id[b]["source"] not in {by_id[x]["source"] for x in groups[ga]}:
                group_of[b] = ga
                groups[ga].append(b)
        elif (
            gb is not None
            and ga is None
            and len(groups[gb]) < 3
            and by_id[a]["source"] not in {by_id[x]["source"] for x in groups[gb]}
        ):
            group_of[a] = gb
            groups[gb].append(a)
    return [[by_id[x] for x in sorted(g)] for g in groups]


def draw(pool: list[dict]) -> tuple[list[list[dict]], list[dict]]:
    rng = random.Random(SEED)
    groups = find_groups(pool)
    rng.shuffle(groups)
    chosen_groups = groups[:GROUPS]
    taken = {r["id"] for g in chosen_groups for r in g}
    rest = TOTAL - len(taken)
    outlets = sorted({r["source"] for r in pool})
    singles: list[dict] = []
    for k, outlet in enumerate(outlets):
        share = rest // len(outlets) + (1 if k < rest % len(outlets) else 0)
        cands = {
            cat: sorted(
                (r for r in pool
                 if r["source"] == outlet and r["category"] == cat and r["id"] not in taken),
                key=lambda r: r["id"],
            )
            for cat in ("middleEast", "internationalNews")
        }
        # an outlet whose feed has few middleEast items gives world news in their place
        n_me = min(round(share * MIDDLE_EAST_SHARE), len(cands["middleEast"]))
        for cat, n in (("middleEast", n_me), ("internationalNews", share - n_me)):
            pick = rng.sample(cands[cat], min(n, len(cands[cat])))
            singles.extend(pick)
            taken |= {r["id"] for r in pick}
    return chosen_groups, singles


def split(groups: list[list[dict]], singles: list[dict]) -> dict[str, str]:
    half: dict[str, str] = {}
    n_test = 0
    for g in groups:
        unit = "group:" + g[0]["id"]
        if _hash(unit) % 2 == 0:
            n_test += len(g)
            for r in g:
                half[r["id"]] = "test"
        else:
            for r in g:
                half[r["id"]] = "train"
    for r in sorted(singles, key=lambda r: _hash(r["id"])):
        if n_test < TEST:
            half[r["id"]] = "test"
            n_test += 1
        else:
            half[r["id"]] = "train"
    return half


def batches(groups: list[list[dict]], singles: list[dict]) -> dict[str, int]:
    """Coder batches of about equal reading, each group whole within one batch."""
    units = [g for g in groups] + [[r] for r in singles]
    units.sort(key=lambda u: (-sum(len(r["text"]) for r in u), u[0]["id"]))
    load = [0] * CODERS
    out: dict[str, int] = {}
    for u in units:
        k = min(range(CODERS), key=lambda i: load[i])
        load[k] += sum(len(r["text"]) for r in u)
        for r in u:
            out[r["id"]] = k + 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("-o", "--output", type=Path, default=HERE / "gold" / "ant-sample.json")
    args = parser.parse_args()
    pool = load_pool(args.corpus)
    groups, singles = draw(pool)
    half = split(groups, singles)
    batch = batches(groups, singles)
    group_of = {r["id"]: f"g{k + 1:02d}" for k, g in enumerate(groups) for r in g}
    items = [
        {
            "id": r["id"],
            "source": r["source"],
            "published": r["published"],
            "half": half[r["id"]],
            "group": group_of.get(r["id"]),
            "batch": batch[r["id"]],
        }
        for r in sorted([r for g in groups for r in g] + singles, key=lambda r: r["id"])
    ]
    args.output.write_text(
        json.dumps({"seed": SEED, "articles": items}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    by_half = defaultdict(int)
    for it in items:
        by_half[it["half"]] += 1
    print(json.dumps({"articles": len(items), "groups": len(groups), **by_half}))


if __name__ == "__main__":
    main()
