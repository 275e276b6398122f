"""Training the merge scorer (``rasid train --merge``): pairs of reports from real re-reports.

In the ANT gold (eval/GUIDELINES.md, section 9) the same real event has the same key in every
article that tells it. The examples are pairs of reports of two articles that the merge would
weigh (``rasid.merge_model.may_pair``: same type, dates at most three days apart, no two
countries, a shared participant or place): positive when both tell one key, negative when they
tell two. Reports come from two sources, each through the same feature function:
- the gold events themselves, made into event mentions (``gold_mentions``): their place, date,
  tolls and means as coded, their parties as knowledge-base ids (else the first alias), the
  paragraph they are told in as their sentence. These give many pairs, including the real
  disagreements between outlets (a day off, a district for a town);
- the system's own mentions (``system_mentions``), each labelled with the key of the gold event
  the scoreboard matches it to: pairs as the merge meets them, with the system's errors.
The learner is scikit-learn's logistic regression (L2, liblinear), its strength chosen by
cross-validation grouped by unit (the articles linked by a group or a shared key: one real
event never straddles two folds); the threshold is the one of the best out-of-fold pairwise
F1. Only the weights are kept, as JSON. Deterministic for the same inputs. The test half is
never read here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rasid.doc import ArticleResult
from rasid.errors import RasidError
from rasid.events.train import feature_matrix
from rasid.kb import load_kb
from rasid.merge import compatible, merge_events, merge_results
from rasid.merge_model import (
    Side,
    day_range,
    may_pair,
    pair_features,
    reset_scorer,
    scorer_from_json,
    use_scorer,
)
from rasid.pipeline import process_article, process_articles
from rasid.records import ActorRef, Article, Event, Location, Source
from rasid.scoreboard import bipartite, fit, kb_name_index, load_gold, merge_scores, name_keys

log = logging.getLogger(__name__)

C_GRID = (0.1, 0.3, 1.0, 3.0)
FOLDS = 5
BETA = 1.0  # F0.5 split 21 of the 69 train re-reported events (5-fold), F1 14


@dataclass(frozen=True)
class Report:
    """An event mention labelled with the real event (gold key) it tells."""

    event: Event
    key: str
    unit: str  # the articles one real event may span: folds never split one
    origin: str  # "gold" or "system"


@dataclass(frozen=True)
class PairExample:
    features: tuple[str, ...]
    label: int
    units: tuple[str, str]  # of its two reports
    origin: str
    off: bool  # a positive whose date or place disagrees (a day or more, another place)
    rules: bool  # the hand-set rules find the two compatible (``rasid.merge.compatible``)


# -- units -------------------------------------------------------------------------------------


def article_units(gold_data: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each article's unit: articles of one group or sharing a key are one (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for d in gold_data:
        doc = str(d["doc"])
        find(doc)
        if d.get("group"):
            union(doc, "group:" + str(d["group"]))
        for g in d.get("events") or ():
            if g.get("key"):
                union(doc, "key:" + str(g["key"]))
    return {str(d["doc"]): find(str(d["doc"])) for d in gold_data}


def fold_of(unit: str, folds: int = FOLDS, salt: str = "") -> int:
    return int(hashlib.sha256((salt + unit).encode()).hexdigest(), 16) % folds


# -- reports -----------------------------------------------------------------------------------


def _kb_ids(names: Iterable[str], *, places: bool) -> list[str]:
    kb, index = load_kb(), kb_name_index()
    found: dict[str, None] = {}
    for n in names:
        for k in name_keys(n):
            for eid in sorted(index.get(k, ())):
                ent = kb.get(eid)
                if ent is not None and (ent.kind == "place") == places:
                    found[eid] = None
    return list(found)


def _is_arabic(name: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in name)


def _party(aliases: Sequence[str]) -> tuple[ActorRef, ...]:
    """A gold side as the merge sees parties: its knowledge-base entities, else one party
    named by its first alias."""
    names = [a for a in aliases if isinstance(a, str) and a.strip()]
    if not names:
        return ()
    ar = next((n for n in names if _is_arabic(n)), names[0])
    ids = _kb_ids(names, places=False)
    if ids:
        return tuple(ActorRef(i, ar, "organization", entity_id=i) for i in ids)
    return (ActorRef(sorted(name_keys(names[0]))[0], ar, "organization"),)


def _place(where: Mapping[str, Any] | None) -> Location | None:
    if not where:
        return None
    names = [n for n in where.get("names") or () if isinstance(n, str)]
    ids = _kb_ids(names, places=True)
    kb = load_kb()
    # the deepest of the places named (a town, not the governorate named beside it)
    inner = [i for i in ids if not any(i in kb.ancestors(j) for j in ids if j != i)]
    lat, lon = where.get("lat"), where.get("lon")
    return Location(
        name=names[0] if names else "",
        name_ar=next((n for n in names if _is_arabic(n)), ""),
        country=where.get("country"),
        admin1=where.get("admin1"),
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        precision=where.get("precision") or "city",
        entity_id=inner[0] if inner else None,
    )


def _paragraph(text: str, para: int) -> tuple[str, int, int]:
    start = 0
    for n, line in enumerate(text.split("\n"), start=1):
        if n == para:
            return line, start, start + len(line)
        start += len(line) + 1
    return "", 0, 0


def gold_mentions(
    gold_data: Sequence[Mapping[str, Any]], articles: Iterable[Article]
) -> list[Report]:
    """The gold events as event mentions of their articles (see the module's docstring)."""
    units = article_units(gold_data)
    texts = {a.id: a for a in articles}
    out: list[Report] = []
    for d in gold_data:
        doc = str(d["doc"])
        article = texts.get(doc)
        if article is None:
            continue
        for k, g in enumerate(d.get("events") or (), start=1):
            sentence, start, end = _paragraph(article.text, int(g.get("para") or 1))
            ev = Event(
                id=f"gold:{doc}:{k}",
                type=str(g["type"]).upper(),
                mode=g.get("mode"),
                date=g.get("date"),
                date_end=None,
                location=_place(g.get("where")),
                actors=_party(g.get("actor") or ()),
                targets=_party(g.get("target") or ()),
                claimed_by=_party(g.get("claimed_by") or ()),
                fatalities=g.get("killed"),
                injuries=g.get("injured"),
                fatalities_bound=None,
                injuries_bound=None,
                disrupted=False,
                status=str(g.get("status") or "occurred"),
                figures_disputed=False,
                summary="",
                confidence=1.0,
                sources=(
                    Source(
                        article=doc,
                        published=d.get("published") or article.published,
                        sentence=sentence,
                        start=start,
                        end=end,
                        fatalities=g.get("killed"),
                        injuries=g.get("injured"),
                        date=g.get("date"),
                        source=article.source or d.get("source"),
                    ),
                ),
            )
            out.append(Report(ev, str(g.get("key") or f"{doc}:{k}"), units[doc], "gold"))
    return out


def system_mentions(
    gold_data: Sequence[Mapping[str, Any]], articles: Iterable[Article]
) -> list[Report]:
    """The system's event mentions of each article (decided, merged within the article), each
    labelled with the key of the gold event the scoreboard matches it to (required gold
    first, then optional); mentions matching none are left out (their real event is unknown)."""
    by_doc, _ = load_gold(list(gold_data))
    units = article_units(gold_data)
    out: list[Report] = []
    for article in articles:
        golds = by_doc.get(article.id)
        if not golds:
            continue
        events = list(process_article(article).events)
        pairs: dict[int, list[int]] = {}
        for g, gold in enumerate(golds):
            fits = [(e, fit(gold, ev)) for e, ev in enumerate(events)]
            pairs[g] = [e for e, f in sorted(fits, key=lambda x: -x[1].closeness) if f.matches]
        matched = bipartite({g: v for g, v in pairs.items() if not golds[g].optional})
        used = set(matched.values())
        matched |= bipartite({g: v for g, v in pairs.items() if golds[g].optional}, used)
        for g, e in sorted(matched.items()):
            out.append(Report(events[e], golds[g].key, units[article.id], "system"))
    return out


# -- pairs -------------------------------------------------------------------------------------


def _off(a: Event, b: Event) -> bool:
    """The two reports disagree on the day or on the place."""
    ra, rb = day_range(a.date, a.date_end), day_range(b.date, b.date_end)
    if ra and rb and ra != rb:
        return True
    la, lb = a.location, b.location
    return bool(la and lb and la.entity_id != lb.entity_id)


def pair_examples(reports: Sequence[Report]) -> list[PairExample]:
    """The pairs of reports of two articles the merge would weigh, labelled by their keys.
    Blocked by type and day (never all pairs); each pair once, the earlier report first."""
    by_type: dict[str, list[tuple[Report, Side]]] = defaultdict(list)
    for r in reports:
        if day_range(r.event.date, r.event.date_end) is not None:
            by_type[r.event.type].append((r, Side.of_sources(r.event, r.event.sources)))
    out: list[PairExample] = []
    for items in by_type.values():
        items.sort(key=lambda x: (x[1].range or (0, 0), x[0].event.id))
        for i, (ra, sa) in enumerate(items):
            for rb, sb in items[i + 1 :]:
                assert sa.range is not None and sb.range is not None
                if sb.range[0] - sa.range[1] > 3 + 366:
                    break  # sorted by first day: nothing further is in the window
                if ra.origin != rb.origin:
                    continue
                if ra.event.sources[0].article == rb.event.sources[0].article:
                    continue
                if not (may_pair(sa, sb) or may_pair(sb, sa)):
                    continue
                same = ra.key == rb.key
                out.append(
                    PairExample(
                        features=tuple(pair_features(sa, sb)),
                        label=int(same),
                        units=(ra.unit, rb.unit),
                        origin=ra.origin,
                        off=same and _off(ra.event, rb.event),
                        rules=compatible(ra.event, rb.event),
                    )
                )
    return out


# -- the learner -------------------------------------------------------------------------------


def _vocabulary(examples: Sequence[PairExample]) -> dict[str, int]:
    kept = sorted({f for ex in examples for f in ex.features})
    return {f: i for i, f in enumerate(kept)}


def _fit(examples: Sequence[PairExample], c: float) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    vocab = _vocabulary(examples)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=0)
    model.fit(feature_matrix(examples, vocab), [ex.label for ex in examples])
    weights = {
        f: round(float(w), 4)
        for f, w in zip(vocab, model.coef_[0], strict=True)
        if abs(float(w)) >= 1e-3
    }
    return {"bias": round(float(model.intercept_[0]), 4), "weights": dict(sorted(weights.items()))}


