"""Numbers in digits and words: the table in tests/data/number_cases.tsv, plus properties."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasid.numbers import find_quantities, parse_number, parse_ordinal
from rasid.records import Quantity
from rasid.text import normalize

CASES = Path(__file__).parent / "data" / "number_cases.tsv"


def _rows() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()


def _overlapping(found: tuple[Quantity, ...], text: str, expr: str) -> Quantity | None:
    at = text.index(expr)
    end = at + len(expr)
    hits = [q for q in found if q.start < end and q.end > at]
    return hits[0] if hits else None


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_case(row: dict[str, str]) -> None:
    text = row["text"]
    found = find_quantities(normalize(text))
    hit = _overlapping(found, text, row["expr"])
    if row["value"] == "-":
        assert hit is None, hit
        return
    assert hit is not None, found
    assert text[hit.start : hit.end] == hit.text
    assert row["expr"] in hit.text
    assert (hit.value, hit.bound, hit.unit or "", hit.vague) == (
        float(row["value"]),
        row["bound"],
        row["unit"],
        row["vague"] == "1",
    ), hit
    assert hit.rule.startswith("number.")


def test_parse_number_and_none() -> None:
    q = parse_number("نحو 150 ألف جندي")
    assert q is not None and (q.value, q.bound, q.unit) == (150000, "about", "جندي")
    assert parse_number("لا أرقام هنا") is None


@pytest.mark.parametrize(
    ("words", "value"),
    [("الخامس", 5), ("الحادي عشر", 11), ("الحادي والعشرين", 21), ("العشرين", 20), ("الجنود", None)],
)
def test_parse_ordinal(words: str, value: int | None) -> None:
    from rasid.text import normalize_key

    assert parse_ordinal(normalize_key(words)) == value


@given(st.integers(min_value=1, max_value=10**9))
def test_digits_round_trip(n: int) -> None:
    for written in (str(n), f"{n:,}"):
        q = parse_number(f"قتل {written} شخص")
        assert q is not None and q.value == n


@given(st.integers(min_value=0, max_value=9999))
def test_arabic_indic_digits(n: int) -> None:
    arabic = str(n).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    q = parse_number(f"وصل {arabic} جندي")
    assert q is not None and q.value == n and q.text == arabic


def test_a_spelling_read_two_ways_takes_the_fewest_proclitics_in_every_process() -> None:
    # "واحد" is the word itself, or و + "احد": the reading must not depend on set order, which
    # changes with each process's hash seed
    import subprocess
    import sys

    from rasid.data import WordScanner

    scanner = WordScanner(["واحد", "احد", "عشرة"], ["و", "ب"], "ال")
    assert scanner.scan("قتل واحد") == [(4, "واحد")]
    assert scanner.scan("وعشرة") == [(1, "عشرة")]
    code = (
        "from rasid.numbers import find_quantities as f; from rasid.text.normalize import"
        " normalize as n; print([(q.start, q.value) for q in f(n('قتل واحد منهم ووحد الصف'))])"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(seen) == 1, seen


def test_word_scanner_checks_what_its_code_page_lacks() -> None:
    # the automaton walks cp1256 bytes, where "ğ" and "⬛" are both "?": a key holding such a
    # character is checked on the text, and a text holding one still has its words found
    from rasid.data import WordScanner

    scanner = WordScanner(["erdoğan", "عشرة"], ["و"], "ال")
    assert scanner.scan("قال erdoğan") == [(4, "erdoğan")]
    assert scanner.scan("قال erdo⬛an") == []
    assert scanner.scan("⬛ وعشرة ğ") == [(3, "عشرة")]
    assert scanner.scan("ال5 و7") == [(0, "#definite"), (5, "#digit")]
