"""Read queries for everything but the event list: actors, articles and search, statements,
figures, and the record stream of the JSON Lines export.

Shares its filters and helpers with ``rasid.store.query`` (which holds the event queries); the
same rules apply: filtering and paging in SQL, names resolved through the knowledge base, Arabic
text compared through normalized keys.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
)

from rasid.records import Event, Figure, Statement, record_from_json
from rasid.store import Store
from rasid.store import schema as s
from rasid.store.fulltext import find_hits, match_rows
from rasid.store.query import (
    EventQuery,
    Page,
    QueryError,
    _article_meta,
    _fill,
    _ilike,
    _loads,
    _paging,
    _split,
    _through,
    check_date,
    count_once,
    event_conditions,
    iter_events,
    kb_entity,
    resolve_names,
    text_keys,
)
from rasid.text.normalize import normalize, normalize_key


def article_texts(store: Store, ids: Iterable[str]) -> dict[str, str]:
    a = s.articles
    with store.connect() as conn:
        rows = conn.execute(select(a.c.id, a.c.text).where(a.c.id.in_(list(set(ids)))))
        return {r[0]: r[1] for r in rows}


# -- entities --------------------------------------------------------------------------------


def _entity_names(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """name, name_ar, kind of ids from the knowledge base, else the provisional entities."""
    out: dict[str, dict[str, Any]] = {}
    rest: list[str] = []
    for eid in ids:
        ent = kb_entity(eid)
        if ent is not None:
            out[eid] = {"name": ent.name, "name_ar": ent.name_ar, "kind": ent.kind, "kb": True}
        else:
            rest.append(eid)
    if rest:
        e = s.entities
        rows = conn.execute(select(e.c.id, e.c.name, e.c.name_ar, e.c.kind).where(e.c.id.in_(rest)))
        for r in rows:
            out[r.id] = {"name": r.name, "name_ar": r.name_ar, "kind": r.kind, "kb": False}
    return out


_RANKING_TTL = 60.0
_rankings: dict[tuple[str, str, str], tuple[float, list[dict[str, Any]]]] = {}
_rankings_lock = threading.Lock()


def _ranked_entities(store: Store, q: str, role: str) -> list[dict[str, Any]]:
    """Every actor matching ``q`` with its counts, most active first. Ranking needs one pass over
    all actor rows, so the ranking is kept a minute and pages are cut from it."""
    key = (store.url, q, role)
    now = time.monotonic()
    with _rankings_lock:
        hit = _rankings.get(key)
    if hit is not None and now - hit[0] < _RANKING_TTL:
        return hit[1]
    ea = s.event_actors
    conds: list[ColumnElement[bool]] = [ea.c.role == role] if role else []
    with store.connect() as conn:
        if q:
            ids = resolve_names(q, places=False)
            conds.append(or_(ea.c.entity_id.in_(ids), _ilike(ea.c.name, q)))
        n = func.count(distinct(ea.c.event_id))
        rows = conn.execute(
            select(
                ea.c.entity_id,
                func.max(ea.c.name),
                n,
                func.sum(case((ea.c.role == "actor", 1), else_=0)),
                func.sum(case((ea.c.role == "target", 1), else_=0)),
            )
            .where(*conds)
            .group_by(ea.c.entity_id)
        ).all()
    ranked = [
        {
            "id": r[0],
            "name": r[1],
            "events": int(r[2]),
            "as_actor": int(r[3] or 0),
            "as_target": int(r[4] or 0),
        }
        for r in rows
    ]
    ranked.sort(key=lambda it: (-it["events"], it["id"]))
    with _rankings_lock:
        if len(_rankings) > 256:
            _rankings.clear()
        _rankings[key] = (now, ranked)
    return ranked


def list_entities(
    store: Store, q: str | None = None, *, role: str | None = None, limit: int = 50, offset: int = 0
) -> Page:
    """Actors that appear in events, most frequent first, with counts as actor and as target."""
    limit, offset = _paging(limit, offset)
    if role and role not in ("actor", "target", "claimed_by"):
        raise QueryError(f"role: {role!r} is not one of actor, target, claimed_by")
    ranked = _ranked_entities(store, (q or "").strip(), role or "")
    items = [dict(it) for it in ranked[offset : offset + limit]]
    with store.connect() as conn:
        names = _entity_names(conn, [it["id"] for it in items])
    for it in items:
        info = names.get(it["id"], {})
        it["name"] = info.get("name") or it["name"]
        it["name_ar"] = info.get("name_ar")
        it["kind"] = info.get("kind")
    return Page(items=items, total=len(ranked), limit=limit, offset=offset)


def get_entity(store: Store, entity_id: str) -> dict[str, Any] | None:
    """What Rasid knows of one actor: names and aliases, counts and months as actor and target,
    and how many statements it made. None when the id appears nowhere."""
    ent = kb_entity(entity_id)
    ev, ea, st = s.events, s.event_actors, s.statements
    with store.connect() as conn:
        info: dict[str, Any] | None = None
        if ent is not None:
            info = {
                "id": entity_id,
                "name": ent.name,
                "name_ar": ent.name_ar,
                "kind": ent.kind,
                "country": ent.country,
                "wikidata": ent.wikidata,
                "aliases": list(ent.aliases),
                "affiliations": list(getattr(ent, "affiliations", ())),
                "lat": ent.lat,
                "lon": ent.lon,
                "provisional": False,
            }
        else:
            row = conn.execute(select(s.entities).where(s.entities.c.id == entity_id)).first()
            if row is not None:
                extra = _loads(row.data)
                info = {
                    "id": entity_id,
                    "name": row.name,
                    "name_ar": row.name_ar,
                    "kind": row.kind,
                    "country": row.country,
                    "wikidata": row.wikidata,
                    "aliases": list(extra.get("aliases", [])),
                    "affiliations": list(extra.get("affiliations", [])),
                    "lat": None,
                    "lon": None,
                    "provisional": bool(row.provisional),
                    "role": row.role,
                }
        names = conn.execute(
            select(ea.c.name, func.count()).where(ea.c.entity_id == entity_id).group_by(ea.c.name)
        ).all()
        if info is None:
            if not names:
                return None
            top = max(names, key=lambda r: r[1])[0] or entity_id
            info = {"id": entity_id, "name": top, "name_ar": None, "kind": None, "aliases": []}
        info["names_in_events"] = sorted(n for n, _ in names if n)
        month = func.substr(ev.c.date_key, 1, 7)
        series = conn.execute(
            select(ea.c.role, month, func.count())
            .join(ev, ev.c.id == ea.c.event_id)
            .where(ea.c.entity_id == entity_id)
            .group_by(ea.c.role, month)
        ).all()
        counts: Counter[str] = Counter()
        months: dict[str, Counter[str]] = defaultdict(Counter)
        for role, m, n in series:
            counts[role] += n
            if m:
                months[m][role] += n
        info["as_actor"] = counts["actor"]
        info["as_target"] = counts["target"]
        info["as_claimant"] = counts["claimed_by"]
        info["months"] = [
            {"key": k, "count": sum(months[k].values()), "by_role": dict(months[k])}
            for k in _fill(sorted(months), "month")
        ]
        info["statements"] = int(
            conn.execute(
                select(func.count()).select_from(st).where(st.c.speaker_id == entity_id)
            ).scalar_one()
        )
    return info


# -- articles and search ---------------------------------------------------------------------


def list_articles(
    store: Store,
    *,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    limit, offset = _paging(limit, offset)
    a = s.articles
    conds: list[ColumnElement[bool]] = []
    if source:
        conds.append(a.c.source == source)
    if d := check_date(since, "since"):
        conds.append(a.c.published >= d)
    if d := check_date(until, "until"):
        conds.append(func.substr(a.c.published, 1, len(d)) <= d)
    cols = [a.c.id, a.c.title, a.c.source, a.c.url, a.c.published, a.c.lang]
    with store.connect() as conn:
        total = conn.execute(select(func.count()).select_from(a).where(*conds)).scalar_one()
        rows = conn.execute(
            select(*cols, func.length(a.c.text).label("chars"))
            .where(*conds)
            .order_by(a.c.published.desc().nulls_last(), a.c.id)
            .limit(limit)
            .offset(offset)
        ).mappings()
        items = [dict(r) for r in rows]
    return Page(items=items, total=int(total), limit=limit, offset=offset)


def get_article(store: Store, article_id: str) -> dict[str, Any] | None:
    """The article with its sentences, mentions and the evidence spans of the events,
    statements and figures drawn from it (offsets into its original text)."""
    data = store.get_article(article_id)
    if data is None:
        return None
    article_id = str(data["id"])  # the stored article a copy's id resolves to
    data.pop("text_norm", None)
    data["captions"] = [list(c) for c in data.get("captions", [])]
    em, st, fg, mn = s.event_mentions, s.statements, s.figures, s.mentions
    spans: list[dict[str, Any]] = []
    with store.connect() as conn:
        # an event's sources from this article are in its mentions from this article
        for eid, etype, raw in conn.execute(
            select(em.c.event_id, em.c.type, em.c.data).where(em.c.article_id == article_id)
        ):
            for src in _loads(raw).get("sources", []):
                if src.get("article") == article_id:
                    spans.append(_span("event", eid, etype, src))
        for table, kind in ((st, "statement"), (fg, "figure")):
            for rid, raw in conn.execute(
                select(table.c.id, table.c.data).where(table.c.article_id == article_id)
            ):
                rec = _loads(raw)
                label = rec.get("unit") if kind == "figure" else "statement"
                for src in rec.get("sources", []):
                    if src.get("article") == article_id:
                        spans.append(_span(kind, rid, str(label or kind), src))
        data["mentions"] = [
            dict(r)
            for r in conn.execute(
                select(mn.c.start, mn.c.end, mn.c.text, mn.c.entity_id, mn.c.label)
                .where(mn.c.article_id == article_id)
                .order_by(mn.c.start)
            ).mappings()
        ]
    n = len(data["text"])
    data["highlights"] = sorted(
        (sp for sp in spans if 0 <= sp["start"] < sp["end"] <= n),
        key=lambda sp: (sp["start"], sp["end"], sp["kind"], sp["ref"]),
    )
    return data


def _span(kind: str, ref: str, label: str, src: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "start": int(src.get("start", 0)),
        "end": int(src.get("end", 0)),
        "kind": kind,
        "ref": ref,
        "label": label,
    }


def _snippets(
    text: str, keys: Iterable[str], *, width: int = 90, most: int = 3
) -> list[dict[str, Any]]:
    """Windows of the ORIGINAL text around the first hits of any of ``keys`` in its normalized
    form, where the full-text index finds them (``find_hits``), in text order."""
    norm = normalize(text)
    out: list[dict[str, Any]] = []
    last_end = -1
    for lo_n, hi_n in find_hits(norm.text, keys):
        if len(out) >= most:
            break
        start, end = norm.to_original_span(lo_n, hi_n)
        if start >= last_end:
            lo, hi = max(0, start - width), min(len(text), end + width)
            out.append(
                {
                    "text": text[lo:hi],
                    "marks": [[start - lo, end - lo]],
                    "start": lo,
                    "prefix": lo > 0,
                    "suffix": hi < len(text),
                }
            )
            last_end = hi
    return out


def search_articles(store: Store, query: str, *, limit: int = 20, offset: int = 0) -> Page:
    """Articles containing ``query`` (normalized) or another name of what it names, in either
    language ("Mosul" finds "الموصل"; ``text_keys``), newest first, with highlighted snippets,
    plus the number of events whose text or names contain one of them."""
    limit, offset = _paging(limit, offset)
    key = normalize_key(query)
    if not key:
        raise QueryError("q: give some text to search for")
    a = s.articles
    with store.connect() as conn:
        keys = text_keys(conn, query)
        cond = match_rows(store.dialect, "articles", keys)
        counted = select(func.count()).select_from(a).where(cond)
        total = count_once(store, ("articles", *keys), lambda: conn.execute(counted).scalar_one())
        order = [a.c.published.desc().nulls_last(), a.c.id]
        # the matches sorted by their keys alone, then the page's rows fetched: sorting whole
        # rows carried every matching article's text through the sort (a common word matches
        # thousands), which cost twice the query on the whole ANT store
        row: Any = literal_column("articles.rowid") if store.dialect == "sqlite" else a.c.id
        page = select(row).select_from(a).where(cond).order_by(*order).limit(limit)
        page = page.offset(offset).correlate(None)
        rows = conn.execute(
            select(a.c.id, a.c.title, a.c.source, a.c.url, a.c.published, a.c.text)
            .where(row.in_(page.scalar_subquery()))
            .order_by(*order)
        ).mappings()
        items = []
        for r in rows:
            item = {k: r[k] for k in ("id", "title", "source", "url", "published")}
            item["snippets"] = _snippets(r["text"], keys)
            items.append(item)
        events = select(func.count()).select_from(s.events)
        events = events.where(match_rows(store.dialect, "events", keys))
        n_events = count_once(store, ("events", *keys), lambda: conn.execute(events).scalar_one())
    return Page(
        items=items,
        total=int(total),
        limit=limit,
        offset=offset,
        extra={"query": query, "key": key, "keys": keys, "events": int(n_events)},
    )


# -- statements and figures ------------------------------------------------------------------


def _record_page(
    conn: Connection,
    *,
    table: Any,
    conds: list[ColumnElement[bool]],
    order: list[Any],
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    total = conn.execute(select(func.count()).select_from(table).where(*conds)).scalar_one()
    rows = conn.execute(
        select(table.c.data).where(*conds).order_by(*order).limit(limit).offset(offset)
    ).scalars()
    items = [_loads(raw) for raw in rows]
    meta = _article_meta(
        conn, [src.get("article", "") for it in items for src in it.get("sources", [])]
    )
    for it in items:
        for src in it.get("sources", []):
            art = meta.get(src.get("article", ""), {})
            src["outlet"] = src.get("source") or art.get("source")
            src["title"] = art.get("title")
    return int(total), items


def list_statements(
    store: Store,
    *,
    speaker: str | None = None,
    since: str | None = None,
    until: str | None = None,
    text: str | None = None,
    article: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Statements newest first; ``speaker`` is an entity id or a name; ``text`` is matched
    against the quote as written."""
    limit, offset = _paging(limit, offset)
    st = s.statements
    conds: list[ColumnElement[bool]] = []
    if speaker and speaker.strip():
        ids = {speaker.strip()} | resolve_names(speaker, places=False)
        conds.append(st.c.speaker_id.in_(ids))
    if d := check_date(since, "since"):
        conds.append(st.c.date >= d)
    if d := check_date(until, "until"):
        conds.append(st.c.date <= _through(d))
    if text and text.strip():
        conds.append(st.c.data.contains(text.strip(), autoescape=True))
    if article:
        conds.append(st.c.article_id == article)
    with store.connect() as conn:
        total, items = _record_page(
            conn,
            table=st,
            conds=conds,
            order=[st.c.date.desc().nulls_last(), st.c.id],
            limit=limit,
            offset=offset,
        )
    return Page(items=items, total=total, limit=limit, offset=offset)


