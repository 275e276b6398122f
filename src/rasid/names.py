"""English names for Arabic names: the spelling the English-language press uses.

A name the knowledge base does not know gets its English here, in this order:
1. the project dictionary (kb/rules/names_en.tsv): whole names and name words the press spells
   one way ("عمر البشير" -> "Omar al-Bashir", "ترامب" -> "Trump"); it always wins;
2. arabic-name-romanizer: a dictionary of about 60,000 spellings attested on Wikidata and its
   spelling rules for the rest (its ONNX model is not loaded: too slow inline); asked with Iraq as
   the country, which turns its French-leaning spellings ("Béchir", "Kacem") into the Middle
   East's ("Bashir", "Qasim");
3. without that package, a letter table with the long vowels (never underscores).

The result is folded to plain ASCII letters, hyphens, dots and spaces: no accents, no "'" for
ain or hamza, no "_".

Risky: a foreign name the project dictionary lacks goes to the rules, which read Arabic script
as Arabic ("دونالد" -> "Donaled"); add such names to names_en.tsv.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rasid.kb.morph import read_rules_text, read_word_list
from rasid.text import normalize_key

log = logging.getLogger(__name__)

_COUNTRY = "IQ"  # the romanizer's spelling region: the Arab east, not the Maghreb's French
_LOWER_WORDS = frozenset({"al", "bin", "bint", "el"})
_ARTICLE = normalize_key("\u0627\u0644")  # the article, as normalized
_VOWELS = frozenset("aeiouyAEIOUY")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.\-]*")
_NOT_NAME = re.compile(r"[^A-Za-z .\-]+")


@dataclass(frozen=True, slots=True)
class NameBook:
    """The project dictionary: normalized Arabic -> English, for whole names and for words."""

    names: dict[str, str]
    words: dict[str, str]
    longest: int  # the most words a multi-word entry has


@functools.cache
def name_book() -> NameBook:
    names: dict[str, str] = {}
    words: dict[str, str] = {}
    for line in read_rules_text("names_en.tsv").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        arabic, _, english = line.partition("\t")
        key = normalize_key(arabic.strip())
        if not key or not english.strip():
            continue
        (words if " " not in key else names)[key] = english.strip()
    longest = max((len(k.split()) for k in names), default=1)
    return NameBook(names=names, words=words, longest=longest)


@functools.cache
def generic_nouns() -> frozenset[str]:
    """Collective and generic nouns (witnesses, sources, residents) that name no person."""
    return read_word_list("not_persons.txt")


@functools.cache
def _romanizer() -> Any | None:
    try:
        from arabic_name_romanizer import Transliterator
    except ImportError:  # the package is a dependency; a checkout without it still runs
        log.warning("arabic-name-romanizer is not installed: English names from a letter table")
        return None
    # its ONNX model costs 13.6 ms a name (the pipeline ran 5 times slower); the dictionary and
    # its rules cost 0.25 ms and spell 85% of the table of ANT names as the press does
    return Transliterator(auto_load_model=False)


def fold_latin(text: str) -> str:
    """Plain ASCII letters, spaces, dots and hyphens ("Béchir" -> "Bechir", "'Abbas" -> "Abbas")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    plain = _NOT_NAME.sub(" ", plain.replace("_", " "))
    return " ".join(w.strip("-.") if w not in {"W."} else w for w in plain.split() if w.strip("-."))


def _article_first(arabic: str, english: str) -> str:
    """ "al-" before a word with the article ("الحمداني": "Alhamdani" -> "al-Hamdani")."""
    if not arabic.startswith(_ARTICLE) or len(arabic) < 4:
        return english
    low = english.lower()
    if low.startswith(("al-", "el-", "al ", "el ")) or " " in english:
        return english
    if low.startswith(("al", "el")) and len(english) > 4:
        rest = english[2:]
        return "al-" + rest[:1].upper() + rest[1:]
    return english


def _case(words: list[str]) -> str:
    joined: list[str] = []
    for w in words:  # a lone "al" belongs to the next word
        if joined and joined[-1].lower() in {"al", "el"} and len(joined) > 1:
            joined[-1] = joined[-1].lower() + "-" + w
        else:
            joined.append(w)
    words = joined
    out = []
    for i, word in enumerate(words):
        head, sep, rest = word.partition("-")
        if head.lower() in _LOWER_WORDS and sep:
            out.append(("Al" if i == 0 else head.lower()) + "-" + rest[:1].upper() + rest[1:])
        elif word.lower() in _LOWER_WORDS and i > 0:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def _from_book(words: list[str], book: NameBook) -> list[str | None]:
    """The English of each word from the project dictionary (None where it has none); runs of
    words that form one entry ("عبد الله") take the first slot and leave "" in the others."""
    out: list[str | None] = [None] * len(words)
    i = 0
    while i < len(words):
        for n in range(min(book.longest, len(words) - i), 1, -1):
            english = book.names.get(" ".join(words[i : i + n]))
            if english is not None:
                out[i : i + n] = [english, *([""] * (n - 1))]
                i += n
                break
        else:
            out[i] = book.words.get(words[i])
            i += 1
    return out


def _letters(word: str) -> str:
    from rasid.kb.morph import cues

    table = cues().translit
    return "".join(table.get(ch, ch) for ch in word)


def _romanize_words(words: list[str]) -> list[str]:
    rom = _romanizer()
    if rom is None:
        return [_letters(w) for w in words]
    return [str(x) for x in rom.transliterate_many(words, country=_COUNTRY)]


@functools.lru_cache(maxsize=65536)
def romanize_name(name_ar: str) -> str:
    """The English of an Arabic name as the press writes it ("عمر البشير" -> "Omar al-Bashir")."""
    key = normalize_key(name_ar)
    words = key.split()
    if not words:
        return fold_latin(name_ar)
    book = name_book()
    whole = book.names.get(key)
    if whole is not None:
        return whole
    known = _from_book(words, book)
    missing = [w for w, e in zip(words, known, strict=True) if e is None]
    if missing:
        rom = _romanizer()
        guess: list[str] = []
        if rom is not None:
            guess = fold_latin(str(rom.transliterate(key, country=_COUNTRY))).split()
        if len(guess) == len(words):
            known = [e if e is not None else g for e, g in zip(known, guess, strict=True)]
        else:
            singles = iter(_romanize_words(missing))
            known = [e if e is not None else next(singles) for e in known]
        known = [_article_first(w, e) if e else e for w, e in zip(words, known, strict=True)]
    parts = [fold_latin(e) if e != "W." else e for e in known if e]
    return _case([p for part in parts for p in part.split()]) or fold_latin(name_ar)


def is_consonant_skeleton(name: str) -> bool:
    """A Latin name with a word of four or more letters and no vowel ("Mhmwd", "Bwsh")."""
    for word in _LATIN_WORD.findall(name):
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 4 and not any(c in _VOWELS for c in letters):
            return True
    return False


def is_readable_name(name: str) -> bool:
    """No underscore, no ain/hamza apostrophes, no consonant skeleton."""
    return "_" not in name and "'" not in name and not is_consonant_skeleton(name)
