"""Temporal expressions: the table of cases in tests/data/time_cases.tsv, plus properties."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from pathlib import Path

import pytest

from rasid.records import TimeExpr
from rasid.text import normalize
from rasid.time import find_times, parse_date_text

CASES = Path(__file__).parent / "data" / "time_cases.tsv"


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def _pub(raw: str) -> dt.date | None:
    return dt.date.fromisoformat(raw) if raw else None


def _overlapping(found: tuple[TimeExpr, ...], sentence: str, expr: str) -> TimeExpr | None:
    at = sentence.index(expr)
    end = at + len(expr)
    best, size = None, 0
    for e in found:
        overlap = min(end, e.end) - max(at, e.start)
        if overlap > size:
            best, size = e, overlap
    return best


def test_table_is_large_enough() -> None:
    arabic = [r for r in ROWS if not r["id"].startswith("EN")]
    assert len(arabic) >= 200
    assert sum(r["value"] in ("-", "null") for r in arabic) >= 40


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_case(row: dict[str, str]) -> None:
    sentence, expr = row["sentence"], row["expr"]
    found = find_times(normalize(sentence), _pub(row["published"]))
    hit = _overlapping(found, sentence, expr)
    if row["value"] == "-":
        assert hit is None, f"{expr!r} read as a date: {hit}"
        return
    assert hit is not None, f"{expr!r} not found in {found}"
    assert sentence[hit.start : hit.end] == hit.text
    if row["value"] == "null":
        assert hit.value is None and hit.anchor is None
        return
    assert (hit.value, hit.value_end or "", hit.precision) == (
        row["value"],
        row["value_end"],
        row["precision"],
    ), hit
    assert hit.open_range == (row["open"] == "1")
    assert hit.rule.startswith("date.")


def test_offsets_are_original_with_arabic_indic_digits() -> None:
    text = "وقع الهجوم في ٢٥ تشرين الأول ٢٠١٩ في بغداد"
    (e,) = find_times(normalize(text), None)
    assert text[e.start : e.end] == "٢٥ تشرين الأول ٢٠١٩"
    assert (e.value, e.anchor) == ("2019-10-25", "absolute")


def test_unresolved_without_publication_is_none_not_a_guess() -> None:
    e = parse_date_text("الأسبوع الماضي", None)
    assert e is not None and e.value is None and e.precision is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("الخميس 8 فبراير 2024 / 21:23", "2024-02-08"),
        ("03/05/2021", "2021-05-03"),
        ("Feb 8, 2024", "2024-02-08"),
        ("نشر بتاريخ: 2024/02/08", "2024-02-08"),
    ],
)
def test_parse_date_text_datelines(text: str, value: str) -> None:
    e = parse_date_text(text, None)
    assert e is not None and e.value == value and e.anchor == "absolute"


def test_parse_date_text_prefers_absolute_and_finer() -> None:
    e = parse_date_text("في عام 2020، وتحديدا في 3 كانون الثاني 2020", dt.date(2024, 2, 8))
    assert e is not None and e.value == "2020-01-03"
    assert parse_date_text("لا تاريخ هنا", None) is None


@pytest.mark.parametrize(
    ("weekday_ar", "published", "expected"),
    [
        # latest on or before publication (Thursday 2024-02-08)
        ("الخميس", "2024-02-08", "2024-02-08"),
        ("الجمعة", "2024-02-08", "2024-02-02"),
        ("السبت", "2024-02-08", "2024-02-03"),
        ("الأحد", "2024-02-08", "2024-02-04"),
        ("الأربعاء", "2024-02-08", "2024-02-07"),
    ],
)
def test_weekday_is_latest_on_or_before(weekday_ar: str, published: str, expected: str) -> None:
    e = parse_date_text(f"وقع الهجوم يوم {weekday_ar}", dt.date.fromisoformat(published))
    assert e is not None and e.value == expected
    day = dt.date.fromisoformat(expected)
    assert 0 <= (dt.date.fromisoformat(published) - day).days < 7


def test_expressions_do_not_overlap_and_are_ordered() -> None:
    text = " ".join(r["sentence"] for r in ROWS[:80])
    found = find_times(normalize(text), dt.date(2024, 2, 8))
    assert len(found) > 40
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
