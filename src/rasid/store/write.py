"""Writing pipeline results to the store: a batch of articles in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rasid.records import Article, Entity, record_to_json
from rasid.store import Store, now_iso
from rasid.store.driver import Cursor, insert_sql

if TYPE_CHECKING:
    from rasid.pipeline import ArticleResult


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


ARTICLE_COLUMNS = (
    "id",
    "content_hash",
    "url",
    "source",
    "published",
    "published_from",
    "title",
    "lang",
    "text",
    "text_norm",
    "captions",
    "origin",
    "ingested_at",
)
_INSERT_ARTICLE = insert_sql("articles", ARTICLE_COLUMNS, ignore=True)
_INSERT_SENTENCES = insert_sql(
    "sentences", ("article_id", "idx", "start", "end", "kind", "paragraph"), ignore=True
)
_INSERT_MENTIONS = insert_sql(
    "mentions",
    ("article_id", "start", "end", "text", "entity_id", "label", "rule", "confidence", "role"),
    ignore=True,
)
_INSERT_ENTITIES = insert_sql(
    "entities",
    ("id", "kind", "name", "name_ar", "country", "wikidata", "provisional", "role", "data"),
    ignore=True,
)
_INSERT_STATEMENTS = insert_sql(
    "statements", ("id", "article_id", "speaker_id", "date", "data"), ignore=True
)
_INSERT_FIGURES = insert_sql(
    "figures", ("id", "article_id", "unit", "subject", "quantity", "as_of", "data"), ignore=True
)


def insert_article(cur: Cursor, article: Article, text_norm: str) -> bool:
    """Insert the article row; False when its content hash (or id) is already stored."""
    row = (
        article.id,
        article.content_hash,
        article.url,
        article.source,
        article.published,
        article.published_from,
        article.title,
        article.lang,
        article.text,
        text_norm,
        json.dumps([list(c) for c in article.captions]),
        article.origin,
        now_iso(),
    )
    return cur.run(_INSERT_ARTICLE, row) > 0


class _Layers:
    """The rows of a batch's articles, written table by table when the batch ends."""

    def __init__(self) -> None:
        self.sentences: list[tuple[Any, ...]] = []
        self.mentions: list[tuple[Any, ...]] = []
        self.statements: list[tuple[Any, ...]] = []
        self.figures: list[tuple[Any, ...]] = []

    def write(self, cur: Cursor) -> None:
        cur.run_many(_INSERT_SENTENCES, self.sentences)
        cur.run_many(_INSERT_MENTIONS, self.mentions)
        cur.run_many(_INSERT_STATEMENTS, self.statements)
        cur.run_many(_INSERT_FIGURES, self.figures)


def save_results(store: Store, results: Sequence[ArticleResult]) -> list[bool]:
    """Store a batch of articles in one transaction; for each, False when already stored.

    A batch is all or nothing: a crash leaves no half article, and running again redoes it.
    """
    from rasid.merge import merge_into_store

    stored: list[bool] = []
    with store.begin() as conn:
        cur = Cursor(conn)
        if cur.postgres:
            cur.run("SELECT pg_advisory_xact_lock(7412002)")
        layers = _Layers()
        for result in results:
            if not insert_article(cur, result.doc.article, result.doc.norm.text):
                stored.append(False)
                continue
            _add_layers(cur, layers, result, str(conn.engine.url))
            merge_into_store(cur, result)
            stored.append(True)
        layers.write(cur)
        cur.close()
    return stored


def save_result(store: Store, result: ArticleResult) -> bool:
    """Store one article and everything found in it; False when it was already stored."""
    return save_results(store, [result])[0]


_PROVISIONAL: dict[str, dict[str, list[Entity]]] = {}


def _provisional_index(cur: Cursor, url: str) -> dict[str, list[Entity]]:
    """Stored provisional entities by the last word of their Arabic name, read once per store
    and process and kept up to date by this writer (another writer's newest names may be
    missed: they are then linked when read back later)."""
    index = _PROVISIONAL.get(url)
    if index is None:
        index = _PROVISIONAL[url] = {}
        for r in cur.rows(
            "SELECT id, kind, name, name_ar, role, data FROM entities WHERE provisional = 1"
        ):
            _index_entity(index, _entity_row(*r))
    return index


def _entity_row(
    eid: str, kind: str, name: str, name_ar: str | None, role: str | None, raw: str | None
) -> Entity:
    data = json.loads(raw or "{}")
    return Entity(
        id=eid,
        kind=kind,
        name=name,
        name_ar=name_ar or "",
        provisional=True,
        role=role,
        affiliations=tuple(data.get("affiliations", ())),
        aliases=tuple(data.get("aliases", ())),
    )


def _last_word(name: str | None) -> str:
    words = (name or "").split()
    return words[-1] if words else ""


def _index_entity(index: dict[str, list[Entity]], e: Entity) -> None:
    if _last_word(e.name_ar):
        index.setdefault(_last_word(e.name_ar), []).append(e)


def _link_entities(cur: Cursor, result: ArticleResult, url: str) -> dict[str, str]:
    """Provisional names of this article that are entities already stored (another spelling,
    the same role or organization): their ids map to the stored ones."""
    from rasid.entity_merge import link_provisional

    news = [e for e in result.doc.provisional.values() if e.provisional]
    if not news:
        return {}
    index = _provisional_index(cur, url)
    known = {e.id: e for n in news for e in index.get(_last_word(n.name_ar), [])}
    mapping = link_provisional(news, known)
    for e in news:
        if e.id not in mapping and e.id not in known:
            _index_entity(index, e)
    for new_id, old_id in mapping.items():
        old = known[old_id]
        alias = result.doc.provisional[new_id].name_ar
        if alias and alias not in old.aliases:
            data = {"aliases": [*old.aliases, alias], "affiliations": list(old.affiliations)}
            cur.run("UPDATE entities SET data = ? WHERE id = ?", (_dump(data), old_id))
    return mapping


def _add_layers(cur: Cursor, layers: _Layers, result: ArticleResult, url: str) -> None:
    """Add one article's rows to the batch; its new provisional entities are written at once,
    so that the next article's names can be linked to them."""
    doc = result.doc
    aid = doc.article.id
    linked = _link_entities(cur, result, url)
    layers.sentences.extend(
        (aid, x.index, x.start, x.end, x.kind, x.paragraph) for x in doc.sentences
    )
    layers.mentions.extend(
        (
            aid,
            m.start,
            m.end,
            m.text,
            linked.get(m.entity_id, m.entity_id),
            m.label,
            m.rule,
            m.confidence,
            m.role,
        )
        for m in doc.mentions
    )
    cur.run_many(
        _INSERT_ENTITIES,
        [
            (
                e.id,
                e.kind,
                e.name,
                e.name_ar,
                e.country,
                e.wikidata,
                1 if e.provisional else 0,
                e.role,
                _dump({"aliases": list(e.aliases), "affiliations": list(e.affiliations)}),
            )
            for e in doc.provisional.values()
            if e.id not in linked
        ],
    )
    layers.statements.extend(
        (
            st.id,
            aid,
            st.speaker.entity_id if st.speaker else None,
            st.date,
            _dump(record_to_json(st)),
        )
        for st in result.statements
    )
    layers.figures.extend(
        (
            f.id,
            aid,
            f.unit,
            f.subject,
            f.quantity,
            f.as_of or f.period,
            _dump(record_to_json(f)),
        )
        for f in result.figures
    )
