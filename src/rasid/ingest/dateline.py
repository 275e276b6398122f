"""Publication dates from datelines at the top of an article, and from date strings in metadata.

What it catches: a short line near the top that is mostly a date, as news sites print it:
"الخميس 8 فبراير 2024 / 21:23", "03/05/2021" (day first), "8 فبراير 2024", "2024-02-08",
"الأحد 3 كانون الثاني/يناير 2020" (Levantine and MSA month names, alone or paired),
"February 8, 2024", "8 Feb 2024", with an optional time ("21:23", "9:23 مساءً", "9:23 PM").
Month names come from months.tsv; Arabic-Indic digits and hamza forms are folded first.

Guards: only the first few non-empty lines are looked at, a line longer than a dateline or
ending with a full stop is skipped, and besides the date the line may hold only the words of
dateline_words.txt (weekdays, "نشر في", "آخر تحديث") and at most three others (a city, a site
name), so a date inside the first sentence of the story is not taken for the publication date.
Numeric dates are read day first, as the Arabic press writes them, unless the second number
cannot be a month. Years outside 1900-2100 are refused.

Risky: a top line such as "8 فبراير 2024" that is an event date rather than a dateline is read as
the publication date; two-digit years and Hijri-only dates are not read.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from rasid.ingest.resources import read_data_lines
from rasid.text import normalize_key

DATELINE_LINES = 5
MAX_DATELINE_CHARS = 120
MAX_EXTRA_WORDS = 3
MIN_YEAR, MAX_YEAR = 1900, 2100
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def month_numbers() -> dict[str, int]:
    """Normalized month name -> month number, from months.tsv."""
    table: dict[str, int] = {}
    for line in read_data_lines("months.tsv"):
        name, number = line.split("\t")
        table[normalize_key(name)] = int(number)
    return table


@lru_cache(maxsize=1)
def dateline_words() -> frozenset[str]:
    """Normalized words a dateline may hold besides its date (dateline_words.txt)."""
    return frozenset(normalize_key(word) for word in read_data_lines("dateline_words.txt"))


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    names = sorted(month_numbers(), key=len, reverse=True)
    month = "(?:" + "|".join(re.escape(n) for n in names) + r")(?![^\W\d_])"
    paired = rf"(?P<m1>{month})(?:\s*[/(-]\s*(?P<m2>{month})\s*\)?)?"
    return (
        re.compile(
            r"(?<![\d/.-])(?P<y>\d{4})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?![\d/.])"
            r"(?:[tT ](?P<h>\d{1,2}):(?P<mi>\d{2}))?"
        ),
        re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4})(?!\d)"),
        re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-\s*)?(?<![^\W\d_]){paired}"
            rf"\s*[,.]?\s*(?P<y>\d{{4}})(?!\d)"
        ),
        re.compile(
            rf"(?<![^\W\d_]){paired}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y>\d{{4}})(?!\d)"
        ),
    )


@lru_cache(maxsize=1)
def clock_halves() -> dict[str, str]:
    """Normalized word after a clock time -> "am" or "pm" (clock_words.tsv)."""
    table: dict[str, str] = {}
    for line in read_data_lines("clock_words.tsv"):
        word, half = line.split("\t")
        table[normalize_key(word)] = half
    return table


@lru_cache(maxsize=1)
def _time_pattern() -> re.Pattern[str]:
    halves = "|".join(re.escape(w) for w in sorted(clock_halves(), key=len, reverse=True))
    return re.compile(
        r"(?<![\d:])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::\d{2})?(?![\d:])"
        rf"(?:\s*(?P<ap>{halves})(?![^\W\d_]))?"
    )


def parse_dateline(line: str) -> str | None:
    """The ISO date (or date-time) of a dateline such as "الخميس 8 فبراير 2024 / 21:23".

    None when the line is not mostly a date (see the module's guards).
    """
    key = normalize_key(line)
    if key.endswith("."):
        return None  # a sentence that mentions a date, not a dateline
    found = _find_date(key)
    if found is None:
        return None
    day, (start, end), time_of_day = found
    rest = key[:start] + " " + key[end:]
    if time_of_day is None:
        clock = _time_pattern().search(rest)
        if clock is not None:
            rest = rest[: clock.start()] + " " + rest[clock.end() :]
            time_of_day = _read_time(clock)
    allowed = dateline_words()
    extra = [word for word in _WORD.findall(rest) if word not in allowed]
    if len(extra) > MAX_EXTRA_WORDS:
        return None
    return _format(day, time_of_day)


def find_dateline(text: str, max_lines: int = DATELINE_LINES) -> str | None:
    """The publication date given by a dateline among the first ``max_lines`` non-empty lines."""
    seen = 0
    pos = 0
    length = len(text)
    while pos < length and seen < max_lines:
        newline = text.find("\n", pos)
        end = length if newline < 0 else newline
        start, pos = pos, end + 1
        if end - start > 2 * MAX_DATELINE_CHARS:
            seen += 1  # a paragraph: it counts as a line but cannot be a dateline
            continue
        line = text[start:end].strip()
        if not line:
            continue
        seen += 1
        if len(line) > MAX_DATELINE_CHARS:
            continue
        value = parse_dateline(line)
        if value is not None:
            return value
    return None


def parse_date(value: str) -> str | None:
    """An ISO date or date-time for a metadata date string, or None when it holds no date.

    ISO 8601 values are kept as given (trimmed); RFC 822 values ("Thu, 08 Feb 2024 21:23:00
    +0000") become ISO date-times; anything else is searched for a written date.
    """
    value = value.strip()
    if not value:
        return None
    if _is_iso(value):
        return value
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None and MIN_YEAR <= parsed.year <= MAX_YEAR:
        return parsed.isoformat()
    found = _find_date(normalize_key(value))
    if found is None:
        return None
    return _format(found[0], found[2])


def _is_iso(value: str) -> bool:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return MIN_YEAR <= parsed.year <= MAX_YEAR and value[:4].isdigit()


def _find_date(key: str) -> tuple[date, tuple[int, int], tuple[int, int] | None] | None:
    months = month_numbers()
    for pattern in _patterns():
        for match in pattern.finditer(key):
            groups = match.groupdict()
            if groups.get("m1") is not None:
                month = months[groups["m1"]]
                if groups.get("m2") is not None and months[groups["m2"]] != month:
                    continue
                day = _make_date(int(groups["y"]), month, int(groups["d"]))
            else:
                day = _read_numeric(int(groups["y"]), int(groups["m"]), int(groups["d"]))
            if day is not None:
                clock = None
                if groups.get("h") is not None:
                    clock = _clock(int(groups["h"]), int(groups["mi"]))
                return day, match.span(), clock
    return None


def _read_numeric(year: int, month: int, day: int) -> date | None:
    if month > 12 >= day:
        # "05/13/2021": the second number cannot be a month, so the writer put the month first.
        month, day = day, month
    return _make_date(year, month, day)


def _make_date(year: int, month: int, day: int) -> date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _read_time(match: re.Match[str]) -> tuple[int, int] | None:
    hour, minute = int(match["h"]), int(match["mi"])
    half = clock_halves().get(match["ap"] or "")
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    return _clock(hour, minute)


def _clock(hour: int, minute: int) -> tuple[int, int] | None:
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _format(day: date, time_of_day: tuple[int, int] | None) -> str:
    if time_of_day is None:
        return day.isoformat()
    return f"{day.isoformat()}T{time_of_day[0]:02d}:{time_of_day[1]:02d}"
