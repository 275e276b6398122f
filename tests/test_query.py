"""Read queries over a real SQLite store filled with hand-written records (tests/data/web_store.yaml).

``build_store`` is shared with the API, export and browser tests.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from rasid.records import (
    Article,
    event_from_json,
    figure_from_json,
    record_to_json,
    statement_from_json,
)
from rasid.store import open_store
from rasid.store import schema as s
from rasid.store.driver import Cursor
from rasid.store.events import import_event
from rasid.store.lookups import (
    figure_kinds,
    figure_series,
    get_article,
    get_entity,
    iter_records,
    list_articles,
    list_entities,
    list_figures,
    list_statements,
    search_articles,
)
from rasid.store.query import (
    EventQuery,
    QueryError,
    check_date,
    event_stats,
    explain,
    get_event,
    iter_events,
    query_events,
    week_start,
)
from rasid.text.normalize import normalize
from rasid.text.segment import split_sentences

DATA = Path(__file__).parent / "data" / "web_store.yaml"


def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return spec


def _place_sources(rec: dict[str, Any], texts: dict[str, str], dates: dict[str, str]) -> None:
    for src in rec["sources"]:
        text = texts[src["article"]]
        start = text.index(src["sentence"])  # the evidence must be verbatim in its article
        src.update(start=start, end=start + len(src["sentence"]))
        src.setdefault("published", dates[src["article"]])


def build_store(path: Path, *, _url: str | None = None) -> str:
    """A SQLite store at ``path`` (or the store at ``_url``) holding the records of
    web_store.yaml; returns its path or URL."""
    spec = load_spec()
    store = open_store(_url or str(path))
    texts: dict[str, str] = {}
    dates: dict[str, str] = {}
    with store.begin() as conn:
        for a in spec["articles"]:
            text = a["text"]
            texts[a["id"]], dates[a["id"]] = text, a.get("published")
            article = Article(
                id=a["id"],
                text=text,
                title=a.get("title"),
                url=a.get("url"),
                source=a.get("source"),
                published=a.get("published"),
                published_from="record",
                lang=a.get("lang", "ar"),
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            )
            norm = normalize(text)
            assert store.insert_article(conn, article, norm.text)
            rows = [
                {
                    "article_id": a["id"],
                    "idx": x.index,
                    "start": x.start,
                    "end": x.end,
                    "kind": x.kind,
                    "paragraph": x.paragraph,
                }
                for x in split_sentences(norm)
            ]
            conn.execute(s.sentences.insert(), rows)
        for raw in spec["events"]:
            rec = copy.deepcopy(raw)
            _place_sources(rec, texts, dates)
            event = event_from_json(rec)
            import_event(Cursor(conn), event)
        for raw in spec["statements"]:
            rec = copy.deepcopy(raw)
            _place_sources(rec, texts, dates)
            st = statement_from_json(rec)
            conn.execute(
                s.statements.insert(),
                {
                    "id": st.id,
                    "article_id": st.sources[0].article,
                    "speaker_id": st.speaker.entity_id if st.speaker else None,
                    "date": st.date,
                    "data": json.dumps(record_to_json(st), ensure_ascii=False),
                },
            )
        for raw in spec["figures"]:
            rec = copy.deepcopy(raw)
            _place_sources(rec, texts, dates)
            fg = figure_from_json(rec)
            conn.execute(
                s.figures.insert(),
                {
                    "id": fg.id,
                    "article_id": fg.sources[0].article,
                    "unit": fg.unit,
                    "subject": fg.subject,
                    "quantity": fg.quantity,
                    "as_of": fg.as_of,
                    "data": json.dumps(record_to_json(fg), ensure_ascii=False),
                },
            )
    store.close()
    return _url or str(path)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = build_store(tmp_path_factory.mktemp("query") / "rasid.sqlite")
    st = open_store(path)
    yield st
    st.close()


def _spec_events() -> list[dict[str, Any]]:
    return load_spec()["events"]


def _ids(store: Any, **filters: Any) -> list[str]:
    page = query_events(store, EventQuery(limit=100, **filters))
    assert page.total == len(page.items)
    return [it["id"] for it in page.items]


def test_default_order_is_newest_first_with_undated_last(store: Any) -> None:
    ids = _ids(store)
    assert len(ids) == len(_spec_events())
    dates = {e["id"]: e.get("date") for e in _spec_events()}
    keys = [dates[i] for i in ids]
    dated = [k for k in keys if k]
    assert dated == sorted(dated, reverse=True)
    assert keys[-1] is None


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"type": "ASSAULT"}, {e["id"] for e in _spec_events() if e["type"] == "ASSAULT"}),
        ({"type": "protest,coerce"}, {"ev-tahrir-protest", "ev-basra-arrest"}),
        ({"mode": "rocket"}, {"ev-asad-rockets"}),
        ({"actor": "ac:united_states"}, {"ev-baghdad-strike"}),
        ({"target": "ac:us_forces"}, {"ev-tower22", "ev-asad-rockets", "ev-harir-intercept"}),
        # a name the knowledge base knows means that entity; part of a name, every entity
        # whose name holds it; a name it does not know, every stored name holding it
        ({"actor": "united states"}, {"ev-baghdad-strike"}),
        ({"actor": "armed forces"}, {"ev-syria-reinforce"}),
        ({"actor": "PWNED"}, {"ev-evil"}),
        ({"place": "Anbar"}, {"ev-asad-rockets"}),
        ({"place": "pl:baghdad"}, {"ev-baghdad-strike", "ev-tahrir-protest"}),
        ({"place": "pl:harir_airbase"}, {"ev-harir-intercept"}),
        ({"country": "jo"}, {"ev-tower22"}),
        ({"country": "SY,JO"}, {"ev-tower22", "ev-syria-reinforce", "ev-syria-month"}),
        ({"since": "2024-02-05"}, {"ev-baghdad-strike", "ev-sudani-accuses", "ev-evil"}),
        ({"until": "2023-11-30"}, {"ev-syria-reinforce", "ev-tahrir-protest", "ev-syria-month"}),
        # an event dated only to its month belongs to any range starting inside that month
        ({"since": "2023-10-15", "until": "2023-10-31"}, {"ev-syria-month"}),
        (
            {"since": "2024-01", "until": "2024-01"},
            {"ev-tower22", "ev-asad-rockets", "ev-basra-arrest"},
        ),
        ({"status": "planned"}, {"ev-threat-undated"}),
        # Arabic names resolve through the knowledge base, whatever their spelling
        ({"actor": "الولايات المتحدة"}, {"ev-baghdad-strike"}),
        ({"actor": "القوات الأميركية"}, {"ev-syria-reinforce"}),
        ({"target": "الجيش الامريكي"}, {"ev-tower22", "ev-asad-rockets", "ev-harir-intercept"}),
        ({"actor": "السوداني"}, {"ev-sudani-accuses"}),
        ({"place": "الأنبار"}, {"ev-asad-rockets"}),  # a governorate: everything in its admin1
        ({"place": "بغداد"}, {"ev-baghdad-strike", "ev-tahrir-protest"}),
        ({"place": "قاعدة حرير"}, {"ev-harir-intercept"}),  # a base: not all of Erbil
        ({"place": "سوريا"}, {"ev-syria-reinforce", "ev-syria-month"}),
        ({"country": "الأردن"}, {"ev-tower22"}),
        ({"country": "Atlantis"}, set()),
        ({"located": True, "type": "ACCUSE,THREATEN"}, set()),
    ],
)
def test_event_filters(store: Any, filters: dict[str, Any], expected: set[str]) -> None:
    assert set(_ids(store, **filters)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قاعدة حرير", {"ev-harir-intercept"}),
        ("قاعده حرير", {"ev-harir-intercept"}),  # ta marbuta written as heh
        ("قَاعِدَةُ حَرِير", {"ev-harir-intercept"}),  # diacritics
        ("عين الاسد", {"ev-asad-rockets"}),  # bare alef for hamza-on-alef
        ("مسيرة استهدفت", {"ev-baghdad-strike"}),  # shadda in the source sentence
        ("TOWER 22", {"ev-tower22"}),  # Latin case
        ("لا شيء من هذا", set()),
    ],
)
def test_text_filter_is_insensitive_to_arabic_spelling(
    store: Any, text: str, expected: set[str]
) -> None:
    assert set(_ids(store, text=text)) == expected


def test_paging_slices_the_sorted_list(store: Any) -> None:
    everything = _ids(store, sort="-fatalities")
    pages = []
    for offset in range(0, len(everything), 4):
        page = query_events(store, EventQuery(limit=4, offset=offset, sort="-fatalities"))
        assert page.total == len(everything)
        pages += [it["id"] for it in page.items]
    assert pages == everything
    tolls = {e["id"]: e.get("fatalities") for e in _spec_events()}
    known = [tolls[i] for i in everything if tolls[i] is not None]
    assert known == sorted(known, reverse=True)
    assert all(tolls[i] is None for i in everything[len(known) :])


def test_items_carry_actors_and_targets(store: Any) -> None:
    (item,) = query_events(store, EventQuery(actor="ac:united_states")).items
    assert item["actors"] == [{"id": "ac:united_states", "name": "United States"}]
    assert item["targets"][0]["id"] == "ac:kataib_hezbollah"
    for key in (
        "id",
        "type",
        "mode",
        "date",
        "summary",
        "country",
        "place_name",
        "fatalities",
        "injuries",
        "n_sources",
    ):
        assert key in item
    assert item["n_sources"] == 2


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"since": "2024-13-01"}, "since"),
        ({"since": "0000-01"}, "since"),
        ({"until": "2024-02-32"}, "until"),
        ({"until": "2024-02-30"}, "February 2024 has 29 days"),
        ({"since": "2023-02-29"}, "February 2023 has 28 days"),
        ({"since": "2024-04-31"}, "April 2024 has 30 days"),
        ({"until": "yesterday"}, "until"),
        ({"sort": "-colour"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": 5000}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_filters_raise_query_error(store: Any, filters: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        query_events(store, EventQuery(**filters))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", "2024"),
        ("2024-02", "2024-02"),
        ("2024-02-29", "2024-02-29"),
        ("2024-04-30", "2024-04-30"),
        (" 2024-01-05 ", "2024-01-05"),
        ("", None),
        (None, None),
    ],
)
def test_date_filters_are_read_as_people_type_them(value: str | None, expected: str | None) -> None:
    assert check_date(value, "since") == expected


def test_default_page_walks_the_date_index(store: Any) -> None:
    for q in (EventQuery(), EventQuery(type="ASSAULT"), EventQuery(country="IQ", type="ASSAULT")):
        plan = " ".join(explain(store, q))
        assert "ix_events" in plan
        assert "TEMP B-TREE" not in plan


def test_event_has_every_source_with_its_outlet(store: Any) -> None:
    ev = get_event(store, "ev-baghdad-strike")
    assert ev is not None
    assert ev["figures_disputed"] is True
    outlets = [src["outlet"] for src in ev["sources"]]
    assert outlets == ["الجزيرة نت", "روداو"]
    assert [src["fatalities"] for src in ev["sources"]] == [1, 2]
    assert all(src["title"] and src["stored"] for src in ev["sources"])
    assert get_event(store, "no-such-event") is None


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        ("2024-02-07", "2024-02-05"),
        ("2024-02-05", "2024-02-05"),
        ("2024-01-01", "2024-01-01"),
        ("2023-12-31", "2023-12-25"),
        ("2023-12", None),
        ("2024", None),
    ],
)
def test_week_start(day: str, monday: str | None) -> None:
    assert week_start(day) == monday


def test_weekly_stats_stack_types_and_fill_quiet_weeks(store: Any) -> None:
    stats = event_stats(store, EventQuery(), "week")
    keys = [b["key"] for b in stats["items"]]
    assert keys == sorted(keys)
    assert len({week_start(k) for k in keys}) == len(keys)  # every key is a Monday, no repeats
    assert any(b["count"] == 0 for b in stats["items"])  # quiet weeks are kept as gaps
    day_dated = [e for e in _spec_events() if e.get("date") and len(e["date"]) == 10]
    assert sum(b["count"] for b in stats["items"]) == len(day_dated)
    assert stats["coarser_than_bucket"] == 1 and stats["undated"] == 1
    feb5 = next(b for b in stats["items"] if b["key"] == "2024-02-05")
    assert feb5["by_type"] == {"ASSAULT": 2, "ACCUSE": 1}  # Sunday the 4th is the week before


def test_monthly_stats_count_month_dated_events(store: Any) -> None:
    stats = event_stats(store, EventQuery(type="ASSAULT"), "month")
    counts = {b["key"]: b["count"] for b in stats["items"]}
    assert counts == {"2023-10": 1, "2023-11": 0, "2023-12": 0, "2024-01": 2, "2024-02": 3}


@pytest.mark.parametrize(
    ("by", "filters", "expected"),
    [
        (
            "type",
            {},
            {"ASSAULT": 6, "ACCUSE": 1, "MOBILIZE": 1, "COERCE": 1, "PROTEST": 1, "THREATEN": 1},
        ),
        (
            "target",
            {"type": "ASSAULT"},
            {"ac:us_forces": 3, "ac:kataib_hezbollah": 1, "civilians": 1},
        ),
        ("country", {"type": "ASSAULT"}, {"IQ": 4, "JO": 1, "SY": 1}),
        (
            "place",
            {"country": "IQ"},
            {
                "pl:baghdad": 2,
                "pl:ain_al_asad_airbase": 1,
                "pl:harir_airbase": 1,
                "pl:basra": 1,
                "pl:khor_mor_field": 1,
            },
        ),
    ],
)
def test_categorical_stats(
    store: Any, by: str, filters: dict[str, Any], expected: dict[str, int]
) -> None:
    items = event_stats(store, EventQuery(**filters), by)["items"]
    assert {it["key"]: it["count"] for it in items} == expected
    counts = [it["count"] for it in items]
    assert counts == sorted(counts, reverse=True)


def test_stats_reject_unknown_keys(store: Any) -> None:
    with pytest.raises(QueryError, match="by"):
        event_stats(store, EventQuery(), "colour")


def test_entities_are_ranked_by_events(store: Any) -> None:
    page = list_entities(store)
    first = page.items[0]
    assert first["id"] == "ac:us_forces"
    assert (first["events"], first["as_actor"], first["as_target"]) == (4, 1, 3)
    assert page.total == len(
        {
            (a.get("entity_id") or a["name"])
            for e in _spec_events()
            for r in ("actors", "targets", "claimed_by")
            for a in e.get(r, [])
        }
    )
    found = list_entities(store, "hezbollah").items
    assert [it["id"] for it in found] == ["ac:kataib_hezbollah"]


def test_entity_page_data(store: Any) -> None:
    ent = get_entity(store, "ac:kataib_hezbollah")
    assert ent is not None
    assert (ent["as_actor"], ent["as_target"]) == (1, 1)
    assert [m["key"] for m in ent["months"]] == ["2024-02"]  # the undated threat has no month
    sudani = get_entity(store, "ac:mohammed_shia_al_sudani")
    assert sudani is not None and sudani["statements"] == 1
    assert get_entity(store, "nobody") is None


def test_article_highlights_point_at_the_evidence(store: Any) -> None:
    art = get_article(store, "rudaw-2024-02-09")
    assert art is not None
    text = art["text"]
    kinds = {(h["kind"], h["ref"]) for h in art["highlights"]}
    assert kinds == {("event", "ev-baghdad-strike"), ("event", "ev-harir-intercept")}
    for h in art["highlights"]:
        assert text[h["start"] : h["end"]].startswith(("قُتل", "وأسقطت"))
    jz = get_article(store, "jz-2024-02-08-strike")
    assert jz is not None
    assert {h["kind"] for h in jz["highlights"]} == {"event", "statement", "figure"}
    assert get_article(store, "missing") is None


def test_article_list_is_newest_first(store: Any) -> None:
    page = list_articles(store, limit=3)
    assert page.total == 6
    assert [a["published"] for a in page.items] == ["2024-02-10", "2024-02-09", "2024-02-08"]
    assert list_articles(store, source="روداو").total == 1


@pytest.mark.parametrize(
    ("query", "article", "surface"),
    [
        ("قاعده حرير", "rudaw-2024-02-09", "قاعدة حرير"),
        ("عين الاسد", "shafaq-2024-01-21", "عين الأسد"),
        ("بطائرة مسيرة استهدفت", "rudaw-2024-02-09", "بطائرة مسيّرة استهدفت"),
        ("مقتل قائد", "jz-2024-02-08-strike", "مقتل قائد"),
    ],
)
def test_search_marks_the_original_spelling(
    store: Any, query: str, article: str, surface: str
) -> None:
    page = search_articles(store, query)
    assert [it["id"] for it in page.items] == [article]
    snip = page.items[0]["snippets"][0]
    ((start, end),) = snip["marks"]
    assert snip["text"][start:end] == surface


def test_search_counts_matching_events_and_pages(store: Any) -> None:
    page = search_articles(store, "بغداد", limit=1)
    assert page.total == 3 and len(page.items) == 1
    assert page.extra["events"] >= 2
    with pytest.raises(QueryError):
        search_articles(store, "  ")


def test_statements_by_speaker_and_text(store: Any) -> None:
    assert [
        x["id"] for x in list_statements(store, speaker="ac:mohammed_shia_al_sudani").items
    ] == ["st-sudani"]
    assert list_statements(store, text="مهمة التحالف").total == 1
    assert list_statements(store, text="غير موجود").total == 0
    item = list_statements(store).items[0]
    assert item["sources"][0]["outlet"] == "الجزيرة نت"


def test_figures_follow_a_quantity_across_sources(store: Any) -> None:
    kinds = figure_kinds(store)
    assert kinds[0] == {"unit": "troops", "subject": "US troops in Iraq", "count": 3}
    series = figure_series(store, unit="troops", subject="in iraq")
    assert [p["as_of"] for p in series] == ["2023-11-11", "2024-01-29", "2024-02-08"]
    assert [p["quantity"] for p in series] == [2500, 2000, 2500]
    assert [p["outlet"] for p in series] == ["السومرية", "Associated Press", "الجزيرة نت"]
    assert list_figures(store, unit="troops", since="2024-01-01").total == 2


def test_iter_events_streams_every_match_with_outlets(store: Any) -> None:
    events = list(iter_events(store, EventQuery(type="ASSAULT", limit=1)))
    assert len(events) == 6  # paging does not apply to exports
    assert all(src.source for e in events for src in e.sources)
    kinds = [type(r).__name__ for r in iter_records(store, EventQuery(since="2024-02-01"))]
    assert kinds.count("Event") == 4 and kinds.count("Statement") == 1
    assert kinds.count("Figure") == 1


@pytest.mark.postgres
def test_the_same_queries_on_postgresql(pg_store_url: str, tmp_path: Path) -> None:
    build_store(tmp_path / "unused", _url=pg_store_url)
    st = open_store(pg_store_url)
    try:
        assert set(_ids(st, place="الأنبار")) == {"ev-asad-rockets"}
        assert set(_ids(st, actor="القوات الأميركية")) == {"ev-syria-reinforce"}
        assert set(_ids(st, text="قاعده حرير")) == {"ev-harir-intercept"}
        assert set(_ids(st, since="2024-01", until="2024-01")) == {
            "ev-tower22",
            "ev-asad-rockets",
            "ev-basra-arrest",
        }
        everything = _ids(st)
        assert len(everything) == 11 and everything[-1] == "ev-threat-undated"  # NULLs last
        page = search_articles(st, "قاعده حرير")  # full-text index of migration 002
        assert [it["id"] for it in page.items] == ["rudaw-2024-02-09"]
        ((start, end),) = page.items[0]["snippets"][0]["marks"]
        assert page.items[0]["snippets"][0]["text"][start:end] == "قاعدة حرير"
        weeks = event_stats(st, EventQuery(), "week")
        assert sum(b["count"] for b in weeks["items"]) == 9
        assert list_entities(st).items[0]["id"] == "ac:us_forces"
        ent = get_entity(st, "ac:kataib_hezbollah")
        assert ent is not None and [m["key"] for m in ent["months"]] == ["2024-02"]
        assert len(list(iter_events(st, EventQuery(type="ASSAULT")))) == 6
    finally:
        st.close()


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        ([], "week"),
        (["2024-01-01", "2024-12-31"], "week"),
        (["2021-01-04", "2024-01-01"], "week"),
        (["2014-06-01", "2024-01-01"], "month"),
    ],
)
def test_auto_timeline_uses_weeks_unless_too_many(days: list[str], bucket: str) -> None:
    from rasid.store.query import _auto_bucket

    assert _auto_bucket(days) == bucket


def test_auto_stats_name_their_bucket(store: Any) -> None:
    stats = event_stats(store, EventQuery(), "auto")
    assert stats["by"] == "week"
    assert stats["items"] == event_stats(store, EventQuery(), "week")["items"]


@pytest.mark.parametrize("sort", ["-date", "date"])
def test_a_countrys_page_by_date_is_the_same_through_either_index(store: Any, sort: str) -> None:
    # a country with few of the events is read through its index and sorted, one with many by
    # walking the date index: the pages are the ones of every event filtered by country
    everything = query_events(store, EventQuery(sort=sort, limit=500)).items
    for code in sorted({e["country"] for e in everything if e["country"]}):
        expected = [e["id"] for e in everything if e["country"] == code]
        for limit, offset in ((2, 0), (2, 1), (500, 0)):
            q = EventQuery(country=code, sort=sort, limit=limit, offset=offset)
            page = query_events(store, q)
            assert [e["id"] for e in page.items] == expected[offset : offset + limit]
            assert page.total == len(expected)
