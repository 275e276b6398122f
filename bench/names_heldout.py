"""How well the romanizer spells names nobody put in the project dictionary (held-out rate).

The names table (tests/data/names/person_names.tsv) is split into ``--folds`` folds by person
(every spelling of one person, i.e. one English reference, in the same fold). For each fold, the
project dictionary (kb/rules/names_en.tsv) loses every entry the fold could be answered from:
each whole name of the fold, every run of two or more of its words, and each of its words. What is
left to spell the fold's names is the general mechanism: the token table of common given names
and name parts (kb/rules/name_tokens.tsv, written from facts about names, not about these
people), arabic-name-romanizer's Wikidata dictionary and its spelling rules, and the rules of
``rasid.names``. The names of person_names_unfitted.tsv (never in the dictionary) are scored the
same way, with the same removal.

A name is right when its romanization equals the reference or an accepted variant, compared as
plain lower-case letters, with "Abd al-", "Abdul ", "Abdel-" taken as one spelling of "abd".

    python bench/names_heldout.py [--folds 5] [--wrong]

``--wrong`` prints every miss on stderr (the Arabic, the answer, the reference).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
import zlib
from pathlib import Path

from rasid.names import NameBook, name_book, spell_name

DATA = Path(__file__).parents[1] / "tests" / "data" / "names"
TABLE = DATA / "person_names.tsv"
UNFITTED = DATA / "person_names_unfitted.tsv"
_ABD = re.compile(r"\babd(?:[ -]?(?:ul|el|al|ol))?[ -]?")

Row = tuple[str, str, list[str]]


def read_rows(table: Path) -> list[Row]:
    """(Arabic, English reference, accepted variants) of each row of a names table."""
    rows = []
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("arabic\t") or not line.strip():
            continue
        arabic, english, variants, *_source = line.split("\t")
        rows.append((arabic, english, [v for v in variants.split("|") if v]))
    return rows


def compare_key(name: str) -> str:
    """A spelling as compared: lower-case letters only, the spellings of "abd" as one."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", _ABD.sub("abd", plain))


def is_right(answer: str, english: str, variants: list[str]) -> bool:
    return compare_key(answer) in {compare_key(x) for x in [english, *variants]}


def fold_of(english: str, folds: int) -> int:
    return zlib.crc32(compare_key(english).encode()) % folds


def score(rows: list[Row], book: NameBook, wrong: list[tuple[str, str, str]]) -> int:
    right = 0
    for arabic, english, variants in rows:
        answer = spell_name(arabic, book)
        if is_right(answer, english, variants):
            right += 1
        else:
            wrong.append((arabic, answer, english))
    return right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--wrong", action="store_true", help="print the misses on stderr")
    args = parser.parse_args()
    book = name_book()
    table = read_rows(TABLE)
    unfitted = read_rows(UNFITTED)
    started = time.perf_counter()
    wrong_table: list[tuple[str, str, str]] = []
    held_right = 0
    for k in range(args.folds):
        fold = [r for r in table if fold_of(r[1], args.folds) == k]
        held_right += score(fold, book.without(a for a, _en, _var in fold), wrong_table)
    wrong_unfitted: list[tuple[str, str, str]] = []
    unfitted_right = score(unfitted, book.without(a for a, _en, _var in unfitted), wrong_unfitted)
    fitted_right = score(table, book, [])
    seconds = time.perf_counter() - started
    both = len(table) + len(unfitted)
    result = {
        "folds": args.folds,
        "table_names": len(table),
        "table_heldout_rate": round(held_right / len(table), 4),
        "unfitted_names": len(unfitted),
        "unfitted_rate": round(unfitted_right / len(unfitted), 4),
        "heldout_rate_all": round((held_right + unfitted_right) / both, 4),
        "table_fitted_rate": round(fitted_right / len(table), 4),
        "seconds": round(seconds, 2),
    }
    if args.wrong:
        for label, misses in (("table", wrong_table), ("unfitted", wrong_unfitted)):
            for arabic, answer, english in misses:
                print(f"{label}\t{arabic}\t{answer}\t{english}", file=sys.stderr)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
