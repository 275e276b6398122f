"""The words of temporal expressions, loaded from data tables and normalized once.

``TimeLexicon.alts`` holds one regex alternation per word kind (Arabic kinds by name, English
ones prefixed ``en_``) for the grammar templates; the maps give each normalized word its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rasid.data import alternation, norm, read_table


@dataclass(frozen=True, slots=True)
class TimeLexicon:
    alts: dict[str, str]
    months: dict[str, tuple[int, str]]  # word -> (month, calendar)
    weekdays: dict[str, tuple[int, bool]]  # word -> (weekday, strong)
    values: dict[str, dict[str, str]]  # kind -> word -> value
    kinds: dict[str, frozenset[str]]  # word -> kinds (Arabic and English)


@cache
def time_lexicon() -> TimeLexicon:
    months: dict[str, tuple[int, str]] = {}
    for row in read_table("months.tsv"):
        months[norm(row["name"])] = (int(row["month"]), row["calendar"])
    weekdays: dict[str, tuple[int, bool]] = {}
    for row in read_table("weekdays.tsv"):
        weekdays[norm(row["name"])] = (int(row["weekday"]), row["strong"] == "1")
    values: dict[str, dict[str, str]] = {}
    kinds: dict[str, set[str]] = {}
    for row in read_table("time_words.tsv"):
        kind = row["kind"] if row["lang"] == "ar" else "en_" + row["kind"]
        word = norm(row["phrase"])
        values.setdefault(kind, {})[word] = row["value"]
        kinds.setdefault(word, set()).add(kind)
    alts = {kind: "(?:" + alternation(words) + ")" for kind, words in values.items()}
    by_cal: dict[str, list[str]] = {}
    for word, (_, cal) in months.items():
        by_cal.setdefault(cal, []).append(word)
    alts["month"] = (
        "(?:"
        + alternation(
            w for cal, ws in by_cal.items() if cal not in ("hijri", "english") for w in ws
        )
        + ")"
    )
    alts["hmonth"] = "(?:" + alternation(by_cal["hijri"]) + ")"
    alts["en_month"] = "(?:" + alternation(by_cal["english"]) + ")"
    alts["wd"] = "(?:" + alternation(w for w in weekdays if not w.isascii()) + ")"
    alts["en_wd"] = "(?:" + alternation(w for w in weekdays if w.isascii()) + ")"
    alts["era_h"] = "(?:" + alternation(w for w, v in values["era"].items() if v == "hijri") + ")"
    alts["era_g"] = (
        "(?:" + alternation(w for w, v in values["era"].items() if v == "gregorian") + ")"
    )
    alts["period_month"] = (
        "(?:" + alternation(w for w, v in values["period"].items() if v == "month") + ")"
    )
    numbers = read_table("number_words.tsv")
    alts["numword"] = (
        "(?:"
        + alternation(
            norm(r["word"]) for r in numbers if r["kind"] in ("unit", "ten", "few", "several")
        )
        + ")"
    )
    alts["ordinal"] = (
        "(?:"
        + alternation(norm(r["word"]) for r in numbers if r["kind"] in ("ordinal", "ordinal_ten"))
        + ")"
    )
    alts["ten_word"] = (
        "(?:"
        + alternation(
            norm(r["word"]) for r in numbers if r["kind"] == "unit" and r["value"] == "10"
        )
        + ")"
    )
    alts["conj"] = (
        "(?:" + alternation(norm(r["word"]) for r in numbers if r["kind"] == "conj") + ")"
    )
    return TimeLexicon(
        alts=alts,
        months=months,
        weekdays=weekdays,
        values=values,
        kinds={w: frozenset(k) for w, k in kinds.items()},
    )


def squash(s: str) -> str:
    """Collapse inner whitespace so a matched phrase can be looked up in the maps."""
    return " ".join(s.split())
