"""Scoring event records against gold, with the rules of seeds/README.md.

A gold event is found when an output event (with a source in the gold article) has the gold type
or one of its alt_types; a compatible date (a day within tol_days of the gold date, or a month or
year that contains it); and the same place (same country, within 75 km, or the same name) or a
shared participant (a gold actor/target name, Arabic or English, among the event's actors,
targets or claimed_by). Matching is one-to-one (maximum bipartite matching). Optional gold events
count neither as misses nor, when matched, as false positives. Gold events that share a key
across articles are one event, to be matched by one merged output event.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.errors import EvalError
from rasid.records import Event, Figure, Record, day_number
from rasid.scoreboard import bipartite, km
from rasid.text.normalize import normalize_key


@dataclass
class GoldEvent:
    key: str
    docs: set[str]
    type: str
    alt_types: set[str]
    date: str | None
    tol_days: int
    where: Mapping[str, Any] | None
    names: set[str]
    killed: int | None
    injured: int | None
    optional: bool
    note: str


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    per_type: dict[str, dict[str, float]] = field(default_factory=dict)
    fields: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    figures_found: int = 0
    figures_total: int = 0
    figure_misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def load_gold(data: Any) -> list[GoldEvent]:
    """Gold events merged by key across articles."""
    if not isinstance(data, list):
        raise EvalError("gold must be a JSON list of documents (see seeds/dev/gold.json)")
    by_key: dict[str, GoldEvent] = {}
    for doc in data:
        doc_id = str(doc.get("doc"))
        for g in doc.get("events") or ():
            names = {normalize_key(n) for n in (g.get("actor") or []) + (g.get("target") or [])}
            key = g.get("key") or f"{doc_id}:{len(by_key)}"
            if key in by_key:
                item = by_key[key]
                item.docs.add(doc_id)
                item.names |= names
                item.optional = item.optional and bool(g.get("optional"))
                continue
            by_key[key] = GoldEvent(
                key=key,
                docs={doc_id},
                type=g["type"].upper(),
                alt_types={t.upper() for t in g.get("alt_types") or ()},
                date=g.get("date"),
                tol_days=int(g.get("tol_days") or 0),
                where=g.get("where"),
                names=names,
                killed=g.get("killed"),
                injured=g.get("injured"),
                optional=bool(g.get("optional")),
                note=g.get("note") or "",
            )
    return list(by_key.values())


def _dates_ok(gold: GoldEvent, ev: Event) -> bool:
    if not gold.date or not ev.date:
        return False
    glo, ghi = day_number(gold.date), day_number(gold.date, last=True)
    slo, shi = day_number(ev.date), day_number(ev.date, last=True)
    if None in (glo, ghi, slo, shi):
        return False
    assert glo is not None and ghi is not None and slo is not None and shi is not None
    if len(ev.date) >= 10:  # a day: within tol of the gold date (or its month/year)
        return glo - gold.tol_days <= slo <= ghi + gold.tol_days
    return (slo <= glo and ghi <= shi) or (slo <= glo <= shi)  # month/year containing the gold


def _place_ok(gold: GoldEvent, ev: Event) -> bool:
    where, loc = gold.where, ev.location
    if not where or loc is None:
        return False
    if where.get("country") and loc.country == where.get("country"):
        return True
    coords = (where.get("lat"), where.get("lon"), loc.lat, loc.lon)
    if None not in coords and km(*coords) <= 75:  # type: ignore[arg-type]
        return True
    names = {normalize_key(n) for n in where.get("names") or ()}
    return bool(names & {normalize_key(loc.name), normalize_key(loc.name_ar)})


def _participants_ok(gold: GoldEvent, ev: Event) -> bool:
    have: set[str] = set()
    for a in (*ev.actors, *ev.targets, *ev.claimed_by):
        have |= {normalize_key(a.name), normalize_key(a.name_ar)}
    return bool(gold.names & have)


def _agreement(gold: GoldEvent, ev: Event) -> int:
    where = bool(gold.where) and _place_ok_strict(gold, ev)
    return 2 * where + _participants_ok(gold, ev) + (ev.type == gold.type)


def _place_ok_strict(gold: GoldEvent, ev: Event) -> bool:
    where, loc = gold.where, ev.location
    if not where or loc is None:
        return False
    names = {normalize_key(n) for n in where.get("names") or ()}
    if names & {normalize_key(loc.name), normalize_key(loc.name_ar)}:
        return True
    coords = (where.get("lat"), where.get("lon"), loc.lat, loc.lon)
    return None not in coords and km(*coords) <= 75  # type: ignore[arg-type]


def matches(gold: GoldEvent, ev: Event) -> bool:
    if ev.type != gold.type and ev.type not in gold.alt_types:
        return False
    if not {s.article for s in ev.sources} & gold.docs:
        return False
    if not _dates_ok(gold, ev):
        return False
    return _place_ok(gold, ev) or _participants_ok(gold, ev)


def score(gold_data: Any, records: Iterable[Record]) -> Score:
    gold = load_gold(gold_data)
    recs = list(records)
    docs = {str(d.get("doc")) for d in gold_data}
    events = [r for r in recs if isinstance(r, Event) and {s.article for s in r.sources} & docs]
    required = [i for i, g in enumerate(gold) if not g.optional]
    pairs: dict[int, list[int]] = defaultdict(list)
    for gi in sorted(range(len(gold)), key=lambda i: gold[i].optional):
        for ei, ev in enumerate(events):
            if matches(gold[gi], ev):
                pairs[gi].append(ei)
        # try the closest matches first, so the one-to-one pairing is the natural one
        g = gold[gi]
        pairs[gi].sort(key=lambda ei: -_agreement(g, events[ei]))
    req_pairs = {g: v for g, v in pairs.items() if not gold[g].optional}
    matched = bipartite(req_pairs)
    used = set(matched.values())
    opt_pairs = {g: [e for e in v if e not in used] for g, v in pairs.items() if gold[g].optional}
    optional_matched = bipartite(opt_pairs)
    used |= set(optional_matched.values())
    tp = len(matched)
    fn = len(required) - tp
    fp = len([i for i in range(len(events)) if i not in used])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(required) if required else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = Score(round(precision, 4), round(recall, 4), round(f1, 4), tp, fp, fn)
    _per_type(result, gold, events, matched, used)
    _fields(result, gold, events, matched)
    result.misses = [
        f"{'/'.join(sorted(gold[g].docs))} {gold[g].key} {gold[g].type} {gold[g].date}: "
        f"{gold[g].note}"
        for g in required
        if g not in matched
    ]
    result.extras = [
        f"{ev.sources[0].article} {ev.type} {ev.date}: {ev.summary}"
        for i, ev in enumerate(events)
        if i not in used
    ]
    _figures(result, gold_data, [r for r in recs if isinstance(r, Figure)])
    return result


def _per_type(
    result: Score,
    gold: Sequence[GoldEvent],
    events: Sequence[Event],
    matched: Mapping[int, int],
    used: set[int],
) -> None:
    types = {g.type for g in gold if not g.optional} | {e.type for e in events}
    for t in sorted(types):
        tp = sum(1 for g in matched if gold[g].type == t)
        n_gold = sum(1 for g in gold if g.type == t and not g.optional)
        n_sys = sum(
            1
            for i, e in enumerate(events)
            if e.type == t and (i in matched.values() or i not in used)
        )
        p = tp / n_sys if n_sys else 0.0
        r = tp / n_gold if n_gold else 0.0
        result.per_type[t] = {
            "gold": n_gold,
            "system": n_sys,
            "tp": tp,
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        }


def _fields(
    result: Score, gold: Sequence[GoldEvent], events: Sequence[Event], matched: Mapping[int, int]
) -> None:
    if not matched:
        return
    n = len(matched)
    checks = {
        "fatalities": sum(events[e].fatalities == gold[g].killed for g, e in matched.items()),
        "injuries": sum(events[e].injuries == gold[g].injured for g, e in matched.items()),
        "place": sum(_place_ok(gold[g], events[e]) for g, e in matched.items() if gold[g].where),
        "participants": sum(_participants_ok(gold[g], events[e]) for g, e in matched.items()),
        "type_exact": sum(events[e].type == gold[g].type for g, e in matched.items()),
    }
    with_where = sum(1 for g in matched if gold[g].where) or 1
    result.fields = {
        k: round(v / (with_where if k == "place" else n), 3) for k, v in checks.items()
    }


def _figures(result: Score, gold_data: Any, figures: Sequence[Figure]) -> None:
    for doc in gold_data:
        doc_id = str(doc.get("doc"))
        mine = [f for f in figures if any(s.article == doc_id for s in f.sources)]
        for g in doc.get("figures") or ():
            result.figures_total += 1
            ok = any(
                abs(f.quantity - float(g["quantity"])) < 1e-6 and f.unit == g.get("unit")
                for f in mine
            )
            if ok:
                result.figures_found += 1
            else:
                result.figure_misses.append(
                    f"{doc_id} {g.get('key')}: {g.get('quantity')} {g.get('unit')}"
                )


def read_text_file(path: Path, what: str) -> str:
    """A file given to ``rasid eval`` as text; one line naming the file for what is not one
    (``what`` says what the file should have been)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise EvalError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise EvalError(f"{path}: a directory, not {what}") from exc
    except UnicodeDecodeError as exc:
        raise EvalError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise EvalError(f"{path}: cannot be read ({exc.strerror})") from exc


