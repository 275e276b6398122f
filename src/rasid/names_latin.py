"""Foreign names written in Arabic letters, read back to the Latin name they write.

Arabic writes a foreign name by its consonants and long vowels ("كلينتون": k-l-ī-n-t-ō-n); read
letter by letter it comes out "Kalintoun", where the press writes "Clinton". This module keeps a
list of given names and surnames in Latin letters (kb/rules/latin_names.tsv: Faker's lists of
common names of 33 European and American locales, with the US Census weights; and
kb/rules/names_latin_census.tsv: the 1990 US Census surnames of rank 20,000 or better that
Faker's lists lack, "Trump", "Merkel", "Greenblatt") and finds the one a word writes:

1. both sides become a consonant skeleton over classes Arabic cannot tell apart (b/p, f/v/ph,
   k/c/q, s/c, g/j, t/th, sh/ch), with the vowels between consonants kept as gaps; a Latin name
   gives every skeleton its ambiguous letters allow ("Gina": G-N and J-N); the names are indexed
   by skeleton;
2. a word's candidates are the names of its skeleton, scored gap by gap: a long vowel the Arabic
   writes needs a vowel in the Latin, of a matching quality (ا: a, e, o; و: o, u; ي: i, e, y); a
   short vowel the Arabic leaves out costs a little; the cheapest wins, then the most common.

Guards: only words that no dictionary knows come here (rasid.names asks the project dictionary,
the token table and arabic-name-romanizer's dictionary first), never a word with the article
(an Arabic family name, "الكربي"), and a candidate must cost at most ``_MAX_COST``; no answer is
None, and the caller spells the word by rules. Risky: an Arabic family name that no dictionary
knows and that writes the skeleton of a Latin name ("مجلي" and "Magli") reads as that name.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from rasid.caches import word_cache
from rasid.kb.morph import read_rules_text

# Arabic letters (as rasid.text.normalize_key leaves them) to consonant classes; the others are
# vowels or glides, kept in the gaps: ا و ي ى ه ح ع ء ة
_ARABIC_CLASS = {
    "\u0628": "B",  # ب b, p
    "\u067e": "B",  # پ
    "\u062a": "T",  # ت
    "\u0637": "T",  # ط
    "\u062b": "Q",  # ث: a "th", never a plain "t" ("Matthew", not "Matteo")
    "\u062c": "J",  # ج j, g
    "\u062e": "K",  # خ kh, ch
    "\u062f": "D",  # د
    "\u0636": "D",  # ض
    "\u0630": "Z",  # ذ
    "\u0631": "R",  # ر
    "\u0632": "Z",  # ز z, s
    "\u0633": "S",  # س
    "\u0635": "S",  # ص
    "\u0634": "X",  # ش sh, ch
    "\u0638": "Z",  # ظ
    "\u063a": "G",  # غ g
    "\u0641": "F",  # ف f, v, ph
    "\u06a4": "F",  # ڤ v
    "\u0642": "K",  # ق
    "\u0643": "K",  # ك
    "\u06af": "G",  # گ
    "\u0644": "L",  # ل
    "\u0645": "M",  # م
    "\u0646": "N",  # ن
}
_GAP_LETTERS = {
    "\u0627": "a",  # ا
    "\u0648": "o",  # و
    "\u064a": "i",  # ي
    "\u0649": "a",  # ى
    "\u0647": "h",  # ه: h, or a final vowel
    "\u0629": "h",  # ة
    "\u062d": "h",  # ح
    "\u0639": "",  # ع: no letter in a foreign name's Latin
    "\u0621": "",  # ء
}
# Latin letters and digraphs to the classes they may be (several where Arabic hears several)
_LATIN_DIGRAPHS = {
    "sch": ("X",),
    "tch": ("TX", "X"),
    "tsch": ("TX",),
    "sh": ("X",),
    "ch": ("X", "K", "TX"),
    "th": ("T", "Q", "Z"),
    "ph": ("F",),
    "gh": ("G", "h"),
    "kh": ("K",),
    "ck": ("K",),
    "dj": ("J",),
    "dg": ("J",),
    "zh": ("J", "Z"),
    "qu": ("K",),
    "cz": ("TX",),
    "sz": ("X",),
}
_LATIN_LETTER = {
    "b": ("B",),
    "p": ("B",),
    "t": ("T",),
    "d": ("D",),
    "j": ("J", "y"),  # "John", "Jens": a lower-case class is a glide, kept in the gap
    "g": ("G", "J"),
    "c": ("K", "S"),
    "k": ("K",),
    "q": ("K",),
    "x": ("KS",),
    "s": ("S", "Z"),
    "z": ("Z", "S", "TS"),
    "f": ("F",),
    "v": ("F", "w"),  # "Javad": و
    "l": ("L",),
    "m": ("M",),
    "n": ("N",),
    "r": ("R",),
}
_LATIN_VOWELS = frozenset("aeiouyhw")
# how well an Arabic vowel letter matches the Latin vowels of a gap: 0 good, 0.5 fair
_QUALITY = {
    "a": {"a": 0.0, "e": 0.2, "o": 0.4, "u": 0.4, "i": 0.6},
    "o": {"o": 0.0, "u": 0.0, "a": 0.8, "e": 0.8},
    "i": {"i": 0.0, "e": 0.0, "y": 0.0, "a": 0.6},
}
# two vowel letters in a row: a diphthong ("مايكل": Michael, "ماونت": Mount)
_DIPHTHONGS = {
    "ai": {"i", "y", "ai", "ay", "ei", "ey", "ie", "ia", "aye", "ae"},
    "ao": {"o", "ou", "ow", "au", "aw", "ao", "oa"},
    "oi": {"oi", "oy", "ui", "uy", "oe", "ei", "e"},
    "ia": {"ia", "ya", "ea", "iya", "ie", "a"},
    "aia": {"ia", "ya", "aya", "aia", "eya"},
    "io": {"io", "yo", "eo", "iu", "yu", "eu", "ew"},
}
_UNWRITTEN = 0.3  # a Latin short vowel the Arabic does not write
_SECOND_CLASS = 0.15  # a letter read as its rarer sound: "c" as "س", "s" as "ز", "g" as "ج"
_EXTRA_VOWEL = 0.1  # each Latin vowel letter past the first of a gap
_UNREAD = 1.5  # an Arabic long vowel with no vowel in the Latin
_MAX_COST = 1.0
# a surname only the US Census lists (names_latin_census.tsv, rarer than Faker's): it reads only
# where no common name reads nearly as well ("مايكل": Michael, not "Mickle"; "ترامب": Trump)
_CENSUS_ONLY = 0.3
_MAX_VARIANTS = 32
# skeletons whose readings are kept parsed: about 9 KB a skeleton read (a common one has dozens
# of names); the first 1,000 ANT articles read 182, all 28,398 would hold 26 MB
_PARSED_SKELETONS = 512


@dataclass(frozen=True, slots=True)
class LatinName:
    name: str
    locales: int
    weight: int


def _latin_pieces(word: str) -> list[tuple[tuple[str, ...], str]]:
    """A Latin name as consonant pieces (their possible classes) and the vowels after each."""
    word = word.lower()
    pieces: list[tuple[tuple[str, ...], str]] = [((), "")]  # the gap before the first consonant
    i = 0
    while i < len(word):
        for size in (4, 3, 2):
            chunk = word[i : i + size]
            if chunk in _LATIN_DIGRAPHS:
                classes = _LATIN_DIGRAPHS[chunk]
                i += size
                break
        else:
            ch = word[i]
            i += 1
            if ch in _LATIN_VOWELS or ch not in _LATIN_LETTER:
                last_classes, gap = pieces[-1]
                pieces[-1] = (last_classes, gap + ch)
                continue
            if i < len(word) and word[i] == ch:  # a doubled letter is one
                i += 1
            classes = _LATIN_LETTER[ch]
        pieces.append((classes, ""))
    return pieces


def _latin_forms(word: str) -> list[tuple[str, tuple[str, ...], float]]:
    """Every (skeleton, gaps, cost) a Latin name may write in Arabic, at most
    ``_MAX_VARIANTS``; a letter read as its second or third class costs ``_SECOND_CLASS``."""
    pieces = _latin_pieces(word)
    gaps = [g for _c, g in pieces]
    choices = [list(enumerate(c)) for c, _g in pieces[1:]]
    out: list[tuple[str, tuple[str, ...], float]] = []
    for ranked in itertools.islice(itertools.product(*choices), _MAX_VARIANTS):
        cost = _SECOND_CLASS * sum(1 for rank, _c in ranked if rank)
        combo = [c for _rank, c in ranked]
        skeleton: list[str] = []
        merged: list[str] = [gaps[0]]
        for cls, gap in zip(combo, gaps[1:], strict=True):
            if cls.islower():  # a glide or a silent letter: it joins the gap before it
                merged[-1] += cls + gap
                continue
            for k, c in enumerate(cls):
                skeleton.append(c)
                merged.append(gap if k == len(cls) - 1 else "")
        # one class twice in a row is one sound ("Rickstein": ck, s)
        out.append((*_collapse(skeleton, merged), cost))
    return out


def _collapse(skeleton: list[str], gaps: list[str]) -> tuple[str, tuple[str, ...]]:
    sk: list[str] = []
    gp: list[str] = [gaps[0]]
    for c, g in zip(skeleton, gaps[1:], strict=True):
        if sk and sk[-1] == c and not gp[-1]:
            gp[-1] += g
            continue
        sk.append(c)
        gp.append(g)
    return "".join(sk), tuple(gp)


def arabic_form(word: str) -> tuple[str, tuple[str, ...]] | None:
    """An Arabic word (normalized) as a consonant skeleton and the vowel letters of its gaps;
    None when it has a letter this reading does not know."""
    skeleton: list[str] = []
    gaps: list[str] = [""]
    for i, ch in enumerate(word):
        if ch in _GAP_LETTERS:
            letter = _GAP_LETTERS[ch]
            # "ه" at the end is a vowel; inside a word an "h"
            gaps[-1] += "a" if letter == "h" and i == len(word) - 1 else letter
        elif ch in _ARABIC_CLASS:
            skeleton.append(_ARABIC_CLASS[ch])
            gaps.append("")
        else:
            return None
    return "".join(skeleton), tuple(gaps)


@functools.lru_cache(maxsize=65536)
def _gap_cost(arabic: str, latin: str, first: bool, last: bool) -> float:
    """What it costs to read the Latin vowels of a gap from the Arabic's vowel letters."""
    cost = 0.0
    if "h" in arabic and "h" not in latin:
        cost += 0.8 if first else 0.4  # "ه", "ح" the Latin does not write
    elif first and latin[:1] == "h" and "h" not in arabic:
        cost += 0.8  # a first "h" Arabic would write ("Haddur" is not "إدوار")
    if "w" in latin and "o" not in arabic:
        cost += 0.5  # a "v" or "w" read as a vowel where the Arabic has no "و"
    if "y" in latin and "i" not in arabic and not (last and latin.endswith("y")):
        cost += 0.3
    arabic = arabic.replace("h", "")
    vowels = "".join(c for c in latin if c in "aeiouy")
    cost += _EXTRA_VOWEL * max(len(vowels) - max(len(arabic), 1), 0)
    if not arabic:
        if not vowels:
            return cost
        if first:
            return cost + _UNREAD  # Arabic writes a name's first vowel ("أ", "إ", "ا")
        if last:  # Arabic writes a final vowel ("ا", "ي", "و", "ة"), not a silent e
            return cost + (0.15 if vowels == "e" else _UNREAD)
        return cost + _UNWRITTEN
    if not vowels:
        return cost if arabic == "o" and "w" in latin else cost + _UNREAD
    if arabic in _DIPHTHONGS:
        return cost + (0.0 if vowels in _DIPHTHONGS[arabic] else 0.5)
    if arabic == "o" and vowels[:2] in {"au", "ou", "oo"}:
        return cost  # "Paul", "Mount"
    if arabic == "i" and vowels[:2] in {"ee", "ea", "ie", "ei", "ey", "ai", "ay"}:
        return cost  # "Greenblatt", "Blair", "Pierce": English writes "ي" with two letters
    return cost + _QUALITY.get(arabic[0], {}).get(vowels[0], 0.8)


