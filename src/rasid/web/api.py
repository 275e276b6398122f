"""The JSON API under /api: events, entities, articles, statements, figures, search, stats and
exports. Read-only, except POST /api/articles, which ingests an article and needs the server's
API token (Bearer) to be configured and presented."""

from __future__ import annotations

import asyncio
import functools
import hmac
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field, field_validator

from rasid import __version__ as rasid_version
from rasid.errors import ApiError
from rasid.export import FORMAT_INFO, export_chunks
from rasid.store import Store
from rasid.store import lookups as L  # noqa: N812 (the query modules read better short)
from rasid.store import query as Q  # noqa: N812
from rasid.store.changes import Answers, kept_from_env
from rasid.store.query import MAX_LIMIT, EventQuery
from rasid.web.errors import ERROR_SCHEMA
from rasid.web.memory import release_freed

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
    for code, text in (
        (422, "A parameter is invalid (the message names it)"),
        (500, "Internal error"),
        (503, "The store cannot be read"),
    )
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "No such record",
        "content": {"application/json": {"schema": ERROR_SCHEMA}},
    }
}
# YYYY, YYYY-MM or YYYY-MM-DD; empty means no filter (an empty form field)
DATE_PATTERN = r"^([1-9]\d{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)?$"
SORT_PATTERN = (
    r"^([-+]?(date|fatalities|injuries|sources|articles|outlets|mentions|n_sources|confidence"
    r"|type|updated))?$"
)

router = APIRouter(prefix="/api", responses=_ERRORS)


@functools.cache
def answers() -> Answers:
    """The event pages and searches answered since the store last changed
    (``rasid.store.changes``): many clients asking the same cost one query."""
    return Answers(most=kept_from_env())


async def get_store(request: Request) -> Store:  # async: no thread for a look-up
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
Text = Annotated[str | None, Query(max_length=200)]
Date = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


async def event_filters(  # async: no thread for reading parameters
    type: Annotated[
        str | None, Query(max_length=200, description="PLOVER types, comma-separated")
    ] = None,
    mode: Annotated[str | None, Query(max_length=200, description="Modes, comma-separated")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="Initiator: id or name")] = None,
    target: Annotated[str | None, Query(max_length=200, description="Target: id or name")] = None,
    place: Annotated[str | None, Query(max_length=200, description="Place id or name")] = None,
    country: Annotated[str | None, Query(max_length=200, description="ISO codes or names")] = None,
    since: Date = None,
    until: Date = None,
    text: Annotated[str | None, Query(max_length=200, description="Words in the event")] = None,
    status: Annotated[str | None, Query(max_length=100)] = None,
    located: Annotated[bool, Query(description="Only events with coordinates")] = False,
    min_confidence: Annotated[
        float | None,
        Query(ge=0.0, le=1.0, description="Only events the decider trusts at least this much"),
    ] = None,
    sort: Annotated[str, Query(pattern=SORT_PATTERN)] = "-date",
    actor_kind: Annotated[
        str | None,
        Query(max_length=200, description="Kinds of an actor or target (state, armed_group ...)"),
    ] = None,
    min_fatalities: Annotated[
        str | None,
        Query(pattern=r"^\d{0,7}$", description="Only events with at least this many killed"),
    ] = None,
    complete: Annotated[
        bool, Query(description="Only events naming an actor or target and a place")
    ] = False,
) -> EventQuery:
    return EventQuery(
        type=type or None,
        mode=mode or None,
        actor=actor or None,
        target=target or None,
        place=place or None,
        country=country or None,
        since=since or None,
        until=until or None,
        text=text or None,
        status=status or None,
        located=located,
        min_confidence=min_confidence,
        sort=sort or "-date",
        actor_kind=actor_kind or None,
        min_fatalities=int(min_fatalities) if min_fatalities else None,  # "" is an empty field
        complete=complete,
    )