def read_records(lines: Iterable[str], name: str) -> list[Record]:
    """Records from JSON Lines (or one JSON list), one clear error per bad line."""
    from rasid.records import record_from_json

    text = "".join(lines)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{name}:{exc.lineno}: not JSON ({exc.msg})") from exc
        return [record_from_json(i) for i in items]
    out: list[Record] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(record_from_json(json.loads(line)))
        except (json.JSONDecodeError, TypeError, ValueError, AttributeError) as exc:
            raise EvalError(f"{name}:{n}: not a record ({exc})") from exc
    return out


@dataclass
class MergeScore:
    """How the reports of each real event came out: records per event, wrong merges."""

    events: int = 0
    found: int = 0
    single: int = 0
    records_per_event: dict[str, int] = field(default_factory=dict)
    mention_recall: float = 0.0
    wrong_merges: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _near_place(names: set[str], loc: Any) -> bool:
    """The event's place lies within 40 km of a knowledge-base place of one of these names."""
    from rasid.kb import load_kb

    kb = load_kb()
    for ent in kb.entities.values():
        if ent.kind != "place" or ent.lat is None or ent.lon is None:
            continue
        if {normalize_key(ent.name), normalize_key(ent.name_ar)} & names:
            if ent.place_type in ("region", "country", "governorate"):
                return True  # a coarse place says nothing against a precise one inside it
            if loc.lat is not None and loc.lon is not None:
                return km(ent.lat, ent.lon, loc.lat, loc.lon) <= 40
    return False


