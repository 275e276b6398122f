"""Handlers: a grammar match plus its context -> a resolved span, or a refusal.

Each handler gets the regex match of its rule and a ``Context`` (the normalized text, the
publication date, the word right before the expression) and returns ``Res`` or None when a guard
refuses the match. A relative expression without a publication date resolves to ``span=None``:
it is still reported, with no value (never a guess).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from rasid.timex import calendar as cal
from rasid.timex.calendar import Direction, Precision, Span
from rasid.timex.lexicon import TimeLexicon, squash

ABSOLUTE = "absolute"
PUBLICATION = "publication"


@dataclass(slots=True)
class Context:
    text: str
    pub: date | None
    lex: TimeLexicon
    hint: Direction  # "future" after "بحلول", else "none"
    has_context: bool  # a preposition or part word right before the expression


@dataclass(frozen=True, slots=True)
class Res:
    span: Span | None
    anchor: str | None
    rule: str
    end: int | None = None  # where the expression ends, when not at the match end
    since: bool = False  # the expression itself opens a range ("منذ ثلاثة أيام")


def relative(span: Span | None, rule: str, end: int | None = None) -> Res:
    return Res(span, PUBLICATION if span is not None else None, rule, end)


def direction(ctx: Context, word: str | None) -> Direction:
    """The direction a word gives ("الماضي" past, "المقبل" next, "الجاري"/"هذا" current)."""
    if not word:
        return ctx.hint
    w = squash(word)
    value = ctx.lex.values["direction"].get(w) or ctx.lex.values["en_direction"].get(w)
    if value is None and (w in ctx.lex.values["this"] or w in ctx.lex.values["en_this"]):
        value = "current"
    return _DIRECTIONS.get(value or "", ctx.hint)


_DIRECTIONS: dict[str, Direction] = {"past": "past", "next": "next", "current": "current"}
_PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")


def month_of(ctx: Context, word: str) -> int:
    return ctx.lex.months[squash(word)][0]


def _g(m: re.Match[str], name: str) -> str | None:
    """A group's text, or None when it did not take part or the rule has no such group."""
    return m.group(name) if name in m.re.groupindex else None


def _req(m: re.Match[str], name: str) -> str:
    """A group the handler only reads once the match says it took part."""
    return _g(m, name) or ""


def _int(m: re.Match[str], name: str) -> int | None:
    g = _g(m, name)
    return int(g) if g else None


def _offset(d: Direction) -> int:
    return {"past": -1, "next": 1, "future": 1}.get(d, 0)


# --- absolute and calendar dates -------------------------------------------------------------


def numeric(m: re.Match[str], ctx: Context) -> Res | None:
    if _g(m, "iy"):
        y, mo, d = int(_req(m, "iy")), int(_req(m, "im")), int(_req(m, "id"))
        rule = "date.iso"
    else:
        a, b, y = int(_req(m, "a")), int(_req(m, "b")), int(_req(m, "y"))
        d, mo = a, b  # day first, as Arabic text writes it
        if not cal.valid_day(y, mo, d) and cal.valid_day(y, a, b):
            d, mo = b, a  # "12/25/2020": only the month-first reading is a date
        rule = "date.numeric"
    if not (1900 <= y <= 2100 and cal.valid_day(y, mo, d)):
        return None
    return Res(cal.day_span(date(y, mo, d)), ABSOLUTE, rule)


