"""Training the event decider (``rasid train``): labelled proposals from real annotated text.

Examples are the event mentions the rules propose, before any decision:
- in articles with hand-coded gold (the ANT train half, the dev seeds): a proposal is positive
  when it matches a required gold event of its article as the scoreboard matches records (type,
  date, roles not inverted, an anchor), negative when it matches none; one that matches only an
  optional gold event teaches nothing and is left out;
- in GSR sentences judged for one type: a proposal of that type is positive in a "yes" sentence,
  negative in an "easy no" or "difficult no" one; other types and ambiguous sentences are left
  out (nobody judged them).
The learner is scikit-learn's logistic regression (L2, liblinear), its strength chosen by
cross-validation grouped by article. The threshold is chosen on the out-of-fold probabilities for
the records an analyst would get, not for the proposals: a real event counts once however many
of its mentions are kept (they merge into one record), a wrong record once however many
proposals of one sentence and type make it, and recall is over every required gold event of the
articles, found by the rules or not. The threshold maximizes that F-beta (beta 0.75: precision
weighted above recall). Chosen on proposals instead, each re-telling of a kept event counted as
one more right decision and each wrong sentence several times, and the thresholds bought no
precision for the recall they gave up (docs/quality.md). Only the weights are kept, as JSON: the
pipeline needs no scikit-learn to use them. Deterministic for the same inputs.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rasid.errors import RasidError
from rasid.events import propose_events
from rasid.events.decide import decider_from_json, reset_decider, snippet_key, use_decider
from rasid.events.features import event_features
from rasid.gsr import NEGATIVE, POSITIVE, detected
from rasid.pipeline import annotate, extract
from rasid.records import Article
from rasid.scoreboard import fit, load_gold, score_board

log = logging.getLogger(__name__)

C_GRID = (0.03, 0.1, 0.3, 1.0)
FOLDS = 5
MIN_FEATURE_COUNT = 2
BETA = 0.75
# a snippet's threshold is chosen on GSR's sentences, which are judged by F1: a sentence read
# alone has no article around it to make up for an attack it drops
SNIPPET_BETA = 1.0


@dataclass(frozen=True)
class Example:
    features: tuple[str, ...]
    label: int
    group: str  # the article: folds never split one
    origin: str  # "gold" or "gsr"
    # the real events it is a mention of (gold keys; a GSR "yes" sentence's id)
    events: tuple[str, ...] = ()
    spot: str = ""  # the record it would make: its article or sentence, type and sentence start
    in_article: int = 0  # the real events of its article (required gold events, a "yes")


def _proposals(article: Article) -> tuple[Any, list[Any]]:

    doc = annotate(article)
    proposed, _ = propose_events(doc)
    return doc, proposed


def _featurize(doc: Any, proposed: Sequence[Any]) -> list[tuple[Any, tuple[str, ...]]]:
    per_sentence = Counter(e.sources[0].start for e in proposed)
    per_type = Counter(e.type for e in proposed)
    return [
        (e, tuple(event_features(doc, e, per_sentence[e.sources[0].start], per_type[e.type])))
        for e in proposed
    ]


def gold_examples(gold_data: Any, articles: Iterable[Article]) -> list[Example]:
    """Labelled proposals of articles coded in the scoreboard's gold format."""

    by_doc, _ = load_gold(gold_data)
    out: list[Example] = []
    for article in articles:
        golds = by_doc.get(article.id)
        if golds is None:
            continue
        doc, proposed = _proposals(article)
        real = sum(1 for g in golds if not g.optional)
        for ev, feats in _featurize(doc, proposed):
            matched = tuple(g.key for g in golds if not g.optional and fit(g, ev).matches)
            optional = any(fit(g, ev).matches for g in golds if g.optional)
            if optional and not matched:
                continue
            spot = f"{article.id}|{ev.type}|{ev.sources[0].start}"
            out.append(Example(feats, int(bool(matched)), article.id, "gold", matched, spot, real))
    return out


def gsr_examples(sentences: Iterable[Any]) -> list[Example]:
    """Labelled proposals of GSR sentences (each judged for one type only)."""

    out: list[Example] = []
    for s in sentences:
        if s.label != POSITIVE and s.label not in NEGATIVE:
            continue
        doc, proposed = _proposals(Article(id=s.id, text=s.text))
        for ev, feats in _featurize(doc, proposed):
            if ev.type == s.type:
                yes = s.label == POSITIVE
                events = (s.id,) if yes else ()
                out.append(
                    Example(feats, int(yes), s.id, "gsr", events, f"{s.id}|{ev.type}", int(yes))
                )
    return out


def feature_matrix(examples: Sequence[Any], vocab: Mapping[str, int]) -> Any:
    """The examples' named features (each with ``.features``) as a sparse 0/1 matrix over
    ``vocab``'s columns; a name outside it is dropped. The event decider's and the merge
    scorer's learners read the same form."""
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for i, ex in enumerate(examples):
        for f in set(ex.features):
            j = vocab.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
    return csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(examples), len(vocab)))


