"""Writing pipeline results to the store: a batch of articles in one transaction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rasid.caches import empty_full
from rasid.doc import ArticleResult
from rasid.entity_merge import name_keys
from rasid.records import Article, Entity, Event, record_to_json
from rasid.store import Store, now_iso, schema
from rasid.store.driver import Cursor, insert_sql
from rasid.store.merging import merge_into_store
from rasid.store.schema import name_key
from rasid.text.normalize import normalize_key

Row = tuple[Any, ...]
STORED, VERSION, ALREADY, CONFLICT = "stored", "version", "already", "conflict"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_INSERT_ARTICLE = insert_sql(schema.articles, ignore=True)
_INSERT_SENTENCES = insert_sql(schema.sentences, ignore=True)
_INSERT_MENTIONS = insert_sql(schema.mentions, ignore=True)
_INSERT_ENTITIES = insert_sql(schema.entities, ignore=True)
_INSERT_ENTITY_KEYS = insert_sql(schema.entity_keys, ignore=True)
_INSERT_STATEMENTS = insert_sql(schema.statements, ignore=True)
_INSERT_FIGURES = insert_sql(schema.figures, ignore=True)


def _article_row(article: Article, text_norm: str) -> tuple[Any, ...]:
    """The articles row without its ``ingested_at``, ``version_of`` and ``version`` (stamped
    when written, before ``title_norm``, the last); every row here follows its table's column
    order in ``rasid.store.schema``."""
    return (
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
        normalize_key(article.title) if article.title else None,
    )


def insert_article(
    cur: Cursor, article: Article, text_norm: str, version: tuple[str, int] | None = None
) -> bool:
    """Insert the article row; False when its content hash (or id) is already stored.
    ``version``: the id this article is a new version of, and its number."""
    return cur.run(_INSERT_ARTICLE, _stamped(_article_row(article, text_norm), version)) > 0


def _stamped(row: Row, version: tuple[str, int] | None) -> Row:
    """An articles row with its ``ingested_at``, ``version_of`` and ``version``."""
    return (*row[:-1], now_iso(), *(version or (None, None)), row[-1])


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """One article's rows for the store, built where its pipeline ran (in a pool or on a Dask
    worker): the single writer then only links names, merges events and inserts, and plain
    tuples cross between processes for a fraction of what the records cost to pickle."""

    article: Row  # without ingested_at
    sentences: tuple[Row, ...]
    mentions: tuple[Row, ...]  # entity ids as found, before linking to stored names
    provisional: tuple[Entity, ...]
    entity_rows: tuple[Row, ...]  # one per provisional entity
    entity_keys: tuple[tuple[str, ...], ...]  # each provisional entity's (``name_keys``)
    statements: tuple[Row, ...]
    figures: tuple[Row, ...]
    events: tuple[Event, ...]
    event_data: tuple[str, ...]  # each event mention's JSON

    @property
    def article_id(self) -> str:
        return str(self.article[0])


def prepare(result: ArticleResult) -> ArticleRows:
    """The rows of one article's pipeline result."""
    doc = result.doc
    aid = doc.article.id
    provisional = tuple(doc.provisional.values())
    return ArticleRows(
        article=_article_row(doc.article, doc.norm.text),
        sentences=tuple((aid, x.index, x.start, x.end, x.kind, x.paragraph) for x in doc.sentences),
        mentions=tuple(
            (aid, m.start, m.end, m.text, m.entity_id, m.label, m.rule, m.confidence, m.role)
            for m in doc.mentions
        ),
        provisional=provisional,
        entity_rows=tuple(
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
                name_key(e.name_ar) if e.provisional else None,
            )
            for e in provisional
        ),
        entity_keys=tuple(name_keys(e) for e in provisional),
        statements=tuple(
            (
                st.id,
                aid,
                st.speaker.entity_id if st.speaker else None,
                st.date,
                _dump(record_to_json(st)),
            )
            for st in result.statements
        ),
        figures=tuple(
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
        ),
        events=result.events,
        event_data=tuple(
            json.dumps(record_to_json(ev), ensure_ascii=False) for ev in result.events
        ),
    )


class _Layers:
    """The rows of a batch's articles, written table by table when the batch ends."""

    def __init__(self) -> None:
        self.sentences: list[Row] = []
        self.mentions: list[Row] = []
        self.statements: list[Row] = []
        self.figures: list[Row] = []

    def add(self, rows: ArticleRows, linked: dict[str, str]) -> None:
        self.sentences.extend(rows.sentences)
        if linked:
            self.mentions.extend((*m[:4], linked.get(m[4], m[4]), *m[5:]) for m in rows.mentions)
        else:
            self.mentions.extend(rows.mentions)
        self.statements.extend(rows.statements)
        self.figures.extend(rows.figures)

    def write(self, cur: Cursor) -> None:
        cur.run_many(_INSERT_SENTENCES, self.sentences)
        cur.run_many(_INSERT_MENTIONS, self.mentions)
        cur.run_many(_INSERT_STATEMENTS, self.statements)
        cur.run_many(_INSERT_FIGURES, self.figures)


