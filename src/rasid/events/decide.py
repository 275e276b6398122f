"""Deciding which proposed event mentions are events: a linear model trained on real text.

The rules propose an event for every trigger and clause they accept, with its arguments and the
rule that set each (high recall, cheap). Whether a proposal is an event an analyst would code
(not a road accident, not a plan read as done, not a total over months, not background) is
learned from annotated real text: the project's blind-coded ANT gold (train half), the public
Arabic event GSR (development half) and the dev seeds (``rasid train``, ``rasid.events.train``).

Its features are cheap and explainable (``features``). The model is a logistic regression
stored as a small JSON table of weights (``rasid/models/event_decider.json``): scoring a
proposal is a sum over a few dozen weights, with no library at run time.

The probability becomes the event's confidence and ``rules["decision"]`` names the model; a
proposal below the threshold (chosen on the train half by cross-validation, for precision) is
dropped. A snippet (up to three sentences with no publication day, ``is_snippet``) is held to the
threshold chosen on GSR's sentences judged alone, by F1 as GSR judges them: an article's
proposals and a lone sentence's score on different footing (one mention of the type in the whole
text, no date to weigh), and the bar set for articles drops half the attacks told in a single
sentence.
``RASID_MIN_CONFIDENCE`` (or ``rasid extract/ingest --min-confidence``) moves the threshold;
with no model file the proposals pass unchanged. A proposal with neither actor, target,
claimant nor place is never an event record (it names nobody and nowhere: the sentence stays
searchable in its article).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat
from typing import Any

from rasid.doc import Doc
from rasid.events.features import SentenceFacts, event_features, sentence_facts
from rasid.records import Event

MODEL_FILE = "event_decider.json"
ENV_THRESHOLD = "RASID_MIN_CONFIDENCE"


@dataclass(frozen=True)
class Decider:
    """A logistic regression over named binary features."""

    weights: dict[str, float]
    bias: float
    threshold: float
    name: str
    thresholds: dict[str, float] = dataclasses.field(default_factory=dict)  # per event type

    def probability(self, features: Iterable[str]) -> float:
        z = self.bias + sum(map(self.weights.get, set(features), repeat(0.0)))
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


SNIPPET_SENTENCES = 3


def is_snippet(doc: Doc) -> bool:
    """A text of a few sentences with no publication day: a sentence or a lead judged alone (an
    annotated sentence, a quoted passage), with none of an article's context (other mentions of
    the type, the paragraph, how far its dates lie from the day of the news)."""
    return doc.anchor_kind != "publication" and len(doc.sentences) <= SNIPPET_SENTENCES


def snippet_key(etype: str) -> str:
    return f"{etype}|snippet"


def threshold_for(decider: Decider, etype: str | None = None, snippet: bool = False) -> float:
    """The threshold set for this run, else the model's for the event type (chosen per type
    where the training data holds enough of it; for a snippet, on sentences judged alone), else
    the model's own."""
    raw = os.environ.get(ENV_THRESHOLD)
    if raw:
        try:
            return float(raw)
        except ValueError:
            pass
    if etype is not None and snippet and snippet_key(etype) in decider.thresholds:
        return decider.thresholds[snippet_key(etype)]
    if etype is not None and etype in decider.thresholds:
        return decider.thresholds[etype]
    return decider.threshold


def decide_events(doc: Doc, proposed: Sequence[Event]) -> list[Event]:
    """The proposals the model keeps, each with its probability as confidence."""
    decider = load_decider()
    if decider is None or not proposed:
        return list(proposed)
    per_sentence = Counter(e.sources[0].start for e in proposed)
    per_type = Counter(e.type for e in proposed)
    snippet = is_snippet(doc)
    # a sentence's facts and a type's threshold, once each, not once a proposal
    facts: dict[tuple[int, int, str], SentenceFacts] = {}
    thresholds: dict[str, float] = {}
    kept = []
    for ev in proposed:
        if not (ev.actors or ev.targets or ev.claimed_by or ev.location):
            continue  # nobody and nowhere: a mention to search, not an event record
        src = ev.sources[0]
        key = (src.start, src.end, src.sentence)
        said = facts.get(key)
        if said is None:
            said = facts[key] = sentence_facts(doc, src)
        feats = event_features(doc, ev, per_sentence[src.start], per_type[ev.type], said)
        p = decider.probability(feats)
        threshold = thresholds.get(ev.type)
        if threshold is None:
            threshold = thresholds[ev.type] = threshold_for(decider, ev.type, snippet)
        if p < threshold:
            continue
        rules = dict(ev.rules)
        rules["decision"] = decider.name
        kept.append(dataclasses.replace(ev, confidence=round(p, 3), rules=rules))
    return kept
