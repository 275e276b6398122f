"""The monitor's pages: the watchlists (listed, added and deleted from the browser, with the
watched feeds' state), the alerts with those new since the reader's last visit, and an Atom
feed of each watchlist that any feed reader can follow.

Writing is for those who hold the server's API token (``RASID_API_TOKEN``): it is typed once
into the page, which then keeps a cookie derived from it (HMAC, HttpOnly, SameSite=Strict, so
no other site can send it), and every write also checks that the form came from this server
(Origin). A read-only server shows the watchlists and says how to add them. "New since the
last visit" is the reader's own: a cookie keeps the last alert id they saw; nothing is written
to the store.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rasid.store import Store
from rasid.web.api import get_store
from rasid.web.pages import render
from rasid.web.render import pick_lang

router = APIRouter(include_in_schema=False)
StoreDep = Annotated[Store, Depends(get_store)]
UNLOCK_COOKIE = "rasid_watch"
SEEN_COOKIE = "rasid_alerts_seen"
ALERTS_SHOWN = 100


def _unlock_value(token: str) -> str:
    return hmac.new(token.encode(), b"rasid watchlists", hashlib.sha256).hexdigest()


def _can_write(request: Request) -> bool:
    token: str | None = request.app.state.api_token
    given = request.cookies.get(UNLOCK_COOKIE, "")
    if not token:
        return False
    return hmac.compare_digest(given.encode(), _unlock_value(token).encode())


def _same_origin(request: Request) -> bool:
    """The form was posted by a page of this server. Browsers say where a request comes from
    in Sec-Fetch-Site, and in Origin unless the referrer policy (no-referrer, ours) makes it
    "null"; a client that sends neither is no browser, and SameSite kept other sites' cookies
    from it anyway."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _form(request: Request) -> dict[str, str]:
    """The posted form; a field given several times (the type boxes) comma-joined."""
    body = (await request.body()).decode("utf-8", "replace")
    fields = parse_qs(body, keep_blank_values=True)
    return {k: ",".join(v for v in values if v) for k, values in fields.items()}


def _say(request: Request) -> Any:
    from functools import partial

    from rasid.watch.notice import say

    return partial(say, pick_lang(request)[0])


def _watch_page(
    request: Request,
    store: Store,
    *,
    status: int = 200,
    problem: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    from rasid.watch.state import list_feeds, list_watchlists

    w = _say(request)
    message = None
    if request.query_params.get("saved"):
        message = w("watch.saved", name=request.query_params["saved"])
    elif request.query_params.get("deleted"):
        message = w("watch.deleted", name=request.query_params["deleted"])
    return render(
        request,
        "watchlists.html",
        status=status,
        nav="watch",
        w=w,
        watchlists=list_watchlists(store),
        feeds=list_feeds(store),
        can_write=_can_write(request),
        has_token=bool(request.app.state.api_token),
        problem=problem,
        message=message,
        form=form or {},
        quote=lambda name: quote(name, safe=""),
    )


@router.get("/watchlists", response_class=HTMLResponse)
def watchlists_page(request: Request, store: StoreDep) -> HTMLResponse:
    return _watch_page(request, store)


def _refusal(request: Request, store: Store) -> Response | None:
    if not _same_origin(request):
        return _watch_page(request, store, status=403, problem="cross-site form refused")
    if not _can_write(request):
        return _watch_page(request, store, status=403, problem=_say(request)("watch.locked"))
    return None


@router.post("/watchlists/unlock", response_class=HTMLResponse)
async def unlock(request: Request, store: StoreDep) -> Response:
    token: str | None = request.app.state.api_token
    given = (await _form(request)).get("token", "")
    if not _same_origin(request) or not token:
        return _watch_page(request, store, status=403, problem=_say(request)("watch.locked"))
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _watch_page(request, store, status=403, problem=_say(request)("watch.bad_token"))
    response = RedirectResponse("/watchlists", status_code=303)
    response.set_cookie(
        UNLOCK_COOKIE, _unlock_value(token), max_age=30 * 86400, httponly=True, samesite="strict"
    )
    return response


@router.post("/watchlists", response_class=HTMLResponse)
async def add_watchlist(request: Request, store: StoreDep) -> Response:
    from rasid.watch.state import add_watchlist, make_watchlist

    refusal = _refusal(request, store)
    if refusal is not None:
        return refusal
    form = await _form(request)
    fields = ("type", "country", "actor", "place", "min_fatalities", "lang", "email")
    made = make_watchlist(form.get("name", ""), **{k: form.get(k) for k in fields})
    if isinstance(made, str):
        return _watch_page(request, store, status=400, problem=made, form=form)
    add_watchlist(store, made)
    return RedirectResponse("/watchlists?" + urlencode({"saved": made.name}), status_code=303)


@router.post("/watchlists/{name:path}/delete", response_class=HTMLResponse)
def delete_watchlist(request: Request, store: StoreDep, name: str) -> Response:
    from rasid.watch.state import remove_watchlist

    refusal = _refusal(request, store)
    if refusal is not None:
        return refusal
    if not remove_watchlist(store, name):
        return _watch_page(request, store, status=404, problem=f"no watchlist named {name!r}")
    return RedirectResponse("/watchlists?" + urlencode({"deleted": name}), status_code=303)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    store: StoreDep,
    watchlist: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    from rasid.watch.notice import compose_notices
    from rasid.watch.state import last_alert_id, list_alerts, list_watchlists

    lang = pick_lang(request)[0]
    raw = request.cookies.get(SEEN_COOKIE, "")
    seen = int(raw) if raw.isdigit() else 0
    alerts = list_alerts(store, limit=ALERTS_SHOWN, watchlist=watchlist or None)
    notices = compose_notices(store, alerts, lang)
    fresh = sum(1 for a in alerts if a["id"] > seen)
    response = render(
        request,
        "alerts.html",
        nav="watch",
        w=_say(request),
        notices=notices,
        seen=seen,
        fresh=fresh,
        first_visit=not raw,
        watchlist=watchlist or "",
        watchlists=[x.name for x in list_watchlists(store)],
        quote=lambda name: quote(name, safe=""),
    )
    latest = last_alert_id(store)
    if latest > seen:
        response.set_cookie(SEEN_COOKIE, str(latest), max_age=365 * 86400, samesite="lax")
    return response


@router.get("/watchlists/{name:path}/atom")
def atom(
    request: Request,
    store: StoreDep,
    name: str,
    lang: Annotated[str | None, Query(pattern="^(en|ar)$")] = None,
) -> Response:
    from starlette.exceptions import HTTPException

    from rasid.watch.atom import ATOM_TYPE, watchlist_feed
    from rasid.watch.state import get_watchlist

    found = get_watchlist(store, name)
    if found is None:
        raise HTTPException(404, f"no watchlist named {name!r}")
    base = str(request.base_url).rstrip("/")
    body = watchlist_feed(store, found, base, lang=lang or found.lang or "en")
    return Response(body, media_type=ATOM_TYPE)
