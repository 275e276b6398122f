"""The pipeline's batches: each stage over a batch of articles, each article's result the one it
has alone, and one that fails leaving the others of its batch whole."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from importlib.resources import files

import pytest

from rasid.doc import ArticleResult
from rasid.events.decide import Decider, reset_decider, use_decider
from rasid.ingest import read_articles
from rasid.pipeline import batches, process_article, process_articles, process_batch
from rasid.records import Article

STRIKE = Article(
    id="strike",
    text="قصفت طائرات التحالف الدولي مواقع لتنظيم داعش في الموصل يوم الاثنين وقتلت خمسة مسلحين.",
    published="2018-03-20",
)
QUIET = Article(id="quiet", text="افتتح المعرض أبوابه للزوار صباح اليوم.", published="2018-03-20")


def _samples() -> list[Article]:
    found = read_articles([str(files("rasid.samples") / "articles.jsonl")])
    return [a for a in found if isinstance(a, Article)]


class _Failing(Decider):
    """A decider that fails on every proposal: an article with one fails in the decider's
    stage, an article with none never asks it."""

    def probability(self, features: Iterable[str]) -> float:
        raise RuntimeError("no decision")


@pytest.fixture
def failing_decider() -> Iterator[None]:
    use_decider(_Failing(weights={}, bias=0.0, threshold=0.5, name="m.failing"))
    yield
    reset_decider()


def test_a_batch_gives_each_article_its_result_alone() -> None:
    articles = [*_samples(), STRIKE, QUIET]
    alone = [process_article(a) for a in articles]
    assert process_batch(articles) == alone
    assert list(process_articles(articles)) == alone
    assert any(r.events for r in alone)


def test_batches_keep_the_order_and_every_article() -> None:
    ids = [str(k) for k in range(70)]
    got = list(batches(Article(id=i, text="") for i in ids))
    assert [len(b) for b in got] == [32, 32, 6]
    assert [a.id for b in got for a in b] == ids


def test_an_article_that_fails_leaves_the_others_of_its_batch(
    failing_decider: None, caplog: pytest.LogCaptureFixture
) -> None:
    failed, kept = process_batch([STRIKE, QUIET])
    assert isinstance(failed, RuntimeError)
    assert isinstance(kept, ArticleResult) and kept.doc.article.id == "quiet"
    with pytest.raises(RuntimeError):
        process_article(STRIKE)
    with caplog.at_level(logging.WARNING, logger="rasid.pipeline"):
        results = list(process_articles([STRIKE, QUIET]))
    assert [r.doc.article.id for r in results] == ["quiet"]
    assert "strike: could not process article (RuntimeError: no decision)" in caplog.text
