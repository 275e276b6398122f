"""The sentence task of the public Arabic event GSR (openeventdata/arabic_event_gsr).

Each sentence was judged by annotators for one PLOVER type (ASSAULT or PROTEST). A sentence is
found when the pipeline, given the sentence alone as an article with no publication date, emits
an event record of that type citing it. Precision, recall and F1 over ``yes`` (positive) against
``easy no`` and ``difficult no`` (negative); ``ambiguous`` sentences are left out. The score is
also given per negative label, since "difficult no" sentences (a past attack in an opinion, an
attack denied) are where a detector shows its judgement.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.errors import EvalError
from rasid.records import Article

POSITIVE = "yes"
NEGATIVE = ("easy no", "difficult no")
COLUMNS = ("id", "event_type", "label", "text")


@dataclass(frozen=True, slots=True)
class GsrSentence:
    id: str
    type: str
    label: str
    text: str


@dataclass
class GsrScore:
    type: str
    sentences: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    flagged_by_label: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_gsr(path: Path) -> list[GsrSentence]:
    """The sentences of one GSR CSV file; one clear error for a file that is not one."""
    from rasid.eval import read_text_file

    text = read_text_file(path, "a GSR CSV file")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise EvalError(f"{path}:1: not a GSR file (no column {', '.join(missing)})")
        rows = [
            GsrSentence(
                id=r["id"],
                type=r["event_type"].strip().upper(),
                label=r["label"].strip(),
                text=r["text"],
            )
            for r in reader
        ]
    except csv.Error as exc:
        raise EvalError(f"{path}: not CSV ({exc})") from exc
    return rows


def detected(sentences: Sequence[GsrSentence]) -> set[str]:
    """Ids of the sentences for which the pipeline emits an event of the sentence's type."""
    from rasid.pipeline import process_articles

    wanted = {s.id: s.type for s in sentences}
    found: set[str] = set()
    articles = (Article(id=s.id, text=s.text) for s in sentences)
    for result in process_articles(articles):
        for ev in result.events:
            for src in ev.sources:
                if wanted.get(src.article) == ev.type:
                    found.add(src.article)
    return found


def score_gsr(sentences: Iterable[GsrSentence], found: set[str] | None = None) -> list[GsrScore]:
    """One score per event type in the file."""
    kept = [s for s in sentences if s.label == POSITIVE or s.label in NEGATIVE]
    if found is None:
        found = detected(kept)
    out = []
    for etype in sorted({s.type for s in kept}):
        rows = [s for s in kept if s.type == etype]
        sc = GsrScore(type=etype, sentences=len(rows))
        by_label: Counter[str] = Counter()
        flagged: Counter[str] = Counter()
        for s in rows:
            hit = s.id in found
            by_label[s.label] += 1
            flagged[s.label] += hit
            if s.label == POSITIVE:
                sc.tp += hit
                sc.fn += not hit
            else:
                sc.fp += hit
                sc.tn += not hit
        sc.precision = round(sc.tp / (sc.tp + sc.fp), 4) if sc.tp + sc.fp else 0.0
        sc.recall = round(sc.tp / (sc.tp + sc.fn), 4) if sc.tp + sc.fn else 0.0
        p, r = sc.precision, sc.recall
        sc.f1 = round(2 * p * r / (p + r), 4) if p + r else 0.0
        sc.flagged_by_label = {k: f"{flagged[k]}/{by_label[k]}" for k in sorted(by_label)}
        out.append(sc)
    return out
