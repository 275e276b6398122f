"""Alerts: the events a round touched that match a watchlist, and their delivery by webhook
(here) and by mail (``rasid.watch.mail``).

An event gives a watchlist one ``new`` alert the first time it matches; later, an ``update``
only when its toll has risen or it has more articles than at the last alert, so a round gives
an event at most one alert per watchlist and a repeated report of the same facts gives none.
Only events touched by articles ingested by the monitor are looked at: adding a watchlist does
not alert on the whole store.

The webhook receives each alert as a JSON POST, signed in ``X-Rasid-Signature``
(``sha256=`` and the HMAC-SHA256 hex of the body under the shared secret). An alert not taken
is kept and offered again next round, up to ``MAX_ATTEMPTS`` posts.

An alert to be mailed gets one ``watch_mail`` row per address in the transaction that stores
it: the addresses of the mail settings and the watchlist's own, each in its language (the
address's, else the watchlist's, else the mail settings').

Risky: two watchers writing one store at once may each raise the same alert (each reads the
last alert before the other writes its own); run one watcher a store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from rasid.store import Store, now_iso
from rasid.store import schema as s
from rasid.store.query import EventQuery, event_conditions
from rasid.watch.config import MailConfig
from rasid.watch.fetch import Fetcher
from rasid.watch.state import Watchlist, list_watchlists, watch_alerts, watch_mail

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Rasid-Signature"
MAX_ATTEMPTS = 5


def sign_body(body: bytes, secret: str) -> str:
    """The signature header's value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _matching(store: Store, watchlist: Watchlist, ids: list[str]) -> list[dict[str, Any]]:
    ev = s.events
    q = EventQuery(**watchlist.filters())
    cols = [ev.c[c] for c in ("id", "type", "date", "country", "place_name", "fatalities")]
    with store.connect() as conn:
        conds = event_conditions(store, conn, q)
        rows = conn.execute(
            select(*cols, ev.c.n_articles).where(ev.c.id.in_(ids), *conds).order_by(ev.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def _last_alert(store: Store, watchlist: str, event_id: str) -> dict[str, Any] | None:
    a = watch_alerts
    with store.connect() as conn:
        row = (
            conn.execute(
                select(a.c.fatalities, a.c.n_articles)
                .where(a.c.watchlist == watchlist, a.c.event_id == event_id)
                .order_by(a.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def _raised(event: dict[str, Any], last: dict[str, Any]) -> bool:
    toll = (event["fatalities"] or 0) > (last["fatalities"] or 0)
    return toll or (event["n_articles"] or 0) > (last["n_articles"] or 0)


def mail_targets(watchlist: Watchlist, mail: MailConfig | None) -> dict[str, str]:
    """The addresses a watchlist's alerts are mailed to, each with its language."""
    if mail is None:
        return {}
    default = watchlist.lang or mail.lang
    targets = {r.address: r.lang or default for r in mail.to}
    for address in watchlist.email:
        targets.setdefault(address, default)
    return targets


def raise_alerts(
    store: Store, event_ids: Iterable[str], mail: MailConfig | None = None
) -> list[dict[str, Any]]:
    """Store the alerts the touched events give, and who is to be mailed each; returns them
    (id, watchlist, kind, payload)."""
    ids = sorted(set(event_ids))
    made: list[dict[str, Any]] = []
    if not ids:
        return made
    for watchlist in list_watchlists(store):
        targets = mail_targets(watchlist, mail)
        for event in _matching(store, watchlist, ids):
            last = _last_alert(store, watchlist.name, event["id"])
            if last is not None and not _raised(event, last):
                continue
            kind = "new" if last is None else "update"
            payload = {
                "watchlist": watchlist.name,
                "kind": kind,
                "event": event,
                "previous": last,
            }
            with store.begin() as conn:
                result = conn.execute(
                    watch_alerts.insert().values(
                        watchlist=watchlist.name,
                        event_id=event["id"],
                        kind=kind,
                        fatalities=event["fatalities"],
                        n_articles=event["n_articles"],
                        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                        created_at=now_iso(),
                        attempts=0,
                    )
                )
                alert_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
                if targets:
                    conn.execute(
                        watch_mail.insert(),
                        [
                            {"alert_id": alert_id, "address": a, "lang": lang, "attempts": 0}
                            for a, lang in targets.items()
                        ],
                    )
            made.append({"id": alert_id, "watchlist": watchlist.name, "kind": kind, **payload})
    return made


def deliver_alerts(store: Store, fetcher: Fetcher, url: str, secret: str) -> tuple[int, int]:
    """POST every undelivered alert to ``url``; returns (delivered, still pending)."""
    a = watch_alerts
    with store.connect() as conn:
        rows = conn.execute(
            select(a.c.id, a.c.payload, a.c.attempts)
            .where(a.c.delivered_at.is_(None), a.c.attempts < MAX_ATTEMPTS)
            .order_by(a.c.id)
        ).all()
    delivered = 0
    for alert_id, payload, attempts in rows:
        body = json.dumps(
            {"alert_id": alert_id, **json.loads(payload)}, ensure_ascii=False, sort_keys=True
        ).encode()
        error = fetcher.post_json(url, body, {SIGNATURE_HEADER: sign_body(body, secret)})
        values: dict[str, Any] = {"attempts": attempts + 1, "last_error": error}
        if error is None:
            values["delivered_at"] = now_iso()
            delivered += 1
        else:
            log.warning("alert %s not delivered to %s: %s", alert_id, url, error)
        with store.begin() as conn:
            conn.execute(a.update().where(a.c.id == alert_id).values(**values))
    return delivered, len(rows) - delivered
