"""Dates of events on real sentences of the ANT train half, cited by article id and offsets.

The text is read from the shared corpus (never copied here). Each case names the behaviour it
holds: the start of a period ("منذ حرب غزة عام 2014") is not the event's day; a date in a
relative clause after a verb dates that clause; a weekday beside a day and month names the
year; the event a strike answers ("ردا على هجوم ... قبل أسبوع في دوما") lends it neither its
date nor its place.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from rasid.events import find_events
from rasid.pipeline import annotate
from rasid.records import Article, Event

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"
TRAIN = ROOT / "eval" / "gold" / "ant-train.json"

pytestmark = [
    pytest.mark.usefixtures("rules_only"),
    pytest.mark.skipif(not CORPUS.exists(), reason="shared/ corpora not beside the checkout"),
]

# (article, start, end, type, trigger rule, dates it may not have, date it must have or None)
CASES = [
    # "في أكثر الأيام دموية ... منذ حرب غزة عام 2014، قُتل ...": 2014 opens the comparison
    ("AL-internationalNews-1171-20180515", 802, 953, "ASSAULT", "trigger.v.قتل", {"2014"}, None),
    # "ندد ... بالاتفاق الذي أبرمته الدول الكبرى مع إيران في 2015": 2015 is the deal's
    (
        "FR-internationalNews-1017-20180501",
        2232,
        2497,
        "ACCUSE",
        "trigger.v.ندد",
        {"2015"},
        "2018-04-30",
    ),
    # "من المتوقع أن تعيد ... يوم الثلاثاء 7 آب/أغسطس فرض العقوبات": a Tuesday in 2018
    (
        "FR-middleEast-892-20180805",
        1443,
        1663,
        "SANCTION",
        "trigger.n.عقوبات",
        {"2017-08-07"},
        "2018-08-07",
    ),
    # "ضربات استهدفت مواقع ... ردا على هجوم كيميائي مفترض قبل أسبوع في دوما"
    (
        "FR-middleEast-296-20180414",
        1024,
        1233,
        "ASSAULT",
        "trigger.n.ضربه",
        {"2018-04-07"},
        None,
    ),
]


@cache
def _texts() -> dict[str, tuple[str, str | None]]:
    wanted = {c[0] for c in CASES}
    out: dict[str, tuple[str, str | None]] = {}
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row["id"] in wanted:
                out[row["id"]] = (row["text"], row.get("published"))
    return out


def _events(doc: str, start: int, end: int) -> list[Event]:
    text, published = _texts()[doc]
    events, _ = find_events(annotate(Article(id=doc, text=text[start:end], published=published)))
    return list(events)


def test_cases_are_train_articles() -> None:
    train = {str(d["doc"]) for d in json.loads(TRAIN.read_text(encoding="utf-8"))}
    assert {c[0] for c in CASES} <= train


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_event_date(case: tuple) -> None:  # type: ignore[type-arg]
    doc, start, end, etype, rule, never, must = case
    found = [e for e in _events(doc, start, end) if e.type == etype and e.rules["type"] == rule]
    assert found, f"no {etype} from {rule}"
    for ev in found:
        assert ev.date not in never, (ev.date, ev.rules.get("date"))
        if must is not None:
            assert ev.date == must, (ev.date, ev.rules.get("date"))


def test_the_attack_answered_lends_no_place() -> None:
    """The strikes of FR-middleEast-296-20180414 answer an attack in Douma: they are not there."""
    strikes = [
        e
        for e in _events("FR-middleEast-296-20180414", 1024, 1233)
        if e.rules["type"] == "trigger.n.ضربه"
    ]
    assert strikes
    assert all(e.location is None or "Douma" not in e.location.name for e in strikes)
