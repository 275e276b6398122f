"""The web UI's pages: timeline and event list, map, event, actor, article, search, figures.

Every page is rendered on the server from one page of query results, so it stays fast on 100k
events; the only page that calls the API from the browser is the map.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException

from rasid import __version__
from rasid.kb.synonyms import expand_query
from rasid.records import EVENT_TYPES
from rasid.store import Store
from rasid.store import lookups as L  # noqa: N812 (the query modules read better short)
from rasid.store import query as Q  # noqa: N812
from rasid.store.query import EventQuery, QueryError
from rasid.text.normalize import normalize, normalize_key
from rasid.web.api import Filters, get_store
from rasid.web.charts import series_chart, stacked_bars
from rasid.web.display import (
    country_name,
    format_date,
    format_digits,
    format_number,
    summarize_ar,
)
from rasid.web.figures import is_bare, subject_ar
from rasid.web.render import (
    LANG_COOKIE,
    LANGS,
    TYPE_COLORS,
    optional_label,
    pick_lang,
    translate,
)
from rasid.web.timeline import fatality_total, page_numbers, timeline

PAGE_SIZE = 50
SOURCES_WITH_TEXT = 10
ROLE_COLORS = {"actor": "#c0392b", "target": "#2471a3", "claimed_by": "#d4a017"}
_SUGGEST_TTL = 300.0

router = APIRouter(include_in_schema=False)
StoreDep = Annotated[Store, Depends(get_store)]
PageNo = Annotated[int, Query(ge=1, le=200_000)]


def _here(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None or "" drops one); repeated
    parameters (several types) are kept."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    for key, value in changes.items():
        items = [(k, v) for k, v in items if k != key]
        if value is not None and value != "":
            items.append((key, str(value)))
    query = urlencode([(k, v) for k, v in items if v != ""])
    return request.url.path + (f"?{query}" if query else "")


def _link(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return path + (f"?{query}" if query else "")


def _entity_label(lang: str, entity_id: str | None, fallback: str | None) -> str:
    """The name to show: the knowledge base's Arabic name on Arabic pages when there is one."""
    if lang == "ar" and entity_id:
        ent = Q.kb_entity(entity_id)
        if ent is not None and ent.name_ar:
            return str(ent.name_ar)
    return fallback or entity_id or ""