def _probability(model: Mapping[str, Any], features: Iterable[str]) -> float:
    z = model["bias"] + sum(model["weights"].get(f, 0.0) for f in set(features))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _in_fold(ex: PairExample, k: int, folds: int, salt: str) -> tuple[bool, bool]:
    """Whether a pair is held out by fold k (both its units in it), and whether it may teach
    (neither in it)."""
    inside = [fold_of(u, folds, salt) == k for u in ex.units]
    return all(inside), not any(inside)


def oof_probabilities(
    examples: Sequence[PairExample], c: float, folds: int = FOLDS, salt: str = ""
) -> list[float | None]:
    """Out-of-fold probabilities, folds by unit; None for a pair whose two reports fall in
    two folds (it is never held out whole)."""
    probs: list[float | None] = [None] * len(examples)
    for k in range(folds):
        split = [_in_fold(ex, k, folds, salt) for ex in examples]
        train = [ex for ex, (_, teach) in zip(examples, split, strict=True) if teach]
        held = [i for i, (out, _) in enumerate(split) if out]
        if not held:
            continue
        if len({ex.label for ex in train}) < 2:
            raise RasidError("each fold needs same-event and different-event pairs to learn")
        model = _fit(train, c)
        for i in held:
            probs[i] = _probability(model, examples[i].features)
    return probs