def _vocabulary(examples: Sequence[Example]) -> dict[str, int]:
    counts: Counter[str] = Counter(f for ex in examples for f in set(ex.features))
    kept = sorted(f for f, n in counts.items() if n >= MIN_FEATURE_COUNT)
    return {f: i for i, f in enumerate(kept)}


def _fbeta(tp: int, fp: int, positives: int, beta: float = BETA) -> float:
    if tp == 0:
        return 0.0
    p, r = tp / (tp + fp), tp / positives
    return (1 + beta**2) * p * r / (beta**2 * p + r)


def _oof(examples: Sequence[Example], c: float) -> list[float]:
    """Out-of-fold probabilities, folds grouped by article."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    labels = [ex.label for ex in examples]
    groups = [ex.group for ex in examples]
    probs = [0.0] * len(examples)
    folds = min(FOLDS, len(set(groups)))
    if folds < 2:
        raise RasidError("cross-validation needs proposals from two articles or more")
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(examples, labels, groups):
        part = [examples[i] for i in train_idx]
        vocab = _vocabulary(part)
        model = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=0)
        model.fit(feature_matrix(part, vocab), [labels[i] for i in train_idx])
        held = model.predict_proba(feature_matrix([examples[i] for i in test_idx], vocab))[:, 1]
        for i, p in zip(test_idx, held, strict=True):
            probs[i] = float(p)
    return probs


def _record_scores(
    examples: Sequence[Example], idx: Sequence[int], probs: Sequence[float], t: float
) -> tuple[int, int]:
    """Right and wrong records if the proposals ``idx`` are kept at threshold ``t``: the real
    events a kept mention tells, once each; the record places (article, type, sentence) of kept
    wrong mentions where no right one is kept."""
    events = {e for i in idx if probs[i] >= t for e in examples[i].events}
    right = {examples[i].spot for i in idx if probs[i] >= t and examples[i].label}
    wrong = {examples[i].spot for i in idx if probs[i] >= t and not examples[i].label} - right
    return len(events), len(wrong)


SMOOTHING = 4  # steps of 0.01 each side: the threshold sits in the middle of a good plateau


def _best_threshold(
    examples: Sequence[Example],
    idx: Sequence[int],
    probs: Sequence[float],
    real: int,
    smoothing: int = SMOOTHING,
    beta: float = BETA,
) -> tuple[float, dict[str, float]]:
    """The threshold of the best out-of-fold F-beta of the records ``idx`` would make, out of
    ``real`` events to find, the F-beta averaged over the thresholds next to it: the curve is
    flat and jagged near its top, and its single highest point moves by a tenth between two
    trainings on nearly the same data; a plateau's middle moves less and does not sit on the
    edge of a fall."""
    real = max(real, 1)
    steps = range(5, 96)
    curve = {}
    for step in steps:
        tp, fp = _record_scores(examples, idx, probs, step / 100)
        curve[step] = (_fbeta(tp, fp, real, beta), tp, fp)

    def smoothed(step: int) -> float:
        near = [curve[k][0] for k in range(step - smoothing, step + smoothing + 1) if k in curve]
        return sum(near) / len(near)

    step = max(steps, key=lambda k: (smoothed(k), -k))
    f, tp, fp = curve[step]
    return step / 100, {
        "f_beta": round(f, 4),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / real, 4),
    }


# a type's curve stands on a few dozen events: wider, or its threshold follows their noise
TYPE_SMOOTHING = 8
MIN_TYPE_EVENTS = 30  # a type judged by GSR gets its own threshold with this many real events


def _type_thresholds(examples: Sequence[Example], probs: Sequence[float]) -> dict[str, float]:
    """Per event type that GSR judges sentence by sentence, the threshold of the best
    out-of-fold F-beta over that type's examples, gold articles and GSR sentences together: a
    protest told with no date nor named doer scores lower as a whole, and is not held to the bar
    of the types the gold articles are full of. Other types, judged only in the gold articles'
    few examples of each, keep the common threshold."""
    by_type: dict[str, list[int]] = {}
    judged: set[str] = set()
    for i, ex in enumerate(examples):
        etype = next((f[2:] for f in ex.features if f.startswith("t=") and "|" not in f), "")
        by_type.setdefault(etype, []).append(i)
        if ex.origin == "gsr":
            judged.add(etype)
    out: dict[str, float] = {}
    for etype in sorted(judged & by_type.keys()):
        idx = by_type[etype]
        # the type's real events the rules propose: the gold articles hold other types too
        real = len({e for i in idx for e in examples[i].events})
        if real >= MIN_TYPE_EVENTS:
            out[etype] = _best_threshold(examples, idx, probs, real, TYPE_SMOOTHING)[0]
        # a text of a sentence or two with no publication day is judged as GSR judges its
        # sentences, alone and by F1: its threshold is chosen on them alone
        # (``decide.is_snippet``)
        alone = [i for i in idx if examples[i].origin == "gsr"]
        real = len({e for i in alone for e in examples[i].events})
        if real >= MIN_TYPE_EVENTS:
            best, _ = _best_threshold(examples, alone, probs, real, TYPE_SMOOTHING, SNIPPET_BETA)
            out[snippet_key(etype)] = best
    return out


def train_decider(examples: Sequence[Example], name: str = "model.decider") -> dict[str, Any]:
    """Fit the decider; its JSON form with the cross-validated figures that chose it."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise RasidError(
            "training needs scikit-learn: pip install 'rasid[train]' (or scikit-learn)"
        ) from exc
    if len({ex.label for ex in examples}) < 2:
        raise RasidError("training needs both positive and negative proposals")
    gold = [i for i, ex in enumerate(examples) if ex.origin == "gold"] or list(range(len(examples)))
    scores = {}
    for c in C_GRID:
        probs = _oof(examples, c)
        loss = 0.0
        for i in gold:
            p = min(max(probs[i], 1e-6), 1 - 1e-6)
            loss -= math.log(p if examples[i].label else 1 - p)
        scores[c] = (loss / len(gold), probs)
    c = min(C_GRID, key=lambda k: scores[k][0])
    real = sum({examples[i].group: examples[i].in_article for i in gold}.values())
    threshold, cv = _best_threshold(examples, gold, scores[c][1], real)
    per_type = _type_thresholds(examples, scores[c][1])
    vocab = _vocabulary(examples)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=0)
    model.fit(feature_matrix(examples, vocab), [ex.label for ex in examples])
    weights = {
        f: round(float(w), 4)
        for f, w in zip(vocab, model.coef_[0], strict=True)
        if abs(float(w)) >= 1e-3
    }
    counts = Counter((ex.origin, ex.label) for ex in examples)
    return {
        "name": name,
        "bias": round(float(model.intercept_[0]), 4),
        "threshold": threshold,
        "thresholds": per_type,
        "c": c,
        "cv": {**cv, "log_loss": round(scores[c][0], 4), "folds": FOLDS},
        "examples": {f"{o}_{'pos' if y else 'neg'}": n for (o, y), n in sorted(counts.items())},
        "weights": dict(sorted(weights.items())),
    }


