"""Calendar arithmetic for temporal expressions: spans, weeks, parts of periods, seasons, Hijri.

Conventions (decided here once, documented in ``rasid.time``):
- a week runs Saturday to Friday, as calendars in Iraq, Syria and Jordan print it;
- parts of a period: a week splits into Sat-Mon, Mon-Wed, Wed-Fri; a month into days 1-10,
  11-20, 21-end; a year into Jan-Mar, Jun-Jul, Oct-Dec (early, mid, late);
- seasons are meteorological: spring Mar-May, summer Jun-Aug, autumn Sep-Nov, winter Dec-Feb;
- a month or day-and-month without a year takes the occurrence within nine months before and
  two months after publication, unless a direction word says past or next.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "month", "year"]
Direction = Literal["past", "next", "current", "future", "none"]

SATURDAY = 5
_PARTS_MONTH = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}
_PARTS_YEAR = {"early": (1, 3), "mid": (6, 7), "late": (10, 12)}
_PARTS_WEEK = {"early": (0, 2), "mid": (2, 4), "late": (4, 6)}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "winter": (12, 14)}


@dataclass(frozen=True, slots=True)
class Span:
    """A resolved interval [start, end] (inclusive days) read at ``precision``."""

    start: date
    end: date
    precision: Precision

    def value(self) -> str:
        return iso(self.start, self.precision)

    def value_end(self) -> str | None:
        end = iso(self.end, self.precision)
        return end if end != self.value() else None


def iso(d: date, precision: Precision) -> str:
    if precision == "year":
        return f"{d.year:04d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


def last_day(year: int, month: int) -> int:
    return _cal.monthrange(year, month)[1]


def valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= last_day(year, month) and 1 <= year <= 9999


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    n = year * 12 + (month - 1) + k
    return n // 12, n % 12 + 1


def day_span(d: date) -> Span:
    return Span(d, d, "day")


def days_span(a: date, b: date) -> Span:
    return Span(min(a, b), max(a, b), "day")


def month_span(
    year: int, month: int, year_end: int | None = None, month_end: int | None = None
) -> Span:
    ye, me = (year, month) if year_end is None or month_end is None else (year_end, month_end)
    return Span(date(year, month, 1), date(ye, me, last_day(ye, me)), "month")


def year_span(year: int, year_end: int | None = None) -> Span:
    return Span(date(year, 1, 1), date(year_end or year, 12, 31), "year")


def week_start(d: date) -> date:
    return d - timedelta(days=(d.weekday() - SATURDAY) % 7)


def week_span(pub: date, offset: int) -> Span:
    ws = week_start(pub) + timedelta(days=7 * offset)
    return days_span(ws, ws + timedelta(days=6))


def part_of_week(pub: date, offset: int, part: str) -> Span:
    ws = week_start(pub) + timedelta(days=7 * offset)
    a, b = _PARTS_WEEK[part]
    return days_span(ws + timedelta(days=a), ws + timedelta(days=b))


def part_of_month(year: int, month: int, part: str) -> Span:
    a, b = _PARTS_MONTH[part]
    return days_span(date(year, month, a), date(year, month, min(b, last_day(year, month))))


def part_of_year(year: int, part: str) -> Span:
    a, b = _PARTS_YEAR[part]
    return month_span(year, a, year, b)


def weekday_near(pub: date, weekday: int, direction: Direction) -> date:
    """The weekday nearest publication: on or before it by default, strictly before for past,
    strictly after for next and future."""
    back = (pub.weekday() - weekday) % 7
    if direction in ("next", "future"):
        ahead = (weekday - pub.weekday()) % 7
        return pub + timedelta(days=ahead or 7)
    if direction == "past" and back == 0:
        back = 7
    return pub - timedelta(days=back)


def year_for_month(pub: date, month: int, day: int | None, direction: Direction) -> int:
    """The year of a month (and day) named without one, resolved against publication."""
    if direction == "current":
        return pub.year
    if direction == "past":
        if month < pub.month or (day is not None and month == pub.month and day < pub.day):
            return pub.year
        return pub.year - 1
    if direction == "next":
        if month > pub.month or (day is not None and month == pub.month and day > pub.day):
            return pub.year
        return pub.year + 1
    if direction == "future":
        if month > pub.month or (month == pub.month and (day is None or day >= pub.day)):
            return pub.year
        return pub.year + 1
    delta = (month - pub.month) % 12
    if delta > 2:
        delta -= 12
    return add_months(pub.year, pub.month, delta)[0]


def season_span(
    season: str, pub: date | None, year: int | None, direction: Direction
) -> Span | None:
    a, b = _SEASONS[season]
    if year is not None:
        start_year = year - 1 if season == "winter" else year
        return _season(start_year, a, b)
    if pub is None:
        return None
    if direction == "past":
        y = pub.year
        while True:
            span = _season(y, a, b)
            if span.end < pub:
                return span
            y -= 1
    if direction in ("next", "future"):
        y = pub.year - 1
        while True:
            span = _season(y, a, b)
            if span.start > pub:
                return span
            y += 1
    if season == "winter":
        return _season(pub.year if pub.month == 12 else pub.year - 1, a, b)
    return _season(pub.year, a, b)


def _season(year: int, a: int, b: int) -> Span:
    ye, me = add_months(year, a, b - a)
    return month_span(year, a, ye, me)


def shift_days(pub: date, days: int) -> date:
    return pub + timedelta(days=days)


def hijri_span(year: int, month: int | None, day: int | None) -> Span | None:
    """Gregorian span of a Hijri day, month or year (Umm al-Qura); None outside its range."""
    from hijridate import Hijri

    try:
        if day is not None and month is not None:
            g = Hijri(year, month, day).to_gregorian()
            return day_span(date(g.year, g.month, g.day))
        if month is not None:
            first = Hijri(year, month, 1)
            g1 = first.to_gregorian()
            g2 = Hijri(year, month, first.month_length()).to_gregorian()
        else:
            g1 = Hijri(year, 1, 1).to_gregorian()
            last = Hijri(year, 12, 1)
            g2 = Hijri(year, 12, last.month_length()).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return days_span(date(g1.year, g1.month, g1.day), date(g2.year, g2.month, g2.day))
