"""A stored event keeps a tally of its sources, not the sources themselves: every report is
stored once (with its mention) and merging a new one reads none of the earlier ones back. The
record read from the store must still be the one merging all reports in memory gives."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from rasid.merge import combine, merge_events
from rasid.records import ActorRef, Event, Location, Source, record_to_json
from rasid.store import open_store
from rasid.store.driver import Cursor
from rasid.store.merging import merge_into_store
from rasid.store.query import EventQuery, get_event, iter_events

# (published, fatalities, bound): reports of one drone strike as the toll rises and is disputed
REPORTS = [
    ("2024-02-07T08:00:00", None, None),
    ("2024-02-07T09:30:00", 2, "at_least"),
    ("2024-02-07T11:00:00", 3, "exact"),
    ("2024-02-07T15:00:00", 3, "exact"),
    ("2024-02-08T07:00:00", 4, "at_least"),
    ("2024-02-08T10:00:00", 3, "exact"),
]


def _report(i: int, published: str, killed: int | None, bound: str | None) -> Event:
    sentence = f"قتل {killed or 'عدد من'} عناصر في غارة بطائرة مسيرة على سيارة في بغداد ({i})"
    loc = Location("Baghdad", "بغداد", "IQ", "Baghdad", 33.31, 44.36, "city", "pl:baghdad")
    return Event(
        id=f"ev_{i:04d}",
        type="ASSAULT",
        mode="drone",
        date="2024-02-07",
        date_end=None,
        location=loc,
        actors=(ActorRef("United States", "الولايات المتحدة", "state", entity_id="ac:us"),),
        targets=(
            ActorRef(f"group {i % 3}", f"جماعة {i % 3}", "armed_group", entity_id=f"g{i % 3}"),
        ),
        claimed_by=(),
        fatalities=killed,
        injuries=None,
        fatalities_bound=bound,
        injuries_bound=None,
        disrupted=False,
        status="occurred",
        figures_disputed=False,
        summary="",
        confidence=0.5 + 0.01 * (i % 7),
        sources=(
            Source(
                article=f"art-{i:04d}",
                published=published,
                sentence=sentence,
                start=10 * i,
                end=10 * i + len(sentence),
                fatalities=killed,
                fatalities_bound=bound,
                date="2024-02-07",
            ),
        ),
    )


def _reports(n: int) -> list[Event]:
    return [_report(i, *REPORTS[i % len(REPORTS)]) for i in range(n)]


def _store_all(url: str, reports: list[Event]) -> None:
    store = open_store(url)
    for ev in reports:  # one transaction per article, as an ingest writes them
        with store.begin() as conn:
            cur = Cursor(conn)
            data = json.dumps(record_to_json(ev), ensure_ascii=False)
            merge_into_store(cur, ev.sources[0].article, [ev], [data])
            cur.close()
    store.close()


def test_a_much_reported_event_reads_back_as_merging_in_memory_gives(store_url: str) -> None:
    reports = _reports(60)
    [expected] = merge_events(reports)
    _store_all(store_url, reports)
    store = open_store(store_url)
    [stored] = list(iter_events(store, EventQuery()))
    shown = get_event(store, expected.id)
    with store.connect() as conn:
        raw = conn.exec_driver_sql("SELECT data, n_sources FROM events").all()
    store.close()
    assert stored == expected  # every field, the 60 sources in order included
    assert len(stored.sources) == 60 and stored.rules["merge"] == "60 mentions"
    assert (stored.fatalities, stored.fatalities_bound, stored.figures_disputed) == (
        3,
        "exact",
        True,
    )
    assert shown is not None and len(shown["sources"]) == 60 and "tally" not in shown
    # the stored record holds no source: its size does not grow with the reports
    [(data, n_sources)] = raw
    assert json.loads(data)["sources"] == [] and n_sources == 60
    assert len(data) < 8000


def test_a_second_mention_from_one_article_counts_its_sources_once(tmp_path: Path) -> None:
    url = str(tmp_path / "again.sqlite")
    first, second = _reports(2)
    # the same article tells the strike again in another sentence, and repeats the first one
    again = dataclasses.replace(
        second,
        id="ev_again",
        sources=(
            dataclasses.replace(second.sources[0], article="art-0000", start=500),
            first.sources[0],
        ),
    )
    _store_all(url, [first, second])
    store = open_store(url)
    with store.begin() as conn:
        cur = Cursor(conn)
        merge_into_store(cur, "art-0000", [again], [json.dumps(record_to_json(again))])
        cur.close()
    [stored] = list(iter_events(store, EventQuery()))
    store.close()
    assert stored == combine([first, second, again], event_id=first.id)
    assert len(stored.sources) == 3
    assert stored.confidence == pytest.approx(max(first.confidence, second.confidence) + 0.05)


def test_a_store_written_with_whole_source_lists_is_moved_to_tallies(tmp_path: Path) -> None:
    # events stored before tallies carry all their sources; opening the store rewrites them
    url = str(tmp_path / "old.sqlite")
    reports = _reports(8)
    _store_all(url, reports[:5])
    [whole] = merge_events(reports[:5])
    store = open_store(url)
    with store.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE events SET data = ?",
            (json.dumps(record_to_json(whole), ensure_ascii=False),),
        )
        conn.exec_driver_sql("DELETE FROM rasid_migrations WHERE name = '004_event_tallies'")
    store.close()
    _store_all(url, reports[5:])  # opening the store applies the migration first
    store = open_store(url)
    [stored] = list(iter_events(store, EventQuery()))
    store.close()
    assert stored == merge_events(reports)[0]


@contextmanager
def _traced(store: Any) -> Iterator[tuple[Any, Cursor, list[str]]]:
    """A transaction on ``store`` with every SQL statement it runs recorded."""
    statements: list[str] = []
    with store.begin() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.set_trace_callback(statements.append)
        cur = Cursor(conn)
        try:
            yield conn, cur, statements
        finally:
            raw.set_trace_callback(None)
            cur.close()


def test_the_merge_look_ups_read_indexes_only_and_are_driven_by_the_block(tmp_path: Path) -> None:
    # each mention row holds a JSON record: a look-up that read rows, or that started from a
    # participant's events (they grow with the store), would slow the writer as the store grows
    url = str(tmp_path / "plans.sqlite")
    reports = _reports(6)
    _store_all(url, reports[:5])
    store = open_store(url)
    with _traced(store) as (conn, cur, statements):
        ev = reports[5]
        merge_into_store(cur, "art-x", [ev], [json.dumps(record_to_json(ev))])
        look_ups = [s for s in statements if s.startswith("SELECT") and "event_mentions" in s]
        assert len(look_ups) >= 2
        for sql in look_ups:
            plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
            on_mentions = [p for p in plan if "event_mentions" in p]
            if "day_lo" in sql:  # a block: the index alone
                assert on_mentions and all("COVERING INDEX" in p for p in on_mentions), plan
            else:  # the mentions of one article
                assert on_mentions and all("article" in p for p in on_mentions), plan
            assert not any("event_actors" in p and "entity" in p for p in plan), plan
    store.close()


def test_a_report_rewrites_only_the_columns_it_changes(tmp_path: Path) -> None:
    # SQLite rewrites the entry of every index on a column an UPDATE sets, even to its own value:
    # setting all of them made each report of a stored event rewrite the event's eight indexes
    url = str(tmp_path / "update.sqlite")
    reports = _reports(6)
    _store_all(url, reports[:3])
    store = open_store(url)
    with _traced(store) as (_conn, cur, statements):
        ev = reports[3]
        merge_into_store(cur, ev.sources[0].article, [ev], [json.dumps(record_to_json(ev))])
    store.close()
    # (the trace repeats a statement for each trigger program it runs)
    [update] = {s for s in statements if s.startswith("UPDATE events ")}
    columns = set(re.findall(r'"(\w+)" = ', update))
    assert {"n_sources", "n_articles", "data"} <= columns
    assert not columns & {"type", "date_key", "country", "place_id", "admin1", "lat"}, columns
    _store_all(url, reports[4:])
    [expected] = merge_events(reports)
    store = open_store(url)
    [stored] = list(iter_events(store, EventQuery()))
    store.close()
    assert stored == expected
