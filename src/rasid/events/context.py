"""A sentence seen by the event rules: words, clauses, quotes, mentions, dates and numbers.

Everything here works on the normalized text (one dict lookup per word against the lexicons) and
keeps, for each word, its normalized span, so that mentions, dates and numbers found by earlier
stages (in original offsets) can be placed among the words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from operator import itemgetter
from typing import NamedTuple, TypeVar

from rasid.caches import word_cache
from rasid.doc import Doc
from rasid.events.lexicon import load_lexicon
from rasid.records import Entity, Mention, Quantity, Sentence, TimeExpr

_WORD = re.compile(r"\w+|[\"',;:()\-]")
# the rest of a run of \w, from a position inside it
_RUN_REST = re.compile(r"\w*")
CLAUSE_PUNCT = frozenset({";", ":"})
QUOTE = '"'


class Word(NamedTuple):
    """One word of a sentence (a tuple: a sentence view makes dozens, so they must be cheap)."""

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
    forms: frozenset[str] = frozenset()  # every word's text, bare and stem forms
    clauses: dict[int, tuple[int, int]] | None = None  # clause -> [first, last + 1) words
    # a trigger's side of the sequence markers in a window, by (the markers' list's id, head,
    # lo, hi): ``arguments.own_side`` works each out once, where the four stages of an event
    # asked for the same two; shared by the views ``dataclasses.replace`` makes of this one,
    # which keep its words
    sides: dict[tuple[int, int, int, int], tuple[int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def clause_bounds(self, clause: int) -> tuple[int, int]:
        """The words [lo, hi) of a clause ((0, 0) when it has none)."""
        if self.clauses is not None:
            return self.clauses.get(clause, (0, 0))
        idx = [w.i for w in self.words if w.clause == clause]
        return (idx[0], idx[-1] + 1) if idx else (0, 0)

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
        entry = _INDEXES.get(id(phrases))  # _phrase_index, inline: called for every cue
        index, firsts = (
            entry[1] if entry is not None and entry[0] is phrases else _phrase_index(phrases)
        )
        if self.forms and firsts.isdisjoint(self.forms):
            return None  # no phrase can start anywhere in the sentence
        words = self.words
        lo, hi = max(0, lo), min(len(words), hi)
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


_PhraseIndex = tuple[dict[str, tuple[tuple[str, ...], ...]], frozenset[str]]
_INDEXES: dict[int, tuple[tuple[tuple[str, ...], ...], _PhraseIndex]] = {}


def _phrase_index(phrases: tuple[tuple[str, ...], ...]) -> _PhraseIndex:
    """Phrases by their first word, and the set of first words; cue lists are built once per
    process, so keyed by id (the list is kept with its index so that the id stays its own)."""
    entry = _INDEXES.get(id(phrases))
    if entry is None or entry[0] is not phrases:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            by_first.setdefault(p[0], []).append(p)
        index = {k: tuple(v) for k, v in by_first.items()}
        entry = (phrases, (index, frozenset(index)))
        _INDEXES[id(phrases)] = entry
    return entry[1]


_PUNCT = frozenset("\"',;:()-")
_START, _END, _TEXT, _BARE, _STEM = (itemgetter(k) for k in (1, 2, 3, 4, 7))


@word_cache(40_000)
def _forms(word: str) -> tuple[str, str] | None:
    """(bare, stem) of a token of ``_WORD``; None for any other (a mark the rules ignore, a
    line break), which the sentence walk skips."""
    if not (word.isalnum() or word in _PUNCT or "_" in word):
        return None
    return _bare(word), _stem(word)


def _bare(word: str) -> str:
    if len(word) > 3 and word[0] in "وف":
        return word[1:]
    return word


_ARTICLE_PREFIXES = ("وبال", "فبال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")


# the first prefix, in the order above, that leaves at least two letters: one anchored match
# where a loop of startswith cost a microsecond a new word
_ARTICLE_PREFIX = re.compile(
    "(?:" + "|".join(map(re.escape, _ARTICLE_PREFIXES)) + ")(?=..)", re.DOTALL
).match


def _stem(word: str) -> str:
    m = _ARTICLE_PREFIX(word)
    if m is not None:
        return word[m.end() :]
    if len(word) >= 5 and word[0] in "بلك":
        return word[1:]  # "بضربة", "لقصف": a preposition on an indefinite noun
    return word


def _connector_words() -> frozenset[str]:

    return load_lexicon().words.get("clause_connectors", frozenset())


_T = TypeVar("_T", Mention, TimeExpr, Quantity)


class DocIndex:
    """A document's mentions, dates and numbers sorted by start, with their starts, so that a
    sentence finds its own by bisection instead of a walk over the whole document."""

    def __init__(self, doc: Doc) -> None:
        # the document's words once, by C-level maps, for every sentence's view
        self.tokens, self.token_starts, self.token_ends = _tokens(doc)
        self.mentions, self.mention_starts = _by_start(doc.mentions)
        self.times, self.time_starts = _by_start(doc.times)
        self.quantities, self.quantity_starts = _by_start(doc.quantities)

    def token_range(self, ns: int, ne: int) -> tuple[int, int]:
        """Indexes of the words inside the normalized span [ns, ne)."""
        return bisect_left(self.token_starts, ns), bisect_right(self.token_ends, ne)

    def may_report(self, ns: int, ne: int, scan: frozenset[str]) -> bool:
        """A cheap look before the full view: does any word (or the word after a leading
        و/ف) start a trigger or a verb of saying?"""
        lo, hi = self.token_range(ns, ne)
        words = self.tokens[lo:hi]
        if not scan.isdisjoint(words):
            return True
        return not scan.isdisjoint([w[1:] for w in words if w[:1] in ("و", "ف")])


def _tokens(doc: Doc) -> tuple[list[str], list[int], list[int]]:
    """The tokens of the normalized text (texts, starts, ends): the document's words, split
    once for every stage, with the marks that are no token of ``_WORD`` among them (the
    sentence walk skips them: filtering them out cost more than skipping). An underscore is a
    ``\\w`` that no word holds: each run of ``\\w`` with one (half the ANT articles have a line
    of them) is put in place of the words it joins."""
    text = doc.norm.text
    words = doc.words
    if words is None:
        matches = list(_WORD.finditer(text))
        return (
            list(map(re.Match.group, matches)),
            list(map(re.Match.start, matches)),
            list(map(re.Match.end, matches)),
        )
    if "_" not in text:
        return words.texts, words.starts, words.ends  # read, never changed
    tokens, starts, ends = list(words.texts), list(words.starts), list(words.ends)
    for start, end in reversed(underscored_runs(text)):  # from the end: indexes hold
        a, b = bisect_left(starts, start), bisect_left(starts, end)
        tokens[a:b], starts[a:b], ends[a:b] = [text[start:end]], [start], [end]
    return tokens, starts, ends


def underscored_runs(text: str) -> list[tuple[int, int]]:
    """The runs of ``\\w`` that hold an underscore, as [start, end): found from each
    underscore (most texts that have one have a single line of them), where a regular
    expression tried every word of the text (0.085 -> 0.008 s over the 1,519 such texts of
    the first 3,000 ANT articles). ``\\w`` is a letter or digit (``str.isalnum``) or "_"."""
    runs: list[tuple[int, int]] = []
    pos = text.find("_")
    while pos >= 0:
        start = pos
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start -= 1
        rest = _RUN_REST.match(text, pos)
        end = rest.end() if rest is not None else pos + 1
        runs.append((start, end))
        pos = text.find("_", end)
    return runs


def _by_start(items: Sequence[_T]) -> tuple[Sequence[_T], list[int]]:
    starts = [x.start for x in items]
    if any(a > b for a, b in pairwise(starts)):
        items = sorted(items, key=lambda x: x.start)
        starts = [x.start for x in items]
    return items, starts


def _within(items: Sequence[_T], starts: list[int], sentence: Sentence) -> list[_T]:
    lo = bisect_left(starts, sentence.start)
    hi = bisect_right(starts, sentence.end)
    return [x for x in items[lo:hi] if x.end <= sentence.end]


def view_sentence(
    doc: Doc,
    sentence: Sentence,
    entity_of: dict[str, Entity],
    connectors: frozenset[str],
    index: DocIndex | None = None,
    span: tuple[int, int] | None = None,
) -> SentenceView:
    """Words, clauses and placed layers of one sentence (``index``: the document's layers
    sorted once, for a walk over many sentences; ``span``: the sentence's normalized bounds,
    when the walk has them already)."""
    norm = doc.norm
    if span is None:
        span = norm.to_normalized(sentence.start), norm.to_normalized(sentence.end)
    ns, ne = span
    if index is None:
        index = DocIndex(doc)
    words: list[Word] = []
    clause = 0
    opened = -1  # the clause of the last word, and where each clause's words begin
    openings: list[tuple[int, int]] = []
    in_quote = False
    new = tuple.__new__  # Word's own constructor, without a Python call per word
    lo, hi = index.token_range(ns, ne)
    n = 0  # len(words), kept by hand: one call a token less
    tokens = index.tokens[lo:hi]
    # each token's (bare, stem) by one C-level map over the sentence's tokens (a cached call
    # from the loop cost six times as much a token), and only for the sentences viewed
    for tok, start, end, tok_forms in zip(
        tokens,
        index.token_starts[lo:hi],
        index.token_ends[lo:hi],
        map(_forms, tokens),
        strict=True,
    ):
        if tok in _PUNCT:  # one-character marks only: no length test first
            if tok == QUOTE:
                in_quote = not in_quote
            elif tok in CLAUSE_PUNCT:
                clause += 1
            elif tok == "," and n:
                if clause != opened:
                    openings.append((clause, n))
                    opened = clause
                words.append(new(Word, (n, start, end, ",", ",", clause, in_quote, "")))
                n += 1
            continue
        if tok_forms is None:
            continue  # a mark the rules ignore, a line break
        bare, stem = tok_forms
        if n and (tok in connectors or bare in connectors):
            clause += 1
        if clause != opened:
            openings.append((clause, n))
            opened = clause
        words.append(new(Word, (n, start, end, tok, bare, clause, in_quote, stem)))
        n += 1
    starts = list(map(_START, words))
    ends = list(map(_END, words))

    def place(o_start: int, o_end: int) -> tuple[int, int] | None:
        a, b = norm.to_normalized(o_start), norm.to_normalized(o_end)
        first = bisect_right(ends, a)
        last = bisect_left(starts, b) - 1
        if first >= len(words) or last < first:
            return None
        return first, last

    mentions: list[Placed] = []
    for mention in _within(index.mentions, index.mention_starts, sentence):
        span = place(mention.start, mention.end)
        if span:
            mentions.append(
                Placed(span[0], span[1], mention=mention, entity=entity_of.get(mention.entity_id))
            )
    times = [
        Placed(*span, time=t)
        for t in _within(index.times, index.time_starts, sentence)
        if (span := place(t.start, t.end))
    ]
    quantities = [
        Placed(*span, quantity=q)
        for q in _within(index.quantities, index.quantity_starts, sentence)
        if (span := place(q.start, q.end))
    ]
    forms = frozenset(map(_TEXT, words)).union(map(_BARE, words), map(_STEM, words))
    clauses: dict[int, tuple[int, int]] = {}
    for (clause, first), nxt in pairwise([*openings, (-1, len(words))]):
        clauses[clause] = (first, nxt[1])  # clause numbers only grow along the sentence
    return SentenceView(
        doc,
        sentence,
        tuple(words),
        tuple(mentions),
        tuple(times),
        tuple(quantities),
        ns,
        ne,
        forms,
        clauses,
    )