def _event_summary(lang: str, event: dict[str, Any]) -> str | Markup:
    """The English summary on English pages, one built from the Arabic names on Arabic ones."""
    if lang != "ar":
        return str(event.get("summary") or event.get("id") or "")
    return summarize_ar(event, partial(_entity_label, "ar"))


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    lang, chosen = pick_lang(request)
    other = "en" if lang == "ar" else "ar"
    t = partial(translate, lang)
    env = request.app.state.jinja
    html = env.get_template(template).render(
        request=request,
        lang=lang,
        dir="rtl" if lang == "ar" else "ltr",
        other_lang=other,
        switch_url=_here(request, lang=other)
        if request.url.path != "/" or request.query_params
        else f"/?lang={other}",
        lang_url=lambda code: _here(request, lang=code),
        langs=LANGS,
        t=t,
        opt=partial(optional_label, lang),
        here=partial(_here, request),
        link=_link,
        label=partial(_entity_label, lang),
        type_label=lambda name: t(f"type.{name}"),
        types=EVENT_TYPES,
        static=lambda path: f"/static/{path}?v={__version__}",
        num=partial(format_number, lang=lang),
        digits=partial(format_digits, lang=lang),
        date=partial(format_date, lang=lang),
        country=partial(country_name, lang=lang),
        summary=partial(_event_summary, lang),
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if chosen:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def render_error(request: Request, status: int, code: str, message: str) -> Response:
    lang, _ = pick_lang(request)
    if lang == "ar":  # the English detail stays in the JSON API; the page says it in Arabic
        message = (
            translate(lang, f"error.msg.{code}")
            if f"error.msg.{code}" in _ar_keys()
            else (translate(lang, "error.msg.other"))
        )
    return render(
        request, "error.html", status=status, status_code=status, code=code, message=message
    )


def _suggestions(request: Request, store: Store) -> list[dict[str, Any]]:
    """The most active actors for the filter's autocomplete, cached a few minutes."""
    cached = getattr(request.app.state, "suggestions", None)
    if cached and time.monotonic() - cached[0] < _SUGGEST_TTL:
        items: list[dict[str, Any]] = cached[1]
        return items
    items = L.list_entities(store, limit=200).items
    request.app.state.suggestions = (time.monotonic(), items)
    return items


def _ar_keys() -> set[str]:
    from rasid.web.render import strings

    return set(strings().get("ar", {}))


def _complete_of(request: Request) -> bool:
    """The "only events with participants and place" switch: on unless the form turned it off
    (the form sends complete=0 before the box, so a ticked box sends 0 then 1)."""
    given = request.query_params.getlist("complete")
    return not given or given[-1] in ("1", "true", "on")


def page_query(request: Request, q: EventQuery) -> EventQuery:
    """The filters of a page: several types and kinds (repeated or comma-separated), and the
    complete-events switch, on by default."""
    types = ",".join(v for v in request.query_params.getlist("type") if v)
    kinds = ",".join(v for v in request.query_params.getlist("actor_kind") if v)
    return replace(q, type=types or None, actor_kind=kinds or None, complete=_complete_of(request))


def _filters_of(request: Request) -> dict[str, str]:
    keys = (
        "type",
        "mode",
        "actor",
        "target",
        "place",
        "country",
        "since",
        "until",
        "text",
        "status",
        "sort",
        "min_fatalities",
    )
    out: dict[str, Any] = {k: request.query_params.get(k, "") for k in keys}
    out["types"] = [t for v in request.query_params.getlist("type") for t in v.split(",") if t]
    out["kinds"] = [
        k for v in request.query_params.getlist("actor_kind") for k in v.split(",") if k
    ]
    out["complete"] = _complete_of(request)
    out["active"] = sum(
        1 for k in (*keys, "type", "actor_kind") if k != "sort" and request.query_params.get(k)
    )
    return out


def _query_string(q: EventQuery) -> list[tuple[str, str]]:
    """The filters of ``q`` as URL parameters, for the API the map reads and the exports."""
    pairs = [
        ("type", q.type),
        ("mode", q.mode),
        ("actor", q.actor),
        ("target", q.target),
        ("place", q.place),
        ("country", q.country),
        ("since", q.since),
        ("until", q.until),
        ("text", q.text),
        ("status", q.status),
        ("actor_kind", q.actor_kind),
        ("min_fatalities", None if q.min_fatalities is None else str(q.min_fatalities)),
        ("min_confidence", None if q.min_confidence is None else str(q.min_confidence)),
        ("complete", "true" if q.complete else None),
    ]
    return [(k, v) for k, v in pairs if v]


KINDS = ("state", "government", "military", "armed_group", "coalition", "party", "person")


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    store: StoreDep,
    q: Filters,
    page: PageNo = 1,
    bucket: Literal["auto", "week", "month"] = "auto",
) -> Response:
    lang, _ = pick_lang(request)
    q = page_query(request, q)
    error = None
    killed = 0
    try:
        result = Q.query_events(store, replace(q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE))
        stats = timeline(store, q, bucket)
        killed = fatality_total(store, q)
    except QueryError as exc:
        error = str(exc) if lang != "ar" else translate(lang, "error.msg.bad_filter")
        result = Q.Page(items=[], total=0, limit=PAGE_SIZE)
        stats = {"by": "week", "items": [], "undated": 0, "coarser_than_bucket": 0, "outside": 0}
    chart = stacked_bars(
        stats["items"], EVENT_TYPES, TYPE_COLORS, label=lambda name: translate(lang, f"type.{name}")
    )
    for bar, item in zip(chart["bars"], stats["items"], strict=True):
        bar["fatalities"] = item["fatalities"]
        bar["href"] = _here(request, since=item["since"], until=item["until"], page=None)
        bar["label"] = format_date(item["key"], lang)
    for tick in chart["xticks"]:
        tick["label"] = format_date(tick["label"], lang)
    for tick in chart["yticks"]:
        tick["label"] = format_number(int(float(str(tick["label"]).replace(",", ""))), lang)
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    return render(
        request,
        "index.html",
        status=404 if page > pages else 200,
        nav="timeline",
        events=result,
        killed=killed,
        chart=chart,
        stats=stats,
        bucket=stats["by"],
        page=page,
        pages=pages,
        page_numbers=page_numbers(min(page, pages), pages),
        filters=_filters_of(request),
        kinds=KINDS,
        suggestions=_suggestions(request, store),
        error=error,
        export_qs="".join(f"{urlencode({k: v})}&" for k, v in _query_string(q)),
        map_url=_link("/map")
        + ("?" + urlencode(_here_pairs(request)) if request.query_params else ""),
    )


