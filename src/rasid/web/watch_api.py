"""The monitor's API under /api: the watchlists, the alerts they raised (and to whom each was
mailed) and the state of each watched feed (``rasid.watch``). Read-only, mounted by
``rasid.web.api``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from rasid.store import Store


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


router = APIRouter(tags=["monitor"])
StoreDep = Annotated[Store, Depends(_store)]


@router.get("/alerts", summary="Alerts raised by watchlists, newest first")
def alerts(
    store: StoreDep,
    watchlist: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    from rasid.watch.state import list_alerts, mail_status

    items = list_alerts(store, limit=limit, offset=offset, watchlist=watchlist)
    mailed = mail_status(store, [a["id"] for a in items])
    for item in items:
        item["mail"] = mailed.get(item["id"], [])
    return {"limit": limit, "offset": offset, "items": items}


@router.get("/watchlists", summary="Watchlists: their filters, language and mail addresses")
def watchlists(store: StoreDep) -> dict[str, Any]:
    from rasid.watch.state import list_watchlists

    return {"items": [w.to_json() for w in list_watchlists(store)]}


@router.get("/feeds", summary="Watched feeds: last poll, last success, items, errors")
def feeds(store: StoreDep) -> dict[str, Any]:
    from rasid.watch.state import list_feeds

    items = list_feeds(store)
    for item in items:  # validators are the monitor's business, not the reader's
        item.pop("etag", None)
        item.pop("last_modified", None)
    return {"items": items}
