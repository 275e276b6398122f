"""Temporal expressions (Arabic and English) -> ISO dates with a precision, anchored to publication.

What it catches (grammar in ``rasid.timex.rules``, words in data/months.tsv, weekdays.tsv,
time_words.tsv):
- absolute dates in both month systems and the Maghreb one, with an optional weekday and part of
  day: "15 أغسطس 2024", "فجر الجمعة 3 كانون الثاني / يناير 2020", "آذار (مارس) 2021", day-first
  numeric dates "03/05/2021", ISO "2024-08-15", Hijri "15 رجب 1445 هـ" (Umm al-Qura via
  hijridate), years "عام 2003", "في 2017", year ranges "بين عامي 2014 و2017";
- dates relative to publication: weekdays ("الأربعاء" is the latest Wednesday on or before
  publication; "الماضي" strictly before; "المقبل"/"القادم" strictly after), "أمس", "اليوم",
  "فجر اليوم", "الليلة الماضية", "الأسبوع الماضي", "الشهر الجاري", "العام المقبل", parts
  ("مطلع/منتصف/أواخر" + week, month, year or a month name), "5 أيار الماضي" (the latest such day
  before publication), a month without a year (the occurrence from nine months before to two
  months after publication), "قبل أيام" (a range: 7 to 1 days before), "قبل يومين", "خلال
  الأيام الماضية", seasons ("خلال الصيف": the publication year's summer);
- ranges: "12-13 آذار 2023", "من 12 إلى 15 آذار", "من كانون الثاني إلى آذار 2020"; "منذ ..."
  gives an open range (``open_range``) from the date it names; "بحلول ..." resolves forwards;
- common English: "January 3, 2020", "3 January 2020", "on Tuesday", "last week", "yesterday",
  "3 days ago", "in 2020".

Decisions: a week runs Saturday to Friday. "ليلة السبت" is the night before Saturday, as Arabic
reckons nights: the range Friday-Saturday (so either reading of the night is inside it); "ليلة
السبت على الأحد" is Saturday-Sunday; "ليلة أمس" is yesterday-today. Parts: a month splits into
days 1-10, 11-20, 21-end; a year into Jan-Mar, Jun-Jul, Oct-Dec; a week into thirds.

Guards: a bare number is a year only after a year word, an era mark, a month, or a preposition
("في", "منذ", "حتى", "بحلول", "خلال"); a month name alone ("مارس" is also a verb, "آب" also
"father") needs a preposition, "شهر", a year, a direction word or its twin in the other system;
"الاثنين" ("the two") needs a part of day, a direction, a preposition, commas around it or a
count right after it ("قُتل الاثنين ما لا يقل عن 55");
"اليوم" before another definite word ("اليوم التالي") is not today; durations followed by "من"
("قبل يومين من الانتخابات") are relative to another event and skipped; "الربيع العربي" is no
season. Without a publication date, relative expressions are reported with value None.

Risky: a month without a year far from publication; "العام" followed by a direction word inside
another phrase; "الأحد" and "الجمعة" as ordinary words; English month names "may"/"march" are
taken only with a day or a year.
"""

from __future__ import annotations

import datetime as dt

from rasid.data import DIGIT
from rasid.records import TimeExpr
from rasid.text.normalize import NormalizedText, normalize
from rasid.timex import resolve as rv
from rasid.timex.calendar import Direction
from rasid.timex.lexicon import squash
from rasid.timex.rules import Grammar, Rule, grammar

_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}


def find_times(norm: NormalizedText, published: dt.date | None) -> tuple[TimeExpr, ...]:
    """Every temporal expression in the text, in order, with original offsets."""
    g = grammar()
    text = norm.text
    pub = published.date() if isinstance(published, dt.datetime) else published
    out: list[TimeExpr] = []
    consumed = 0
    for start, key in g.scanner.scan(text):
        if start < consumed:
            continue
        found = _try_rules(g, text, key, start, pub)
        if found is None:
            continue
        res, end, since_start, by = found
        since = since_start is not None or res.since
        out.append(
            _expr(norm, res, since_start if since_start is not None else start, end, since, by)
        )
        consumed = end
    return tuple(out)