def save_rows(
    store: Store,
    batch: Sequence[ArticleRows],
    versions: Mapping[str, tuple[str, int]] | None = None,
) -> list[str]:
    """Store a batch of articles in one transaction; what became of each: STORED, VERSION (a
    new version of a stored article, ``versions`` maps its id to the base id and number),
    ALREADY (its text is stored) or CONFLICT (its id was stored with another text since its
    id was settled, by another writer: not stored).

    A batch is all or nothing: a crash leaves no half article, and running again redoes it.
    """
    versions = versions or {}
    stored: list[str] = []
    with store.begin() as conn:
        cur = Cursor(conn)
        if cur.postgres:
            cur.run("SELECT pg_advisory_xact_lock(7412002)")
        layers = _Layers()
        for rows in batch:
            version = versions.get(rows.article_id)
            if cur.run(_INSERT_ARTICLE, _stamped(rows.article, version)) == 0:
                same = "SELECT 1 FROM articles WHERE content_hash = ?"
                stored.append(ALREADY if cur.rows(same, (rows.article[1],)) else CONFLICT)
                continue
            linked = _link_entities(cur, rows.provisional)
            layers.add(rows, linked)
            # written at once, so that the next article's names can be linked to them
            kept = [
                (r, keys)
                for e, r, keys in zip(
                    rows.provisional, rows.entity_rows, rows.entity_keys, strict=True
                )
                if e.id not in linked
            ]
            cur.run_many(_INSERT_ENTITIES, [r for r, _ in kept])
            cur.run_many(_INSERT_ENTITY_KEYS, [(k, r[0]) for r, keys in kept for k in keys])
            merge_into_store(cur, rows.article_id, rows.events, rows.event_data)
            stored.append(STORED if version is None else VERSION)
        layers.write(cur)
        cur.close()
    empty_full()
    return stored


def save_results(
    store: Store,
    results: Sequence[ArticleResult],
    versions: Mapping[str, tuple[str, int]] | None = None,
) -> list[str]:
    """``save_rows`` for results of this process."""
    return save_rows(store, [prepare(r) for r in results], versions)


def save_result(
    store: Store, result: ArticleResult, version: tuple[str, int] | None = None
) -> bool:
    """Store one article and everything found in it; False when it was not stored (its text
    is stored already, or its id was taken meanwhile by another text)."""
    aid = result.doc.article.id
    outcome = save_results(store, [result], {aid: version} if version else None)[0]
    return outcome in (STORED, VERSION)


def _entity_row(
    eid: str,
    kind: str,
    name: str,
    name_ar: str | None,
    role: str | None,
    raw: str | None,
    country: str | None = None,
) -> tuple[Entity, dict[str, Any]]:
    data = json.loads(raw or "{}")
    entity = Entity(
        id=eid,
        kind=kind,
        name=name,
        name_ar=name_ar or "",
        country=country,
        provisional=True,
        role=role,
        affiliations=tuple(data.get("affiliations", ())),
        aliases=tuple(data.get("aliases", ())),
    )
    return entity, data


def _stored_namesakes(
    cur: Cursor, news: Sequence[Entity]
) -> tuple[dict[str, Entity], dict[str, dict[str, Any]]]:
    """Stored provisional entities that share a key with one of ``news`` (``name_keys``), and
    their data: read from the store in the writing transaction, so every writer (each process
    of a pool or a cluster, each concurrent ingest) sees every name stored before it, with its
    aliases."""
    keys = sorted({k for n in news for k in name_keys(n)})
    if not keys:
        return {}, {}
    cond, params = cur.among("k.key", keys)
    rows = cur.rows(
        "SELECT DISTINCT e.id, e.kind, e.name, e.name_ar, e.role, e.data, e.country"
        f" FROM entity_keys k JOIN entities e ON e.id = k.entity_id WHERE {cond}"
        " AND e.provisional = 1",
        params,
    )
    known: dict[str, Entity] = {}
    data: dict[str, dict[str, Any]] = {}
    for r in rows:
        known[r[0]], data[r[0]] = _entity_row(*r)
    return known, data


def _link_entities(cur: Cursor, provisional: Sequence[Entity]) -> dict[str, str]:
    """Provisional names of this article that are entities already stored (another spelling
    of the same person, rasid.entity_merge): their ids map to the stored ones, which keep the
    new spelling as an alias, with the rule that joined it, and are found by its keys too."""
    from rasid.entity_merge import ProvisionalIndex, link_with_reasons

    news = [e for e in provisional if e.provisional]
    if not news:
        return {}
    known, data = _stored_namesakes(cur, news)
    if not known:
        return {}
    index = ProvisionalIndex()
    for k in known.values():
        index.add(k)
    mapping = link_with_reasons(news, index)
    by_id = {e.id: e for e in news}
    for new_id, (old_id, rule) in mapping.items():
        new = by_id[new_id]
        old = index.get(old_id) or known[old_id]
        alias = new.name_ar
        if not alias or alias == old.name_ar or alias in old.aliases:
            continue
        index.add_alias(old_id, new)
        record = data[old_id]
        record["aliases"] = [*old.aliases, alias]
        record.setdefault("affiliations", list(old.affiliations))
        record["joined"] = {**record.get("joined", {}), alias: rule}
        cur.run("UPDATE entities SET data = ? WHERE id = ?", (_dump(record), old_id))
        cur.run_many(_INSERT_ENTITY_KEYS, [(k, old_id) for k in name_keys(new)])
    return {k: v[0] for k, v in mapping.items()}
