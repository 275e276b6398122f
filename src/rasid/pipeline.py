"""The ordered stages, and ``extract(articles) -> records``.

normalize -> segment -> mentions -> time -> quantities -> events/statements/figures -> merge.
Each stage is a plain function over frozen dataclasses with no I/O, so the same code runs in one
process, a process pool or on Dask workers. Resources (knowledge base, automaton) load once per
process, on first use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rasid.doc import Doc
from rasid.records import Article, Event, Figure, Record, Sentence, Statement
from rasid.text.normalize import normalize
from rasid.text.segment import split_sentences

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """What the pipeline learns from one article, before merging across articles."""

    doc: Doc
    events: tuple[Event, ...]
    statements: tuple[Statement, ...]
    figures: tuple[Figure, ...]


def publication_date(article: Article) -> dt.date | None:
    """The publication day, or None when unknown or unreadable."""
    if not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def _sentence_kind(article: Article, text: str, sent: Sentence, first_body: bool) -> str:
    if article.is_caption(sent.start, sent.end):
        return "caption"
    chunk = text[sent.start : sent.end].strip()
    if article.title and chunk == article.title.strip():
        return "title"
    words = chunk.split()
    if chunk and chunk[-1] not in ".!?؟:\"'”»)" and len(words) <= 9 and not first_body:
        return "heading"
    return "body"


def segment(article: Article) -> Doc:
    """Normalize and split into sentences, each with its kind (body, caption, title, heading)."""
    norm = normalize(article.text)
    raw = split_sentences(norm)
    sents: list[Sentence] = []
    for sent in raw:
        kind = _sentence_kind(article, article.text, sent, first_body=False)
        sents.append(dataclasses.replace(sent, kind=kind) if kind != sent.kind else sent)
    return Doc(article=article, norm=norm, sentences=tuple(sents))


def annotate(article: Article) -> Doc:
    """Every layer before events: sentences, mentions, dates, quantities."""
    from rasid.kb import find_mentions, load_kb
    from rasid.numbers import find_quantities
    from rasid.time import find_times

    doc = segment(article)
    doc = find_mentions(doc, load_kb())
    times = find_times(doc.norm, publication_date(article))
    quantities = find_quantities(doc.norm)
    return dataclasses.replace(doc, times=times, quantities=quantities)


def process_article(article: Article) -> ArticleResult:
    """The whole per-article pipeline: layers, then events, statements and figures."""
    from rasid.events import find_events
    from rasid.figures import find_figures

    doc = annotate(article)
    events, statements = find_events(doc)
    figures = find_figures(doc)
    return ArticleResult(doc=doc, events=events, statements=statements, figures=figures)


def process_articles(articles: Iterable[Article]) -> Iterator[ArticleResult]:
    for article in articles:
        yield process_article(article)


def extract(articles: Iterable[Article]) -> list[Record]:
    """Run the pipeline in memory and merge events across articles into records."""
    from rasid.merge import merge_results

    results = list(process_articles(articles))
    return merge_results(results)
