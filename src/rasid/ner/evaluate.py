"""Entity-level scoring of BIO tag sequences, as CoNLL's conlleval (and seqeval's default) count.

An entity is a maximal run that starts at ``B-X``, or at ``I-X`` after anything that is not part
of an ``X`` entity (conlleval's lenient reading of an ill-formed start), and continues over
``I-X``. A predicted entity counts only when its start, end and type all equal a gold entity's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ENTITY_TYPES = ("PERS", "LOC", "ORG", "MISC")


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Precision, recall and F1 for one entity type (or all of them, as ``micro``)."""

    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int
    correct: int


def extract_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entities of one tag sequence as ``(first token, end token exclusive, type)``."""
    spans: list[tuple[int, int, str]] = []
    start = -1
    kind = ""
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        continues = prefix == "I" and label == kind and start >= 0
        if continues:
            continue
        if start >= 0:
            spans.append((start, i, kind))
            start, kind = -1, ""
        if prefix in ("B", "I") and label:
            start, kind = i, label
    if start >= 0:
        spans.append((start, len(tags), kind))
    return spans


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _score(gold: int, predicted: int, correct: int) -> TypeScore:
    p = _ratio(correct, predicted)
    r = _ratio(correct, gold)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return TypeScore(p, r, f, gold, predicted, correct)


def score_entities(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, TypeScore]:
    """Scores per entity type and ``micro`` over all types, for parallel lists of sentences."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sentences but {len(predicted)} predicted")
    counts: dict[str, list[int]] = {}
    for g_tags, p_tags in zip(gold, predicted, strict=True):
        if len(g_tags) != len(p_tags):
            raise ValueError("a predicted sentence differs in length from its gold sentence")
        g_spans = set(extract_spans(g_tags))
        p_spans = set(extract_spans(p_tags))
        for span in g_spans:
            counts.setdefault(span[2], [0, 0, 0])[0] += 1
        for span in p_spans:
            counts.setdefault(span[2], [0, 0, 0])[1] += 1
        for span in g_spans & p_spans:
            counts[span[2]][2] += 1
    result = {label: _score(*counts.get(label, [0, 0, 0])) for label in ENTITY_TYPES}
    for label in sorted(set(counts) - set(ENTITY_TYPES)):
        result[label] = _score(*counts[label])
    totals = [sum(c[k] for c in counts.values()) for k in range(3)]
    result["micro"] = _score(*totals)
    return result


def to_bioes(tags: Sequence[str]) -> list[str]:
    """BIO tags rewritten as BIOES (S- a one-token entity, E- an entity's last token).

    The model is trained on BIOES because telling the last token of a name apart lets it learn
    where names end; everything outside the model speaks BIO.
    """
    out = ["O"] * len(tags)
    for start, end, label in extract_spans(tags):
        if end - start == 1:
            out[start] = "S-" + label
            continue
        out[start] = "B-" + label
        for i in range(start + 1, end - 1):
            out[i] = "I-" + label
        out[end - 1] = "E-" + label
    return out


def to_bio(tags: Sequence[str]) -> list[str]:
    """BIOES (or BIO) tags as well-formed BIO: every entity starts with B-."""
    out: list[str] = []
    prev = ""
    for tag in tags:
        prefix, _, label = tag.partition("-")
        if not label:
            out.append("O")
            prev = ""
            continue
        starts = prefix in ("B", "S") or prev != label
        out.append(("B-" if starts else "I-") + label)
        prev = "" if prefix in ("E", "S") else label
    return out