_Reading = tuple[tuple[str, ...], float, LatinName]  # gaps, cost, the name


@dataclass(frozen=True, slots=True)
class LatinIndex:
    """The Latin names by skeleton: each skeleton's readings kept as written until a word of
    that skeleton is read (``candidates``), so a process pays for the few it asks about."""

    # a reading as written, and its name (one object for all the readings of a name: made
    # once at loading, not again at each skeleton read, which cost a third of the romanizer)
    raw: dict[str, list[tuple[str, LatinName]]]
    names: frozenset[str]  # lower case

    def candidates(self, skeleton: str) -> list[_Reading]:
        """The readings of a skeleton's names, parsed (``_parsed_candidates`` keeps them)."""
        found: list[_Reading] = []
        for reading, entry in self.raw.get(skeleton, ()):
            _skeleton, gaps, cost = reading.split(":")
            extra = _CENSUS_ONLY if entry.locales == 0 else 0.0
            found.append((tuple(gaps.split("/")), float(cost) + extra, entry))
        return found


# A reading as ``read_latin`` tries it: the least rank it can have (its cost before the gaps,
# less its commonness), the gaps, that cost, the two parts of its commonness, the name.
_Scored = tuple[float, tuple[str, ...], float, float, float, LatinName]


@word_cache(_PARSED_SKELETONS)
def _parsed_candidates(skeleton: str) -> list[_Scored]:
    """The index's readings of a skeleton, parsed once, the least rank first, without those
    that cost too much before any gap (a gap adds to the cost, never takes from it): emptied
    with the pipeline's caches (rasid.caches: once full between articles, and every round),
    and by ``read_latin`` once full, for a process that never trims them."""
    out: list[_Scored] = []
    for gaps, cost, entry in latin_index().candidates(skeleton):
        if cost > _MAX_COST:
            continue
        common = 0.03 * min(entry.locales, 10)
        weight = 0.03 * math.log10(1 + entry.weight)
        out.append((cost - common - weight, gaps, cost, common, weight, entry))
    out.sort(key=itemgetter(0))
    return out