def parse_date_text(text: str, published: dt.date | None) -> TimeExpr | None:
    """The best temporal expression of a short string (a dateline, a caption, a test case):
    resolved before unresolved, absolute before relative, finer before coarser, longer first."""
    found = find_times(normalize(text), published)
    if not found:
        return None
    return max(
        found,
        key=lambda e: (
            e.value is not None,
            e.anchor == rv.ABSOLUTE,
            _PRECISION_RANK.get(e.precision or "", 0),
            e.end - e.start,
        ),
    )


def _try_rules(
    g: Grammar, text: str, key: str, start: int, pub: dt.date | None
) -> tuple[rv.Res, int, int | None, bool] | None:
    rules = _digit_rules(g, text, start) if key == DIGIT else g.starts.get(key)
    if not rules:
        return None
    ctx: rv.Context | None = None
    since_start = None
    for rule in rules:
        m = rule.pattern.match(text, start)
        if m is None:
            continue
        if ctx is None:  # the word before matters only once a rule matches
            ctx, since_start = _context(g, text, start, pub)
        try:
            res = _range(g, m, ctx) if rule.name == "range" else rule.handler(m, ctx)
        except (ValueError, OverflowError):
            res = None  # "قبل 14500 سنة": outside the calendar Python can hold, not a date
        if res is not None:
            end = res.end if res.end is not None else m.end()
            return res, end, since_start, ctx.hint == "future"
    return None


def _digit_rules(g: Grammar, text: str, start: int) -> tuple[Rule, ...]:
    """The rules worth trying at a number, judged by its length and the character after it:
    most numbers in news count things, and trying every date rule on each is the main cost."""
    end = start
    n = len(text)
    while end < n and text[end].isdigit():
        end += 1
    size = end - start
    nxt = text[end] if end < n else " "
    if size == 4:
        names = _AT_YEAR_SEP if nxt in "-/." else _AT_YEAR
    elif size <= 2:
        names = _AT_DAY_SEP if nxt in "-/." else _AT_DAY
    else:
        return ()
    return tuple(r for r in g.starts[DIGIT] if r.name in names)


_AT_YEAR = frozenset({"hijri_year", "year", "en_year"})
_AT_YEAR_SEP = frozenset({"numeric", "year", "en_year"})
_AT_DAY = frozenset({"day_month", "en_dmy", "en_ago"})
_AT_DAY_SEP = frozenset({"numeric", "day_month"})


def _context(
    g: Grammar, text: str, start: int, pub: dt.date | None
) -> tuple[rv.Context, int | None]:
    """What the word before the expression says: a preposition that makes a bare month or year
    a date, "منذ" (an open range, start of the span), "بحلول" (resolve forwards)."""
    lb = g.lookback.match(text, start)
    hint: Direction = "none"
    since_start = None
    if lb is not None:
        kinds = g.lex.kinds.get(squash(lb[1]), frozenset())
        if kinds & {"since", "en_since"}:
            hint, since_start = "past", lb[0]
        elif kinds & {"by", "en_by"}:
            hint = "future"
    else:
        lb = g.since_word.match(text, start)
        if lb is not None:
            hint, since_start = "past", lb[0]
    return rv.Context(text, pub, g.lex, hint, lb is not None), since_start


def _range(g: Grammar, left: object, ctx: rv.Context) -> rv.Res | None:
    import re

    assert isinstance(left, re.Match)
    if not (left.group("d1") or left.group("m1") or left.group("y1")):
        return None
    for rule in g.range_right:
        m = rule.pattern.match(ctx.text, left.end())
        if m is None:
            continue
        right = rule.handler(m, ctx)
        if right is not None:
            end = right.end if right.end is not None else m.end()
            combined = rv.combine_range(
                left, rv.Res(right.span, right.anchor, right.rule, end), ctx
            )
            if combined is not None:
                return combined
    return None


def _expr(
    norm: NormalizedText, res: rv.Res, start: int, end: int, since: bool, by: bool
) -> TimeExpr:
    oa, ob = norm.to_original_span(start, end)
    span = res.span
    return TimeExpr(
        start=oa,
        end=ob,
        text=norm.original[oa:ob],
        value=span.value() if span is not None else None,
        precision=span.precision if span is not None else None,
        rule=res.rule + (".since" if since and not res.since else "") + (".by" if by else ""),
        value_end=span.value_end() if span is not None and not since else None,
        anchor=res.anchor if span is not None else None,
        open_range=since,
    )
