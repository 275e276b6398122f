"""The timeline's bars: events and fatalities per week or month, over the range where the events
are, and the page numbers of the list beneath it.

A handful of misdated events (a 1957 date read from an anniversary) must not stretch the axis
over sixty years of empty bars: unless the reader sets since/until, the chart covers the dates
between the 1st and 99th percentile of the events, widened a little, and says how many events
lie outside it. The list is not cut: only the chart's range is.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select

from rasid.store import Store
from rasid.store import query as Q  # noqa: N812 (reads better short)
from rasid.store import schema as s
from rasid.store.query import EventQuery

TRIM = 0.01  # share of the events, at each end, that may fall outside the default range


def _day(key: str) -> dt.date | None:
    try:
        if len(key) == 10:
            return dt.date.fromisoformat(key)
        if len(key) == 7:
            return dt.date(int(key[:4]), int(key[5:7]), 15)
        return dt.date(int(key[:4]), 7, 1)
    except ValueError:
        return None


def default_range(days: list[tuple[str, int]]) -> tuple[str, str] | None:
    """The dates between the ``TRIM`` and ``1 - TRIM`` quantiles of the events (each date
    weighted by its count), widened by a tenth of their span; None when nothing is dated."""
    dated = sorted((d, n) for key, n in days if (d := _day(key)) is not None)
    total = sum(n for _, n in dated)
    if not total:
        return None
    cut = total * TRIM
    seen, lo, hi = 0, dated[0][0], dated[-1][0]
    for d, n in dated:
        seen += n
        if seen > cut:
            lo = d
            break
    seen = 0
    for d, n in reversed(dated):
        seen += n
        if seen > cut:
            hi = d
            break
    pad = dt.timedelta(days=max(7, (hi - lo).days // 10))
    return (lo - pad).isoformat(), (hi + pad).isoformat()


def timeline(store: Store, q: EventQuery, bucket: str) -> dict[str, Any]:
    """Bars (``key``, ``count``, ``fatalities``, ``by_type``) for the events matching ``q``,
    with ``since``/``until`` of the range drawn, and counts left out of the chart."""
    ev = s.events
    with store.connect() as conn:
        conds = Q.event_conditions(store, conn, q)
        rows = conn.execute(
            select(ev.c.date_key, ev.c.type, func.count(), func.sum(ev.c.fatalities))
            .where(*conds)
            .group_by(ev.c.date_key, ev.c.type)
        ).all()
    lo = hi = None
    if not q.since and not q.until:
        rng = default_range([(r[0], int(r[2])) for r in rows if r[0]])
        if rng:
            lo, hi = rng
    else:
        lo, hi = q.since, q.until
    in_range = [
        r
        for r in rows
        if r[0]
        and (lo is None or r[0] >= lo[: len(r[0])])
        and (hi is None or r[0][: len(hi)] <= hi)
    ]
    outside = sum(int(r[2]) for r in rows if r[0]) - sum(int(r[2]) for r in in_range)
    days = [r[0] for r in in_range if len(r[0]) == 10]
    by = bucket
    if by == "auto":
        by = "week"
        if days and (dt.date.fromisoformat(max(days)) - dt.date.fromisoformat(min(days))).days > (
            Q.AUTO_WEEKS * 7
        ):
            by = "month"
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    killed: Counter[str] = Counter()
    coarse = 0
    for day, etype, n, dead in in_range:
        key = Q._bucket(day, by)
        if key is None:
            coarse += int(n)
            continue
        counts[key][etype] += int(n)
        killed[key] += int(dead or 0)
    keys = Q._fill(sorted(counts), by)
    items = [
        {
            "key": k,
            "count": sum(counts[k].values()),
            "fatalities": killed[k],
            "by_type": dict(counts[k]),
            "since": k,
            "until": bucket_end(k, by),
        }
        for k in keys
    ]
    return {
        "by": by,
        "items": items,
        "undated": sum(int(r[2]) for r in rows if not r[0]),
        "coarser_than_bucket": coarse,
        "outside": outside,
        "since": keys[0] if keys else None,
        "until": bucket_end(keys[-1], by) if keys else None,
        "fatalities": sum(killed.values()),
    }


def bucket_end(key: str, by: str) -> str:
    """The last day of a bucket, for a bar's link: a week's Sunday, else the month itself."""
    if by == "week" and len(key) == 10:
        return (dt.date.fromisoformat(key) + dt.timedelta(days=6)).isoformat()
    return key


def fatality_total(store: Store, q: EventQuery) -> int:
    """The sum of the fatalities of every event matching ``q``."""
    ev = s.events
    with store.connect() as conn:
        conds = Q.event_conditions(store, conn, replace(q, limit=1, offset=0))
        total = conn.execute(select(func.sum(ev.c.fatalities)).where(*conds)).scalar_one()
    return int(total or 0)


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last, and ``around`` either side of the
    current page; None where numbers are skipped."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)} - {0})
    out: list[int | None] = []
    prev = 0
    for n in shown:
        if n - prev > 1:
            out.append(None)
        out.append(n)
        prev = n
    return out
