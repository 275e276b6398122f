"""A sentence seen by the event rules: words, clauses, quotes, mentions, dates and numbers.

Everything here works on the normalized text (one dict lookup per word against the lexicons) and
keeps, for each word, its normalized span, so that mentions, dates and numbers found by earlier
stages (in original offsets) can be placed among the words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rasid.doc import Doc
from rasid.records import Entity, Mention, Quantity, Sentence, TimeExpr

_WORD = re.compile(r"\w+|[\"',;:()\-]")
CLAUSE_PUNCT = frozenset({";", ":"})
QUOTE = '"'


@dataclass(frozen=True, slots=True)
class Word:
    i: int
    start: int  # normalized offsets
    end: int
    text: str
    bare: str  # without a leading conjunction و/ف when the rest is a word
    clause: int
    in_quote: bool
    stem: str = ""  # without the article and prepositions too ("والقوات" -> "قوات")

    def is_in(self, words: frozenset[str]) -> bool:
        return self.text in words or self.bare in words or (bool(self.stem) and self.stem in words)


@dataclass(frozen=True, slots=True)
class Placed:
    """A mention, date or number placed among the words: [first, last] word indexes."""

    first: int
    last: int
    mention: Mention | None = None
    entity: Entity | None = None
    time: TimeExpr | None = None
    quantity: Quantity | None = None


@dataclass(frozen=True, slots=True)
class SentenceView:
    doc: Doc
    sentence: Sentence
    words: tuple[Word, ...]
    mentions: tuple[Placed, ...]
    times: tuple[Placed, ...]
    quantities: tuple[Placed, ...]
    nstart: int
    nend: int

    def text(self) -> str:
        return self.doc.article.text[self.sentence.start : self.sentence.end]

    def clause_words(self, clause: int) -> tuple[Word, ...]:
        return tuple(w for w in self.words if w.clause == clause)

    def has_phrase(self, phrases: tuple[tuple[str, ...], ...], lo: int, hi: int) -> bool:
        """True when one of the phrases occurs among words[lo:hi] (conjunctions ignored)."""
        return self.find_phrase(phrases, lo, hi) is not None

    def find_phrase(
        self, phrases: tuple[tuple[str, ...], ...], lo: int, hi: int
    ) -> tuple[int, int] | None:
        words = self.words
        lo, hi = max(0, lo), min(len(words), hi)
        index = _phrase_index(phrases)
        for i in range(lo, hi):
            w = words[i]
            cands = index.get(w.text) or index.get(w.bare) or index.get(w.stem)
            if not cands:
                continue
            for p in cands:
                n = len(p)
                if i + n > hi:
                    continue
                if all(
                    p[k] in (words[i + k].text, words[i + k].bare, words[i + k].stem)
                    for k in range(1, n)
                ):
                    return i, i + n
        return None


_INDEXES: dict[int, dict[str, tuple[tuple[str, ...], ...]]] = {}


def _phrase_index(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases by their first word; cue lists are built once per process, so keyed by id."""
    found = _INDEXES.get(id(phrases))
    if found is None:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            by_first.setdefault(p[0], []).append(p)
        found = {k: tuple(v) for k, v in by_first.items()}
        _INDEXES[id(phrases)] = found
    return found


@lru_cache(maxsize=200_000)
def _bare(word: str) -> str:
    if len(word) > 3 and word[0] in "وف":
        return word[1:]
    return word


_ARTICLE_PREFIXES = ("وبال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    for p in _ARTICLE_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            return word[len(p) :]
    if len(word) >= 5 and word[0] in "بلك":
        return word[1:]  # "بضربة", "لقصف": a preposition on an indefinite noun
    return word


def _connector_words() -> frozenset[str]:
    from rasid.events.lexicon import load_lexicon

    return load_lexicon().words.get("clause_connectors", frozenset())


def view_sentence(
    doc: Doc,
    sentence: Sentence,
    entity_of: dict[str, Entity],
    connectors: frozenset[str],
) -> SentenceView:
    """Words, clauses and placed layers of one sentence."""
    norm = doc.norm
    ns, ne = norm.to_normalized(sentence.start), norm.to_normalized(sentence.end)
    words: list[Word] = []
    clause = 0
    in_quote = False
    for m in _WORD.finditer(norm.text, ns, ne):
        tok = m.group()
        if tok == QUOTE:
            in_quote = not in_quote
            continue
        if tok in CLAUSE_PUNCT:
            clause += 1
            continue
        if tok in "(),'-":
            if tok == "," and words:
                words.append(Word(len(words), m.start(), m.end(), ",", ",", clause, in_quote))
            continue
        bare = _bare(tok)
        if (tok in connectors or bare in connectors) and words:
            clause += 1
        words.append(Word(len(words), m.start(), m.end(), tok, bare, clause, in_quote, _stem(tok)))
    starts = [w.start for w in words]
    ends = [w.end for w in words]

    def place(o_start: int, o_end: int) -> tuple[int, int] | None:
        a, b = norm.to_normalized(o_start), norm.to_normalized(o_end)
        first = bisect_right(ends, a)
        last = bisect_left(starts, b) - 1
        if first >= len(words) or last < first:
            return None
        return first, last

    mentions: list[Placed] = []
    for mention in doc.mentions:
        if sentence.start <= mention.start and mention.end <= sentence.end:
            span = place(mention.start, mention.end)
            if span:
                mentions.append(
                    Placed(
                        span[0], span[1], mention=mention, entity=entity_of.get(mention.entity_id)
                    )
                )
    times = [
        Placed(*span, time=t)
        for t in doc.times
        if sentence.start <= t.start and t.end <= sentence.end and (span := place(t.start, t.end))
    ]
    quantities = [
        Placed(*span, quantity=q)
        for q in doc.quantities
        if sentence.start <= q.start and q.end <= sentence.end and (span := place(q.start, q.end))
    ]
    return SentenceView(
        doc, sentence, tuple(words), tuple(mentions), tuple(times), tuple(quantities), ns, ne
    )