Filters = Annotated[EventQuery, Depends(event_filters)]


class ActorBrief(BaseModel):
    id: str
    name: str


class EventItem(BaseModel):
    id: str
    type: str
    mode: str | None
    date: str | None
    date_end: str | None
    country: str | None
    admin1: str | None
    place_id: str | None
    place_name: str | None
    lat: float | None
    lon: float | None
    fatalities: int | None
    injuries: int | None
    status: str | None
    summary: str | None
    confidence: float | None
    n_sources: int
    n_articles: int | None
    n_outlets: int | None
    actors: list[ActorBrief]
    targets: list[ActorBrief]


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[EventItem]


class ObjectPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class SearchPage(ObjectPage):
    query: str
    key: str
    keys: list[str] = Field(
        default_factory=list,
        description="The keys searched: the query's and the other names of what it names",
    )
    events: int


class Meta(BaseModel):
    name: str
    version: str
    events: int
    articles: int
    ingest: bool


class ArticleIn(BaseModel):
    """An article in the input format of spec/RECORDS.md: text or html is required."""

    id: str | None = Field(None, max_length=300)
    url: str | None = Field(None, max_length=2000)
    source: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=40)
    title: str | None = Field(None, max_length=2000)
    text: str | None = Field(None, max_length=1_000_000)
    html: str | None = Field(None, max_length=5_000_000)
    lang: str | None = Field(None, max_length=8)

    @field_validator("*")
    @classmethod
    def _no_lone_surrogates(cls, value: str | None) -> str | None:
        if value is not None:
            value.encode("utf-8")  # a lone surrogate raises, which pydantic reports as a 422
        return value


class IngestResult(BaseModel):
    """What became of a posted article. ``id`` is where it is stored: the id posted, the id of
    the stored article with the same text (already there), or ``ID~vN`` for a new version of
    the article stored under ID. ``events`` are the stored (merged) events it reports."""

    id: str
    stored: bool
    outcome: Literal["stored", "new_version", "already_there"]
    version_of: str | None = None
    version: int | None = None
    events: list[str]
    statements: int
    figures: int


_computing: dict[Any, asyncio.Task[bytes]] = {}


async def _kept(
    store: Store, key: Any, model: type[BaseModel], compute: Callable[[], dict[str, Any]]
) -> Response:
    """The JSON of ``model`` for ``compute()``, kept (``answers``) until the store changes.

    A kept answer is served from the event loop. An answer to compute goes to the thread pool
    once for all the requests asking it at the same time, in a task of its own: a client that
    leaves does not cancel it for the others."""
    if store.dialect == "sqlite":  # a pragma on a local file: microseconds
        token, body = answers().lookup(store, key)
    else:
        token, body = await run_in_threadpool(answers().lookup, store, key)
    if body is None:
        pending = (store.url, token, key)
        task = _computing.get(pending)
        if task is None:

            def render() -> bytes:
                return model.model_validate(compute()).model_dump_json().encode()

            def done(finished: asyncio.Task[bytes]) -> None:
                _computing.pop(pending, None)
                if not finished.cancelled() and finished.exception() is None:
                    answers().keep(store, key, token, finished.result())

            task = _computing[pending] = asyncio.ensure_future(run_in_threadpool(render))
            task.add_done_callback(done)
        body = await asyncio.shield(task)
    return Response(body, media_type="application/json")


@router.get("/meta", response_model=Meta, summary="What this server holds")
def meta(request: Request, store: StoreDep) -> dict[str, Any]:
    return {
        "name": "rasid",
        "version": rasid_version,
        "events": Q.event_count(store),
        "articles": store.count_articles(),
        "ingest": bool(request.app.state.api_token),
    }


@router.get("/events", response_model=EventPage, summary="Events, filtered, sorted and paged")
async def list_events(store: StoreDep, q: Filters, limit: Limit = 50, offset: Offset = 0) -> Any:
    q = replace(q, limit=limit, offset=offset)
    return await _kept(store, ("events", q), EventPage, lambda: Q.query_events(store, q).to_json())