def _judged(
    examples: Sequence[PairExample], probs: Sequence[float | None]
) -> list[tuple[PairExample, float]]:
    return [(ex, p) for ex, p in zip(examples, probs, strict=True) if p is not None]


def _fbeta(tp: int, fp: int, positives: int, beta: float) -> float:
    if tp == 0:
        return 0.0
    p, r = tp / (tp + fp), tp / positives
    return (1 + beta**2) * p * r / (beta**2 * p + r)


def _joins(ex: PairExample, p: float, threshold: float, veto: float) -> bool:
    """The merge's decision on a pair (``MergeScorer.score``)."""
    return p >= threshold or (ex.rules and p >= veto)


def pair_scores(
    examples: Sequence[PairExample],
    probs: Sequence[float | None],
    threshold: float,
    veto: float = 1.0,
) -> dict[str, Any]:
    """Pairwise precision and recall of the merge's decision (``veto`` 1.0: the scorer
    alone), and the recall of positives whose date or place is off (over the pairs that have
    a probability)."""
    judged = _judged(examples, probs)
    tp = sum(1 for ex, p in judged if ex.label and _joins(ex, p, threshold, veto))
    fp = sum(1 for ex, p in judged if not ex.label and _joins(ex, p, threshold, veto))
    pos = sum(ex.label for ex, _ in judged)
    off = [ex for ex, p in judged if ex.off and _joins(ex, p, threshold, veto)]
    n_off = sum(1 for ex, _ in judged if ex.off)
    return {
        "pairs": len(judged),
        "same_event": pos,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / pos, 4) if pos else 0.0,
        "off_pairs": n_off,
        "off_recall": round(len(off) / n_off, 4) if n_off else 0.0,
    }


