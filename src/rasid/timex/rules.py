"""The grammar of temporal expressions: one anchored regex per rule, and which words start them.

Patterns are templates over word kinds (``%(month)s``, ``%(wd)s`` ...) filled from the data
tables, so they hold no Arabic literals. The scanner finds trigger words (and digits) in one pass
and tries, at each, only the rules that can start with that word, in priority order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

from rasid.data import DEFINITE, DIGIT, Lookback, WordScanner, norm, read_table
from rasid.text import charsets as cs
from rasid.timex import resolve as rv
from rasid.timex.lexicon import TimeLexicon, time_lexicon

Handler = Callable[[re.Match[str], rv.Context], "rv.Res | None"]

YEAR = r"(?:19|20)\d\d(?!\d)"
HYEAR = r"1[34]\d\d(?!\d)"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?!\d)"
B = r"(?!\w)"
# Proclitics a trigger word may carry: wa-, fa-, bi-, li-, ka- ("وبالأمس", "والأربعاء").
PROCLITICS = ("\u0648", "\u0641", "\u0628", "\u0644", cs.KAF)

_MONTHX = r"(?P<m>%(month)s)" + B + r"(?:\s*[/(\-]?\s*(?P<m2>%(month)s)" + B + r"(?:\s*\))?)?"
_YEAR_TAIL = (
    r"(?:\s*,?\s*(?:%(of)s\s+)?(?:%(year_word)s\s+)?(?P<y>"
    + YEAR
    + r")(?:\s*(?:%(era_g)s)"
    + B
    + r")?)?"
)
_DIR = r"(?:\s+(?P<dir>%(direction)s)" + B + r")?"

TEMPLATES: dict[str, str] = {
    "numeric": (
        r"(?<![\d/.\-])(?:(?P<iy>" + YEAR + r")(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)"
        r"(?P<id>\d{1,2})|(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<y>"
        + YEAR
        + r"))(?!\d|[-/.]\d)"
    ),
    "range": (
        r"(?P<from>%(from)s)\s+(?:(?:%(daypart)s)\s+)?(?:(?P<d1>" + DAY + r")\s*)?"
        r"(?:(?P<m1>%(month)s)" + B + r"(?:\s*[/(\-]\s*%(month)s" + B + r"(?:\s*\))?)?\s*)?"
        r"(?:,?\s*(?:%(year_word)s\s+)?(?P<y1>" + YEAR + r")\s*)?(?:(?:%(to)s)" + B + r"|-)\s*"
    ),
    "day_month": (
        r"(?:(?P<dp>%(daypart)s|%(night)s)\s+){0,2}"
        r"(?:(?P<wd>%(wd)s)\s*,?\s*(?:(?:%(daypart)s)\s+)?)?"
        r"(?:%(definite)s)?(?:(?P<d>" + DAY + r")(?:\s*(?:-|(?:%(to)s))\s*(?P<d2>" + DAY + r"))?"
        r"|(?P<dw>%(ordinal)s"
        + B
        + r"(?:\s+(?:%(ten_word)s|(?:%(conj)s)?%(ordinal)s)"
        + B
        + r"){0,2}))"
        r"\s*(?:%(of)s\s+)?(?:%(month_word)s\s+)?"
        r"(?:"
        + _MONTHX
        + _YEAR_TAIL
        + r"|(?P<hm>%(hmonth)s)"
        + B
        + r"\s*,?\s*(?P<hy>"
        + HYEAR
        + r")(?:\s*(?:%(era_h)s)"
        + B
        + r")?|%(period_month)s\s+(?P<pdir>%(direction)s)"
        + B
        + r")"
        + _DIR
    ),
    "hijri_month": (
        r"(?:(?P<part>%(part)s)\s+)?(?:%(month_word)s\s+)?(?P<hm>%(hmonth)s)"
        + B
        + r"\s*,?\s*(?P<hy>"
        + HYEAR
        + r")(?:\s*(?:%(era_h)s)"
        + B
        + r")?"
    ),
    "month": (
        r"(?:(?P<part>%(part)s)\s+)?(?:(?P<mw>%(month_word)s)\s+)?" + _MONTHX + _YEAR_TAIL + _DIR
    ),
    "hijri_year": (r"(?:(?P<yw>%(year_word)s)\s+)?(?P<hy>" + HYEAR + r")\s*(?P<era>%(era_h)s)" + B),
    "year": (
        r"(?:(?P<part>%(part)s)\s+)?(?:(?P<yw>%(year_word)s)\s+)?(?P<y>" + YEAR + r")"
        r"(?:\s*(?P<era>%(era_g)s)" + B + r")?"
        r"(?:\s*(?:-|(?:%(to)s))\s*(?:%(year_word)s\s+)?(?P<y2>" + YEAR + r"))?"
    ),
    "weekday_night": (
        r"(?:(?P<dp>%(daypart)s)\s+)?(?P<night>%(night)s)\s+(?:(?P<dp2>%(daypart)s)\s+)?"
        r"(?P<wd>%(wd)s)"
        + B
        + _DIR
        + r"(?:\s*(?:-|(?:%(night_to)s)"
        + B
        + r")?\s*(?P<wd2>%(wd)s)"
        + B
        + r")?"
    ),
    "weekday": (
        r"(?:(?P<dp>%(daypart)s)\s+)?(?:(?P<dp2>%(daypart)s)\s+)?(?P<wd>%(wd)s)" + B + _DIR
    ),
    "deictic": (
        r"(?:(?P<dp>%(daypart)s)\s+)?(?:(?P<night>%(night)s)\s+)?(?P<dx>%(deictic)s)"
        + B
        + r"(?:\s*[,(]?\s*(?P<wd>%(wd)s)"
        + B
        + r"(?:\s*\))?)?"
    ),
    "last_night": r"(?P<ln>%(last_night)s)" + B,
    "recent_span": (
        r"(?:(?P<span>%(span)s)" + B + r"(?:\s+(?:%(definite)s)?(?P<n>\d+))?"
        r"|(?:%(definite)s)(?P<n2>\d+)\s+(?P<u>%(duration)s)" + B + r")"
        r"(?:\s+%(few)s)?\s+(?P<dir>%(direction)s)" + B
    ),
    "period": (
        r"(?:(?P<part>%(part)s)\s+)?(?:(?P<this>%(this)s)\s+)?(?P<per>%(period)s)" + B + _DIR
    ),
    "season": (
        r"(?:(?P<part>%(part)s)\s+)?(?:(?P<this>%(this)s)\s+)?(?:(?P<sw>%(season_word)s)\s+)?"
        r"(?P<season>%(season)s)"
        + B
        + _DIR
        + r"(?:\s*,?\s*(?:%(year_word)s\s+)?(?P<y>"
        + YEAR
        + r"))?"
    ),
    "ago": (
        r"(?P<pre>%(before)s|%(since)s|%(after)s)\s+(?:(?P<n>\d+|%(numword)s)\s+)?"
        r"(?P<u>%(duration)s)" + B
    ),
    "en_mdy": (
        r"(?:(?P<wd>%(en_wd)s),?\s+)?(?P<m>%(en_month)s)\.?\s+(?P<d>" + DAY + r")"
        r"(?:st|nd|rd|th)?(?:,?\s+(?P<y>" + YEAR + r"))?"
    ),
    "en_dmy": (
        r"(?:(?P<wd>%(en_wd)s),?\s+)?(?P<d>" + DAY + r")(?:st|nd|rd|th)?\s+(?:of\s+)?"
        r"(?P<m>%(en_month)s)" + B + r"\.?(?:,?\s+(?P<y>" + YEAR + r"))?"
    ),
    "en_my": (
        r"(?:(?P<part>%(en_part)s)[-\s]+)?(?P<m>%(en_month)s)" + B + r"\.?,?\s+(?P<y>" + YEAR + r")"
    ),
    "en_weekday": (r"(?:(?P<dir>%(en_direction)s|%(en_this)s)\s+)?(?P<wd>%(en_wd)s)" + B),
    "en_deictic": r"(?:(?P<ln>%(en_last_night)s)|(?P<dx>%(en_deictic)s))" + B,
    "en_period": (
        r"(?:(?P<part>%(en_part)s)[-\s]+)?(?P<dir>%(en_direction)s|%(en_this)s)\s+"
        r"(?P<per>%(en_period)s)" + B
    ),
    "en_ago": (
        r"(?P<n>\d+|%(en_number)s)\s+(?:(?P<n2>%(en_number)s)\s+)?(?P<u>%(en_duration)s)\s+"
        r"(?:%(en_ago)s)" + B
    ),
    "en_year": r"(?:(?P<part>%(en_part)s)[-\s]+)?(?P<y>" + YEAR + r")",
}


def _en_deictic(m: re.Match[str], ctx: rv.Context) -> rv.Res | None:
    return rv.last_night(m, ctx) if m.group("ln") else rv.deictic(m, ctx)


HANDLERS: dict[str, Handler] = {
    "numeric": rv.numeric,
    "day_month": rv.day_month,
    "hijri_month": rv.hijri_month,
    "month": rv.month,
    "hijri_year": rv.hijri_year,
    "year": rv.year,
    "weekday_night": rv.weekday,
    "weekday": rv.weekday,
    "deictic": rv.deictic,
    "last_night": rv.last_night,
    "recent_span": rv.recent_span,
    "period": rv.period,
    "season": rv.season,
    "ago": rv.ago,
    "en_mdy": rv.day_month,
    "en_dmy": rv.day_month,
    "en_my": rv.month,
    "en_weekday": rv.weekday,
    "en_deictic": _en_deictic,
    "en_period": rv.period,
    "en_ago": rv.en_ago,
    "en_year": rv.year,
}

# Which rules a trigger of each kind may start, in priority order (earlier wins).
ORDER = (
    "numeric",
    "range",
    "day_month",
    "hijri_month",
    "month",
    "hijri_year",
    "year",
    "weekday_night",
    "weekday",
    "deictic",
    "last_night",
    "recent_span",
    "period",
    "season",
    "ago",
    "en_mdy",
    "en_dmy",
    "en_my",
    "en_weekday",
    "en_deictic",
    "en_period",
    "en_ago",
    "en_year",
)
STARTS: dict[str, tuple[str, ...]] = {
    "digit": ("numeric", "day_month", "hijri_year", "year", "en_dmy", "en_ago", "en_year"),
    "definite": ("day_month", "recent_span"),
    "daypart": ("day_month", "weekday_night", "weekday", "deictic"),
    "night": ("day_month", "weekday_night", "deictic"),
    "wd": ("day_month", "weekday"),
    "deictic": ("deictic",),
    "last_night": ("last_night",),
    "month": ("month",),
    "hmonth": ("hijri_month",),
    "month_word": ("month", "hijri_month"),
    "part": ("month", "hijri_month", "year", "period", "season"),
    "this": ("period", "season"),
    "period": ("period",),
    "year_word": ("hijri_year", "year"),
    "before": ("ago",),
    "since": ("ago",),
    "after": ("ago",),
    "span": ("recent_span",),
    "season": ("season",),
    "season_word": ("season",),
    "from": ("range",),
    "ordinal": ("day_month",),
    "en_wd": ("en_mdy", "en_weekday"),
    "en_month": ("en_mdy", "en_my"),
    "en_deictic": ("en_deictic",),
    "en_last_night": ("en_deictic",),
    "en_direction": ("en_weekday", "en_period"),
    "en_this": ("en_weekday", "en_period"),
    "en_part": ("en_my", "en_period", "en_year"),
    "en_number": ("en_ago",),
}
# Words right before an expression that make a bare month, year or season a date.
CONTEXT_KINDS = (
    "since",
    "by",
    "in",
    "from",
    "to",
    "before",
    "after",
    "part",
    "en_in",
    "en_since",
    "en_by",
    "en_from",
    "en_to",
    "en_part",
)
# Rules tried on the right side of "من ... إلى ...".
RANGE_RIGHT = ("numeric", "day_month", "month", "year")


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    handler: Handler


@dataclass(frozen=True, slots=True)
class Grammar:
    lex: TimeLexicon
    rules: dict[str, Rule]
    scanner: WordScanner
    starts: dict[str, tuple[Rule, ...]]  # trigger word (or DIGIT/DEFINITE) -> rules
    lookback: Lookback  # a context word right before the expression
    since_word: Lookback  # "منذ" one or two words before the expression ("منذ حرب غزة عام 2014")
    range_right: tuple[Rule, ...]


@cache
def grammar() -> Grammar:
    lex = time_lexicon()
    alts = dict(lex.alts)
    rules: dict[str, Rule] = {}
    for name, template in TEMPLATES.items():
        pattern = re.compile(template % alts)
        handler = HANDLERS.get(name)
        if name == "range":
            handler = _never
        assert handler is not None
        rules[name] = Rule(name, pattern, handler)
    rules["month_free"] = Rule(
        "month", rules["month"].pattern, partial(rv.month, need_context=False)
    )
    rules["year_free"] = Rule("year", rules["year"].pattern, partial(rv.year, need_context=False))
    kinds_of: dict[str, set[str]] = {}
    for kind, words in lex.values.items():
        for w in words:
            kinds_of.setdefault(w, set()).add(kind)
    for w, (_, calendar) in lex.months.items():
        kinds_of.setdefault(w, set()).add(
            {"hijri": "hmonth", "english": "en_month"}.get(calendar, "month")
        )
    for w in lex.weekdays:
        kinds_of.setdefault(w, set()).add("en_wd" if w.isascii() else "wd")
    for row in read_table("number_words.tsv"):
        if row["kind"] in ("ordinal", "ordinal_ten"):
            kinds_of.setdefault(norm(row["word"]), set()).add("ordinal")
    starts: dict[str, tuple[Rule, ...]] = {}
    for w, kinds in kinds_of.items():
        # the article starts expressions only when glued to a number: the scanner's DEFINITE
        names = {r for k in kinds - {"definite"} for r in STARTS.get(k, ())}
        if names:
            starts[w] = tuple(rules[n] for n in ORDER if n in names)
    scanner = WordScanner(starts, PROCLITICS, next(iter(lex.values["definite"])))
    starts[DIGIT] = tuple(rules[n] for n in ORDER if n in STARTS["digit"])
    starts[DEFINITE] = tuple(rules[n] for n in ORDER if n in STARTS["definite"])
    ctx_words = [w for w, kinds in kinds_of.items() if kinds & set(CONTEXT_KINDS)]
    clitics = "".join(PROCLITICS)
    lookback = Lookback(ctx_words, clitics, width=24)
    since_word = Lookback(lex.values["since"], clitics, width=40, skip_word=True)
    return Grammar(
        lex=lex,
        rules=rules,
        scanner=scanner,
        starts=starts,
        lookback=lookback,
        since_word=since_word,
        range_right=tuple(
            rules[n if n in ("numeric", "day_month") else n + "_free"] for n in RANGE_RIGHT
        ),
    )


def _never(m: re.Match[str], ctx: rv.Context) -> rv.Res | None:
    """The range rule is resolved by the scanner, which needs its right side."""
    return None