@functools.cache
def latin_index() -> LatinIndex:
    """The Latin names of latin_names.tsv and names_latin_census.tsv by skeleton. Each line
    carries its name's readings (``name_readings``, written with the lists by
    bench/names_latin_table.py): loading splits lines, it computes nothing."""
    raw: dict[str, list[tuple[str, LatinName]]] = defaultdict(list)
    names: set[str] = set()
    lines = read_rules_text("latin_names.tsv").splitlines()
    lines += read_rules_text("names_latin_census.tsv").splitlines()
    for line in lines:
        if not line or line.startswith("#"):
            continue
        name, locales, weight, readings = line.split("\t")
        names.add(name.lower())
        entry = LatinName(name, int(locales), int(weight))
        for reading in readings.split(" "):
            raw[reading[: reading.index(":")]].append((reading, entry))
    return LatinIndex(raw=dict(raw), names=frozenset(names))


def name_readings(name: str) -> list[tuple[str, tuple[str, ...], float]]:
    """The distinct (skeleton, gaps, cost) readings of a Latin name, each at its lowest cost."""
    seen: dict[tuple[str, tuple[str, ...]], float] = {}
    for skeleton, gaps, cost in _latin_forms(name):
        if len(skeleton) >= 2 and cost < seen.get((skeleton, gaps), 9.0):
            seen[skeleton, gaps] = cost
    return [(skeleton, gaps, cost) for (skeleton, gaps), cost in seen.items()]