def _best_threshold(examples: Sequence[PairExample], probs: Sequence[float | None]) -> float:
    judged = _judged(examples, probs)
    positives = sum(ex.label for ex, _ in judged) or 1
    best_t, best_f = 0.5, -1.0
    for step in range(5, 96):
        t = step / 100
        tp = sum(1 for ex, p in judged if ex.label and p >= t)
        fp = sum(1 for ex, p in judged if not ex.label and p >= t)
        f = _fbeta(tp, fp, positives, BETA)
        if f > best_f:
            best_t, best_f = t, f
    return best_t


def merge_examples(
    gold_data: Sequence[Mapping[str, Any]], articles: Sequence[Article]
) -> tuple[list[Report], list[Report], list[PairExample]]:
    """The gold's reports, the system's matched reports, and the pairs of both."""
    gold, system = gold_mentions(gold_data, articles), system_mentions(gold_data, articles)
    return gold, system, pair_examples(gold) + pair_examples(system)


VETO_GRID = (0.0, 0.01, 0.03, 0.1, 0.2)
THRESHOLD_GRID = (0.5, 0.7, 0.9, 1.0)  # 1.0: the scorer adds no join to the rules'


def train_scorer(examples: Sequence[PairExample], name: str = "model.merge") -> dict[str, Any]:
    """Fit the merge scorer; its JSON form with the cross-validated figures that chose it."""
    try:
        import sklearn  # noqa: F401 - only to say what is missing
    except ImportError as exc:
        raise RasidError(
            "training needs scikit-learn: pip install 'rasid[train]' (or scikit-learn)"
        ) from exc
    if len({ex.label for ex in examples}) < 2:
        raise RasidError("training needs same-event and different-event pairs")
    losses: dict[float, tuple[float, list[float | None]]] = {}
    for c in C_GRID:
        probs = oof_probabilities(examples, c)
        judged = _judged(examples, probs)
        loss = -sum(math.log(min(max(p if ex.label else 1 - p, 1e-6), 1.0)) for ex, p in judged)
        losses[c] = (loss / max(1, len(judged)), probs)
    c = min(C_GRID, key=lambda k: losses[k][0])
    threshold = _best_threshold(examples, losses[c][1])
    model = _fit(examples, c)
    counts = Counter((ex.origin, ex.label) for ex in examples)
    return {
        "name": name,
        "bias": model["bias"],
        "threshold": threshold,
        "veto": 1.0,
        "c": c,
        "cv": {
            **pair_scores(examples, losses[c][1], threshold),
            "log_loss": round(losses[c][0], 4),
            "folds": FOLDS,
        },
        "examples": {f"{o}_{'same' if y else 'other'}": n for (o, y), n in sorted(counts.items())},
        "weights": model["weights"],
    }


