"""The store and the in-memory merge make the same events of the same articles.

Input: the ANT train half's re-report groups (real events told by several outlets), read from
the shared corpus. ``rasid extract`` (merge in memory) and ``rasid ingest`` (merge into the
store, one article at a time) must put every event mention in the same event; ingesting the
same articles again adds nothing and keeps every id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

from rasid.ingest import IngestProblem, read_articles
from rasid.jobs import ingest
from rasid.pipeline import extract
from rasid.records import Article, Event
from rasid.store import open_store
from rasid.store.query import EventQuery, iter_events

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"
TRAIN = ROOT / "eval" / "gold" / "ant-train.json"

pytestmark = pytest.mark.skipif(
    not CORPUS.exists(), reason="shared/ corpora not beside the checkout"
)

Mention = tuple[str, int, str]


@cache
def _group_articles_file(tmp: str) -> str:
    ids = {str(d["doc"]) for d in json.loads(TRAIN.read_text(encoding="utf-8")) if d.get("group")}
    out = Path(tmp) / "groups.jsonl"
    with CORPUS.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if json.loads(line)["id"] in ids:
                dst.write(line)
    return str(out)


def _partition(events: Iterable[Event]) -> dict[Mention, frozenset[Mention]]:
    """Each mention (article, sentence start, type) -> the mentions of its event."""
    out: dict[Mention, frozenset[Mention]] = {}
    for e in events:
        group = frozenset((s.article, s.start, e.type) for s in e.sources)
        for m in group:
            out[m] = group
    return out


def _groups(events: Iterable[Event]) -> set[frozenset[Mention]]:
    return {frozenset((s.article, s.start, e.type) for s in e.sources) for e in events}


def test_store_and_memory_make_the_same_events(
    store_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = _group_articles_file(str(tmp_path_factory.getbasetemp()))
    articles = [a for a in read_articles([path]) if not isinstance(a, IngestProblem)]
    assert len({a.id for a in articles if isinstance(a, Article)}) >= 40
    in_memory = [r for r in extract(articles) if isinstance(r, Event)]
    ingest([path], store_url)
    store = open_store(store_url)
    try:
        stored = list(iter_events(store, EventQuery()))
        ids = sorted(e.id for e in stored)
        ingest([path], store_url)  # a re-run adds nothing, and every id stays
        again = sorted(e.id for e in iter_events(store, EventQuery()))
    finally:
        store.close()
    memory, kept = _partition(in_memory), _partition(stored)
    assert len(memory) > 50
    # two triggers of one sentence may make two records that share its mention: the events,
    # each a set of mentions, are what must agree
    assert _groups(in_memory) == _groups(stored)
    assert len(in_memory) == len(stored)
    assert again == ids
    # several articles' reports are one event in both
    assert any(len({m[0] for m in g}) > 1 for g in kept.values())