def day_month(m: re.Match[str], ctx: Context) -> Res | None:
    """ "15 أغسطس 2024", "فجر الجمعة 3 كانون الثاني / يناير 2020", "12-13 آذار", "الخامس من
    الشهر الجاري", "15 رجب 1445 هـ", "5 أيار الماضي"."""
    from rasid.numbers import parse_ordinal

    d = _int(m, "d")
    if d is None:
        d = parse_ordinal(squash(_req(m, "dw")))
        if d is None or d > 31:
            return None
    d2 = _int(m, "d2")
    if d2 is not None and d2 <= d:
        return None
    if _g(m, "hm"):
        hm = month_of(ctx, _req(m, "hm"))
        span = cal.hijri_span(int(_req(m, "hy")), hm, d)
        if span is None:
            return None
        if d2 is not None:
            end = cal.hijri_span(int(_req(m, "hy")), hm, d2)
            if end is None:
                return None
            span = cal.days_span(span.start, end.start)
        return Res(span, ABSOLUTE, "date.hijri")
    if _g(m, "pdir"):
        if ctx.pub is None:
            return relative(None, "date.day_relative_month")
        y, mo = cal.add_months(ctx.pub.year, ctx.pub.month, _offset(direction(ctx, _g(m, "pdir"))))
        return _day_span(y, mo, d, d2, PUBLICATION, "date.day_relative_month")
    mo = month_of(ctx, _req(m, "m"))
    if _g(m, "y"):
        y = int(_req(m, "y"))
        if not 1900 <= y <= 2100:
            return None
        return _day_span(y, mo, d, d2, ABSOLUTE, "date.day_month_year")
    if ctx.pub is None:
        return relative(None, "date.day_month")
    y = cal.year_for_month(ctx.pub, mo, d, direction(ctx, _g(m, "dir")))
    wd = _g(m, "wd")
    if wd is not None and d2 is None:
        # "الثلاثاء 7 آب" names its year through the weekday: the nearest year where they agree,
        # within half a year of publication (a weekday the writer got wrong moves nothing)
        named = ctx.lex.weekdays[squash(wd)][0]
        agree = [
            c
            for c in (y, y - 1, y + 1)
            if cal.valid_day(c, mo, d)
            and date(c, mo, d).weekday() == named
            and abs((date(c, mo, d) - ctx.pub).days) <= 183
        ]
        if agree:
            return _day_span(agree[0], mo, d, None, PUBLICATION, "date.day_month_weekday")
    return _day_span(y, mo, d, d2, PUBLICATION, "date.day_month")


def _day_span(y: int, mo: int, d: int, d2: int | None, anchor: str, rule: str) -> Res | None:
    if not cal.valid_day(y, mo, d) or (d2 is not None and not cal.valid_day(y, mo, d2)):
        return None
    start = date(y, mo, d)
    span = cal.days_span(start, date(y, mo, d2)) if d2 is not None else cal.day_span(start)
    return Res(span, anchor, rule + ("_range" if d2 is not None else ""))


def month(m: re.Match[str], ctx: Context, need_context: bool = True) -> Res | None:
    """ "كانون الثاني 2020", "شهر مارس", "نيسان (أبريل)", "نهاية آذار الماضي", "في يناير"."""
    part = _part(ctx, _g(m, "part"))
    cued = _g(m, "mw") or _g(m, "y") or _g(m, "dir") or _g(m, "m2") or part
    if need_context and not (cued or ctx.has_context):
        return None  # "مارس" alone is also a verb; "آب" is also "father"
    mo = month_of(ctx, _req(m, "m"))
    rule = "date.month_part" if part else "date.month"
    if _g(m, "y"):
        y = int(_req(m, "y"))
        anchor = ABSOLUTE
    else:
        if ctx.pub is None:
            return relative(None, rule)
        y = cal.year_for_month(ctx.pub, mo, None, direction(ctx, _g(m, "dir")))
        anchor = PUBLICATION
    span = cal.part_of_month(y, mo, part) if part else cal.month_span(y, mo)
    return Res(span, anchor, rule)


def hijri_month(m: re.Match[str], ctx: Context) -> Res | None:
    span = cal.hijri_span(int(_req(m, "hy")), month_of(ctx, _req(m, "hm")), None)
    return Res(span, ABSOLUTE, "date.hijri") if span is not None else None


def year(m: re.Match[str], ctx: Context, need_context: bool = True) -> Res | None:
    """ "عام 2020", "في 2017", "مطلع 2020", "بين عامي 2014 و2017"; a bare 4-digit number is not
    a year unless a year word, an era mark or a preposition says so."""
    part = _part(ctx, _g(m, "part"))
    if need_context and not (_g(m, "yw") or _g(m, "era") or part or ctx.has_context):
        return None
    y = int(_req(m, "y"))
    y2 = _int(m, "y2")
    if not 1900 <= y <= 2100:
        return None
    if y2 is not None and y2 > y:
        return Res(cal.year_span(y, y2), ABSOLUTE, "date.year_range")
    if y2 is not None:
        return None
    if part:
        return Res(cal.part_of_year(y, part), ABSOLUTE, "date.year_part")
    return Res(cal.year_span(y), ABSOLUTE, "date.year")


