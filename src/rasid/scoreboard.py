"""The scoreboard: event records scored against hand-coded gold, role-aware (eval/GUIDELINES.md).

The unit is an event as told in one article. A gold event of article A is matched one to one by
a record that has a source in A, with
- the gold type or one of its alt_types;
- a compatible date: a day within the gold's tol_days, or a month or year that holds the gold day
  (a record with no date matches nothing: it is counted as "no date");
- no inverted roles: none of the record's actors is only a gold target, none of its targets only
  a gold actor;
- one anchor when the gold has one: a shared participant in its own role, or the place.
Required gold events are paired first (maximum bipartite matching, closest records tried first),
then optional ones with what is left; optional gold counts neither as a miss nor, when matched,
as an error. A merged record is one unit in each article it cites.

"Right" records are matched records whose actor, target and place are all right where the gold
gives them: the strict score an analyst who reads every field would give.

Merging is scored over gold keys: every required gold event of an article is an item; its gold
cluster is its key (the same real event in every article that tells it), its system cluster the
record matched to it (an unmatched item is a cluster of its own). B-cubed precision, recall and
F1 over all items and over the items of keys told by several articles; the real events split
into several records, and the records that join different real events.

Names are compared after Arabic normalization and case folding, with and without the article
"ال" on each word, and through the knowledge base: a gold alias and a record's actor that the
knowledge base names as one entity are the same party.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rasid.errors import EvalError
from rasid.records import ActorRef, Event, Record, day_number
from rasid.text.normalize import normalize_key

PLACE_KM = 25.0
# types whose two sides act together: their order is not a direction
SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})

# why an unmatched record is wrong / why a required gold event was missed, in the order tried
RECORD_ERRORS = (
    "duplicate of a matched record",
    "inverted participants",
    "no date",
    "misdated",
    "wrong type",
    "wrong participants or place",
    "not in the gold",
)
MISS_CAUSES = (
    "taken by another gold event",
    "inverted participants",
    "undated record",
    "misdated record",
    "record of another type",
    "record without a shared participant or place",
    "no record of the type in the article",
)


@dataclass
class GoldEvent:
    doc: str
    key: str
    type: str
    alt_types: frozenset[str]
    date: str | None
    tol_days: int
    where: Mapping[str, Any] | None
    actor: frozenset[str]
    target: frozenset[str]
    claimed_by: frozenset[str]
    killed: int | None
    injured: int | None
    status: str
    optional: bool
    note: str

    def types(self) -> frozenset[str]:
        return self.alt_types | {self.type}


@dataclass
class Board:
    """What the scoreboard reports; ``as_dict`` is its JSON form."""

    articles: int = 0
    gold: int = 0
    records: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    right: int = 0
    strict_precision: float = 0.0
    strict_recall: float = 0.0
    strict_f1: float = 0.0
    per_type: dict[str, dict[str, float]] = field(default_factory=dict)
    fields: dict[str, float] = field(default_factory=dict)
    record_errors: dict[str, int] = field(default_factory=dict)
    field_errors: dict[str, int] = field(default_factory=dict)
    miss_causes: dict[str, int] = field(default_factory=dict)
    merge: dict[str, Any] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- names --------------------------------------------------------------------------------


def name_keys(name: str) -> frozenset[str]:
    """The forms a name is compared under: normalized and case-folded, with and without "ال"."""
    base = normalize_key(name).casefold().replace("-", " ").replace("'", "").replace("’", "")
    base = " ".join(base.split())
    if not base:
        return frozenset()
    bare = " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in base.split())
    return frozenset({base, bare})


@lru_cache(maxsize=1)
def kb_name_index() -> dict[str, frozenset[str]]:
    """Name form -> knowledge-base entity ids (actors and places)."""
    from rasid.kb import load_kb

    index: dict[str, set[str]] = defaultdict(set)
    for ent in load_kb().entities.values():
        for name in (ent.name, ent.name_ar, *ent.aliases):
            for k in name_keys(name):
                index[k].add(ent.id)
    return {k: frozenset(v) for k, v in index.items()}


def _alias_set(names: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for n in names:
        if isinstance(n, str):
            out |= name_keys(n)
    return frozenset(out)


def _entity_ids(keys: Iterable[str]) -> frozenset[str]:
    index = kb_name_index()
    out: set[str] = set()
    for k in keys:
        out |= index.get(k, frozenset())
    return frozenset(out)


def _actor_keys(actor: ActorRef) -> frozenset[str]:
    return name_keys(actor.name) | name_keys(actor.name_ar)


def _party_matches(actor: ActorRef, aliases: frozenset[str]) -> bool:
    if not aliases:
        return False
    keys = _actor_keys(actor)
    if keys & aliases:
        return True
    ids = _entity_ids(aliases)
    return bool(actor.entity_id and actor.entity_id in ids)


def _any_party(actors: Sequence[ActorRef], aliases: frozenset[str]) -> bool:
    return any(_party_matches(a, aliases) for a in actors)


# -- gold -----------------------------------------------------------------------------------


def load_gold(data: Any) -> tuple[dict[str, list[GoldEvent]], dict[str, Any]]:
    """Gold events by article, and each article's metadata (published, group)."""
    if not isinstance(data, list):
        raise EvalError("gold must be a JSON list of articles (see eval/GUIDELINES.md)")
    by_doc: dict[str, list[GoldEvent]] = {}
    meta: dict[str, Any] = {}
    for n, doc in enumerate(data, start=1):
        if not isinstance(doc, dict) or "doc" not in doc:
            raise EvalError(f"gold article {n}: an object with a 'doc' field is expected")
        doc_id = str(doc["doc"])
        meta[doc_id] = {"published": doc.get("published"), "group": doc.get("group")}
        items = by_doc.setdefault(doc_id, [])
        for k, g in enumerate(doc.get("events") or (), start=1):
            try:
                items.append(
                    GoldEvent(
                        doc=doc_id,
                        key=str(g.get("key") or f"{doc_id}:{k}"),
                        type=str(g["type"]).upper(),
                        alt_types=frozenset(str(t).upper() for t in g.get("alt_types") or ()),
                        date=g.get("date"),
                        tol_days=int(g.get("tol_days") or 0),
                        where=g.get("where") or None,
                        actor=_alias_set(g.get("actor") or ()),
                        target=_alias_set(g.get("target") or ()),
                        claimed_by=_alias_set(g.get("claimed_by") or ()),
                        killed=g.get("killed"),
                        injured=g.get("injured"),
                        status=str(g.get("status") or "occurred"),
                        optional=bool(g.get("optional")),
                        note=str(g.get("note") or ""),
                    )
                )
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise EvalError(f"gold {doc_id} event {k}: {exc!r} is missing or wrong") from exc
    return by_doc, meta