def _near_date(item: Mapping[str, Any], ev: Event) -> bool:
    """A sentence may report two events; the one meant has a compatible date and place."""
    place = item.get("place") or {}
    loc = ev.location
    if place and loc is not None and loc.precision in ("site", "city"):
        names = {normalize_key(str(place.get(k) or "")) for k in ("name", "name_ar")} - {""}
        got = {normalize_key(loc.name), normalize_key(loc.name_ar)}
        same_name = any(n in g or g in n for n in names for g in got if g)
        if not same_name and place.get("country") == loc.country and not _near_place(names, loc):
            return False
    if not item.get("date") or not ev.date:
        return True
    gold = GoldEvent(
        key="",
        docs=set(),
        type="",
        alt_types=set(),
        date=str(item["date"]),
        tol_days=int(item.get("tol_days") or 3),
        where=None,
        names=set(),
        killed=None,
        injured=None,
        optional=False,
        note="",
    )
    return _dates_ok(gold, ev)


def score_merge(
    expected: Mapping[str, Any], records: Iterable[Record], texts: Mapping[str, str]
) -> MergeScore:
    """Score merging against a table of real events and the sentences that report them
    (tests/data/merge/expected.yaml): an output event covers a mention when one of its sources
    is the sentence holding the mention's text and its type is the event's."""
    events = [r for r in records if isinstance(r, Event)]
    result = MergeScore()
    covered_by: dict[str, set[str]] = {}
    mentions_total = mentions_found = 0
    for item in expected.get("events") or ():
        key = item["key"]
        types = {item["type"], *(item.get("alt_types") or ())}
        ids: set[str] = set()
        for m in item.get("mentions") or ():
            art = str(m["article"])
            pos = texts.get(art, "").find(m["text"])
            if pos < 0:
                continue
            mentions_total += 1
            hit = {
                e.id
                for e in events
                if e.type in types
                and any(s.article == art and s.start <= pos < s.end for s in e.sources)
                and _near_date(item, e)
            }
            mentions_found += bool(hit)
            ids |= hit
        covered_by[key] = ids
        if item.get("optional") and not ids:
            continue
        result.events += 1
        result.records_per_event[key] = len(ids)
        result.found += bool(ids)
        result.single += len(ids) == 1
    result.mention_recall = round(mentions_found / mentions_total, 3) if mentions_total else 1.0
    for a, b in expected.get("distinct") or ():
        shared = covered_by.get(a, set()) & covered_by.get(b, set())
        if shared:
            result.wrong_merges.append(f"{a} + {b}: {', '.join(sorted(shared))}")
    return result
