"""Arabic normalization for matching, with a map from every normalized offset to the original.

Written here rather than taken from pyarabic or camel_tools because both drop offsets: Rasid
stores only original offsets, so every normalized character must know where it came from.

What it folds: hamza/alef forms to bare alef, hamza carriers (ؤ ئ) to hamza, alef maqsura to yeh,
ta marbuta to heh, Persian kaf/yeh/heh to Arabic, diacritics and tatweel removed, Arabic-Indic and
Persian digits to ASCII, presentation forms and ligatures through NFKC, bidi and zero-width
controls removed, Arabic punctuation and quote/dash/space variants to ASCII, Latin case folded.

The offset map is piecewise linear: a list of breakpoints ``(normalized index, delta)`` where
``original = normalized + delta`` until the next breakpoint. Deletions raise delta; expansions
(one original character becoming several, as in a lam-alef ligature) add one breakpoint per extra
character. Text without special characters costs one ``str.translate`` and an empty map.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasid.caches import word_cache
from rasid.text import charsets as cs


def _build_simple_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for ch in cs.ALEF_FORMS:
        table[ord(ch)] = cs.ALEF
    for ch in cs.HAMZA_CARRIERS:
        table[ord(ch)] = cs.HAMZA
    table[ord(cs.ALEF_MAQSURA)] = cs.YEH
    for ch in cs.FARSI_YEH_FORMS:
        table[ord(ch)] = cs.YEH
    table[ord(cs.TEH_MARBUTA)] = cs.HEH
    for ch in cs.HEH_FORMS:
        table[ord(ch)] = cs.HEH
    for ch in cs.KAF_FORMS:
        table[ord(ch)] = cs.KAF
    for i, ch in enumerate(cs.ARABIC_INDIC_DIGITS):
        table[ord(ch)] = str(i)
    for i, ch in enumerate(cs.PERSIAN_DIGITS):
        table[ord(ch)] = str(i)
    table[ord(cs.ARABIC_COMMA)] = ","
    table[ord(cs.ARABIC_SEMICOLON)] = ";"
    table[ord(cs.ARABIC_QUESTION)] = "?"
    table[ord(cs.ARABIC_PERCENT)] = "%"
    table[ord(cs.ARABIC_DECIMAL_SEP)] = "."
    table[ord(cs.ARABIC_THOUSANDS_SEP)] = ","
    table[ord(cs.ARABIC_FULL_STOP)] = "."
    for ch in cs.DOUBLE_QUOTES:
        table[ord(ch)] = '"'
    for ch in cs.SINGLE_QUOTES:
        table[ord(ch)] = "'"
    for ch in cs.DASHES:
        table[ord(ch)] = "-"
    for ch in cs.SPACES:
        table[ord(ch)] = " "
    table[ord("\t")] = " "
    table[ord("\r")] = "\n"
    table[ord("\u2028")] = "\n"
    table[ord("\u2029")] = "\n"
    table[ord("\x0b")] = "\n"
    table[ord("\x0c")] = "\n"
    table[ord("\x85")] = "\n"
    for ch in cs.DIACRITICS | cs.INVISIBLE_CONTROLS | {cs.TATWEEL}:
        table[ord(ch)] = None
    for c in range(ord("A"), ord("Z") + 1):
        table[c] = chr(c + 32)
    return table


_SIMPLE = _build_simple_table()


def _map_once(ch: str) -> str:
    """One step of the per-character mapping (may expand or delete)."""
    if ord(ch) in _SIMPLE:
        return _SIMPLE[ord(ch)] or ""
    if ch.isascii():
        return ch
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf"):
        return ""
    if cat == "Cc":
        return ch if ch == "\n" else " "
    if cat.startswith("Z"):
        return " " if cat == "Zs" else "\n"
    nfkc = unicodedata.normalize("NFKC", ch)
    return nfkc.casefold()


@lru_cache(maxsize=65536)
def map_char(ch: str) -> str:
    """The normalized form of one original character: iterate to a fixed point."""
    out = _map_once(ch)
    for _ in range(6):
        nxt = "".join(_map_once(c) for c in out)
        if nxt == out and all(_map_once(c) == c for c in out):
            return out
        out = nxt
    # A character that does not settle is dropped rather than left unstable.
    return "".join(c for c in out if _map_once(c) == c)


def _candidate_codes() -> list[int]:
    codes = [0x0A, *range(0x20, 0x7F)]
    codes += list(range(0x00A0, 0x0180)) + list(range(0x0600, 0x0700))
    codes += list(range(0x2010, 0x2040))
    return codes


def _build_fast_tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """Characters that map to exactly one character go through ``str.translate``; the regex
    finds every other character (deletions, expansions, anything not checked here)."""
    table: dict[int, str] = {}
    safe: list[int] = []
    for code in _candidate_codes():
        rep = map_char(chr(code))
        if len(rep) == 1:
            safe.append(code)
            if rep != chr(code):
                table[code] = rep
    ranges: list[tuple[int, int]] = []
    for code in safe:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return table, re.compile(f"[^{parts}]")


_TRANSLATE, _UNSAFE = _build_fast_tables()
# The characters that change, for replacing one distinct character at a time: a C-speed scan
# each, where str.translate looks every character of non-ASCII text up in the table. Valid while
# no replacement is itself replaced (checked here; translate is kept otherwise).
_BY_CHAR = {chr(code): rep for code, rep in _TRANSLATE.items()}
_CHANGING = re.compile(
    f"[{''.join(re.escape(ch) for ch in sorted(_BY_CHAR))}]" if _BY_CHAR else "(?!)"
)
_ONE_PASS = not set(_BY_CHAR.values()) & set(_BY_CHAR)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalized text plus the map back to the original text."""

    original: str
    text: str
    _bp_index: tuple[int, ...]
    _bp_delta: tuple[int, ...]
    _o_starts: tuple[int, ...] = ()  # original offset where each breakpoint's segment starts
    # whether one original character became several (a ligature): only then do several
    # offsets map to one and ``to_normalized`` must look back over them
    _expanded: bool = True

    def to_original(self, i: int) -> int:
        """Original offset of normalized offset ``i`` (``len(text)`` maps to ``len(original)``)."""
        if i >= len(self.text):
            return len(self.original)
        if not self._bp_index:
            return i
        k = bisect_right(self._bp_index, i) - 1
        return i + (self._bp_delta[k] if k >= 0 else 0)

    def words_of(self, start: int, end: int) -> list[str]:
        """The words of the original [start, end) as ``normalize_key`` gives them, read from
        the normalized text: each character normalizes alone, so the span's part of the
        normalized text is the span normalized, and a passage of the article (a sentence, a
        quote) is not normalized a second time, nor kept in the word cache."""
        return self.text[self.to_normalized(start) : self.to_normalized(end)].split()

    def to_original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering the normalized [start, end)."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1

    def to_original_spans(self, spans: Iterable[Sequence[Any]]) -> list[tuple[int, int]]:
        """``to_original_span`` of each span's first two items (its start and end; the rest of
        a record is left alone): non-empty spans of the text, in text order and not
        overlapping, so one walk along the map serves them all."""
        bp = self._bp_index
        if not bp:
            # an offset inside the text maps to itself (the end of a span to one past the
            # offset of its last character, itself)
            return [(span[0], span[1]) for span in spans]
        deltas = self._bp_delta
        out: list[tuple[int, int]] = []
        n, size, last = len(self.text), len(self.original), len(bp)
        k = 0  # breakpoints at or before the offset last mapped
        delta = 0
        for span in spans:
            i, j = span[0], span[1] - 1
            while k < last and bp[k] <= i:
                delta = deltas[k]
                k += 1
            start = i + delta if i < n else size
            while k < last and bp[k] <= j:
                delta = deltas[k]
                k += 1
            out.append((start, (j + delta if j < n else size) + 1))
        return out

    def to_normalized(self, o: int) -> int:
        """The first normalized offset whose original offset is >= ``o``."""
        # comparisons rather than min() and max(): the stages call this hundreds of times an
        # article
        n = len(self.text)
        bp = self._bp_index
        if not bp:
            return o if o < n else n
        # segment k covers normalized [idx_k, idx_k+1) and original [idx_k + d_k, ...)
        k = bisect_right(self._o_starts, o) - 1
        if k < 0:
            i = o if o < bp[0] else bp[0]
            return i if i < n else n
        start = bp[k]
        stop = bp[k + 1] if k + 1 < len(bp) else n
        i = o - self._bp_delta[k]
        i = start if i < start else stop if i > stop else i
        if not self._expanded:
            return i if i < n else n  # no plateau: the offset before maps before ``o`` already
        # plateaus (one original character expanded) map several offsets to one: go back
        while i > 0 and i <= n and self.to_original(i - 1) >= o:
            i -= 1
        return min(i, n)


