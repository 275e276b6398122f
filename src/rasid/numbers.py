"""Numbers in digits and words, with the bound their qualifier gives and the noun they count.

What it catches, on normalized text (digits already ASCII, hamza and ta marbuta folded):
- digits with separators: "2,500", "2.5", "٢٥٠٠" (normalized to "2500"), a scale word after
  them ("150 ألف", "2.5 مليون");
- numbers in words: units and their feminine forms, teens ("أحد عشر", "ثلاثة عشر"), tens with
  "و" compounds ("خمسة وعشرون"), hundreds ("مئة", "مئتين", "ثلاثمئة", "ثلاث مئة"), scales
  ("ألف", "ألفي", "ثلاثة آلاف", "مليون"), and mixes ("ثلاثة آلاف وخمسمئة");
- vague quantities: "عشرات"، "مئات"، "آلاف" (bound more_than the base, ``vague``), "عشرات
  الآلاف"، "بضعة"، "عدة" (at_least 3, ``vague``);
- duals of counted nouns listed in data/figure_units.tsv ("جنديين" = 2);
- qualifiers from data/qualifiers.tsv: "نحو"/"حوالي" (about), "أكثر من" (more_than), "ما لا
  يقل عن" (at_least), "أقل من"/"لا يتجاوز" (at_most), before the number, or "تقريبا"/"على
  الأقل" after it;
- the counted noun: the next word (after an optional "من"), without its article and accusative
  alef: "2500 جندي" -> "جندي", "60 هجوما" -> "هجوم"; "%" and "بالمئة" give unit "%".

Guards: numbers inside numeric dates and clock times ("03/05/2021", "21:23"), a number right
before or after a month name ("10 نوفمبر", "آذار 2023"), and a year after a year word or "في" or
"منذ" are not quantities. Ordinals are not quantities: "الجولة الثالثة" has no cardinal, and the
"عشر" of "الحادي عشر" is skipped. "أحد" alone ("أحد الجنود") is not a number.

Risky: "واحد" in idioms ("في آن واحد") reads as 1; a dual of a noun not in the table is missed;
"2.500" (dot as thousands separator) reads as 2.5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rasid.data import DEFINITE, DIGIT, Lookback, WordScanner, alternation, norm, read_table
from rasid.records import Bound, Quantity
from rasid.text.normalize import NormalizedText, normalize

_PROCLITICS = ("\u0648", "\u0641", "\u0628", "\u0644")  # wa-, fa-, bi-, li-
_FIRST_PRIORITY = (
    "unit",
    "unit_teen",
    "ten",
    "hundred",
    "scale_dual",
    "vague",
    "few",
    "several",
    "scale",
)
_NEXT_PRIORITY = ("scale", "vague", "unit", "ten", "hundred", "scale_dual", "unit_teen")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    words: dict[str, dict[str, int]]  # normalized word -> {kind: value}
    ordinals: frozenset[str]
    conj: str
    duals: frozenset[str]
    percent: re.Pattern[str]
    known_nouns: frozenset[str]
    stop: frozenset[str]
    scanner: WordScanner
    article: str
    digits: re.Pattern[str]
    and_digits: re.Pattern[str]
    next_word: re.Pattern[str]
    before: Lookback
    after: re.Pattern[str]
    bounds_before: dict[str, Bound]
    bounds_after: dict[str, Bound]
    unit_word: re.Pattern[str]
    month_first: frozenset[str]
    month_last: frozenset[str]
    year_words: frozenset[str]
    of_word: str


@cache
def _lexicon() -> _Lexicon:
    words: dict[str, dict[str, int]] = {}
    ordinals: set[str] = set()
    conj = ""
    percent: set[str] = set()
    for row in read_table("number_words.tsv"):
        w, kind, value = norm(row["word"]), row["kind"], int(row["value"])
        if kind in ("ordinal", "ordinal_ten"):
            ordinals.add(w)
        elif kind == "conj":
            conj = w
        elif kind == "percent":
            percent.add(w)
        else:
            words.setdefault(w, {})[kind] = value
    duals = frozenset(
        norm(r["form"])
        for r in read_table("figure_units.tsv")
        if r["dual"] == "1" and " " not in r["form"]
    )
    before: dict[str, Bound] = {}
    after: dict[str, Bound] = {}
    for row in read_table("qualifiers.tsv"):
        target = before if row["position"] == "before" else after
        target[norm(row["phrase"])] = _bound(row["bound"])
    stop = {norm(r["word"]) for r in read_table("unit_stopwords.tsv")}
    months = [norm(r["name"]) for r in read_table("months.tsv")]
    years = [
        norm(r["phrase"])
        for r in read_table("time_words.tsv")
        if r["kind"] in ("year_word", "since") or (r["kind"] == "in" and r["lang"] == "ar")
    ]
    of_word = next(norm(r["phrase"]) for r in read_table("time_words.tsv") if r["kind"] == "of")
    article = next(
        norm(r["phrase"]) for r in read_table("time_words.tsv") if r["kind"] == "definite"
    )
    return _Lexicon(
        words=words,
        ordinals=frozenset(ordinals),
        conj=conj,
        duals=duals,
        percent=re.compile(rf"\s*(?:%|{alternation(percent)}(?!\w))"),
        known_nouns=frozenset(norm(r["form"]) for r in read_table("figure_units.tsv")),
        stop=frozenset(stop),
        scanner=WordScanner([*words, *duals], _PROCLITICS, article),
        article=article,
        digits=re.compile(r"\d+(?:[.,]\d+)*"),
        and_digits=re.compile(rf"\s*{re.escape(conj)}\s*(\d+)(?![\d.,])"),
        next_word=re.compile(rf"\s+(?P<c>{re.escape(conj)})?(?P<w>{alternation(words)})(?!\w)"),
        before=Lookback(before, "".join(_PROCLITICS)),
        after=re.compile(rf"(?:\s+[^\W\d_]+){{0,2}}?\s*,?\s*(?P<q>{alternation(after)})(?!\w)"),
        bounds_before=before,
        bounds_after=after,
        unit_word=re.compile(rf"\s*(?:{re.escape(of_word)}\s+)?(?P<u>[^\W\d_]+|%)"),
        month_first=frozenset(m.split()[0] for m in months),
        month_last=frozenset(m.split()[-1] for m in months),
        year_words=frozenset(years),
        of_word=of_word,
    )


_BOUNDS: dict[str, Bound] = {
    "exact": "exact",
    "about": "about",
    "at_least": "at_least",
    "more_than": "more_than",
    "at_most": "at_most",
}


def _bound(name: str) -> Bound:
    if name not in _BOUNDS:
        raise ValueError(f"unknown bound {name!r} in data/qualifiers.tsv")
    return _BOUNDS[name]


def find_quantities(norm_text: NormalizedText) -> tuple[Quantity, ...]:
    """Every quantity in the text, in order, with original offsets."""
    lex = _lexicon()
    text = norm_text.text
    out: list[Quantity] = []
    consumed = 0
    for at, key in lex.scanner.scan(text):
        if at < consumed:
            continue
        read = _read_at(lex, text, key, at)
        if read is None:
            continue
        value, start, end, vague, rule, bound_default = read
        consumed = end
        q_start, bound = start, bound_default
        bm = lex.before.match(text, start)
        if bm is not None:
            q_start, bound = bm[0], lex.bounds_before[_squash(bm[1])]
        unit = key if rule == "number.dual" else _read_unit(lex, text, end)
        am = lex.after.match(text, end)
        if am is not None and bm is None:
            bound = lex.bounds_after[_squash(am.group("q"))]
        oa, ob = norm_text.to_original_span(q_start, end)
        out.append(
            Quantity(
                start=oa,
                end=ob,
                text=norm_text.original[oa:ob],
                value=value,
                bound=bound,
                rule=rule,
                unit=unit,
                vague=vague,
            )
        )
    return tuple(out)


def parse_number(text: str) -> Quantity | None:
    """The first quantity in a short string ("نحو 150 ألف جندي"), or None."""
    found = find_quantities(normalize(text))
    return found[0] if found else None


def parse_ordinal(words: str) -> int | None:
    """The value of a (normalized) ordinal such as "الخامس" or "الحادي والعشرين"; else None."""
    lex = _lexicon()
    total = 0
    for raw in words.split():
        w = (
            raw[len(lex.conj) :]
            if raw.startswith(lex.conj) and raw[len(lex.conj) :] in (lex.ordinals)
            else raw
        )
        if w in lex.ordinals:
            total += _ordinal_value(w)
        elif lex.words.get(w, {}).get("unit") == 10:
            total += 10
        else:
            return None
    return total or None


@cache
def _ordinal_values() -> dict[str, int]:
    return {
        norm(r["word"]): int(r["value"])
        for r in read_table("number_words.tsv")
        if r["kind"] in ("ordinal", "ordinal_ten")
    }


def _ordinal_value(word: str) -> int:
    return _ordinal_values()[word]


def _squash(s: str) -> str:
    return " ".join(s.split())


def _read_at(
    lex: _Lexicon, text: str, key: str, at: int
) -> tuple[float, int, int, bool, str, Bound] | None:
    """Read the number the scanner found at ``at``: value, span, vague, rule, default bound."""
    if key in (DIGIT, DEFINITE):
        start = at + len(lex.article) if key == DEFINITE else at
        m = lex.digits.match(text, start)
        return _read_digits(lex, text, m) if m is not None else None
    end = at + len(key)
    if key in lex.duals:
        return 2.0, at, end, False, "number.dual", "exact"
    if _after_ordinal(lex, text, at):
        return None
    return _read_words(lex, text, key, at, end)


def _after_ordinal(lex: _Lexicon, text: str, start: int) -> bool:
    prev = text[max(0, start - 12) : start].split()
    return bool(prev) and prev[-1] in lex.ordinals


def _read_digits(
    lex: _Lexicon, text: str, m: re.Match[str]
) -> tuple[float, int, int, bool, str, Bound] | None:
    raw = m.group()
    start, end = m.start(), m.end()
    if _is_date_part(lex, text, raw, start, end):
        return None
    value = _digits_value(raw)
    if value is None:
        return None
    rule = "number.digits"
    nm = lex.next_word.match(text, end)
    if nm is not None and nm.group("c") is None and "scale" in lex.words[nm.group("w")]:
        scale = lex.words[nm.group("w")]["scale"]
        value *= scale
        end = nm.end()
        rule = "number.digits_scale"
        rest = lex.and_digits.match(text, end)  # "19 ألفا و114": the rest after the scale
        if rest is not None and int(rest.group(1)) < scale:
            value += int(rest.group(1))
            end = rest.end()
    return value, start, end, False, rule, "exact"


def _digits_value(raw: str) -> float | None:
    if "," in raw:
        groups = raw.split(",")
        if all(len(g) == 3 for g in groups[1:]) and "." not in groups[-1]:
            return float("".join(groups))
        if len(groups) == 2 and groups[0].isdigit() and groups[1].isdigit():
            return float(f"{groups[0]}.{groups[1]}")  # decimal comma: "2,5 مليون"
        if all(g.replace(".", "", 1).isdigit() for g in groups) and all(
            len(g.split(".")[0]) == 3 for g in groups[1:]
        ):
            return float("".join(groups))
        return None
    if raw.count(".") > 1:
        return None
    return float(raw)


def _is_date_part(lex: _Lexicon, text: str, raw: str, start: int, end: int) -> bool:
    """Digits that belong to a date or a clock time rather than count something."""
    if raw.count(".") > 1:
        return True
    nxt = text[end : end + 2]
    prv = text[max(0, start - 2) : start]
    if len(nxt) == 2 and nxt[0] in "/:-" and nxt[1].isdigit():
        return True
    if len(prv) == 2 and prv[1] in "/:" and prv[0].isdigit():
        return True
    after = text[end : end + 24].replace("/", " ").split(maxsplit=1)
    before = text[max(0, start - 24) : start].replace(",", " ").split()
    if (after and after[0] in lex.month_first) or (before and before[-1] in lex.month_last):
        return True  # "10 نوفمبر", "آذار 2023"
    if len(raw) == 4 and raw.isdigit() and 1900 <= int(raw) <= 2100:
        return bool(before) and before[-1] in lex.year_words
    return False


def _read_words(
    lex: _Lexicon, text: str, word: str, start: int, end: int
) -> tuple[float, int, int, bool, str, Bound] | None:
    kinds = lex.words[word]
    kind = next(k for k in _FIRST_PRIORITY if k in kinds)
    value = kinds[kind]
    if kind in ("vague", "few", "several"):
        return _read_vague(lex, text, kind, value, start, end)
    if kind == "unit_teen":
        nm = lex.next_word.match(text, end)
        if nm is None or nm.group("c") or lex.words[nm.group("w")].get("unit") != 10:
            return None  # "أحد الجنود": one of, not a number
    total, current = 0, 0
    last_kind, last_value = kind, value
    if kind in ("scale", "scale_dual"):
        total = value
    else:
        current = value
    while True:
        nm = lex.next_word.match(text, end)
        if nm is None:
            break
        conj = nm.group("c") is not None
        nkinds = lex.words[nm.group("w")]
        step = _combine(conj, last_kind, last_value, current, nkinds)
        if step is None:
            break
        kind_used, v, total_add, current = step
        total += total_add
        last_kind, last_value = kind_used, v
        end = nm.end()
    value_total = total + current
    if value_total <= 0:
        return None
    return float(value_total), start, end, False, "number.words", "exact"


def _combine(
    conj: bool, last_kind: str, last_value: int, current: int, nkinds: dict[str, int]
) -> tuple[str, int, int, int] | None:
    """One step of reading a number in words: (kind, value, add to total, new current)."""
    if not conj and "scale" in nkinds and last_kind not in ("scale", "scale_dual"):
        scale = nkinds["scale"]
        return "scale", scale, (current or 1) * scale, 0
    if (
        not conj
        and nkinds.get("unit") == 10
        and last_kind in ("unit", "unit_teen")
        and (last_value < 10)
    ):
        return "teen", 10, 0, current + 10
    if (
        not conj
        and "hundred" in nkinds
        and last_kind == "unit"
        and 3 <= last_value <= 9
        and (nkinds["hundred"] == 100)
    ):
        return "hundred", 100, 0, current - last_value + last_value * 100
    if not conj:
        return None
    if "ten" in nkinds and last_kind == "unit" and last_value < 10:
        return "ten", nkinds["ten"], 0, current + nkinds["ten"]
    if last_kind in ("hundred", "scale", "scale_dual"):
        for k in ("hundred", "ten", "unit"):
            if k in nkinds and nkinds[k] < last_value:
                return k, nkinds[k], 0, current + nkinds[k]
    return None


def _read_vague(
    lex: _Lexicon, text: str, kind: str, value: int, start: int, end: int
) -> tuple[float, int, int, bool, str, Bound] | None:
    nm = lex.next_word.match(text, end)
    if nm is not None and nm.group("c") is None:
        nk = lex.words[nm.group("w")]
        mult = nk.get("vague") or nk.get("scale")
        if mult and mult > value:
            if kind == "vague":
                return float(value * mult), start, nm.end(), True, "number.vague", "more_than"
            return float(mult), start, nm.end(), True, "number.vague", "more_than"
    if kind == "vague":
        return float(value), start, end, True, "number.vague", "more_than"
    return 3.0, start, end, True, "number.few", "at_least"


def _read_unit(lex: _Lexicon, text: str, end: int) -> str | None:
    if lex.percent.match(text, end):
        return "%"
    um = lex.unit_word.match(text, end)
    if um is None:
        return None
    word = um.group("u")
    if word in lex.stop or word in lex.words or word in lex.ordinals:
        return None
    return head_of(word)


def head_of(word: str) -> str:
    """The head of a counted noun: no article, no accusative alef ("الجنود" -> "جنود",
    "هجوما" -> "هجوم", "شرطيا" -> "شرطي"); "ضحايا" keeps its final alef."""
    known = _lexicon().known_nouns
    article = _article()
    if word.startswith(article) and len(word) > len(article) + 2:
        word = word[len(article) :]
    # "جنديا", "شرطيا", "هجوما" lose it; "ضحايا" (alef, yeh, alef) and "دعاوا" keep it
    if (len(word) >= 4 and word.endswith(_ALEF)) and (
        word[:-1] in known
        or not (word[-2] in _LONG_VOWELS and (word[-2] != _YEH or word[-3] == _ALEF))
    ):
        word = word[:-1]
    return word


_ALEF = "\u0627"
_YEH = "\u064a"
_LONG_VOWELS = frozenset("\u0627\u0648\u064a")  # alef, waw, yeh


@cache
def _article() -> str:
    return next(norm(r["phrase"]) for r in read_table("time_words.tsv") if r["kind"] == "definite")
