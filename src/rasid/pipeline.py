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

from rasid.caches import trim
from rasid.doc import ArticleResult, Doc
from rasid.events import find_events
from rasid.figures import find_figures
from rasid.kb import find_mentions, load_kb
from rasid.merge import merge_results
from rasid.numbers import find_quantities
from rasid.records import (
    Article,
    Record,
    Sentence,
    TimeExpr,
    publication_date,
)
from rasid.text.normalize import normalize
from rasid.text.segment import split_sentences, split_words
from rasid.time import find_times

log = logging.getLogger(__name__)


HEADING_WORDS = 12


def _sentence_kind(
    article: Article, text: str, sent: Sentence, line: tuple[int, int] | None
) -> str:
    """A heading is a short line without a closing mark with more text after it (a subtitle,
    a link to another story: "للمزيد: أفغانستان.. اتهامات للحكومة ..."); a short sentence
    that ends a longer paragraph without its full stop ("... وقد دعت موسكو المجلس إلى إدانة
    "العدوان" على سوريا"), and the article's last line, are body however they end."""
    if article.is_caption(sent.start, sent.end):
        return "caption"
    chunk = text[sent.start : sent.end].strip()
    if article.title and chunk == article.title.strip():
        return "title"
    # the words are counted last: most sentences end in a mark
    if line is not None:
        whole = text[line[0] : line[1]].strip()
        if whole and whole[-1] not in ".!?؟:\"'”»)" and len(whole.split()) <= HEADING_WORDS:
            return "heading"
    return "body"


def segment(article: Article) -> Doc:
    """Normalize and split into sentences, each with its kind (body, caption, title, heading),
    and into words (once, for every stage that reads word by word)."""
    norm = normalize(article.text)
    raw = split_sentences(norm)
    spans: dict[int, tuple[int, int]] = {}
    for sent in raw:
        first = spans.get(sent.paragraph, (sent.start, sent.end))[0]
        spans[sent.paragraph] = (first, sent.end)
    last_paragraph = raw[-1].paragraph if raw else 0
    sents: list[Sentence] = []
    for sent in raw:
        line = spans[sent.paragraph] if sent.paragraph != last_paragraph else None
        kind = _sentence_kind(article, article.text, sent, line)
        sents.append(dataclasses.replace(sent, kind=kind) if kind != sent.kind else sent)
    return Doc(article=article, norm=norm, sentences=tuple(sents), words=split_words(norm.text))


def annotate(article: Article) -> Doc:
    """Every layer before events: sentences, mentions, dates, quantities."""

    doc = segment(article)
    doc = find_mentions(doc, load_kb())
    pub = publication_date(article)
    times = find_times(doc.norm, pub)
    anchor, kind = (pub, "publication") if pub else (None, None)
    if pub is None:
        anchor = infer_anchor(doc, times)
        if anchor is not None:
            kind = "inferred"
            times = tuple(
                dataclasses.replace(t, anchor="inferred") if t.anchor == "publication" else t
                for t in find_times(doc.norm, anchor)
            )
    quantities = find_quantities(doc.norm)
    return dataclasses.replace(
        doc,
        times=times,
        quantities=quantities,
        anchor=anchor.isoformat() if anchor else None,
        anchor_kind=kind,
        annotated=True,
    )


def infer_anchor(doc: Doc, times: tuple[TimeExpr, ...]) -> dt.date | None:
    """A lower bound for the publication day of an undated article: the latest day its own
    dates name. Years come from absolute dates; a day and month without a year take the latest
    such year. An article with no absolute date gets no anchor (relative dates stay unknown)."""

    years = [
        int(t.value[:4])
        for t in times
        if t.value and t.anchor == "absolute" and not t.open_range and t.value[:4].isdigit()
    ]
    if not years:
        return None
    year = max(years)
    days = [
        dt.date.fromisoformat(t.value[:10])
        for t in find_times(doc.norm, dt.date(year, 12, 31))
        if t.value
        and t.precision == "day"
        and t.rule.startswith("date.day_month")
        and t.value[:4] == str(year)
    ]
    return max(days) if days else None


def process_article(article: Article) -> ArticleResult:
    """The whole per-article pipeline: layers, then events, statements and figures."""

    trim()  # the per-word caches, emptied when full: memory stays flat over any corpus
    doc = annotate(article)
    events, statements = find_events(doc)
    figures = find_figures(doc)
    return ArticleResult(doc=doc, events=events, statements=statements, figures=figures)


def process_articles(articles: Iterable[Article]) -> Iterator[ArticleResult]:
    """Results of each article; one that fails is logged and skipped, never the whole run."""
    for article in articles:
        try:
            yield process_article(article)
        except Exception as exc:  # a defect on one article must not lose the others
            log.warning(
                "%s: could not process article (%s: %s)",
                article.origin or article.id,
                type(exc).__name__,
                exc,
            )


def extract(articles: Iterable[Article]) -> list[Record]:
    """Run the pipeline in memory and merge events across articles into records."""

    results = list(process_articles(articles))
    return merge_results(results)
