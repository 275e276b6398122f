"""Deciding which proposed event mentions are events: a linear model trained on real text.

The rules propose an event for every trigger and clause they accept, with its arguments and the
rule that set each (high recall, cheap). Whether a proposal is an event an analyst would code
(not a road accident, not a plan read as done, not a total over months, not background) is
learned from annotated real text: the project's blind-coded ANT gold (train half), the public
Arabic event GSR (development half) and the dev seeds (``rasid train``, ``rasid.events.train``).

Features are cheap and explainable: the type and the trigger rule, how each argument was found
(the rule names of actors, targets, date, place, toll), whether they are there, how far the
date lies from publication, the paragraph, the sentence's length and words, captions and
quotes, and the type crossed with the strongest of these. The model is a logistic regression
stored as a small JSON table of weights (``rasid/models/event_decider.json``): scoring a
proposal is a sum over a few dozen weights, with no library at run time.

The probability becomes the event's confidence and ``rules["decision"]`` names the model; a
proposal below the threshold (chosen on the train half by cross-validation, for precision) is
dropped. ``RASID_MIN_CONFIDENCE`` (or ``rasid extract/ingest --min-confidence``) moves the
threshold; with no model file the proposals pass unchanged. A proposal with neither actor,
target, claimant nor place is never an event record (it names nobody and nowhere: the sentence
stays searchable in its article).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rasid.doc import Doc
from rasid.records import Event
from rasid.text.normalize import normalize_key

MODEL_FILE = "event_decider.json"
ENV_THRESHOLD = "RASID_MIN_CONFIDENCE"
QUOTE_MARK = re.compile('["«»“”]')


@dataclass(frozen=True)
class Decider:
    """A logistic regression over named binary features."""

    weights: dict[str, float]
    bias: float
    threshold: float
    name: str
    thresholds: dict[str, float] = dataclasses.field(default_factory=dict)  # per event type

    def probability(self, features: Iterable[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in set(features))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def decider_from_json(data: dict[str, Any]) -> Decider:
    return Decider(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        name=str(data.get("name") or "model.decider"),
        thresholds={str(k): float(v) for k, v in (data.get("thresholds") or {}).items()},
    )


_ACTIVE: list[Decider | None] = []


def use_decider(decider: Decider | None) -> None:
    """Run this process's pipeline with another decider (None: no decision), as training's
    cross-validation does; ``reset_decider()`` goes back to the packaged one."""
    _ACTIVE[:] = [decider]


def reset_decider() -> None:
    _ACTIVE.clear()


def load_decider() -> Decider | None:
    """The decider in use: one set by ``use_decider``, else the packaged model, else None
    (proposals then pass as they are)."""
    if _ACTIVE:
        return _ACTIVE[0]
    return _packaged_decider()


@lru_cache(maxsize=1)
def _packaged_decider() -> Decider | None:
    try:
        text = resources.files("rasid").joinpath("models", MODEL_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    return decider_from_json(json.loads(text))


def threshold_for(decider: Decider, etype: str | None = None) -> float:
    """The threshold set for this run, else the model's for the event type (chosen per type
    where the training data holds enough of it), else the model's own."""
    raw = os.environ.get(ENV_THRESHOLD)
    if raw:
        try:
            return float(raw)
        except ValueError:
            pass
    if etype is not None and etype in decider.thresholds:
        return decider.thresholds[etype]
    return decider.threshold


def _bucket(value: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _date_gap(event: Event, anchor: str | None) -> str:
    if not event.date:
        return "none"
    if not anchor:
        return "no_anchor"
    from rasid.store.events import day_number

    day, pub = day_number(event.date), day_number(anchor)
    last = day_number(event.date, last=True)
    if day is None or pub is None or last is None:
        return "bad"
    if day > pub:
        return "future"
    if last >= pub:
        return "holds_pub" if len(event.date) < 10 else "0"
    return _bucket(pub - day, (1, 3, 7, 31, 365))


def event_features(doc: Doc, event: Event, same_sentence: int, same_type: int) -> list[str]:
    """The named features of one proposed event mention."""
    src = event.sources[0]
    text = doc.article.text
    rules = event.rules
    t = event.type
    trigger = rules.get("type", "")
    pos = trigger.split(".")[1] if trigger.count(".") >= 2 else "?"
    para = text.count("\n", 0, src.start)
    words = normalize_key(src.sentence).split()
    gap = _date_gap(event, doc.anchor)
    how = {
        "act": rules.get("actors", "none" if not event.actors else "other"),
        "tgt": rules.get("targets", "none" if not event.targets else "other"),
        "date": rules.get("date", "none"),
        "loc": rules.get("location", "none"),
        "toll": rules.get("toll", "none"),
    }
    f = [
        f"t={t}",
        f"trig={trigger}",
        f"pos={pos}",
        f"status={event.status}",
        f"mode={event.mode}",
        f"gap={gap}",
        f"para={_bucket(para, (0, 1, 2, 3, 5, 8))}",
        f"len={_bucket(len(words), (8, 15, 25, 40, 60))}",
        f"prec={event.location.precision if event.location else 'none'}",
        f"dprec={len(event.date) if event.date else 0}",
        f"nsent={_bucket(same_sentence, (1, 2, 3))}",
        f"ntype={_bucket(same_type, (1, 2, 4, 8))}",
        f"claimed={bool(event.claimed_by)}",
        f"toll={event.fatalities is not None or event.injuries is not None}",
        f"caption={doc.article.is_caption(src.start, src.end)}",
        f"quote={QUOTE_MARK.search(src.sentence) is not None}",
        f"anchor={doc.anchor_kind}",
        "bias_feature",
    ]
    f += [f"{k}={v}" for k, v in how.items()]
    f += [f"ak={a.kind}" for a in event.actors[:3]]
    f += [f"tk={a.kind}" for a in event.targets[:3]]
    # the type decides what an argument's absence or a distant date means
    f += [f"t={t}|{k}={v}" for k, v in how.items()]
    f += [
        f"t={t}|gap={gap}",
        f"t={t}|para={_bucket(para, (0, 2, 5))}",
        f"t={t}|has_actor={bool(event.actors)}",
        f"t={t}|has_target={bool(event.targets)}",
        f"t={t}|has_place={event.location is not None}",
    ]
    f += [f"w={w}" for w in dict.fromkeys(words) if len(w) > 1]
    return f


def decide_events(doc: Doc, proposed: Sequence[Event]) -> list[Event]:
    """The proposals the model keeps, each with its probability as confidence."""
    decider = load_decider()
    if decider is None or not proposed:
        return list(proposed)
    per_sentence = Counter(e.sources[0].start for e in proposed)
    per_type = Counter(e.type for e in proposed)
    kept = []
    for ev in proposed:
        if not (ev.actors or ev.targets or ev.claimed_by or ev.location):
            continue  # nobody and nowhere: a mention to search, not an event record
        feats = event_features(doc, ev, per_sentence[ev.sources[0].start], per_type[ev.type])
        p = decider.probability(feats)
        if p < threshold_for(decider, ev.type):
            continue
        rules = dict(ev.rules)
        rules["decision"] = decider.name
        kept.append(dataclasses.replace(ev, confidence=round(p, 3), rules=rules))
    return kept