def format_reading(skeleton: str, gaps: tuple[str, ...], cost: float) -> str:
    """A reading as latin_names.tsv writes it: "KLNTN:/i//o/:0" (skeleton, gaps, cost)."""
    return f"{skeleton}:{'/'.join(gaps)}:{cost:g}"


def is_latin_name(name: str) -> bool:
    """A given name or surname of the Latin list ("Scott": yes; "Mohammed": no)."""
    return name.lower() in latin_index().names


@functools.lru_cache(maxsize=16384)
def read_latin(word: str) -> str | None:
    """The Latin name an Arabic word (normalized, no article) writes, or None."""
    form = arabic_form(word)
    if form is None or len(form[0]) < 2:
        return None
    skeleton, gaps = form
    parsed: Any = _parsed_candidates
    if parsed.cache_info().currsize >= _PARSED_SKELETONS:
        parsed.cache_clear()
    best: tuple[float, int, int, str] | None = None
    last = len(gaps) - 1
    for least, latin_gaps, before_gaps, common, weight, entry in _parsed_candidates(skeleton):
        if best is not None and least > best[0]:
            # a gap only adds to a rank: neither this reading nor a later one can beat the best
            # (a skeleton has 37 readings on average, some over 250)
            break
        cost = before_gaps
        for i, (a, b) in enumerate(zip(gaps, latin_gaps, strict=True)):
            cost += _gap_cost(a, b, i == 0, i == last)
            if cost > _MAX_COST:
                break
        if cost > _MAX_COST:
            continue
        # the more common name first among those that read as well
        rank = cost - common - weight
        key = (rank, -entry.locales, -entry.weight, entry.name)
        if best is None or key < best:
            best = key
    return best[3] if best is not None else None


