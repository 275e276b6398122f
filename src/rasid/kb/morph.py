"""Arabic word forms and word lists for name matching: proclitics, the article, nisba forms,
and the cue lists of kb/rules/ that the context rules read.

What it catches: a name carrying a conjunction and/or a preposition (و ف + ب ل ك: "والعراق",
"فبغداد", "وللعراق"), the article fused with ل ("للعراق" = ل + العراق), and the gender and number
forms of a nisba adjective (عراقي: العراقي العراقية العراقيين العراقيون العراقيات ...).
The forms themselves come from kb/rules/morphology.yaml.

Guards: a proclitic sequence is at most one conjunction then one preposition, in that order; a
form that needs the ل of "لل" is only accepted after a ل. Risky: a word whose first letters look
like proclitics and whose rest is a known name ("بلبنان" is fine, but a rare word such as
"كسوريا" would read as ك + سوريا); names of two letters or fewer are never generated.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from rasid.caches import word_cache
from rasid.text import normalize_key


def read_rules_text(name: str) -> str:
    """The text of a data file under rasid/kb/rules/."""
    return (resources.files("rasid.kb") / "rules" / name).read_text(encoding="utf-8")


def read_word_list(name: str) -> frozenset[str]:
    """A one-word-per-line list (``#`` comments, first tab column), normalized."""
    words: set[str] = set()
    for line in read_rules_text(name).splitlines():
        word = line.split("#", 1)[0].split("\t", 1)[0].strip()
        if word:
            words.add(normalize_key(word))
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class Morphology:
    conjunctions: tuple[str, ...]
    prepositions: tuple[str, ...]
    article: str
    lil: str
    nisba_suffixes: tuple[str, ...]
    nisba_variants: tuple[tuple[str, str], ...]
    prefixes: frozenset[str]  # every valid proclitic sequence, "" included
    lil_prefixes: frozenset[str]  # sequences that end in the ل that absorbs the article's alef


@functools.cache
def morphology() -> Morphology:
    data: dict[str, Any] = yaml.safe_load(read_rules_text("morphology.yaml"))
    conj = tuple(normalize_key(c) for c in data["conjunctions"])
    prep = tuple(normalize_key(p) for p in data["prepositions"])
    lil = normalize_key(data["lil_preposition"])
    prefixes = frozenset(c + p for c in ("", *conj) for p in ("", *prep))
    return Morphology(
        conjunctions=conj,
        prepositions=prep,
        article=normalize_key(data["article"]),
        lil=lil,
        nisba_suffixes=tuple(normalize_key(s) for s in data["nisba_suffixes"]),
        nisba_variants=tuple(
            (normalize_key(a), normalize_key(b)) for a, b in data.get("nisba_variants") or ()
        ),
        prefixes=prefixes,
        lil_prefixes=frozenset(c + lil for c in ("", *conj)),
    )


def has_article(key: str) -> bool:
    """True when a normalized key starts with the article and has a stem after it."""
    art = morphology().article
    return key.startswith(art) and len(key) > len(art) + 1


def lil_form(key: str) -> str | None:
    """The form an article-initial key takes after ل: "العراق" -> "لعراق" (then "ل" + it)."""
    if not has_article(key):
        return None
    return key[1:]


def is_valid_prefix(prefix: str, lil: bool) -> bool:
    """Whether letters before a hit form a proclitic sequence (for a lil form: ending in ل)."""
    m = morphology()
    if lil:
        return prefix in m.lil_prefixes
    return prefix in m.prefixes


@functools.cache
def _prefixes_by_length() -> tuple[str, ...]:
    return tuple(sorted((p for p in morphology().prefixes if p), key=lambda p: (len(p), p)))


@functools.cache
def _proclitic_letters() -> frozenset[str]:
    """The letters a proclitic sequence can start with (و ف ب ل ك)."""
    return frozenset(p[0] for p in _prefixes_by_length())


def strip_proclitics(word: str) -> list[tuple[str, str]]:
    """(prefix, rest) readings of a normalized word, the bare word first.

    "وللعراق" -> [("", "وللعراق"), ("و", "للعراق"), ("ول", "لعراق"->restored "العراق") ...]: a
    rest that starts with the article's ل after a ل prefix gets its alef back.
    """
    out: list[tuple[str, str]] = [("", word)]
    if word[:1] not in _proclitic_letters():
        return out  # most words: no sequence to try
    m = morphology()
    for prefix in _prefixes_by_length():
        if not word.startswith(prefix) or len(word) - len(prefix) < 2:
            continue
        rest = word[len(prefix) :]
        out.append((prefix, rest))
        if prefix in m.lil_prefixes and rest.startswith(m.lil) and len(rest) > 2:
            out.append((prefix, m.article[0] + rest))
    return out


@word_cache(65536)
def is_clitic_definite(word: str) -> bool:
    """A word made of proclitics and a definite word ("للتدريب", "والاستشارة", "بالعراق")."""
    article = morphology().article
    if word.startswith(article):
        return False
    for prefix, rest in strip_proclitics(word):
        if prefix and (rest.startswith(article) or (prefix[-1] == rest[:1] == article[-1])):
            return True
    return False


def _nisba_bases(base: str) -> list[str]:
    key = normalize_key(base)
    out = [key]
    for a, b in morphology().nisba_variants:
        for x, y in ((a, b), (b, a)):
            if x in key:
                variant = key.replace(x, y)
                if variant not in out:
                    out.append(variant)
    return out


@functools.lru_cache(maxsize=4096)
def nisba_forms(base: str) -> tuple[str, ...]:
    """Every normalized gender/number form of a nisba base, with and without the article."""
    m = morphology()
    forms: list[str] = []
    for key in _nisba_bases(base):
        if len(key) < 3:
            continue
        for suffix in ("", *m.nisba_suffixes):
            word = normalize_key(key + suffix)
            for form in (word, m.article + word):
                if form not in forms:
                    forms.append(form)
    return tuple(forms)


def verb_forms(past: Iterable[str], present: Iterable[str]) -> list[str]:
    """3rd-person forms of verbs given as masculine past and present: feminine and future."""
    out: list[str] = []
    for verb in past:
        key = normalize_key(verb)
        out += [key, key + "ت"]
    for verb in present:
        key = normalize_key(verb)
        stem = key[1:] if key[:1] in ("ي", "ت") else key
        for form in ("ي" + stem, "ت" + stem):
            out += [form, "س" + form]
    return out


@functools.cache
def frequent_words() -> frozenset[str]:
    """Frequent Arabic words (kb/rules/frequent_words.txt) minus known given names."""
    return read_word_list("frequent_words.txt") | read_word_list("stopwords.txt")


@functools.cache
def given_names() -> frozenset[str]:
    return read_word_list("given_names.txt")


@functools.cache
def capital_names() -> dict[str, str]:
    """Normalized capital name -> ISO country code (kb/rules/capitals.tsv)."""
    out: dict[str, str] = {}
    for line in read_rules_text("capitals.tsv").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("country\t"):
            continue
        code, name = line.split("\t")[:2]
        out[normalize_key(name)] = code.strip().upper()
    return out


@dataclass(frozen=True, slots=True)
class Cues:
    titles: dict[tuple[str, ...], str]  # token sequence -> English role
    title_lengths: tuple[int, ...]
    title_firsts: frozenset[str]  # first words of the titles, to rule tokens out fast
    org_cues: dict[str, str]  # cue word -> kind
    weak_org_cues: frozenset[str]
    say_verbs: frozenset[str]
    particles: frozenset[str]
    kunya_heads: frozenset[str]
    enders: frozenset[str]
    affiliation_preps: frozenset[str]
    stop: frozenset[str]
    translit: dict[str, str]


@functools.cache
def cues() -> Cues:
    data: dict[str, Any] = yaml.safe_load(read_rules_text("context.yaml"))
    titles: dict[tuple[str, ...], str] = {}
    for role, words in (data.get("person_titles") or {}).items():
        for w in words:
            titles[tuple(normalize_key(w).split())] = str(role).replace("_", " ")
    org: dict[str, str] = {}
    for kind, words in (data.get("org_cues") or {}).items():
        for w in words:
            org[normalize_key(w)] = str(kind)
    translit: dict[str, str] = {}
    for line in read_rules_text("translit.tsv").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            a, b = line.split("\t", 1)
            translit[a] = b

    def keys(name: str) -> frozenset[str]:
        return frozenset(normalize_key(w) for w in data.get(name) or ())

    return Cues(
        titles=titles,
        title_lengths=tuple(sorted({len(k) for k in titles}, reverse=True)),
        title_firsts=frozenset(k[0] for k in titles),
        org_cues=org,
        weak_org_cues=keys("weak_org_cues"),
        say_verbs=frozenset(
            verb_forms(data.get("say_verbs_past") or (), data.get("say_verbs_present") or ())
        ),
        particles=keys("name_particles"),
        kunya_heads=keys("kunya_heads"),
        enders=keys("name_enders"),
        affiliation_preps=keys("affiliation_preps"),
        stop=read_word_list("stopwords.txt"),
        translit=translit,
    )
