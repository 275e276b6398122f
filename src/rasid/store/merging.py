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
)
from rasid.merge_model import Side, entity_ids, load_scorer
from rasid.records import Event, event_from_json
from rasid.store.driver import Cursor
from rasid.store.events import insert_mention, write_event


def _block(ev: Event, rng: tuple[int, int], country: str | None) -> tuple[str, list[Any]]:
    """The WHERE clause of the stored mentions in a dated event's block, with its parameters:
    bounded on both sides so the (type, day_lo) index is used (mentions that start more than a
    block before this one, a whole year say, are too vague to merge)."""
    where = "type = ? AND day_lo BETWEEN ? AND ? AND day_hi >= ?"
    params: list[Any] = [ev.type, rng[0] - BLOCK_DAYS, rng[1] + WINDOW_DAYS, rng[0] - WINDOW_DAYS]
    if country:
        where += " AND (country = ? OR country IS NULL)"
        params.append(country)
    return where, params


def _store_candidates(cur: Cursor, ev: Event, block: str, params: list[Any]) -> list[str]:
    """The likeliest stored events for a mention, found by the database: same place first,
    then most shared participants; at most MAX_CANDIDATES, sorted by id."""
    places = sorted(_related_places(ev))
    people = sorted(entity_ids(ev.actors) | entity_ids(ev.targets) | entity_ids(ev.claimed_by))
    by_place: set[str] = set()
    if places:
        cond, values = cur.among("place_id", places)
        by_place = set(
            cur.column(
                f"SELECT event_id FROM event_mentions WHERE {block} AND {cond}"
                " ORDER BY event_id LIMIT ?",
                [*params, *values, MAX_CANDIDATES],
            )
        )
    shared: dict[str, int] = {}
    if people:
        cond, values = cur.among("entity_id", people)
        # driven by the block (bounded: a type, some days, a country), never by the
        # participant, whose events grow with the store (the US forces are in thousands)
        for eid, n in cur.rows(
            "SELECT a.event_id, count(*) FROM"
            f" (SELECT DISTINCT event_id FROM event_mentions WHERE {block}) AS b"
            " CROSS JOIN event_actors AS a"
            f" WHERE a.event_id = b.event_id AND a.{cond}"
            " GROUP BY a.event_id ORDER BY count(*) DESC, a.event_id LIMIT ?",
            [*params, *values, MAX_CANDIDATES],
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
    for ev, data in zip(events, event_data, strict=True):
        rng = day_range(ev.date, ev.date_end)
        country = ev.location.country if ev.location else None
        # an undated mention joins no stored event (dates_compatible): looking for candidates
        # would read every undated mention of its type, a block that grows with the store
        ranked: list[str] = []
        if rng is not None:
            block, params = _block(ev, rng, country)
            ranked = _store_candidates(cur, ev, block, params)
        stored: dict[str, str] = {}
        if ranked:
            cond, values = cur.among("id", ranked)
            stored = dict(cur.rows(f"SELECT id, data FROM events WHERE {cond}", values))
        chosen: tuple[Event, Tally] | None = None
        best = -1.0
        new = Side.of_sources(ev, ev.sources) if scorer else None
        for cid in ranked:
            if cid not in stored:
                continue
            raw = json.loads(stored[cid])
            current, before = event_from_json(raw), Tally.from_json(raw["tally"])
            rules = compatible(current, ev)
            score: float | None = None
            if scorer is None or new is None:
                score = affinity(current, ev) if rules else None
            else:
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
        write_event(cur, merged, tally, new=chosen is None)


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