def write_model(model: dict[str, Any], path: Any) -> None:
    path.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def cross_validated_gsr(
    others: Sequence[Example], sentences: Sequence[Any], folds: int = FOLDS
) -> set[str]:
    """GSR sentences found when each fold is decided by a model trained without it (with the
    other training data and the other folds): the honest GSR score of a model that learns
    from GSR."""
    import hashlib

    def fold_of(sid: str) -> int:
        return int(hashlib.sha256(sid.encode()).hexdigest(), 16) % folds

    examples = gsr_examples(sentences)
    found: set[str] = set()
    try:
        for k in range(folds):
            train = list(others) + [ex for ex in examples if fold_of(ex.group) != k]
            use_decider(decider_from_json(train_decider(train)))
            found |= detected([s for s in sentences if fold_of(s.id) == k])
    finally:
        reset_decider()
    return found


def crossval_recipe(
    gold_data: Any,
    articles: Sequence[Article],
    extra_gold: Sequence[tuple[Any, Sequence[Article]]] = (),
    gsr_sentences: Sequence[Any] = (),
    *,
    folds: int = FOLDS,
    salt: str = "",
) -> Any:
    """The whole training recipe judged on the gold articles it did not see: each fold of
    ``gold_data``'s articles (re-report groups kept whole) is extracted with a decider trained
    without it, and the pooled records are scored. This is how a change to the rules, the
    features or the learner is chosen on the train half, never on the test half."""
    import hashlib

    unit = {str(d["doc"]): str(d.get("group") or d["doc"]) for d in gold_data}

    def fold_of(doc: str) -> int:
        return int(hashlib.sha256((salt + unit[doc]).encode()).hexdigest(), 16) % folds

    records: list[Any] = []
    try:
        for k in range(folds):
            seen = [d for d in gold_data if fold_of(str(d["doc"])) != k]
            seen_arts = [a for a in articles if a.id in unit and fold_of(a.id) != k]
            held = [a for a in articles if a.id in unit and fold_of(a.id) == k]
            use_decider(None)
            examples = gold_examples(seen, seen_arts)
            for data, arts in extra_gold:
                examples += gold_examples(data, arts)
            examples += gsr_examples(gsr_sentences)
            use_decider(decider_from_json(train_decider(examples)))
            records += extract(held)
    finally:
        reset_decider()
    return score_board(gold_data, records)