def normalize(text: str) -> NormalizedText:
    """Normalize ``text`` for matching and keep the offset map."""
    specials = [m.start() for m in _UNSAFE.finditer(text) if len(map_char(m.group())) != 1]
    if not specials:
        return NormalizedText(text, _translate_plain(text), (), ())
    pieces: list[str] = []
    bp_index: list[int] = []
    bp_delta: list[int] = []
    n = 0  # length of normalized output so far
    prev = 0
    delta = 0
    expanded = False
    for pos in specials:
        if pos > prev:
            chunk = _translate_plain(text[prev:pos])
            pieces.append(chunk)
            n += len(chunk)
        rep = map_char(text[pos])
        expanded = expanded or len(rep) > 1
        # rep characters all come from original position pos
        for j, ch in enumerate(rep):
            pieces.append(ch)
            d = pos - n
            if d != delta or j > 0:
                bp_index.append(n)
                bp_delta.append(d)
                delta = d
            n += 1
        # after this character, the next normalized char maps to pos + 1
        d_after = pos + 1 - n
        if d_after != delta:
            bp_index.append(n)
            bp_delta.append(d_after)
            delta = d_after
        prev = pos + 1
    if prev < len(text):
        pieces.append(_translate_plain(text[prev:]))
    out = "".join(pieces)
    # Collapse breakpoints at the same index (keep the last one).
    idx: list[int] = []
    dl: list[int] = []
    for i, d in zip(bp_index, bp_delta, strict=True):
        if idx and idx[-1] == i:
            dl[-1] = d
        else:
            idx.append(i)
            dl.append(d)
    starts = tuple(i + d for i, d in zip(idx, dl, strict=True))
    return NormalizedText(text, out, tuple(idx), tuple(dl), starts, expanded)