def hijri_year(m: re.Match[str], ctx: Context) -> Res | None:
    span = cal.hijri_span(int(_req(m, "hy")), None, None)
    return Res(span, ABSOLUTE, "date.hijri_year") if span is not None else None


def _part(ctx: Context, word: str | None) -> str | None:
    if not word:
        return None
    w = squash(word)
    return ctx.lex.values["part"].get(w) or ctx.lex.values["en_part"].get(w)


# --- relative to publication -----------------------------------------------------------------


def weekday(m: re.Match[str], ctx: Context) -> Res | None:
    """ "الأربعاء" (latest on or before publication), "الأحد الماضي" (strictly before), "الخميس
    المقبل" (strictly after), "ليلة السبت" (the night before Saturday: Friday to Saturday)."""
    wd, strong = ctx.lex.weekdays[squash(_req(m, "wd"))]
    night = _g(m, "night")
    cued = _g(m, "dp") or night or _g(m, "dp2") or _g(m, "dir")
    if not strong and not (
        cued
        or ctx.has_context
        or _set_off(ctx.text, m.start(), m.end())
        or _count_follows(ctx.text, m.end())
    ):
        return None  # "الاثنين" is also "the two"
    rule = "date.weekday_night" if night else "date.weekday_relative"
    if ctx.pub is None:
        return relative(None, rule)
    day = cal.weekday_near(ctx.pub, wd, direction(ctx, _g(m, "dir")))
    if not night:
        return relative(cal.day_span(day), rule)
    wd2 = _g(m, "wd2")
    if wd2:
        nxt = day + timedelta(days=(ctx.lex.weekdays[squash(wd2)][0] - wd) % 7 or 7)
        return relative(cal.days_span(day, nxt), rule)
    return relative(cal.days_span(day - timedelta(days=1), day), rule)


COUNT_WORDS = frozenset({"ما", "نحو", "حوالي", "حوالى", "اكثر", "قرابه", "عشرات", "مئات", "الاف"})


def _count_follows(text: str, end: int) -> bool:
    """A count right after the word ("قُتل الاثنين ما لا يقل عن 55"، "قتل الاثنين 55
    فلسطينيا"): "the two" would need no other number, so the word is the day."""
    nxt = text[end : end + 24].split(maxsplit=1)
    if not nxt:
        return False
    word = nxt[0]
    return word[:1].isdigit() or word in COUNT_WORDS


def _set_off(text: str, start: int, end: int) -> bool:
    """The word stands between commas or brackets, as a weekday in apposition does."""
    after = text[end : end + 2].lstrip()
    before = text[max(0, start - 2) : start].rstrip()
    return (after[:1] in (",", ".", ")", "") and end + 2 <= len(text)) or before[-1:] in (",", "(")


def deictic(m: re.Match[str], ctx: Context) -> Res | None:
    """ "أمس", "اليوم الأحد", "فجر اليوم", "مساء أمس", "ليلة أمس"."""
    word = squash(_req(m, "dx"))
    values = ctx.lex.values
    off = int(values["deictic"].get(word) or values["en_deictic"][word])
    if off == 0 and not _g(m, "wd") and _followed_by_definite_word(ctx, m.end()):
        return None  # "اليوم التالي", "اليوم العالمي": not today
    night = _g(m, "night")
    rule = "date.deictic_night" if night else "date.deictic"
    if ctx.pub is None:
        return relative(None, rule)
    day = ctx.pub + timedelta(days=off)
    if night:
        return relative(cal.days_span(day, day + timedelta(days=1)), rule)
    return relative(cal.day_span(day), rule)


def _followed_by_definite_word(ctx: Context, end: int) -> bool:
    article = next(iter(ctx.lex.values["definite"]))
    nxt = ctx.text[end : end + 20].split(maxsplit=1)
    return bool(nxt) and nxt[0].startswith(article) and len(nxt[0]) > len(article) + 1


def last_night(m: re.Match[str], ctx: Context) -> Res | None:
    word = squash(_req(m, "ln"))
    off = int(
        ctx.lex.values.get("last_night", {}).get(word) or ctx.lex.values["en_last_night"][word]
    )
    if ctx.pub is None:
        return relative(None, "date.last_night")
    day = ctx.pub + timedelta(days=off)
    return relative(cal.days_span(day, day + timedelta(days=1)), "date.last_night")


