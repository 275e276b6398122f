"""Rasid's temporal expressions side by side with dateparser, on the expressions of
tests/data/time_cases.tsv.

Both get the expression alone and the publication date (dateparser as RELATIVE_BASE, preferring
past dates, languages ar and en; with no publication date it falls back to today, as its users
get). A case is right when the value and the precision both match (the start of a range); for the
cases that are no date, or a relative date with nothing to anchor it, right means no value.
Prints JSON: accuracy overall and by kind of case, and expressions per second, for each; and
Rasid once more reading whole sentences, as the pipeline does.

    .venv/bin/python bench/dates_vs_dateparser.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from rasid.time import parse_date_text

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "time_cases.tsv"
Prediction = tuple[str, str] | None


def read_cases() -> list[dict[str, str]]:
    with CASES.open(encoding="utf-8") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def publication(row: dict[str, str]) -> dt.date | None:
    return dt.date.fromisoformat(row["published"]) if row["published"] else None


def rasid_predict(row: dict[str, str]) -> Prediction:
    e = parse_date_text(row["expr"], publication(row))
    if e is None or e.value is None or e.precision is None:
        return None
    return e.value, e.precision


def rasid_in_sentence(row: dict[str, str]) -> Prediction:
    """Rasid as the pipeline runs it: the whole sentence, the expression that overlaps."""
    from rasid.text import normalize
    from rasid.time import find_times

    sentence, expr = row["sentence"], row["expr"]
    at = sentence.index(expr)
    for e in find_times(normalize(sentence), publication(row)):
        if e.start < at + len(expr) and e.end > at:
            return (e.value, e.precision) if e.value and e.precision else None
    return None


def make_dateparser() -> Callable[[dict[str, str]], Prediction]:
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    parsers: dict[dt.date | None, DateDataParser] = {}

    def settings(pub: dt.date | None) -> dict[str, object]:
        base = dt.datetime.combine(pub, dt.time(12)) if pub else dt.datetime.now()
        return {
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": False,
        }

    def predict(row: dict[str, str]) -> Prediction:
        pub = publication(row)
        if pub not in parsers:
            parsers[pub] = DateDataParser(languages=["ar", "en"], settings=settings(pub))
        data = parsers[pub].get_date_data(row["expr"])
        if data.date_obj is not None:
            precision = {"month": "month", "year": "year"}.get(data.period or "day", "day")
            return _iso(data.date_obj, precision), precision
        found = search_dates(row["expr"], languages=["ar", "en"], settings=settings(pub))
        if found:
            return _iso(found[0][1], "day"), "day"
        return None

    return predict


def _iso(d: dt.datetime, precision: str) -> str:
    if precision == "year":
        return f"{d.year:04d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.date().isoformat()


def kind_of(row: dict[str, str]) -> str:
    if row["value"] == "-":
        return "not_a_date"
    if row["value"] == "null":
        return "unanchored"
    return "dated"


def score(
    rows: list[dict[str, str]], predict: Callable[[dict[str, str]], Prediction]
) -> dict[str, object]:
    for row in rows:
        predict(row)  # warm up: load tables, build caches, outside the timing
    right: dict[str, list[bool]] = {}
    start = time.perf_counter()
    predictions = [predict(row) for row in rows]
    elapsed = time.perf_counter() - start
    for row, pred in zip(rows, predictions, strict=True):
        kind = kind_of(row)
        ok = pred is None if kind != "dated" else pred == (row["value"], row["precision"])
        right.setdefault(kind, []).append(ok)
    every = [ok for oks in right.values() for ok in oks]
    return {
        "accuracy": round(sum(every) / len(every), 4),
        "by_kind": {
            k: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)}
            for k, v in sorted(right.items())
        },
        "expressions_per_s": round(len(rows) / elapsed, 1),
    }


def main() -> None:
    rows = read_cases()
    arabic = [r for r in rows if not r["id"].startswith("EN")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dateparser_predict = make_dateparser()
        report = {
            "cases": len(rows),
            "arabic_cases": len(arabic),
            "rasid": score(rows, rasid_predict),
            "dateparser": score(rows, dateparser_predict),
            "rasid_in_sentence": score(rows, rasid_in_sentence),
            "rasid_arabic_only": score(arabic, rasid_predict),
            "dateparser_arabic_only": score(arabic, dateparser_predict),
        }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