def _here_pairs(request: Request) -> list[tuple[str, str]]:
    return [
        (k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "page", "bucket")
    ]


def _place_names_ar(store: Store, q: EventQuery) -> dict[str, str]:
    """The knowledge base's Arabic names of the places on the map (keyed as the map groups
    events: place id, else place name), so its popups read in Arabic."""
    places = Q.event_stats(store, replace(q, located=True), "place", top=5000)["items"]
    names = {}
    for item in places:
        key = str(item["key"])
        name = _entity_label("ar", key, None)
        if name and name != key:
            names[key] = name
    return names


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, store: StoreDep, q: Filters) -> Response:
    lang, _ = pick_lang(request)
    q = page_query(request, q)
    error = None
    try:
        located = Q.query_events(store, replace(q, located=True, limit=1)).total
    except QueryError as exc:
        error, located = str(exc) if lang != "ar" else translate(lang, "error.msg.bad_filter"), 0
    return render(
        request,
        "map.html",
        nav="map",
        filters=_filters_of(request),
        kinds=KINDS,
        located=located,
        suggestions=_suggestions(request, store),
        error=error,
        timeline_url="/" + ("?" + urlencode(_here_pairs(request)) if request.query_params else ""),
        page_data={
            # every located event, a thousand a request (the API's most)
            "api": "/api/events?"
            + urlencode([*_query_string(q), ("located", "true"), ("limit", "1000")]),
            "total": located,
            "colors": TYPE_COLORS,
            "places": _place_names_ar(store, q) if lang == "ar" and not error else {},
        },
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, store: StoreDep, event_id: str) -> Response:
    event = Q.get_event(store, event_id)
    if event is None:
        raise HTTPException(404, f"no event with id {event_id!r}")
    sources = event.get("sources", [])
    texts = L.article_texts(store, [s["article"] for s in sources[:SOURCES_WITH_TEXT]])
    for i, src in enumerate(sources):
        text = texts.get(src["article"]) if i < SOURCES_WITH_TEXT else None
        src["text"] = text
        src["spans"] = [
            {
                "start": src.get("start", 0),
                "end": src.get("end", 0),
                "kind": "event",
                "ref": event_id,
                "focus": True,
            }
        ]
    tolls = {(s.get("fatalities"), s.get("injuries")) for s in sources}
    return render(
        request,
        "event.html",
        nav="timeline",
        event=event,
        sources=sources,
        disputed=bool(event.get("figures_disputed")) or len(tolls) > 1,
    )