# -- comparisons ----------------------------------------------------------------------------


def dates_compatible(gold: GoldEvent, ev: Event) -> bool:
    if not gold.date:
        return True  # the gold gives no date: any record date will do
    if not ev.date:
        return False
    glo, ghi = day_number(gold.date), day_number(gold.date, last=True)
    slo, shi = day_number(ev.date), day_number(ev.date, last=True)
    if glo is None or ghi is None or slo is None or shi is None:
        return False
    if len(ev.date) >= 10:
        return glo - gold.tol_days <= slo <= ghi + gold.tol_days
    return slo <= glo <= shi or slo <= ghi <= shi  # a month or year that holds the gold


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def place_right(gold: GoldEvent, ev: Event) -> bool:
    """The record's place is the gold's at the gold's precision (25 km, admin1, country)."""
    where, loc = gold.where, ev.location
    if not where or loc is None:
        return False
    names = _alias_set(where.get("names") or ())
    if names & (name_keys(loc.name) | name_keys(loc.name_ar)):
        return True
    precision = where.get("precision") or "city"
    lat, lon = where.get("lat"), where.get("lon")
    near = (
        lat is not None
        and lon is not None
        and loc.lat is not None
        and loc.lon is not None
        and km(float(lat), float(lon), loc.lat, loc.lon) <= PLACE_KM
    )
    if precision in ("site", "city"):
        return near
    if precision == "admin1":
        same = bool(where.get("admin1") and loc.admin1) and name_keys(
            str(where["admin1"])
        ) & name_keys(str(loc.admin1))
        return near or (bool(same) and loc.country == where.get("country"))
    country = where.get("country")
    return bool(country) and loc.country == country