def _translate_plain(chunk: str) -> str:
    """Map a run of characters that each normalize to exactly one character."""
    if _UNSAFE.search(chunk) is None:
        if not _ONE_PASS:
            return chunk.translate(_TRANSLATE)
        for ch in set(_CHANGING.findall(chunk)):
            chunk = chunk.replace(ch, _BY_CHAR[ch])
        return chunk
    return "".join(map_char(c) for c in chunk)


def normalize_text(text: str) -> str:
    """``normalize(text).text`` without the offset map: every character that does not map to
    itself one for one replaced in one ``re.sub``, then the rest as ``normalize`` does."""
    if _UNSAFE.search(text) is not None:
        text = _UNSAFE.sub(_map_match, text)
    # every character map_char gives maps to itself: the pass below leaves them as they are
    return _translate_plain(text)


def _map_match(m: re.Match[str]) -> str:
    return map_char(m.group())


def normalize_passage(text: str) -> str:
    """``normalize_key``'s form of a passage met once (a sentence, an event's search text),
    not cached: kept in the word cache, such passages filled it with text that never comes
    again (in the writing process, about 2 KB an event written)."""
    return " ".join(normalize_text(text).split())


@word_cache(40_000)
def normalize_key(text: str) -> str:
    """The normalized form used as a dictionary key: normalized, spaces collapsed, trimmed
    (cached: the stages key the same names and words again and again, article after article)."""
    return normalize_passage(text)
