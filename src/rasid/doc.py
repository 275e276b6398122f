"""The document a pipeline run carries from stage to stage.

Each stage takes a ``Doc`` and returns a new one with its layer added (``dataclasses.replace``);
no stage does I/O. All offsets in the layers are offsets into ``article.text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rasid.records import (
    Article,
    Entity,
    Event,
    Figure,
    Mention,
    Quantity,
    Sentence,
    Statement,
    TimeExpr,
)
from rasid.text.normalize import NormalizedText
from rasid.text.segment import Words


@dataclass(frozen=True, slots=True)
class Doc:
    article: Article
    norm: NormalizedText
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...] = ()
    provisional: Mapping[str, Entity] = field(default_factory=dict)
    times: tuple[TimeExpr, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    # the day relative dates were resolved against: the publication day, or, when that is
    # unknown, the latest day the article's own dates give ("inferred"); None when neither
    anchor: str | None = None
    anchor_kind: str | None = None
    # the words of ``norm.text`` (normalized offsets), split once for every stage that walks
    # the text word by word; None in a document made by hand (a stage then splits it itself)
    words: Words | None = None
    # True once every layer before events is there (rasid.pipeline.annotate): an empty
    # ``times`` or ``quantities`` is then a finding ("none in the text"), not a missing layer
    annotated: bool = False

    def sentence_text(self, sentence: Sentence) -> str:
        return self.article.text[sentence.start : sentence.end]

    def in_sentence(self, sentence: Sentence, start: int, end: int) -> bool:
        return sentence.start <= start and end <= sentence.end


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What the pipeline learns from one article, before merging across articles."""

    doc: Doc
    events: tuple[Event, ...]
    statements: tuple[Statement, ...]
    figures: tuple[Figure, ...]