@dataclass(frozen=True)
class _Fit:
    """How one record fits one gold event."""

    type_ok: bool
    date_ok: bool
    inverted: bool
    actor_ok: bool
    target_ok: bool
    place_ok: bool
    anchored: bool

    @property
    def matches(self) -> bool:
        return self.type_ok and self.date_ok and not self.inverted and self.anchored

    @property
    def closeness(self) -> int:
        return 2 * self.place_ok + self.actor_ok + self.target_ok


def fit(gold: GoldEvent, ev: Event) -> _Fit:
    doers = (*ev.actors, *ev.claimed_by)
    doer_aliases = gold.actor | gold.claimed_by
    if gold.type in SYMMETRIC or ev.type in SYMMETRIC:
        # a meeting or an agreement has sides, not directions: either side may come first
        everyone = (*doers, *ev.targets)
        actor_ok = _any_party(everyone, doer_aliases)
        target_ok = _any_party(everyone, gold.target)
        inverted = False
    else:
        actor_ok = _any_party(doers, doer_aliases)
        target_ok = _any_party(ev.targets, gold.target)
        # swapped: a side stands only in the other role, and nothing stands in its own
        inverted = (
            not actor_ok
            and any(
                _party_matches(a, gold.target) and not _party_matches(a, doer_aliases)
                for a in ev.actors
            )
        ) or (
            not target_ok
            and any(
                _party_matches(t, gold.actor) and not _party_matches(t, gold.target)
                for t in ev.targets
            )
        )
    place_ok = place_right(gold, ev)
    has_anchor = bool(gold.actor or gold.target or gold.claimed_by or gold.where)
    return _Fit(
        type_ok=ev.type in gold.types(),
        date_ok=dates_compatible(gold, ev),
        inverted=inverted,
        actor_ok=actor_ok,
        target_ok=target_ok,
        place_ok=place_ok,
        anchored=(actor_ok or target_ok or place_ok) or not has_anchor,
    )


def bipartite(
    pairs: Mapping[int, Sequence[int]], taken: set[int] | frozenset[int] = frozenset()
) -> dict[int, int]:
    """Maximum matching gold -> record over the candidates (augmenting paths, tried in their
    order), leaving ``taken`` records alone."""
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for e in pairs.get(g, ()):
            if e in seen or e in taken:
                continue
            seen.add(e)
            if e not in owner or augment(owner[e], seen):
                owner[e] = g
                return True
        return False

    for g in pairs:
        augment(g, set())
    return {g: e for e, g in owner.items()}