def period(m: re.Match[str], ctx: Context) -> Res | None:
    """ "الأسبوع الماضي", "الشهر الجاري", "العام المقبل", "هذا الأسبوع", "مطلع العام الحالي"."""
    part = _part(ctx, _g(m, "part"))
    dir_word = _g(m, "dir") or _g(m, "this")
    if not (dir_word or part):
        return None  # "العام" alone is also "general", "public"
    d = direction(ctx, dir_word) if dir_word else "current"
    if d not in ("past", "next", "current"):
        return None
    per_word = squash(_req(m, "per"))
    per = ctx.lex.values["period"].get(per_word) or ctx.lex.values["en_period"][per_word]
    rule = "date.period_part" if part else "date.period_relative"
    if ctx.pub is None:
        return relative(None, rule)
    pub, off = ctx.pub, _offset(d)
    if per == "week":
        span = cal.part_of_week(pub, off, part) if part else cal.week_span(pub, off)
    elif per == "month":
        y, mo = cal.add_months(pub.year, pub.month, off)
        span = cal.part_of_month(y, mo, part) if part else cal.month_span(y, mo)
    else:
        span = cal.part_of_year(pub.year + off, part) if part else cal.year_span(pub.year + off)
    return relative(span, rule)


def ago(m: re.Match[str], ctx: Context) -> Res | None:
    """ "قبل ثلاثة أيام", "قبل يومين", "قبل أيام" (a range), "منذ أسبوعين", "بعد يومين"."""
    from rasid.numbers import parse_number

    rest = ctx.text[m.end() : m.end() + 32].split(maxsplit=2)
    if any(
        w in ctx.lex.kinds and not ctx.lex.kinds[w].isdisjoint({"of", "night_to"}) for w in rest[:2]
    ):
        return None  # "قبل يومين من الانتخابات", "بعد عامين فقط من": another event's time
    if rest and (squash(rest[0]) in ctx.lex.weekdays or rest[0][:1].isdigit()):
        return None  # "منذ يوم الثلاثاء": the weekday rule reads it
    pre = squash(_req(m, "pre"))
    kinds = ctx.lex.kinds.get(pre, frozenset())
    sign = 1 if "after" in kinds else -1
    unit_value = ctx.lex.values["duration"][squash(_req(m, "u"))]
    unit, _, mult = unit_value.partition("*")
    n: int | None = 1 if not mult else (2 if mult == "2" else None)
    count = _req(m, "n")
    if count.isdigit():
        n = int(count)
    elif count:
        q = parse_number(count)
        n = int(q.value) if q is not None and not q.vague else None
    if n is None and (sign > 0 or unit == "year"):
        return None  # "بعد أيام", "منذ سنوات": too vague to place
    if sign > 0 and unit in ("month", "year"):
        return None  # "بعد أربع سنوات" tells a story's time more often than a date ahead
    since = "since" in kinds
    rule = "date.after_duration" if sign > 0 else ("date.since_duration" if since else "date.ago")
    span = _back(ctx.pub, unit, n, sign) if ctx.pub is not None else None
    return Res(span, PUBLICATION if span else None, rule, since=since)


