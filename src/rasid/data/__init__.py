"""Word tables for dates, numbers and figures, and the matchers built from them.

The tables are TSV files beside this module (one header row, ``#`` comment lines). Code never
holds their Arabic words: it asks for a table, normalizes the entries with ``normalize_key`` and
compiles them into regular expressions once, on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from rasid.text.normalize import normalize_key

_Trie = dict[str, "_Trie"]


@cache
def read_table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``name`` (a file in this package) as dicts keyed by the header."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for ln in lines[1:]:
        cells = ln.split("\t")
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells, strict=False)))
    return tuple(rows)


def norm(word: str) -> str:
    """A table entry in the form it takes in normalized text."""
    return normalize_key(word)


def alternation(words: Iterable[str]) -> str:
    """A regex alternation matching any of ``words`` (already normalized), prefix-factored.

    Python's ``re`` tries alternatives one by one; factoring common prefixes into a trie keeps
    the cost per position near one character test even for a few hundred words. Spaces inside
    a word match any run of whitespace.
    """
    trie: _Trie = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: _Trie) -> str:
    ends = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        piece = r"\s+" if ch == " " else re.escape(ch)
        branches.append(piece + _trie_regex(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body


DIGIT = "#digit"
DEFINITE = "#definite"
# Characters after which a word can start. Text starts with one too: the scanner adds a newline.
_BOUNDARIES = " \n(\"'-,.:/;[{*"
_DIGITS = "0123456789"
# The code page the scanner walks (one byte a character) and the byte a character it lacks
# becomes.
_CODE_PAGE = "cp1256"
_Q = ord("?")


class WordScanner:
    """Finds, in one C pass (Aho-Corasick), where listed words and numbers start.

    Each key of the automaton is a boundary character, optional proclitics and a word (or a
    digit), so a hit is a whole word start; that the word also ends at a word boundary is
    checked for the few hits. A regex doing the same tries the alternation at every position
    and costs ten times more on news text.

    The automaton is ahocorasick_rs's contiguous NFA walking Windows Arabic (cp1256) bytes, one
    byte a character, as the knowledge base's (``rasid.kb.matcher``): the same hits in the same
    order as a trie over the text's characters, in half the time. A character the code page
    lacks becomes "?" in the bytes, which no key holds; a key with such a character is checked
    on the text.
    """

    def __init__(self, words: Iterable[str], prefixes: Iterable[str], article: str) -> None:
        import ahocorasick_rs

        combos = {""}
        for p in prefixes:
            combos |= {p + q for q in {""} | set(prefixes) if len(p + q) <= 2}
        # one spelling can be read two ways ("واحد": the word, or و + "احد"): the reading with
        # the fewest proclitics wins, whatever order the sets come in
        keys: dict[str, str] = {}
        for b in _BOUNDARIES:
            for pre in sorted(combos, key=lambda c: (len(c), c)):
                for w in sorted(set(words)):
                    keys.setdefault(b + pre + w, w)
                for d in _DIGITS:
                    keys.setdefault(b + pre + d, DIGIT)
            for d in _DIGITS:
                keys[b + article + d] = DEFINITE
        self._keys = list(keys)
        self._values = list(keys.values())  # the listed word, DIGIT or DEFINITE of each key
        encoded = [k.encode(_CODE_PAGE, "replace") for k in self._keys]
        self._unsure = frozenset(
            i for i, (k, raw) in enumerate(zip(self._keys, encoded, strict=True)) if _Q in raw
        )
        self._auto = ahocorasick_rs.BytesAhoCorasick(
            encoded,
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        self._article_len = len(article)

    def scan(self, text: str) -> list[tuple[int, str]]:
        """(offset, key) of every hit, by offset (longest first): key is the listed word,
        ``DIGIT`` (offset of the first digit) or ``DEFINITE`` (the article glued to a number,
        offset of the article).
        """
        hits: list[tuple[int, str]] = []
        n = len(text)
        values = self._values
        raw = b"\n" + text.encode(_CODE_PAGE, "replace")
        unsure = self._unsure if _Q in raw else None
        padded = "\n" + text if unsure else ""
        # the automaton runs over "\n" + text: in ``text`` the key ends just before ``last``
        for i, first, end in self._auto.find_matches_as_indexes(raw, overlapping=True):
            if unsure and i in unsure and padded[first:end] != self._keys[i]:
                continue
            key = values[i]
            last = end - 1
            if key == DIGIT:
                hits.append((last - 1, key))
            elif key == DEFINITE:
                hits.append((last - 1 - self._article_len, key))
            elif last >= n or not (text[last].isalnum() or text[last] == "_"):
                hits.append((last - len(key), key))
        # at one offset the longest key first: "ربيع الأول" (a month) before "ربيع" (a season)
        hits.sort(key=lambda h: (h[0], -len(h[1])))
        return hits


class Lookback:
    """Matches a phrase that ends right before an offset ("أكثر من" before a number, "منذ"
    before a date), by matching the reversed phrases at the start of the reversed window: an
    anchored match, where a ``...$`` search would retry at every position of the window.
    """

    def __init__(
        self, phrases: Iterable[str], prefixes: str = "", width: int = 40, skip_word: bool = False
    ) -> None:
        alt = alternation(p[::-1] for p in phrases)
        clitics = f"[{prefixes}]{{0,2}}" if prefixes else ""
        skip = r"(?:[^\W\d_]+\s+){1,2}" if skip_word else ""
        self._re = re.compile(rf"\s*{skip}(?P<q>{alt}){clitics}(?=[\s,(\"]|$)")
        self._width = width

    def match(self, text: str, end: int) -> tuple[int, str, re.Match[str]] | None:
        """(offset where the phrase starts, the phrase as written, the reversed match)."""
        lo = max(0, end - self._width)
        window = text[lo:end][::-1]
        m = self._re.match(window)
        if m is None:
            return None
        return end - m.end("q"), m.group("q")[::-1], m