# -- the score --------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def score_board(gold_data: Any, records: Iterable[Record]) -> Board:
    by_doc, _meta = load_gold(gold_data)
    events = [r for r in records if isinstance(r, Event)]
    in_doc: dict[str, list[Event]] = defaultdict(list)
    for ev in events:
        for art in dict.fromkeys(s.article for s in ev.sources):
            if art in by_doc:
                in_doc[art].append(ev)
    board = Board(articles=len(by_doc))
    type_counts: dict[str, Counter[str]] = defaultdict(Counter)
    field_hits: Counter[str] = Counter()
    field_totals: Counter[str] = Counter()
    record_errors: Counter[str] = Counter()
    field_errors: Counter[str] = Counter()
    miss_causes: Counter[str] = Counter()
    items: list[tuple[str, str | None]] = []  # (gold key, matched record id) per required gold
    tolls = _key_tolls(by_doc)
    for doc, golds in by_doc.items():
        recs = in_doc.get(doc, [])
        fits = {(g, e): fit(golds[g], recs[e]) for g in range(len(golds)) for e in range(len(recs))}
        pairs: dict[int, list[int]] = {}
        for g in range(len(golds)):
            cands = [e for e in range(len(recs)) if fits[g, e].matches]
            pairs[g] = sorted(cands, key=lambda e, g=g: -fits[g, e].closeness)  # type: ignore[misc]
        required = {g: v for g, v in pairs.items() if not golds[g].optional}
        matched = bipartite(required)
        used = set(matched.values())
        optional = {g: v for g, v in pairs.items() if golds[g].optional}
        used |= set(bipartite(optional, used).values())
        board.gold += len(required)
        board.records += len(recs)
        board.tp += len(matched)
        for g in required:
            gold = golds[g]
            type_counts[gold.type]["gold"] += 1
            if g in matched:
                ev = recs[matched[g]]
                type_counts[gold.type]["tp"] += 1
                items.append((gold.key, ev.id))
                f = fits[g, matched[g]]
                toll = tolls.get(gold.key, (None, None)) if len(ev.sources) > 1 else (None, None)
                right = _tally_fields(gold, ev, f, toll, field_hits, field_totals, field_errors)
                board.right += right
            else:
                items.append((gold.key, None))
                cause = _miss_cause(gold, g, recs, fits, used)
                miss_causes[cause] += 1
                board.misses.append(
                    f"{doc} {gold.key} {gold.type} {gold.date} [{cause}]: {gold.note}"
                )
        for e, ev in enumerate(recs):
            if e in used:
                if e in matched.values():
                    type_counts[ev.type]["system"] += 1
                continue
            type_counts[ev.type]["system"] += 1
            cause = _record_error(ev, e, golds, fits, matched)
            record_errors[cause] += 1
            board.fp += 1
            board.extras.append(f"{doc} {ev.type} {ev.date} [{cause}]: {ev.summary}")
    board.fn = board.gold - board.tp
    board.precision = _ratio(board.tp, board.tp + board.fp)
    board.recall = _ratio(board.tp, board.gold)
    board.f1 = _f1(board.precision, board.recall)
    board.strict_precision = _ratio(board.right, board.tp + board.fp)
    board.strict_recall = _ratio(board.right, board.gold)
    board.strict_f1 = _f1(board.strict_precision, board.strict_recall)
    for t in sorted(type_counts):
        c = type_counts[t]
        p, r = _ratio(c["tp"], c["system"]), _ratio(c["tp"], c["gold"])
        board.per_type[t] = {
            "gold": c["gold"], "system": c["system"], "tp": c["tp"],
            "precision": p, "recall": r, "f1": _f1(p, r),
        }  # fmt: skip
    board.fields = {k: _ratio(field_hits[k], field_totals[k]) for k in sorted(field_totals)}
    board.record_errors = {k: record_errors[k] for k in RECORD_ERRORS if record_errors[k]}
    board.field_errors = dict(sorted(field_errors.items()))
    board.miss_causes = {k: miss_causes[k] for k in MISS_CAUSES if miss_causes[k]}
    board.merge = merge_scores(items)
    return board


def _tally_fields(
    gold: GoldEvent,
    ev: Event,
    f: _Fit,
    toll: tuple[int | None, int | None],
    hits: Counter[str],
    totals: Counter[str],
    errors: Counter[str],
) -> bool:
    """Count the matched record's fields; True when actor, target and place are all right."""
    checks: dict[str, bool] = {"type": ev.type == gold.type, "date": f.date_ok}
    if gold.actor or gold.claimed_by:
        checks["actor"] = f.actor_ok
    if gold.target:
        checks["target"] = f.target_ok
    if gold.where:
        checks["place"] = f.place_ok
    # a record merged from several articles carries the toll another of them states
    checks["fatalities"] = ev.fatalities == (gold.killed if gold.killed is not None else toll[0])
    checks["injuries"] = ev.injuries == (gold.injured if gold.injured is not None else toll[1])
    checks["status"] = ev.status == gold.status
    for k, ok in checks.items():
        totals[k] += 1
        hits[k] += ok
        if not ok:
            label = f"wrong {k}"
            if k == "place" and ev.location is None:
                label = "no place"
            if k in ("actor", "target") and not (ev.actors if k == "actor" else ev.targets):
                label = f"no {k}"
            errors[label] += 1
    return all(checks.get(k, True) for k in ("actor", "target", "place"))


def _key_tolls(
    by_doc: Mapping[str, Sequence[GoldEvent]],
) -> dict[str, tuple[int | None, int | None]]:
    """The toll each real event has in some article that states it (the largest, if several)."""
    killed: dict[str, int] = {}
    injured: dict[str, int] = {}
    for golds in by_doc.values():
        for g in golds:
            if g.killed is not None:
                killed[g.key] = max(killed.get(g.key, 0), g.killed)
            if g.injured is not None:
                injured[g.key] = max(injured.get(g.key, 0), g.injured)
    return {k: (killed.get(k), injured.get(k)) for k in set(killed) | set(injured)}


