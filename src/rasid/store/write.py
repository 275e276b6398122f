"""Writing one article's pipeline result to the store, in one transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from rasid.records import Entity, record_to_json
from rasid.store import Store, insert_ignore
from rasid.store import schema as s

if TYPE_CHECKING:
    from rasid.pipeline import ArticleResult


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def save_results(store: Store, results: Sequence[ArticleResult]) -> list[bool]:
    """Store a batch of articles in one transaction; for each, False when already stored.

    A batch is all or nothing: a crash leaves no half article, and running again redoes it.
    """
    from rasid.merge import merge_into_store

    stored: list[bool] = []
    with store.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7412002)")
        for result in results:
            if not store.insert_article(conn, result.doc.article, result.doc.norm.text):
                stored.append(False)
                continue
            _write_layers(conn, result)
            merge_into_store(conn, result)
            stored.append(True)
    return stored


def save_result(store: Store, result: ArticleResult) -> bool:
    """Store one article and everything found in it; False when it was already stored."""
    return save_results(store, [result])[0]


_PROVISIONAL: dict[str, dict[str, list[Entity]]] = {}


def _provisional_index(conn: Connection, url: str) -> dict[str, list[Entity]]:
    """Stored provisional entities by the last word of their Arabic name, read once per store
    and process and kept up to date by this writer (another writer's newest names may be
    missed: they are then linked when read back later)."""
    index = _PROVISIONAL.get(url)
    if index is None:
        index = _PROVISIONAL[url] = {}
        for r in conn.execute(select(s.entities).where(s.entities.c.provisional == 1)).mappings():
            _index_entity(index, _entity_row(r))
    return index


def _entity_row(r: Any) -> Entity:
    data = json.loads(r["data"] or "{}")
    return Entity(
        id=r["id"],
        kind=r["kind"],
        name=r["name"],
        name_ar=r["name_ar"] or "",
        provisional=True,
        role=r["role"],
        affiliations=tuple(data.get("affiliations", ())),
        aliases=tuple(data.get("aliases", ())),
    )


def _last_word(name: str | None) -> str:
    words = (name or "").split()
    return words[-1] if words else ""


def _index_entity(index: dict[str, list[Entity]], e: Entity) -> None:
    if _last_word(e.name_ar):
        index.setdefault(_last_word(e.name_ar), []).append(e)


def _link_entities(conn: Connection, result: ArticleResult) -> dict[str, str]:
    """Provisional names of this article that are entities already stored (another spelling,
    the same role or organization): their ids map to the stored ones."""
    from rasid.entity_merge import link_provisional

    news = [e for e in result.doc.provisional.values() if e.provisional]
    if not news:
        return {}
    index = _provisional_index(conn, str(conn.engine.url))
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
            conn.execute(
                s.entities.update().where(s.entities.c.id == old_id).values(data=_dump(data))
            )
    return mapping


def _write_layers(conn: Connection, result: ArticleResult) -> None:
    doc = result.doc
    aid = doc.article.id
    linked = _link_entities(conn, result)
    insert_ignore(
        conn,
        s.sentences,
        [
            {
                "article_id": aid,
                "idx": x.index,
                "start": x.start,
                "end": x.end,
                "kind": x.kind,
                "paragraph": x.paragraph,
            }
            for x in doc.sentences
        ],
    )
    insert_ignore(
        conn,
        s.mentions,
        [
            {
                "article_id": aid,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "entity_id": linked.get(m.entity_id, m.entity_id),
                "label": m.label,
                "rule": m.rule,
                "confidence": m.confidence,
                "role": m.role,
            }
            for m in doc.mentions
        ],
    )
    insert_ignore(
        conn,
        s.entities,
        [
            {
                "id": e.id,
                "kind": e.kind,
                "name": e.name,
                "name_ar": e.name_ar,
                "country": e.country,
                "wikidata": e.wikidata,
                "provisional": 1 if e.provisional else 0,
                "role": e.role,
                "data": _dump({"aliases": list(e.aliases), "affiliations": list(e.affiliations)}),
            }
            for e in doc.provisional.values()
            if e.id not in linked
        ],
    )
    insert_ignore(
        conn,
        s.statements,
        [
            {
                "id": st.id,
                "article_id": aid,
                "speaker_id": st.speaker.entity_id if st.speaker else None,
                "date": st.date,
                "data": _dump(record_to_json(st)),
            }
            for st in result.statements
        ],
    )
    insert_ignore(
        conn,
        s.figures,
        [
            {
                "id": f.id,
                "article_id": aid,
                "unit": f.unit,
                "subject": f.subject,
                "quantity": f.quantity,
                "as_of": f.as_of or f.period,
                "data": _dump(record_to_json(f)),
            }
            for f in result.figures
        ],
    )
