"""Merging into the store: each article's event mentions attached to the stored events they
report, or new events made of them, with the same comparison as the in-memory merge
(``rasid.merge``). The store imports the merge, never the reverse: merging decides what is one
event, this module finds the candidates in the database and writes the result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rasid.kb import load_kb
from rasid.merge import (
    BLOCK_DAYS,
    MAX_CANDIDATES,
    WINDOW_DAYS,
    Tally,
    affinity,
    combine_tallied,
    compatible,
    day_range,
    tally_of,
    told_as_two,
)
from rasid.merge_model import Side, entity_ids, load_scorer
from rasid.records import Event, event_from_json
from rasid.store.driver import Cursor, Row
from rasid.store.events import EVENT_COLUMNS, SELECT_EVENT_ROWS, insert_mention, write_event

# A stored mention spanning more than LONG_DAYS days is "long": the block's look-ups read the
# short ones over the few days they can reach and the long ones apart, from indexes of their own
# (migration 017), so the days scanned do not widen to the whole BLOCK_DAYS (45) for the 96% of
# mentions that span a day or two.
LONG_DAYS = 3
LONG = f"day_hi - day_lo > {LONG_DAYS}"  # as written in the partial indexes' WHERE
# where a candidate's row (SELECT_EVENT_ROWS) holds what the merge reads of it
_DATE, _DATE_END, _COUNTRY, _DATA = (
    EVENT_COLUMNS.index(c) for c in ("date", "date_end", "country", "data")
)


def _blocks(ev: Event, rng: tuple[int, int], country: str | None) -> list[tuple[str, list[Any]]]:
    """The WHERE clauses of the stored mentions in a dated event's block, with their
    parameters: type, first day within BLOCK_DAYS before this one's and last day at most
    WINDOW_DAYS before it, country. Bounded on both sides (mentions that start more than a
    block before this one, a whole year say, are too vague to merge) and split in two, which
    together are exactly that block: the mentions that start from WINDOW_DAYS + LONG_DAYS before
    on, and the long ones that start earlier (any that reaches the window from there spans more
    than LONG_DAYS days)."""
    lo, hi = rng
    near = lo - WINDOW_DAYS - LONG_DAYS
    tail = ""
    extra: list[Any] = []
    if country:
        tail = " AND (country = ? OR country IS NULL)"
        extra = [country]
    return [
        (
            f"type = ? AND day_lo BETWEEN ? AND ? AND day_hi >= ?{tail}",
            [ev.type, near, hi + WINDOW_DAYS, lo - WINDOW_DAYS, *extra],
        ),
        (
            f"type = ? AND {LONG} AND day_lo BETWEEN ? AND ? AND day_hi >= ?{tail}",
            [ev.type, lo - BLOCK_DAYS, near - 1, lo - WINDOW_DAYS, *extra],
        ),
    ]


def _tables(cur: Cursor, long_index: str) -> tuple[str, str]:
    """Where the two parts of a block are read: SQLite is told the long mentions' index (it
    would take the whole block's, whose columns start alike, and scan all its days)."""
    if cur.postgres:
        return "event_mentions", "event_mentions"
    return "event_mentions", f"event_mentions INDEXED BY {long_index}"


def _in_block(
    cur: Cursor,
    blocks: list[tuple[str, list[Any]]],
    long_index: str,
    cond: str = "",
    values: Sequence[Any] = (),
) -> set[str]:
    """The first MAX_CANDIDATES events (by id) with a mention in the block, and under ``cond``."""
    more = f" AND {cond}" if cond else ""
    rows = " UNION ALL ".join(
        f"SELECT event_id FROM {table} WHERE {where}{more}"
        for table, (where, _) in zip(_tables(cur, long_index), blocks, strict=True)
    )
    return set(
        cur.column(
            f"SELECT event_id FROM ({rows}) AS p ORDER BY event_id LIMIT ?",
            [*(v for _, ps in blocks for v in (*ps, *values)), MAX_CANDIDATES],
        )
    )


def _store_candidates(cur: Cursor, ev: Event, blocks: list[tuple[str, list[Any]]]) -> list[str]:
    """The likeliest stored events for a mention, found by the database: same place first,
    then most shared participants; at most MAX_CANDIDATES, sorted by id."""
    places = sorted(_related_places(ev))
    people = sorted(entity_ids(ev.actors) | entity_ids(ev.targets) | entity_ids(ev.claimed_by))
    by_place: set[str] = set()
    if ev.location is not None and ev.location.precision in ("country", "region"):
        # "in Iraq": every stored place inside the country is as near as the in-memory merge
        # finds it (``places_compatible``: nested either way), not only the country's own
        # events; the block holds the type, the days and the country
        by_place |= _in_block(cur, blocks, "ix_event_mentions_long")
    if places:
        # every row, as one look-up over the whole block returns them (an event at the place
        # twice takes two of the rows): the two parts hold no row in common
        cond, values = cur.among("place_id", places)
        by_place |= _in_block(cur, blocks, "ix_event_mentions_long_place", cond, values)
    shared: dict[str, int] = {}
    if people:
        cond, values = cur.among("entity_id", people)
        union = " UNION ".join(
            f"SELECT event_id FROM {table} WHERE {where}"
            for table, (where, _) in zip(
                _tables(cur, "ix_event_mentions_long"), blocks, strict=True
            )
        )
        # driven by the block (bounded: a type, some days, a country), never by the
        # participant, whose events grow with the store (the US forces are in thousands)
        for eid, n in cur.rows(
            f"SELECT a.event_id, count(*) FROM ({union}) AS b"
            " CROSS JOIN event_actors AS a"
            f" WHERE a.event_id = b.event_id AND a.{cond}"
            " GROUP BY a.event_id ORDER BY count(*) DESC, a.event_id LIMIT ?",
            [*(v for _, ps in blocks for v in ps), *values, MAX_CANDIDATES],
        ):
            shared[eid] = int(n)
    ranked = sorted(
        by_place | set(shared),
        key=lambda e: (-(e in by_place), -shared.get(e, 0), e),
    )[:MAX_CANDIDATES]
    return sorted(ranked)