def _record_error(
    ev: Event,
    e: int,
    golds: Sequence[GoldEvent],
    fits: Mapping[tuple[int, int], _Fit],
    matched: Mapping[int, int],
) -> str:
    cands = [fits[g, e] for g in range(len(golds))]
    if any(fits[g, e].matches for g in range(len(golds)) if g in matched or golds[g].optional):
        return "duplicate of a matched record"
    if any(c.type_ok and c.date_ok and c.inverted for c in cands):
        return "inverted participants"
    if ev.date is None and any(c.type_ok and c.anchored for c in cands):
        return "no date"
    if any(c.type_ok and c.anchored and not c.date_ok and not c.inverted for c in cands):
        return "misdated"
    if any(not c.type_ok and c.date_ok and c.anchored and not c.inverted for c in cands):
        return "wrong type"
    if any(c.type_ok and c.date_ok for c in cands):
        return "wrong participants or place"
    return "not in the gold"


def _miss_cause(
    gold: GoldEvent,
    g: int,
    recs: Sequence[Event],
    fits: Mapping[tuple[int, int], _Fit],
    used: set[int],
) -> str:
    cands = [fits[g, e] for e in range(len(recs))]
    if any(c.matches for c in cands):
        return "taken by another gold event"
    if any(c.type_ok and c.date_ok and c.inverted for c in cands):
        return "inverted participants"
    if any(c.type_ok and c.anchored and recs[e].date is None for e, c in enumerate(cands)):
        return "undated record"
    if any(c.type_ok and c.anchored and not c.date_ok for c in cands):
        return "misdated record"
    if any(not c.type_ok and c.date_ok and c.anchored and not c.inverted for c in cands):
        return "record of another type"
    if any(c.type_ok for c in cands):
        return "record without a shared participant or place"
    return "no record of the type in the article"


# -- merging ------------------------------------------------------------------------------------


def _bcubed(items: Sequence[tuple[str, str | None]]) -> dict[str, float]:
    """B-cubed over items labelled (gold key, record id or None for a cluster of its own)."""
    if not items:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "items": 0}
    labels = [(k, r if r is not None else f"\0{i}") for i, (k, r) in enumerate(items)]
    by_gold: Counter[str] = Counter(k for k, _ in labels)
    by_sys: Counter[str] = Counter(r for _, r in labels)
    both: Counter[tuple[str, str]] = Counter(labels)
    p = sum(both[x] / by_sys[x[1]] for x in labels) / len(labels)
    r = sum(both[x] / by_gold[x[0]] for x in labels) / len(labels)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": _f1(p, r),
            "items": len(labels)}  # fmt: skip


def merge_scores(items: Sequence[tuple[str, str | None]]) -> dict[str, Any]:
    """B-cubed over every item and over re-reported keys; splits and joins."""
    docs_per_key: Counter[str] = Counter(k for k, _ in items)
    multi = [(k, r) for k, r in items if docs_per_key[k] > 1]
    records_of: dict[str, set[str]] = defaultdict(set)
    keys_of: dict[str, set[str]] = defaultdict(set)
    for k, r in items:
        if r is not None:
            records_of[k].add(r)
            keys_of[r].add(k)
    rereported = {k for k in docs_per_key if docs_per_key[k] > 1}
    found_whole = sum(
        1 for k in rereported if len(records_of[k]) == 1 and all(r for kk, r in items if kk == k)
    )
    found = [(k, r) for k, r in multi if r is not None]
    return {
        "all": _bcubed(items),
        # merging alone: the re-reported events' items that were found, and how they were joined
        "rereported": _bcubed(found),
        "rereported_with_misses": _bcubed(multi),
        "rereported_events": len(rereported),
        "rereported_one_record": found_whole,
        "split_events": sorted(k for k in rereported if len(records_of[k]) > 1),
        "joining_records": sorted(r for r, ks in keys_of.items() if len(ks) > 1),
    }