# the letters of a foreign name no Latin name of the list reads, spelled as English would
# write its sounds (rasid.names reads the Arabic by the romanizer's rules, which put an "a"
# between every two consonants: "Satoulatanabaragh" for Stoltenberg)
_FOREIGN_LETTERS = {
    "\u0628": "b",
    "\u067e": "p",
    "\u062a": "t",
    "\u062b": "th",
    "\u062c": "j",
    "\u062d": "h",
    "\u062e": "kh",
    "\u062f": "d",
    "\u0630": "th",
    "\u0631": "r",
    "\u0632": "z",
    "\u0633": "s",
    "\u0634": "sh",
    "\u0635": "s",
    "\u0636": "d",
    "\u0637": "t",
    "\u0638": "z",
    "\u063a": "g",
    "\u0641": "f",
    "\u06a4": "v",
    "\u0642": "k",
    "\u0643": "k",
    "\u06af": "g",
    "\u0644": "l",
    "\u0645": "m",
    "\u0646": "n",
    "\u0647": "h",
}
# two consonants a word may start a syllable with ("Brian", "Stephen", "Klaus")
_ONSET = frozenset(
    {"br", "pr", "tr", "dr", "kr", "gr", "fr", "thr", "shr", "bl", "pl", "kl", "gl", "fl", "sl"}
)
# two consonants that may close a syllable ("Kent", "Ford", "Hans")
_CODA_FIRST = frozenset({"l", "r", "n", "m", "s"})
_NEVER_LAST = frozenset({"r", "l", "w", "y", "h"})  # "Mirkel", "Klaber": never "rkl", "br"


def spell_foreign(word: str) -> str:
    """A foreign name's word (normalized Arabic, no article) spelled by its sounds: long
    vowels as written (و "o", ي "i", ا "a"), an "e" only where two consonants cannot stand
    together ("ستولتنبرغ": "Stoltenbrg"), "تش" as "ch"."""
    sounds: list[tuple[str, bool]] = []  # (letters, is a consonant)
    i = 0
    while i < len(word):
        ch = word[i]
        nxt = word[i + 1] if i + 1 < len(word) else ""
        first = not sounds
        last = i == len(word) - 1
        if ch == "\u062a" and nxt == "\u0634":  # تش
            sounds.append(("ch", True))
            i += 2
            continue
        if ch == "\u0648":  # و
            sounds.append(("w", True) if first or (nxt and nxt in "\u0627\u064a") else ("o", False))
        elif ch in "\u064a\u0649":  # ي ى
            sounds.append(("y", True) if first and nxt in "\u0627\u0648" else ("i", False))
        elif ch in "\u0627\u0622":  # ا
            if not (sounds and not sounds[-1][1] and sounds[-1][0] == "a"):
                sounds.append(("a", False))
        elif ch in "\u0629":
            sounds.append(("a", False))
        elif ch == "\u0647" and last:
            sounds.append(("e", False))
        elif ch in _FOREIGN_LETTERS:
            sounds.append((_FOREIGN_LETTERS[ch], True))
        i += 1
    out: list[str] = []
    k = 0
    while k < len(sounds):
        if not sounds[k][1]:
            out.append(sounds[k][0])
            k += 1
            continue
        run: list[str] = []
        while k < len(sounds) and sounds[k][1]:
            run.append(sounds[k][0])
            k += 1
        out.append(_split_run(run, start=len(out) == 0, end=k == len(sounds)))
    spelled = "".join(out)
    return spelled[:1].upper() + spelled[1:]


def _split_run(run: list[str], start: bool, end: bool) -> str:
    """Consonants with no vowel letter between them, with an "e" where they cannot stand
    together: a word's first two may open it ("Br", "St"), its last two close it ("rg",
    "nt", "ks"), and a consonant that may close a syllable ("l", "r", "n", "m", "s") takes
    the next one without an "e" ("Stoltenberg": lt-e-nb-e-rg)."""
    n = len(run)
    if n == 1:
        return run[0]
    left = 2 if start and (run[0] + run[1] in _ONSET or run[0] == "s") else 1
    right = 2 if end and _closes(run[-2], run[-1]) else 1
    if left >= n or right >= n:
        return "".join(run)
    if left + right > n:
        left = n - right
    pieces = ["".join(run[:left]), *run[left : n - right], "".join(run[n - right :])]
    out = pieces[0]
    joined = len(pieces[0]) > 1
    for i in range(1, len(pieces)):
        prev = pieces[i - 1]
        joins = prev in _CODA_FIRST and not joined and not (start and i == 1)
        joins = joins and not (end and i == len(pieces) - 1 and len(pieces[i]) > 1)
        out += ("" if joins else "e") + pieces[i]
        joined = joins or len(pieces[i]) > 1
    return out


def _closes(first: str, second: str) -> bool:
    """Two consonants that may end a word ("rg", "nt", "st", "ks")."""
    if first in {"l", "r", "n", "m"}:
        return second not in _NEVER_LAST
    if first == "s":
        return second in {"t", "k"}
    return second in {"s", "z"} and first not in _NEVER_LAST