def merge_into_store(
    cur: Cursor, article_id: str, events: Sequence[Event], event_data: Sequence[str]
) -> None:
    """Attach one article's events to the stored events they report, or create new ones.

    Candidates come from the block (type, day window, country); only those sharing the place
    (or a place nested in it) or a participant are read back and tested, so the cost of a new
    mention does not grow with the store. The stored event is updated from itself, its tally
    and the new mention, without re-reading any earlier mention or source, so neither does it
    grow with the number of reports. ``event_data``: each mention's JSON.

    With a merge scorer (``rasid.merge_model``) the candidate kept is the one of the highest
    ``MergeScorer.score``, as the in-memory merge chooses; with none, the compatible one of the
    highest affinity.
    """
    scorer = load_scorer()
    # what the rules refuse cannot join (no scorer, or one whose threshold only the rules'
    # "compatible" reaches): such candidates are told from the events' columns, unread
    refused_out = scorer is None or scorer.threshold >= 1.0
    # the article's records, by the event each joined: one its merge kept apart as another
    # event (``told_as_two``) never joins the same stored event
    own: dict[str, list[Event]] = {}
    for ev, data in zip(events, event_data, strict=True):
        rng = day_range(ev.date, ev.date_end)
        country = ev.location.country if ev.location else None
        # an undated mention joins no stored event (dates_compatible): looking for candidates
        # would read every undated mention of its type, a block that grows with the store
        ranked: list[str] = []
        if rng is not None:
            ranked = [
                e
                for e in _store_candidates(cur, ev, _blocks(ev, rng, country))
                if not any(told_as_two(m, ev) for m in own.get(e, ()))
            ]
        stored: dict[str, Row] = {}
        if ranked:
            cond, values = cur.among("id", ranked)
            stored = {
                row[0]: row
                for row in cur.rows(f"{SELECT_EVENT_ROWS} WHERE {cond}", values)
                if not refused_out
                or _may_join(rng, country, day_range(row[_DATE], row[_DATE_END]), row[_COUNTRY])
            }
        chosen: tuple[Event, Tally] | None = None
        best = -1.0
        new: Side | None = None
        for cid in ranked:
            if cid not in stored:
                continue
            raw = json.loads(stored[cid][_DATA])
            current, before = event_from_json(raw), Tally.from_json(raw["tally"])
            rules = compatible(current, ev)
            score: float | None = None
            if scorer is None:
                score = affinity(current, ev) if rules else None
            elif rules or not refused_out:
                new = new or Side.of_sources(ev, ev.sources)
                score = scorer.score(Side.of(current, before.sentences), new, compatible=rules)
            if score is not None and score > best:  # ties keep the smallest id: sorted
                chosen, best = (current, before), score
        event_id = chosen[0].id if chosen else ev.id
        tally = tally_of(ev)
        merged = ev
        if chosen is not None:
            # read before this mention is stored: the sources the event already has from
            # this article (another mention of it in the same article)
            current, before = chosen
            tally = before.plus(tally, **_shared(cur, event_id, article_id, ev))
            merged = combine_tallied(current, before.first, ev, tally, event_id)
        insert_mention(cur, ev, article_id, event_id, data)
        own.setdefault(event_id, []).append(ev)
        if chosen is None:
            write_event(cur, merged, tally, new=True)
        else:
            write_event(cur, merged, tally, before=chosen[0], stored=stored[event_id])


def _may_join(
    rng: tuple[int, int] | None,
    country: str | None,
    stored_rng: tuple[int, int] | None,
    stored_country: str | None,
) -> bool:
    """False when a stored event's date or country alone makes the rules refuse a mention
    (``compatible``: dates at most 2 days apart across articles, even counted from the
    publication day; never two countries)."""
    if rng is None or stored_rng is None:
        return False
    if country and stored_country and country != stored_country:
        return False
    return stored_rng[0] - 2 <= rng[1] and rng[0] - 2 <= stored_rng[1]


def _shared(cur: Cursor, event_id: str, article_id: str, ev: Event) -> dict[str, int]:
    """How many of a report's sources, and of its articles (its one), a stored event has."""
    # by the article (a few mentions), not by the event (as many as its reports)
    have = {
        (src.get("article"), src.get("start"))
        for eid, raw in cur.rows(
            "SELECT event_id, data FROM event_mentions WHERE article_id = ?", (article_id,)
        )
        if eid == event_id
        for src in json.loads(raw).get("sources") or ()
    }
    if not have:
        return {"shared_sources": 0, "shared_articles": 0}
    keys = {(s.article, s.start) for s in ev.sources}
    return {"shared_sources": len(keys & have), "shared_articles": 1}


def _related_places(ev: Event) -> set[str]:
    """The event's place, the places containing it, and (for coarse places) itself only."""
    if ev.location is None or not ev.location.entity_id:
        return set()
    return {ev.location.entity_id, *load_kb().ancestors(ev.location.entity_id)}
