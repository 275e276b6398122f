"""Sentences and tokens for Arabic (and English) news text, with original offsets.

Written here because general splitters (nltk punkt, spaCy's sentencizer) know neither that the
Arabic comma and semicolon continue a sentence nor Arabic abbreviations such as the agency
credit "أ.ب" or "د." before a name.

Rules, applied to the normalized text (so ؟ ، ؛ arrive as ? , ;):
- a line break always ends a sentence (news bodies put one paragraph a line);
- ``.``, ``!``, ``?`` (and runs of them, and a closing quote or bracket after them) end a
  sentence when followed by a space or the end of the line, or when two or more dots run straight
  into the next word ("للانسحاب..ينظر");
- guards: a dot inside a number ("2.5", "03.05.2021") or after a one- or two-letter abbreviation
  ("أ.ب", "د. أحمد", "U.S.") does not split; nothing splits inside parentheses; a trailing
  parenthesized credit "(رويترز)" stays with the sentence before it.
Risky: an abbreviation of three or more letters followed by a dot still splits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from rasid.records import Sentence, Token
from rasid.text.normalize import NormalizedText

_LINE = re.compile(r"[^\n]+")
_MARK = re.compile(r"[.!?()]")
_END = re.compile(r"(?:[.!?]+|\.\.+)['\")\]]*")
_WORD_BEFORE = re.compile(r"(\w+)$")
_CREDIT = re.compile(r"\s*\([^()\n]{1,40}\)\s*$")
_TOKEN = re.compile(
    r"\d+(?:[.,/:]\d+)*"  # numbers with separators: 2,500  2.5  03/05/2021  21:23
    r"|[^\W\d_]+(?:['\-][^\W\d_]+)*"  # words (letters), with inner apostrophe or hyphen
    r"|\S",  # any other visible character on its own
)
# a word (letters and digits), a mark, or a line break; split on it, the text alternates gap
# (spaces other than the line break, underscores) and word, and no Match object is built
_SPLIT_WORDS = re.compile(r"([^\W_]+|[^\w\s]|\n)")


def _is_abbreviation(line: str, dot: int) -> bool:
    """A dot that ends a one- or two-letter abbreviation, or sits between digits."""
    if dot + 1 < len(line) and line[dot + 1].isdigit() and dot > 0 and line[dot - 1].isdigit():
        return True
    lo = max(0, dot - 4)
    m = _WORD_BEFORE.search(line, lo, dot)
    if m is None:
        return False
    word = m.group(1)
    if len(word) <= 2 and not word.isdigit():
        start = m.start(1)
        if start == lo and lo > 0 and line[lo - 1].isalnum():
            return False
        # "أ.ب" / "U.S." / "د." : short letters; a real short word at a sentence end is rare
        return start == 0 or not line[start - 1].isalnum()
    return False


def _split_line(line: str) -> list[tuple[int, int]]:
    """Sentence spans (relative to the line) inside one line."""
    spans: list[tuple[int, int]] = []
    start = 0
    depth = 0
    n = len(line)
    pos = 0
    for m in _MARK.finditer(line):
        i = m.start()
        if i < pos:
            continue
        ch = line[i]
        if ch == "(":
            depth += 1
            continue
        if ch == ")":
            depth = max(0, depth - 1)
            continue
        if depth:
            continue
        em = _END.match(line, i)
        assert em is not None
        end = em.end()
        run = line[i:end]
        nxt = line[end] if end < n else ""
        boundary = False
        if nxt == "" or nxt.isspace():
            boundary = not (run == "." and _is_abbreviation(line, i))
        elif run.startswith("..") and nxt.isalpha():
            boundary = True
        if boundary:
            spans.append((start, end))
            start = end
        pos = end
    if start < n:
        spans.append((start, n))
    # Attach a trailing parenthesized credit "(رويترز)" to the sentence before it.
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and _CREDIT.fullmatch(line[s:e]):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def split_sentences(norm: NormalizedText) -> tuple[Sentence, ...]:
    """Sentences of the text, trimmed of surrounding space, in original offsets."""
    text = norm.text
    out: list[Sentence] = []
    paragraph = -1
    for lm in _LINE.finditer(text):
        line = lm.group()
        if not line.strip():
            continue
        paragraph += 1
        for s, e in _split_line(line):
            seg = line[s:e]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            a, b = lm.start() + s + lead, lm.start() + e - trail
            if b <= a:
                continue
            oa, ob = norm.to_original_span(a, b)
            out.append(Sentence(index=len(out), start=oa, end=ob, paragraph=paragraph))
    return tuple(out)


def tokenize(norm: NormalizedText, start: int = 0, end: int | None = None) -> tuple[Token, ...]:
    """Tokens of the normalized text between normalized offsets, with original offsets."""
    text = norm.text
    stop = len(text) if end is None else end
    out: list[Token] = []
    for m in _TOKEN.finditer(text, start, stop):
        oa, ob = norm.to_original_span(m.start(), m.end())
        out.append(Token(start=oa, end=ob, norm=m.group()))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Words:
    """The words of a normalized text, as parallel lists (normalized offsets): a run of letters
    and digits, a mark (any other visible character), or a line break. Made once an article
    (``split_words``), for every stage that walks the text word by word."""

    texts: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.texts)


def split_words(text: str) -> Words:
    """The words of a normalized text. One ``re.split`` and C-level maps: no Python call and no
    object a word (``finditer`` builds a Match object a word, which costs more than the rest)."""
    parts = _SPLIT_WORDS.split(text)  # gap, word, gap, word, ..., gap
    # the running sum of the lengths: where each gap and word ends
    bounds = list(accumulate(map(len, parts), initial=0))
    return Words(parts[1::2], bounds[1:-1:2], bounds[2::2])