def write_model(model: Mapping[str, Any], path: Any) -> None:
    path.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


# -- judging the merge -------------------------------------------------------------------------


def tagged_events(reports: Sequence[Report]) -> tuple[list[Event], dict[int, Report]]:
    """The reports' events with each source's ``start`` made a tag of its report, so that a
    merged record names the reports it holds (two reports of one sentence stay two)."""
    events, owner = [], {}
    for i, r in enumerate(reports):
        sources = tuple(
            dataclasses.replace(s, start=i * 100 + j) for j, s in enumerate(r.event.sources[:100])
        )
        events.append(dataclasses.replace(r.event, sources=sources))
        owner.update({i * 100 + j: r for j in range(len(sources))})
    return events, owner


def _board(items: Sequence[tuple[str, str | None]]) -> dict[str, Any]:
    scores = merge_scores(items)
    return {
        "bcubed": scores["all"],
        "rereported": scores["rereported"],
        "rereported_events": scores["rereported_events"],
        "rereported_one_record": scores["rereported_one_record"],
        "split_events": len(scores["split_events"]),
        "joining_records": len(scores["joining_records"]),
    }


def _merged_items(reports: Sequence[Report], tag: str = "") -> list[tuple[str, str | None]]:
    """(key, record) of each report after merging them (the scorer in use)."""
    events, owner = tagged_events(reports)
    items: list[tuple[str, str | None]] = []
    for ev in merge_events(events):
        held = {id(owner[s.start]): owner[s.start] for s in ev.sources}
        items += [(r.key, tag + ev.id) for r in held.values()]
    return items


def merge_board(reports: Sequence[Report]) -> dict[str, Any]:
    """B-cubed, splits and joins of the merge over labelled reports (the scorer in use)."""
    return _board(_merged_items(reports))


Config = tuple[float, float]  # (veto, threshold)


def crossval_merge(
    reports: Sequence[Report],
    examples: Sequence[PairExample] | None = None,
    configs: Sequence[Config | None] = (None,),
    folds: int = FOLDS,
    salt: str = "",
) -> dict[str, dict[str, Any]]:
    """The merge of each fold's reports with the hand-set rules ("rules") and with a scorer
    trained on the other folds' pairs (``examples``, else the reports' own pairs): as trained
    ("scorer"), or with a veto and threshold set ("veto=V,t=T"); the boards of the pooled
    folds."""
    pairs = list(examples) if examples is not None else pair_examples(reports)
    items: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    try:
        for k in range(folds):
            held = [r for r in reports if fold_of(r.unit, folds, salt) == k]
            if not held:
                continue
            use_scorer(None)
            items["rules"] += _merged_items(held, f"{k}:")
            seen = [ex for ex in pairs if _in_fold(ex, k, folds, salt)[1]]
            scorer = scorer_from_json(train_scorer(seen))
            for cfg in configs:
                if cfg is None:
                    use_scorer(scorer)
                else:
                    use_scorer(dataclasses.replace(scorer, veto=cfg[0], threshold=cfg[1]))
                items[config_name(cfg)] += _merged_items(held, f"{k}:")
    finally:
        reset_scorer()
    return {name: _board(found) for name, found in items.items()}