def _back(pub: date, unit: str, n: int | None, sign: int) -> Span:
    if unit == "hour":
        return cal.day_span(pub + timedelta(days=sign * ((n or 0) // 24)))
    if unit == "day":
        if n is None:
            return cal.days_span(pub - timedelta(days=7), pub - timedelta(days=1))
        return cal.day_span(pub + timedelta(days=sign * n))
    if unit == "week":
        if n is None:
            return cal.days_span(pub - timedelta(days=42), pub - timedelta(days=14))
        return cal.day_span(pub + timedelta(days=sign * 7 * n))
    if unit == "month":
        if n is None:
            y1, m1 = cal.add_months(pub.year, pub.month, -6)
            y2, m2 = cal.add_months(pub.year, pub.month, -2)
            return cal.month_span(y1, m1, y2, m2)
        y, mo = cal.add_months(pub.year, pub.month, sign * n)
        return cal.month_span(y, mo)
    return cal.year_span(pub.year + sign * (n or 1))


def recent_span(m: re.Match[str], ctx: Context) -> Res | None:
    """ "خلال الأيام الماضية", "الساعات الـ24 الماضية", "الأشهر الأخيرة", "الأيام المقبلة"."""
    d = direction(ctx, _g(m, "dir"))
    if d not in ("past", "next"):
        return None
    if _g(m, "span"):
        unit = ctx.lex.values["span"][squash(_req(m, "span"))]
    else:
        unit = ctx.lex.values["duration"][squash(_req(m, "u"))].partition("*")[0]
    n = _int(m, "n") or _int(m, "n2")
    if ctx.pub is None:
        return relative(None, "date.recent_span")
    pub, sign = ctx.pub, (1 if d == "next" else -1)
    if unit in ("hour", "day", "week"):
        days = {"hour": max(1, (n or 24) // 24), "day": n or 7, "week": 7 * (n or 4)}[unit]
        span = cal.days_span(pub, pub + timedelta(days=sign * days))
    elif unit == "month":
        y, mo = cal.add_months(pub.year, pub.month, sign * (n or 6))
        a, b = sorted([(y, mo), (pub.year, pub.month)])
        span = cal.month_span(a[0], a[1], b[0], b[1])
    else:
        other = pub.year + sign * (n or 3)
        span = cal.year_span(min(other, pub.year), max(other, pub.year))
    return relative(span, "date.recent_span")


def season(m: re.Match[str], ctx: Context) -> Res | None:
    """ "خلال الصيف" (the publication year's summer), "الشتاء الماضي", "صيف 2020"."""
    rest = ctx.text[m.end() : m.end() + 16].split(maxsplit=1)
    if rest and rest[0] in ctx.lex.values.get("season_stop", {}):
        return None  # "الربيع العربي"
    cued = _g(m, "this") or _g(m, "sw") or _g(m, "dir") or _g(m, "y") or _g(m, "part")
    if not (cued or ctx.has_context):
        return None
    word = squash(_req(m, "season"))
    name = ctx.lex.values["season"].get(word) or ctx.lex.values["en_season"][word]
    y = _int(m, "y")
    span = cal.season_span(name, ctx.pub, y, direction(ctx, _g(m, "dir") or _g(m, "this")))
    return Res(span, ABSOLUTE if y else (PUBLICATION if span else None), "date.season")


def combine_range(left: re.Match[str], right: Res, ctx: Context) -> Res | None:
    """ "من 12 إلى 15 آذار 2023", "بين 12 و13 آذار", "من كانون الثاني إلى آذار 2020": the left
    side takes what it lacks (month, year) from the right side."""
    if right.span is None:
        return Res(None, None, "date.range", right.end)
    r = right.span
    d1, y1 = _int(left, "d1"), _int(left, "y1")
    m1 = month_of(ctx, _req(left, "m1")) if _g(left, "m1") else None
    y = y1 or r.start.year
    if d1 is not None:
        mo = m1 or r.start.month
        if not cal.valid_day(y, mo, d1):
            return None
        start, precision = date(y, mo, d1), 0
    elif m1 is not None:
        start, precision = date(y, m1, 1), 1
    elif y1 is not None:
        start, precision = date(y1, 1, 1), 2
    else:
        return None
    coarser = _PRECISIONS[max(precision, _PRECISIONS.index(r.precision))]
    if start > r.end:
        return None
    anchor = ABSOLUTE if right.anchor == ABSOLUTE or y1 else right.anchor
    return Res(Span(start, r.end, coarser), anchor, "date.range", right.end)


def en_ago(m: re.Match[str], ctx: Context) -> Res | None:
    """ "3 days ago", "two weeks ago", "a few days ago" (vague: a range)."""
    word = squash(_req(m, "n2") or _g(m, "n") or "")
    raw = word if word.isdigit() else ctx.lex.values["en_number"].get(word, "n")
    n = int(raw) if raw.isdigit() else None
    unit_value = ctx.lex.values["en_duration"][squash(_req(m, "u") or "")]
    unit = unit_value.partition("*")[0]
    if n is None and unit == "year":
        return None
    if ctx.pub is None:
        return relative(None, "date.ago")
    return relative(_back(ctx.pub, unit, n, -1), "date.ago")
