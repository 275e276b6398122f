"""The ordered stages, and ``extract(articles) -> records``.

normalize -> segment -> mentions -> time -> quantities -> events/statements/figures -> merge.
Each stage is a plain function over frozen dataclasses with no I/O, so the same code runs in one
process, a process pool or on Dask workers. Resources (knowledge base, automaton) load once per
process, on first use.

``process_batch`` runs each stage over a batch of articles before the next stage starts: a
stage's tables (the knowledge base's automaton, the per-word caches, the lexicons) then stay in
the processor's caches from one article to the next, where one article at a time through every
stage pushed them out between two articles. Each article's result is the one it has alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice

from rasid.caches import trim
from rasid.doc import ArticleResult, Doc
from rasid.entities import find_mentions
from rasid.events import keep_events
from rasid.events.propose import ArticleReading, build_events, read_article
from rasid.figures import find_figures
from rasid.kb import load_kb, match_kb
from rasid.merge import merge_results
from rasid.numbers import find_quantities
from rasid.records import (
    Article,
    Event,
    Mention,
    Record,
    Sentence,
    Statement,
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

    return add_quantities(add_times(find_mentions(segment(article), load_kb())))


def add_times(doc: Doc) -> Doc:
    """The dates of a document with mentions, resolved against its publication day (or, in an
    undated article, the day its own dates give)."""
    article = doc.article
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
    return dataclasses.replace(
        doc, times=times, anchor=anchor.isoformat() if anchor else None, anchor_kind=kind
    )


def add_quantities(doc: Doc) -> Doc:
    """The numbers of a dated document: its last layer before events."""
    return dataclasses.replace(doc, quantities=find_quantities(doc.norm), annotated=True)


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


BATCH = 32  # articles a stage runs over before the next stage starts (see process_batch)


class _Work:
    """One article on its way through a batch: what each stage leaves for the next."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.doc: Doc | None = None
        self.kb_mentions: Sequence[Mention] = ()
        self.reading: ArticleReading | None = None
        self.proposed: list[Event] = []
        self.statements: tuple[Statement, ...] = ()
        self.events: tuple[Event, ...] = ()
        self.result: ArticleResult | None = None
        self.error: Exception | None = None

    def document(self) -> Doc:
        assert self.doc is not None  # every stage after the first has its document
        return self.doc


def _segment(w: _Work) -> None:
    trim()  # the per-word caches, emptied when full: memory stays flat over any corpus
    w.doc = segment(w.article)


def _match_kb(w: _Work) -> None:
    w.kb_mentions = match_kb(w.document().norm, load_kb())


def _find_mentions(w: _Work) -> None:
    w.doc = find_mentions(w.document(), load_kb(), kb_mentions=w.kb_mentions)


def _add_times(w: _Work) -> None:
    w.doc = add_times(w.document())


def _add_quantities(w: _Work) -> None:
    w.doc = add_quantities(w.document())


def _read(w: _Work) -> None:
    w.reading = read_article(w.document())


def _propose(w: _Work) -> None:
    assert w.reading is not None  # read by the stage before
    w.proposed, w.statements = build_events(w.document(), w.reading), w.reading.statements


def _keep(w: _Work) -> None:
    w.events = keep_events(w.document(), w.proposed)


def _figure(w: _Work) -> None:
    doc = w.document()
    w.result = ArticleResult(
        doc=doc, events=w.events, statements=w.statements, figures=find_figures(doc)
    )


# the stages of process_article, in order: the knowledge base's walk apart from the names by
# context, and the sentences read apart from the events built from them, each keeps its own
# tables warm over the batch
STAGES: tuple[Callable[[_Work], None], ...] = (
    _segment,
    _match_kb,
    _find_mentions,
    _add_times,
    _add_quantities,
    _read,
    _propose,
    _keep,
    _figure,
)


def process_batch(
    articles: Sequence[Article], between: Callable[[], None] | None = None
) -> list[ArticleResult | Exception]:
    """The pipeline over a batch, one stage over every article before the next stage: each
    article's result, or the exception that stopped it (the others go on). ``between`` runs
    before each article's turn in a stage (a cluster worker pauses there while it writes)."""
    work = [_Work(a) for a in articles]
    for stage in STAGES:
        for w in work:
            if w.error is not None:
                continue
            if between is not None:
                between()
            try:
                stage(w)
            except Exception as exc:  # a defect on one article must not lose the others
                w.error = exc
    out: list[ArticleResult | Exception] = []
    for w in work:
        if w.error is not None:
            out.append(w.error)
        else:
            assert w.result is not None  # the last stage ran
            out.append(w.result)
    return out


def process_article(article: Article) -> ArticleResult:
    """The whole per-article pipeline: layers, then events, statements and figures."""

    result = process_batch([article])[0]
    if isinstance(result, Exception):
        raise result
    return result


def batches(articles: Iterable[Article], size: int = BATCH) -> Iterator[list[Article]]:
    """The articles in lists of ``size`` (the last one shorter)."""
    it = iter(articles)
    while batch := list(islice(it, size)):
        yield batch


def process_articles(articles: Iterable[Article]) -> Iterator[ArticleResult]:
    """Results of each article, a batch at a time; one that fails is logged and skipped, never
    the whole run."""
    for batch in batches(articles):
        for article, result in zip(batch, process_batch(batch), strict=True):
            if isinstance(result, Exception):
                log.warning(
                    "%s: could not process article (%s: %s)",
                    article.origin or article.id,
                    type(result).__name__,
                    result,
                )
            else:
                yield result


def extract(articles: Iterable[Article]) -> list[Record]:
    """Run the pipeline in memory and merge events across articles into records."""

    results = list(process_articles(articles))
    return merge_results(results)