@router.get("/actors", response_class=HTMLResponse)
def actors_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: PageNo = 1,
) -> Response:
    result = L.list_entities(store, q or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render(
        request,
        "actors.html",
        nav="actors",
        result=result,
        q=q,
        page=page,
        pages=max(1, math.ceil(result.total / PAGE_SIZE)),
    )


@router.get("/actors/{entity_id:path}", response_class=HTMLResponse)
def actor_page(request: Request, store: StoreDep, entity_id: str) -> Response:
    lang, _ = pick_lang(request)
    entity = L.get_entity(store, entity_id)
    if entity is None:
        raise HTTPException(404, f"no actor with id {entity_id!r}")
    chart = stacked_bars(
        entity["months"],
        ("actor", "target", "claimed_by"),
        ROLE_COLORS,
        part="by_role",
        label=lambda role: translate(lang, f"role.{role}"),
        height=170,
    )
    return render(
        request,
        "actor.html",
        nav="actors",
        entity=entity,
        chart=chart,
        as_actor=Q.query_events(store, EventQuery(actor=entity_id, limit=20)),
        as_target=Q.query_events(store, EventQuery(target=entity_id, limit=20)),
        statements=L.list_statements(store, speaker=entity_id, limit=20),
    )


def _hit_spans(text: str, query: str) -> list[dict[str, Any]]:
    """The hits of the query and of the other names of what it names ("Mosul": "الموصل")."""
    norm = normalize(text)
    spans: list[dict[str, Any]] = []
    for key in expand_query(query):
        pos = norm.text.find(key)
        while pos >= 0 and len(spans) < 200:
            start, end = norm.to_original_span(pos, pos + len(key))
            spans.append({"start": start, "end": end, "kind": "hit", "ref": "search"})
            pos = norm.text.find(key, pos + len(key))
    return sorted(spans, key=lambda sp: (sp["start"], sp["end"]))


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(
    request: Request,
    store: StoreDep,
    article_id: str,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    article = L.get_article(store, article_id)
    if article is None:
        raise HTTPException(404, f"no article with id {article_id!r}")
    spans = article["highlights"] + _hit_spans(article["text"], q)
    refs: dict[tuple[str, str], str] = {}
    for h in article["highlights"]:
        refs.setdefault((h["kind"], h["ref"]), h["label"])
    return render(
        request,
        "article.html",
        nav="search",
        article=article,
        spans=spans,
        refs=sorted(refs.items()),
        q=q,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    page: PageNo = 1,
) -> Response:
    result = events = None
    if normalize_key(q):
        result = L.search_articles(store, q, limit=20, offset=(page - 1) * 20)
        events = Q.query_events(store, EventQuery(text=q, limit=10))
    pages = max(1, math.ceil(result.total / 20)) if result else 1
    return render(
        request,
        "search.html",
        nav="search",
        q=q,
        result=result,
        events=events,
        page=page,
        pages=pages,
    )


@router.get("/figures", response_class=HTMLResponse)
def figures_page(
    request: Request,
    store: StoreDep,
    unit: Annotated[str, Query(max_length=100)] = "",
    subject: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """One series per subject and unit; counts whose subject is the noun alone (whose count
    it is unsaid) are listed apart, and never drawn as one line."""
    lang, _ = pick_lang(request)
    kinds = L.figure_kinds(store)
    series = [k for k in kinds if not is_bare(k["subject"])]
    loose = [k for k in kinds if is_bare(k["subject"])]
    if not unit and kinds:
        first = (series or loose)[0]
        unit, subject = first["unit"] or "", first["subject"] or ""
    points = L.figure_series(store, unit=unit, subject=subject or None) if unit else []
    bare = is_bare(subject)
    t = partial(translate, lang)

    def subject_label(value: str | None, of_unit: str | None) -> str | Markup:
        if lang == "ar":
            return subject_ar(value, of_unit, t)
        return value or optional_label(lang, "unit", of_unit)

    return render(
        request,
        "figures.html",
        nav="figures",
        kinds=kinds,
        series=series,
        loose=loose,
        unit=unit,
        subject=subject,
        bare=bare,
        points=points,
        subject_label=subject_label,
        chart=series_chart([] if bare else points),
    )
