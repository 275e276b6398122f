"""Image captions and photo credits inside an article's text, as spans of that text.

What it catches (cues in captions.yaml): a line that ends with a photo credit in parentheses,
alone or after a photographer or office ("(أ.ب)", "(رويترز)", "(فريد عبد الواحد / ا ف ب)",
"(المكتب الصحفي ... عبر AP)") or after a dash ("... - Getty Images"); a line that starts like a
caption ("تظهر هذه الصورة", "صورة أرشيفية", "Photo:"); a line that is only a credit ("رويترز",
"AFP via Getty Images", "REUTERS/Ahmed Saad"); the same short line printed twice in a row at the
top (a page's image caption repeated by its alt text); lines the HTML reader found in
<figcaption>.

Guards: a parenthesized agency right after "وكالة", "بحسب", "نقلت" ... is the source of a body
sentence ("بحسب وكالة الأنباء السعودية (واس).") and not a credit; a line that ends with a
full stop after the parenthesis is a sentence; caption lines longer than MAX_CAPTION_CHARS are
paragraphs; an English credit line must be short and name a photo agency; a repeated top line
is kept as body text when it is the headline, when a blank line separates the copies, or when it
is long or ends like a sentence (a lead paragraph doubled by a feed's abstract).

Risky: a body paragraph that ends with a bare agency in parentheses and no full stop is taken for
a caption; captions without any cue (a plain descriptive line) are not found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rasid.ingest.resources import read_data_yaml
from rasid.text import normalize_key

MAX_CAPTION_CHARS = 700
MAX_CREDIT_CHARS = 90
MAX_DASH_CREDIT_CHARS = 40
MAX_CREDIT_LINE_CHARS = 80
MAX_CREDIT_NAME_WORDS = 4
TOP_LINES = 5
MAX_REPEATED_CAPTION_CHARS = 120
_SENTENCE_ENDS = (".", "!", "?", ":", "\u061f", "\u06d4")  # with the Arabic ? and Urdu full stop
SOURCE_WINDOW_WORDS = 6
_HEAD_CHARS = 40
_LATIN_WORD = re.compile(r"[a-z]+")
_ARABIC_LETTER = re.compile("[\u0620-\u064a]")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class CaptionCues:
    credits: frozenset[str]
    joiners: re.Pattern[str]
    source_words: frozenset[str]
    starts: tuple[str, ...]
    start_chars: frozenset[str]
    english_agencies: frozenset[str]
    english_words: frozenset[str]


@lru_cache(maxsize=1)
def caption_cues() -> CaptionCues:
    """The cues of captions.yaml, normalized for matching."""
    data = read_data_yaml("captions.yaml")
    starts = tuple(normalize_key(s) for s in data["starts"])
    joiners = sorted((normalize_key(j) for j in data["credit_joiners"]), key=len, reverse=True)
    parts = []
    for joiner in joiners:
        word = joiner[0].isalpha()
        parts.append(rf"(?<!\w){re.escape(joiner)}(?!\w)" if word else re.escape(joiner))
    return CaptionCues(
        credits=frozenset(_credit_key(c) for c in data["credits"]),
        joiners=re.compile(r"\s*(?:" + "|".join(parts) + r")\s*"),
        source_words=frozenset(normalize_key(w) for w in data["source_words"]),
        starts=starts,
        start_chars=_chars_folding_to({start[0] for start in starts}),
        english_agencies=frozenset(data["english_agencies"]),
        english_words=frozenset(data["english_credit_words"]),
    )


def _chars_folding_to(targets: set[str]) -> frozenset[str]:
    # Every character that normalizes to one of ``targets``: lets a line be skipped on its first
    # character before any normalization is paid for.
    ranges = (range(0x20, 0x0700), range(0xFB50, 0xFF00))
    return frozenset(
        ch for block in ranges for ch in map(chr, block) if normalize_key(ch)[:1] in targets
    )


def _credit_key(text: str) -> str:
    return normalize_key(text).strip(" .:-")


def find_captions(
    text: str, *, title: str | None = None, caption_texts: Iterable[str] = ()
) -> tuple[Span, ...]:
    """Spans of ``text`` (whole lines, trimmed) that are image captions or photo credits."""
    cues = caption_cues()
    known = {" ".join(c.split()) for c in caption_texts if c.strip()}
    title_key = " ".join(title.split()) if title else None
    spans: list[Span] = []
    top: list[tuple[Span, str]] = []
    for start, end in _iter_lines(text):
        if len(top) < TOP_LINES:
            top.append(((start, end), text[start:end]))
        if end - start > MAX_CAPTION_CHARS:
            continue
        line = text[start:end]
        if (known and " ".join(line.split()) in known) or is_caption_line(line, cues):
            spans.append((start, end))
    spans.extend(_repeated_top_lines(text, top, title_key))
    return tuple(sorted(set(spans)))


def _iter_lines(text: str) -> Iterator[Span]:
    """(start, end) of every non-blank line, trimmed of surrounding whitespace."""
    pos = 0
    length = len(text)
    while pos < length:
        newline = text.find("\n", pos)
        end = length if newline < 0 else newline
        start = pos
        pos = end + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            yield start, end


def _repeated_top_lines(
    text: str, top: list[tuple[Span, str]], title_key: str | None
) -> Iterator[Span]:
    for (span_a, line_a), (span_b, line_b) in pairwise(top):
        # One line break between the copies: a headline repeated after a blank line is a layout
        # habit of some sites, a caption doubled by its alt text comes without one.
        adjacent = text.count("\n", span_a[1], span_b[0]) == 1
        if adjacent and line_a == line_b and _reads_like_caption(line_a, title_key):
            yield span_a
            yield span_b


def _reads_like_caption(line: str, title_key: str | None) -> bool:
    # A doubled lead paragraph (a feed's abstract followed by the body) is long and ends like a
    # sentence; a doubled caption is short and has no final full stop.
    if len(line) > MAX_REPEATED_CAPTION_CHARS or line.endswith(_SENTENCE_ENDS):
        return False
    return " ".join(line.split()) != title_key


def is_caption_line(line: str, cues: CaptionCues | None = None) -> bool:
    """True when one trimmed line of text is an image caption or a photo credit."""
    cues = cues or caption_cues()
    if len(line) > MAX_CAPTION_CHARS:
        return False
    if line[:1] in cues.start_chars:
        head = normalize_key(line[:_HEAD_CHARS])
        if head.startswith(cues.starts) and any(
            head.startswith(start) and _ends_word(head, len(start)) for start in cues.starts
        ):
            return True
    if len(line) <= MAX_CREDIT_LINE_CHARS:
        bare = _credit_key(line.strip("()[] "))
        if bare in cues.credits or _is_english_credit(line, cues):
            return True
    return _ends_with_credit(line, cues)


def _ends_word(key: str, at: int) -> bool:
    return at >= len(key) or not key[at].isalnum() or not key[at - 1].isalnum()


def _ends_with_credit(line: str, cues: CaptionCues) -> bool:
    stripped = line.rstrip()
    if stripped.endswith(")"):
        opening = stripped.rfind("(")
        if opening < 0 or len(stripped) - opening > MAX_CREDIT_CHARS:
            return False
        inner, before = stripped[opening + 1 : -1], stripped[:opening]
        credit = _is_credit(inner, cues)
    else:
        # "... - Getty Images": after a dash only a whole credit counts, never a credit word
        # that starts a clause ("– تويتر– إلى أداة ...").
        tail = stripped[-MAX_DASH_CREDIT_CHARS:]
        dash = max(tail.rfind(" - "), tail.rfind(" – "), tail.rfind(" | "))
        if dash < 0:
            return False
        inner, before = tail[dash + 3 :], stripped[: len(stripped) - len(tail) + dash]
        credit = _credit_key(inner) in cues.credits or _is_english_credit(inner, cues)
    return credit and not _names_a_source(before, cues)


def _is_credit(inner: str, cues: CaptionCues) -> bool:
    key = normalize_key(inner)
    if key.strip(" .:-") in cues.credits:
        return True
    return any(part.strip(" .:-") in cues.credits for part in cues.joiners.split(key))


def _names_a_source(before: str, cues: CaptionCues) -> bool:
    words = normalize_key(before[-120:]).split()[-SOURCE_WINDOW_WORDS:]
    return any(word.strip(".,:\"'") in cues.source_words for word in words)


def _is_english_credit(line: str, cues: CaptionCues) -> bool:
    if _ARABIC_LETTER.search(line):
        return False
    words = _LATIN_WORD.findall(line.lower())
    if not words or not any(word in cues.english_agencies for word in words):
        return False
    names = [word for word in words if word not in cues.english_words]
    return len(names) <= MAX_CREDIT_NAME_WORDS