def config_name(cfg: Config | None) -> str:
    return "scorer" if cfg is None else f"veto={cfg[0]},t={cfg[1]}"


Partition = frozenset[frozenset[tuple[str, int, str]]]


def _partition(results: Sequence[ArticleResult]) -> Partition:
    """Which mentions (article, sentence, type) the merge puts together (the scorer in use)."""
    return frozenset(
        frozenset((s.article, s.start, r.type) for s in r.sources)
        for r in merge_results(results)
        if isinstance(r, Event)
    )


def choose_config(
    gold: Sequence[Report],
    system: Sequence[Report],
    examples: Sequence[PairExample],
    model: Mapping[str, Any],
    guard: Sequence[ArticleResult] = (),
) -> tuple[Config, dict[str, Any]]:
    """The veto and threshold of the best merge out of fold: the highest mean B-cubed F1 over
    every gold event of the gold's reports and of the system's, among the settings that merge
    the ``guard`` articles (the dev seeds, the merge test articles) as the rules do; the
    smallest veto and highest threshold of equals. With the boards that chose it."""
    configs = [(v, t) for v in VETO_GRID for t in (*THRESHOLD_GRID, model["threshold"])]
    configs = sorted(set(configs))
    boards = {
        origin: crossval_merge(reports, examples, configs)
        for origin, reports in (("gold", gold), ("system", system))
    }
    allowed = list(configs)
    if guard:
        scorer = scorer_from_json(dict(model))
        try:
            use_scorer(None)
            expected = _partition(guard)
            allowed = []
            for v, t in configs:
                use_scorer(dataclasses.replace(scorer, veto=v, threshold=t))
                if _partition(guard) == expected:
                    allowed.append((v, t))
        finally:
            reset_scorer()
    if not allowed:
        allowed = [(0.0, 1.0)]  # the rules' joins, the scorer's ranking: merges as the rules

    def rank(cfg: Config) -> tuple[float, float, float]:
        name = config_name(cfg)
        mean = sum(b[name]["bcubed"]["f1"] for b in boards.values()) / len(boards)
        return (round(mean, 4), -cfg[0], cfg[1])

    best = max(allowed, key=rank)
    chosen: dict[str, Any] = {
        origin: {"rules": b["rules"], "scorer": b[config_name(best)]}
        for origin, b in boards.items()
    }
    chosen["guarded_out"] = [config_name(c) for c in configs if c not in allowed]
    return best, chosen


def train_merge_scorer(
    gold_data: Sequence[Mapping[str, Any]],
    articles: Sequence[Article],
    guard: Sequence[Article] = (),
) -> dict[str, Any]:
    """The whole recipe of ``rasid train --merge``: the pairs of the gold's and the system's
    reports, the scorer fitted on them, its veto and threshold chosen by the folds' merges
    (``choose_config``)."""
    gold, system, examples = merge_examples(gold_data, articles)
    model = train_scorer(examples)
    guarded = list(process_articles(guard))
    model["pair_threshold"] = model["threshold"]  # the best for pairs alone (cv's figures)
    (model["veto"], model["threshold"]), boards = choose_config(
        gold, system, examples, model, guarded
    )
    model["cv"]["merge"] = {
        origin: {
            name: {k: b[k] for k in ("bcubed", "rereported", "split_events", "joining_records")}
            for name, b in by_name.items()
        }
        for origin, by_name in boards.items()
        if origin != "guarded_out"
    }
    model["cv"]["merge"]["guarded_out"] = boards["guarded_out"]
    return model
