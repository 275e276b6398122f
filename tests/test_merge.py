"""Merging reports of one event across articles (tests/data/merge: articles written for it)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
import yaml

from rasid.eval import score, score_merge
from rasid.ingest import IngestProblem, read_articles
from rasid.merge import combine, compatible
from rasid.pipeline import extract
from rasid.records import ActorRef, Event, Location, Record, Source

pytestmark = pytest.mark.usefixtures("rules_only")

DATA = Path(__file__).parent / "data" / "merge"
DEV = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "dev"


@cache
def run() -> tuple[list[Record], dict[str, str]]:
    paths = [str(DATA / "articles.jsonl")]
    if (DEV / "articles.jsonl").exists():
        paths.insert(0, str(DEV / "articles.jsonl"))
    articles = [a for a in read_articles(paths) if not isinstance(a, IngestProblem)]
    return extract(articles), {a.id: a.text for a in articles}


def test_distinct_events_are_never_merged() -> None:
    records, texts = run()
    expected = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))
    result = score_merge(expected, records, texts)
    assert result.wrong_merges == []


def test_each_real_event_is_mostly_one_record() -> None:
    records, texts = run()
    expected = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))
    result = score_merge(expected, records, texts)
    report = json.dumps(result.records_per_event, indent=1)
    assert result.found / result.events >= 0.95, report
    assert result.single / result.found >= 0.95, report


def test_dev_gold_score_does_not_fall_with_more_articles() -> None:
    """What a user gets (the decided events), with the merge corpus beside the dev articles."""
    from rasid.events.decide import reset_decider, use_decider

    if not (DEV / "gold.json").exists():
        return
    reset_decider()
    try:
        records = extract(
            a
            for a in read_articles([str(DEV / "articles.jsonl"), str(DATA / "articles.jsonl")])
            if not isinstance(a, IngestProblem)
        )
    finally:
        use_decider(None)
    gold = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))
    result = score(gold, records)
    assert result.recall >= 0.9
    assert result.f1 >= 0.85


def _event(eid: str, date: str, place: str, lat: float, actor: str, article: str) -> Event:
    loc = Location(place, place, "IQ", None, lat, 44.0, "city", entity_id=f"pl:{place}")
    return Event(
        id=eid,
        type="ASSAULT",
        mode="drone",
        date=date,
        date_end=None,
        location=loc,
        actors=(ActorRef(actor, actor, "state", entity_id=f"ac:{actor}"),),
        targets=(),
        claimed_by=(),
        fatalities=None,
        injuries=None,
        fatalities_bound=None,
        injuries_bound=None,
        disrupted=False,
        status="occurred",
        figures_disputed=False,
        summary="",
        confidence=0.5,
        sources=(Source(article=article, published=date, sentence="", start=0, end=1),),
    )


def test_compatibility_rules() -> None:
    a = _event("a", "2024-02-07", "baghdad", 33.3, "us", "x")
    assert compatible(a, _event("b", "2024-02-08", "baghdad", 33.3, "us", "y"))
    # two attacks on the same place on different days stay two
    assert not compatible(a, _event("c", "2024-02-12", "baghdad", 33.3, "us", "y"))
    # same day, another city far away
    assert not compatible(a, _event("d", "2024-02-07", "basra", 30.5, "us", "y"))
    # same day and place, another doer
    assert not compatible(a, _event("e", "2024-02-07", "baghdad", 33.3, "iran", "y"))


def test_tolls_far_apart_in_one_article_are_two_events() -> None:
    import dataclasses

    a = _event("a", "2024-02-07", "baghdad", 33.3, "us", "x")
    b = _event("b", "2024-02-07", "baghdad", 33.3, "us", "x")
    assert compatible(a, b, same_article=True)
    # a toll that rose (5 then 7 dead) is one attack's; 1 and 100 dead are two attacks
    assert compatible(
        dataclasses.replace(a, fatalities=5),
        dataclasses.replace(b, fatalities=7),
        same_article=True,
    )
    assert not compatible(
        dataclasses.replace(a, fatalities=100),
        dataclasses.replace(b, fatalities=1),
        same_article=True,
    )
    assert not compatible(
        dataclasses.replace(a, injuries=3),
        dataclasses.replace(b, injuries=40),
        same_article=True,
    )


def _records(text: str, published: str) -> list[Event]:
    from rasid.merge import merge_results
    from rasid.pipeline import process_article
    from rasid.records import Article

    article = Article(id="seq", text=text, published=published, content_hash="seq")
    return [r for r in merge_results([process_article(article)]) if isinstance(r, Event)]


def test_event_told_as_the_sequel_of_another_keeps_its_own_date() -> None:
    # "ويأتي X بعد أيام من Y ... الأحد الماضي": Sunday is Y's day; X is the lead's event
    text = (
        "قُتل قيادي في تنظيم داعش بغارة جوية للتحالف الدولي قرب الحضر مساء الخميس.\n\n"
        "وأفادت مصادر محلية بأن الغارة استهدفت سيارة كان يستقلها مع اثنين من مرافقيه.\n\n"
        "وقال مسؤول أمني إن القيادي كان مطلوبا منذ سنوات.\n\n"
        "وأضاف أن التنظيم كثف هجماته في المنطقة خلال الأشهر الأخيرة.\n\n"
        "ويأتي مقتل القيادي بعد أيام من هجوم شنه التنظيم على نقطة للجيش العراقي في قضاء "
        "الحضر، قُتل فيه ثلاثة جنود الأحد الماضي."
    )
    records = _records(text, "2023-05-13")
    by_date = {e.date: e for e in records if e.type == "ASSAULT"}
    assert set(by_date) == {"2023-05-11", "2023-05-07"}, [e.summary for e in records]
    assert any(s.start == 0 for s in by_date["2023-05-11"].sources)
    # the toll after the marker is the earlier attack's, not the lead's
    assert by_date["2023-05-07"].fatalities == 3
    assert by_date["2023-05-11"].fatalities == 1


def test_a_place_first_claimed_then_corrected_does_not_split_the_event() -> None:
    text = (
        "قُتل جنديان أمريكيان وأصيب خمسة آخرون، فجر الثلاثاء، في هجوم صاروخي على قاعدة عين "
        "الأسد غربي الأنبار.\n\n"
        "وكان مصدر أمني قد قال في البداية إن الهجوم استهدف قاعدة التنف داخل الأراضي السورية، "
        "قبل أن يتبين أن الصواريخ سقطت داخل القاعدة العراقية."
    )
    records = [e for e in _records(text, "2023-05-10") if e.type == "ASSAULT"]
    assert len(records) == 1, [e.summary for e in records]
    assert records[0].location is not None and records[0].location.country == "IQ"


def test_one_mention_is_its_own_record() -> None:
    # merge_events keeps a lone mention as it is, so combining it alone must not change it
    from rasid.pipeline import process_article

    path = Path(__file__).parent / "data" / "merge" / "articles.jsonl"
    events = [
        e
        for a in read_articles([str(path)])
        if not isinstance(a, IngestProblem)
        for e in process_article(a).events
    ]
    assert len(events) > 20
    assert all(combine([e]) == e for e in events)


def test_undated_mentions_join_nothing_across_articles(tmp_path: Path) -> None:
    # an undated report cannot be matched to another article's: in memory and in the store
    # (where looking for candidates would read every undated mention of the type), it stays
    # its own event, while the same two reports with a date become one
    import dataclasses

    from rasid.merge import merge_events
    from rasid.records import record_to_json
    from rasid.store import open_store
    from rasid.store.driver import Cursor
    from rasid.store.merging import merge_into_store

    dated = [
        _event("a", "2024-02-07", "baghdad", 33.3, "us", "x"),
        _event("b", "2024-02-07", "baghdad", 33.3, "us", "y"),
    ]
    undated = [dataclasses.replace(e, id=f"{e.id}-u", date=None) for e in dated]
    assert len(merge_events(dated)) == 1
    assert len(merge_events(undated)) == 2
    store = open_store(str(tmp_path / "merge.sqlite"))
    with store.begin() as conn:
        cur = Cursor(conn)
        for e in [*dated, *undated]:
            merge_into_store(cur, e.sources[0].article, [e], [json.dumps(record_to_json(e))])
        ids = sorted(r[0] for r in cur.rows("SELECT id FROM events"))
    store.close()
    assert ids == ["a", "a-u", "b-u"]


def test_a_town_named_only_by_the_text_is_one_place_by_its_name() -> None:
    """An unknown town has no knowledge-base id (its point, if any, its country's): two
    mentions of the same name in one country are one place, and it never splits an event from
    a known place."""
    from rasid.merge import places_compatible, same_place

    def town(name_ar: str, country: str | None = "IQ") -> Location:
        return Location("Town", name_ar, country, None, None, None, "city")

    baghdad = Location("Baghdad", "بغداد", "IQ", None, 33.3, 44.4, "city", "pl:baghdad")
    assert same_place(town("المشتل"), town("المشتل"))
    assert not same_place(town("المشتل"), town("الكرادة"))
    assert not same_place(town("المشتل"), baghdad)
    assert places_compatible(town("المشتل"), baghdad)
    assert not places_compatible(town("المشتل"), town("المشتل", "SY"))
    assert not places_compatible(town("المشتل"), town("الكرادة"))
