"""The scoreboard on small hand-made cases: roles, optional gold, articles, dates, merging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rasid.records import ActorRef, Event, Location, Source
from rasid.scoreboard import merge_scores, score_board

US = ["United States", "US", "الولايات المتحدة", "واشنطن"]
KH = ["Kataib Hezbollah", "كتائب حزب الله"]
BAGHDAD = {"country": "IQ", "admin1": "Baghdad", "precision": "city", "lat": 33.31,
           "lon": 44.37, "names": ["Baghdad", "بغداد"]}  # fmt: skip


def actor(name: str, name_ar: str = "", entity_id: str | None = None) -> ActorRef:
    return ActorRef(name=name, name_ar=name_ar, kind="state", entity_id=entity_id)


def event(
    eid: str,
    articles: tuple[str, ...] = ("a1",),
    *,
    type: str = "ASSAULT",
    date: str | None = "2024-02-07",
    actors: tuple[ActorRef, ...] = (),
    targets: tuple[ActorRef, ...] = (),
    place: tuple[float, float] | None = None,
    country: str | None = "IQ",
    fatalities: int | None = None,
) -> Event:
    loc = None
    if place is not None:
        loc = Location("Somewhere", "", country, None, place[0], place[1], "city")
    return Event(
        id=eid, type=type, mode=None, date=date, date_end=None, location=loc, actors=actors,
        targets=targets, claimed_by=(), fatalities=fatalities, injuries=None,
        fatalities_bound=None, injuries_bound=None, disrupted=False, status="occurred",
        figures_disputed=False, summary=eid, confidence=0.5,
        sources=tuple(Source(a, None, "...", 0, 3) for a in articles),
    )  # fmt: skip


def gold_event(key: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "key": key, "type": "ASSAULT", "date": "2024-02-07", "tol_days": 1, "where": None,
        "actor": US, "target": KH, "killed": None, "injured": None, "optional": False,
        "note": key,
    }  # fmt: skip
    base.update(kw)
    return base


def gold(*docs: tuple[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [{"doc": d, "published": "2024-02-08", "events": evs} for d, evs in docs]


def test_the_right_record_is_matched_and_right() -> None:
    g = gold(("a1", [gold_event("k1", where=BAGHDAD, killed=1)]))
    ev = event("e1", actors=(actor("United States"),), targets=(actor("Kataib Hezbollah"),),
               place=(33.33, 44.40), fatalities=1)  # fmt: skip
    board = score_board(g, [ev])
    assert (board.tp, board.fp, board.fn, board.right) == (1, 0, 0, 1)
    assert board.f1 == 1.0 and board.strict_f1 == 1.0
    assert board.fields["place"] == 1.0 and board.fields["fatalities"] == 1.0


def test_swapped_actor_and_target_is_wrong() -> None:
    g = gold(("a1", [gold_event("k1")]))
    ev = event("e1", actors=(actor("Kataib Hezbollah"),), targets=(actor("الولايات المتحدة"),))
    board = score_board(g, [ev])
    assert (board.tp, board.fp, board.fn) == (0, 1, 1)
    assert board.record_errors == {"inverted participants": 1}
    assert board.miss_causes == {"inverted participants": 1}


def test_a_meeting_has_no_direction() -> None:
    g = gold(("a1", [gold_event("k1", type="CONSULT")]))
    ev = event("e1", type="CONSULT", actors=(actor("Kataib Hezbollah"),),
               targets=(actor("United States"),))  # fmt: skip
    assert score_board(g, [ev]).tp == 1


def test_a_knowledge_base_alias_is_the_same_party() -> None:
    # the gold says "أمريكا"; the record names the state by its knowledge-base id only
    g = gold(("a1", [gold_event("k1", actor=["أمريكا"], target=[])]))
    ev = event("e1", actors=(actor("USA!", "", entity_id="ac:united_states"),))
    board = score_board(g, [ev])
    assert board.tp == 1


def test_optional_gold_is_neither_a_miss_nor_an_error() -> None:
    g = gold(("a1", [gold_event("k1"), gold_event("k2", type="ACCUSE", optional=True)]))
    accuse = event("e2", type="ACCUSE", actors=(actor("United States"),))
    board = score_board(g, [accuse])
    assert (board.tp, board.fp, board.fn, board.gold) == (0, 0, 1, 1)
    assert score_board(g, []).fn == 1  # only the required one is missed


def test_a_record_is_scored_only_in_the_articles_it_cites() -> None:
    g = gold(("a1", [gold_event("k1")]), ("a2", []))
    ev = event("e1", articles=("a2",), actors=(actor("United States"),))
    board = score_board(g, [ev])
    assert (board.tp, board.fp, board.fn) == (0, 1, 1)
    assert board.record_errors == {"not in the gold": 1}


def test_coarse_dates_and_tolerance() -> None:
    g = gold(("a1", [gold_event("k1", tol_days=1)]))
    us = (actor("United States"),)
    assert score_board(g, [event("e", date="2024-02", actors=us)]).tp == 1  # month holds it
    assert score_board(g, [event("e", date="2024-02-08", actors=us)]).tp == 1  # within a day
    late = score_board(g, [event("e", date="2024-02-10", actors=us)])
    assert late.tp == 0 and late.record_errors == {"misdated": 1}
    undated = score_board(g, [event("e", date=None, actors=us)])
    assert undated.record_errors == {"no date": 1}
    assert undated.miss_causes == {"undated record": 1}


def test_a_second_record_of_one_event_is_a_duplicate() -> None:
    g = gold(("a1", [gold_event("k1")]))
    us = (actor("United States"),)
    board = score_board(g, [event("e1", actors=us), event("e2", actors=us)])
    assert (board.tp, board.fp) == (1, 1)
    assert board.record_errors == {"duplicate of a matched record": 1}


def test_wrong_type_and_place_within_25_km() -> None:
    g = gold(("a1", [gold_event("k1", actor=[], target=[], where=BAGHDAD)]))
    far = event("e1", place=(33.31, 44.70))  # about 31 km east
    assert score_board(g, [far]).tp == 0
    near = event("e1", place=(33.31, 44.55))  # about 17 km
    assert score_board(g, [near]).tp == 1
    coerce = event("e1", type="COERCE", place=(33.31, 44.37))
    assert score_board(g, [coerce]).record_errors == {"wrong type": 1}


def test_merging_splits_and_joins() -> None:
    g = gold(
        ("a1", [gold_event("same"), gold_event("other", type="ACCUSE")]),
        ("a2", [gold_event("same")]),
        ("a3", [gold_event("same")]),
    )
    us = (actor("United States"),)
    merged = event("m", articles=("a1", "a2"), actors=us)
    alone = event("s", articles=("a3",), actors=us)
    accuse = event("x", articles=("a1",), type="ACCUSE", actors=us)
    board = score_board(g, [merged, alone, accuse])
    assert board.tp == 4
    m = board.merge
    assert m["rereported_events"] == 1 and m["split_events"] == ["same"]
    assert m["joining_records"] == []
    assert m["rereported"]["precision"] == 1.0
    assert m["rereported"]["recall"] == pytest.approx((2 / 3 * 2 + 1 / 3) / 3, abs=1e-4)


def test_bcubed_counts_a_record_joining_two_events() -> None:
    m = merge_scores([("a", "r1"), ("b", "r1"), ("a", "r1")])
    assert m["joining_records"] == ["r1"]
    assert m["all"]["recall"] == 1.0
    assert m["all"]["precision"] == pytest.approx((2 / 3 * 2 + 1 / 3) / 3, abs=1e-4)


def test_merged_record_carries_the_toll_of_another_article() -> None:
    g = gold(("a1", [gold_event("k", killed=2)]), ("a2", [gold_event("k")]))
    ev = event("e", articles=("a1", "a2"), actors=(actor("United States"),), fatalities=2)
    assert score_board(g, [ev]).fields["fatalities"] == 1.0


def _rasid(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, check=False)


def test_eval_cli_scores_and_reports_bad_inputs_in_one_line(tmp_path: Path) -> None:
    gpath = tmp_path / "gold.json"
    gpath.write_text(json.dumps(gold(("a1", [gold_event("k1")]))), encoding="utf-8")
    res = _rasid("eval", str(gpath), "-", "--json", stdin="")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["fn"] == 1
    binary = tmp_path / "records.bin"
    binary.write_bytes(b"\x00\xff\xfe\x00garbage")
    for bad in (binary, tmp_path):
        res = _rasid("eval", str(gpath), str(bad))
        assert res.returncode != 0
        assert "Traceback" not in res.stderr and "internal error" not in res.stderr
        assert str(bad) in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_eval_gsr_scores_a_small_file(tmp_path: Path) -> None:
    csv_path = tmp_path / "assault.csv"
    csv_path.write_text(
        "id,event_type,label,accept,reject,total,text\n"
        "s1,assault,yes,3,0,3,قصفت طائرات التحالف مواقع لتنظيم داعش في الموصل أمس.\n"
        "s2,assault,easy no,0,3,3,افتتح الوزير معرضا للكتاب في عمان.\n"
        "s3,assault,ambiguous,1,1,2,غير واضح.\n",
        encoding="utf-8",
    )
    res = _rasid("eval", "--gsr", str(csv_path), "--json")
    assert res.returncode == 0, res.stderr
    row = json.loads(res.stdout)
    assert row["type"] == "ASSAULT" and row["sentences"] == 2
    assert row["tp"] + row["fn"] == 1 and row["fp"] + row["tn"] == 1
    res = _rasid("eval", "--gsr", str(tmp_path / "missing.csv"))
    assert res.returncode != 0 and "no such file" in res.stderr