@router.get("/events/{event_id}", responses=_NOT_FOUND, summary="One event with every source")
def one_event(store: StoreDep, event_id: Annotated[str, Path(max_length=300)]) -> dict[str, Any]:
    event = Q.get_event(store, event_id)
    if event is None:
        raise ApiError(404, "not_found", f"no event with id {event_id!r}")
    return event


@router.get("/entities", response_model=ObjectPage, summary="Actors in events, most active first")
def entities(
    store: StoreDep,
    q: Text = None,
    role: Literal["actor", "target", "claimed_by"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    return L.list_entities(store, q, role=role, limit=limit, offset=offset).to_json()


@router.get("/entities/{entity_id:path}", responses=_NOT_FOUND, summary="One actor")
def one_entity(store: StoreDep, entity_id: Annotated[str, Path(max_length=300)]) -> dict[str, Any]:
    entity = L.get_entity(store, entity_id)
    if entity is None:
        raise ApiError(404, "not_found", f"no entity with id {entity_id!r}")
    return entity


@router.get("/articles", response_model=ObjectPage, summary="Stored articles, newest first")
def articles(
    store: StoreDep,
    source: Text = None,
    since: Date = None,
    until: Date = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    page = L.list_articles(
        store, source=source, since=since, until=until, limit=limit, offset=offset
    )
    return page.to_json()


@router.get(
    "/articles/{article_id:path}",
    responses=_NOT_FOUND,
    summary="One article: text, sentences, mentions and the evidence spans to highlight",
)
def one_article(
    store: StoreDep, article_id: Annotated[str, Path(max_length=300)]
) -> dict[str, Any]:
    article = L.get_article(store, article_id)
    if article is None:
        raise ApiError(404, "not_found", f"no article with id {article_id!r}")
    return article


def _check_token(request: Request, authorization: str | None) -> None:
    token: str | None = request.app.state.api_token
    if not token:
        raise ApiError(
            403,
            "read_only",
            "this server is read-only: start it with RASID_API_TOKEN set to accept articles",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise ApiError(401, "unauthorized", "send the API token as 'Authorization: Bearer TOKEN'")


@router.post(
    "/articles",
    status_code=201,
    response_model=IngestResult,
    summary="Ingest one article (needs the API token)",
    responses={
        200: {"description": "Already stored", "model": IngestResult},
        400: {
            "description": "The body is not JSON",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
        401: {
            "description": "Missing or wrong token",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
        403: {
            "description": "The server is read-only",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
        409: {
            "description": "The id is stored with another text and on_conflict is skip",
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        },
    },
)
def post_article(
    request: Request,
    body: ArticleIn,
    authorization: Annotated[str | None, Header()] = None,
    on_conflict: Annotated[
        Literal["version", "skip"],
        Query(description="An id stored with another text: store a new version, or refuse"),
    ] = "version",
) -> Any:
    from fastapi.responses import JSONResponse
    from starlette.background import BackgroundTask

    from rasid.ingest import IngestProblem
    from rasid.ingest.jsonl import article_from_record
    from rasid.pipeline import process_article
    from rasid.store.versions import settle_ids
    from rasid.store.write import ALREADY, CONFLICT, save_results

    _check_token(request, authorization)
    # the writer's own store: the store's settings for writing, not the read connections'
    store: Store = request.app.state.writer
    record = body.model_dump(exclude_none=True)
    article = article_from_record(record, "api", "request body", None)
    if isinstance(article, IngestProblem):
        raise ApiError(422, "invalid_article", article.reason)
    settled = settle_ids(store, [article], on_conflict)
    outcome = ALREADY if settled.already else CONFLICT if settled.conflicts else None
    if outcome is None:
        article = settled.keep[0]
        outcome = save_results(store, [process_article(article)], settled.versions)[0]
    if outcome == CONFLICT:
        raise ApiError(
            409,
            "id_conflict",
            f"id {record.get('id')!r} is stored with another text; not stored"
            " (on_conflict=version stores it as a new version)",
        )
    stored_id = store.id_of_hash(article.content_hash) if outcome == ALREADY else article.id
    base, number = settled.versions.get(article.id, (None, None))
    payload = {
        "id": stored_id or article.id,
        "stored": outcome != ALREADY,
        "outcome": {ALREADY: "already_there", "version": "new_version"}.get(outcome, "stored"),
        "version_of": base,
        "version": number,
        **store.records_of_article(stored_id or article.id),
    }
    # freed memory handed back once the answer is sent (rasid.web.memory)
    return JSONResponse(
        payload,
        status_code=200 if outcome == ALREADY else 201,
        background=BackgroundTask(release_freed),
    )


@router.get("/statements", response_model=ObjectPage, summary="Who said what")
def statements(
    store: StoreDep,
    speaker: Text = None,
    since: Date = None,
    until: Date = None,
    text: Text = None,
    article: Text = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    page = L.list_statements(
        store,
        speaker=speaker,
        since=since,
        until=until,
        text=text,
        article=article,
        limit=limit,
        offset=offset,
    )
    return page.to_json()


@router.get("/figures", response_model=ObjectPage, summary="Quantities the press reports")
def figures(
    store: StoreDep,
    unit: Text = None,
    subject: Text = None,
    since: Date = None,
    until: Date = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Any:
    page = L.list_figures(
        store, unit=unit, subject=subject, since=since, until=until, limit=limit, offset=offset
    )
    return page.to_json()


@router.get("/figures/kinds", summary="The units and subjects that figures follow")
def figure_kinds(store: StoreDep) -> list[dict[str, Any]]:
    return L.figure_kinds(store)


@router.get("/figures/series", summary="One quantity over time across sources")
def figure_series(
    store: StoreDep,
    unit: Annotated[str, Query(min_length=1, max_length=100)],
    subject: Text = None,
    since: Date = None,
    until: Date = None,
) -> list[dict[str, Any]]:
    return L.figure_series(store, unit=unit, subject=subject, since=since, until=until)


@router.get(
    "/search",
    response_model=SearchPage,
    summary="Articles with the words or another name of what they name (Arabic, English)",
)
async def search(
    store: StoreDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> Any:
    return await _kept(
        store,
        ("search", q, limit, offset),
        SearchPage,
        lambda: L.search_articles(store, q, limit=limit, offset=offset).to_json(),
    )


@router.get("/stats", summary="Event counts by period or category")
def stats(
    store: StoreDep,
    q: Filters,
    by: Literal[
        "day",
        "week",
        "month",
        "year",
        "auto",
        "type",
        "mode",
        "country",
        "actor",
        "target",
        "place",
    ] = "week",
    top: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    return Q.event_stats(store, q, by, top=top)


@router.get(
    "/export",
    summary="Export events (acled, plover, geojson) or every record (jsonl)",
    response_class=StreamingResponse,
    responses={200: {"content": {f.media_type.split(";")[0]: {} for f in FORMAT_INFO.values()}}},
)
def export(
    store: StoreDep,
    q: Filters,
    format: Literal["acled", "plover", "geojson", "jsonl"] = "jsonl",
) -> StreamingResponse:
    Q.check_event_query(store, q)  # fail with 422 before the stream starts
    info = FORMAT_INFO[format]
    records = Q.iter_events(store, q) if info.events_only else L.iter_records(store, q)
    filename = f"rasid-{'events' if info.events_only else 'records'}-{format}{info.suffix}"
    return StreamingResponse(
        export_chunks(format, records),
        media_type=info.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


from rasid.web.watch_api import router as watch_router  # noqa: E402 (after this module's routes)

router.include_router(watch_router)