def _figure_conditions(
    unit: str | None, subject: str | None, since: str | None, until: str | None
) -> list[ColumnElement[bool]]:
    fg = s.figures
    conds: list[ColumnElement[bool]] = []
    if units := _split(unit):
        conds.append(fg.c.unit.in_(units))
    if subject and subject.strip():
        conds.append(_ilike(fg.c.subject, subject.strip()))
    if d := check_date(since, "since"):
        conds.append(fg.c.as_of >= d)
    if d := check_date(until, "until"):
        conds.append(fg.c.as_of <= _through(d))
    return conds


def list_figures(
    store: Store,
    *,
    unit: str | None = None,
    subject: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    limit, offset = _paging(limit, offset)
    fg = s.figures
    conds = _figure_conditions(unit, subject, since, until)
    with store.connect() as conn:
        total, items = _record_page(
            conn,
            table=fg,
            conds=conds,
            order=[fg.c.as_of.desc().nulls_last(), fg.c.id],
            limit=limit,
            offset=offset,
        )
    return Page(items=items, total=total, limit=limit, offset=offset)


def figure_kinds(store: Store, *, top: int = 100) -> list[dict[str, Any]]:
    """The (unit, subject) pairs with most figures: what a figures chart can follow."""
    fg = s.figures
    n = func.count().label("n")
    with store.connect() as conn:
        rows = conn.execute(
            select(fg.c.unit, fg.c.subject, n)
            .group_by(fg.c.unit, fg.c.subject)
            .order_by(n.desc(), fg.c.unit, fg.c.subject)
            .limit(top)
        ).all()
    return [{"unit": r[0], "subject": r[1], "count": int(r[2])} for r in rows]


def figure_series(
    store: Store,
    *,
    unit: str,
    subject: str | None = None,
    since: str | None = None,
    until: str | None = None,
    most: int = 2000,
) -> list[dict[str, Any]]:
    """Dated points of one quantity across sources, oldest first: as_of, value, bound, outlet."""
    fg = s.figures
    conds = [*_figure_conditions(unit, subject, since, until), fg.c.as_of.is_not(None)]
    with store.connect() as conn:
        raws = conn.execute(
            select(fg.c.data).where(*conds).order_by(fg.c.as_of, fg.c.id).limit(most)
        ).scalars()
        figs = [_loads(r) for r in raws]
        meta = _article_meta(
            conn, [src.get("article", "") for f in figs for src in f.get("sources", [])]
        )
    points = []
    for f in figs:
        src = (f.get("sources") or [{}])[0]
        art = meta.get(src.get("article", ""), {})
        points.append(
            {
                "id": f.get("id"),
                "as_of": f.get("as_of") or f.get("period"),
                "quantity": f.get("quantity"),
                "bound": f.get("bound"),
                "approximate": f.get("approximate"),
                "subject": f.get("subject"),
                "unit": f.get("unit"),
                "article": src.get("article"),
                "outlet": src.get("source") or art.get("source") or art.get("id"),
                "sentence": src.get("sentence"),
                "start": src.get("start"),
                "end": src.get("end"),
            }
        )
    return points


def iter_records(
    store: Store, q: EventQuery, *, kinds: tuple[str, ...] = ("event", "statement", "figure")
) -> Iterator[Event | Statement | Figure]:
    """Events matching ``q``, then the statements and figures dated within its since/until;
    when ``q`` filters events by more than dates (type, actor, place ...), only the statements
    and figures of the articles that report a matching event: every kind of record is
    filtered, none exported whole beside filtered events."""
    if "event" in kinds:
        yield from iter_events(store, q)
    since, until = check_date(q.since, "since"), check_date(q.until, "until")
    by_event = q.located or any(
        (q.type, q.mode, q.actor, q.target, q.place, q.country, q.text, q.status)
    )
    for kind, table, date_col in (
        ("statement", s.statements, s.statements.c.date),
        ("figure", s.figures, s.figures.c.as_of),
    ):
        if kind not in kinds:
            continue
        with store.connect() as conn:
            conds: list[ColumnElement[bool]] = []
            if since:
                conds.append(date_col >= since)
            if until:
                conds.append(date_col <= _through(until))
            if by_event:
                matching = select(s.events.c.id).where(*event_conditions(store, conn, q))
                reporting = select(s.event_mentions.c.article_id).where(
                    s.event_mentions.c.event_id.in_(matching)
                )
                conds.append(table.c.article_id.in_(reporting))
            result = conn.execution_options(stream_results=True, yield_per=500).execute(
                select(table.c.data).where(*conds).order_by(date_col, table.c.id)
            )
            for raw in result.scalars():
                rec = record_from_json({**_loads(raw), "record": kind})
                if isinstance(rec, Statement | Figure):
                    yield rec
