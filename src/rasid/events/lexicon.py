"""Trigger and cue lexicons, compiled from the data files into one dictionary lookup per word.

Written here because no Arabic inflection generator that works offline fits: we need the surface
forms of a few hundred verbs and nouns with their clitics, not a full morphological analyser
(qalsadi lemmatizes, but at ~600 words/s it is too slow for every word of every sentence).

A verb stem generates its past and imperfect conjugations, the future prefix and object
pronouns; a noun its article, proclitics, dual and pronoun suffixes. Every generated form maps to
the entries it can realize, so finding triggers in a sentence is one dict lookup per word.
Risky: generation over-produces (a rare generated form may collide with an unrelated word); the
collisions found are guarded in the rules, and the lexicon README lists known ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from rasid.text.normalize import normalize_key

CONJ = ("", "و", "ف")
NOUN_PROCLITICS = ("", "ال", "ب", "بال", "ل", "لل", "ك", "كال")
PRONOUNS = ("", "ه", "ها", "هم", "هما", "هن")
PAST_SUFFIXES = ("", "ت", "وا", "ا", "تا", "نا", "تم", "ن")
IMPERFECT_PREFIXES = ("ي", "ت", "ن")
IMPERFECT_SUFFIXES = ("", "ون", "ان", "ين")


@dataclass(frozen=True, slots=True)
class TriggerForm:
    """One way a word can announce an event."""

    type: str
    pos: str  # "v" verb, "n" noun, "x" exact
    flags: frozenset[str]
    rest: tuple[str, ...]  # words that must follow (phrases)
    tense: str  # past, present, future, noun
    plural: bool
    lemma: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    triggers: dict[str, tuple[TriggerForm, ...]]
    cues: dict[str, tuple[tuple[str, ...], ...]]
    modes: dict[str, tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]]
    words: dict[str, frozenset[str]]  # single-word cue sets for fast membership
    scan_words: frozenset[str]  # every word that can start a trigger or a verb of saying
    trigger_words: frozenset[str] = frozenset()  # every word that can start a trigger
    # unions of the single-word sets, made once each (``union``); not carried over by
    # ``dataclasses.replace``, whose words may differ
    unions: dict[tuple[str, ...], frozenset[str]] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def union(self, *names: str) -> frozenset[str]:
        """The words of several single-word sets together: the rules asked for the same
        unions once a call, each a new set."""
        found = self.unions.get(names)
        if found is None:
            found = self.unions[names] = frozenset().union(*(self.words[n] for n in names))
        return found


def _verb_forms(stem: str, imp: str | None) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = [(stem + s, "past") for s in PAST_SUFFIXES]
    imp_stem = imp[1:] if imp else (stem[1:] if stem.startswith("ا") else stem)
    for p in IMPERFECT_PREFIXES:
        for s in IMPERFECT_SUFFIXES:
            out.append((p + imp_stem + s, "present"))
    out += [("س" + form, "future") for form, tense in list(out) if tense == "present"]
    with_pronouns: list[tuple[str, str]] = []
    for form, tense in out:
        for pr in PRONOUNS:
            f = form
            if pr and f.endswith("وا"):
                f = f[:-1]  # قتلوا + ه -> قتلوه
            with_pronouns.append((f + pr, tense))
    return with_pronouns


def _noun_forms(noun: str) -> list[tuple[str, bool]]:
    variants = noun.split("|")
    out: list[tuple[str, bool]] = []
    for i, v in enumerate(variants):
        plural = i > 0 or v.endswith("ات")
        bases = [v]
        if v.endswith("ه"):
            stem = v[:-1] + "ت"
            bases += [stem + "ين", stem + "ان"]
            construct = [stem + p for p in PRONOUNS if p]
        else:
            construct = [v + p for p in PRONOUNS if p]
            if not plural:
                bases += [v + "ين", v + "ان", v + "ا"]
        for b in bases:
            out += [(pre + b, plural) for pre in NOUN_PROCLITICS]
        out += [(pre + c, plural) for c in construct for pre in ("", "ب", "ل", "ك")]
    return out


def _add(table: dict[str, list[TriggerForm]], key: str, form: TriggerForm) -> None:
    for c in CONJ:
        bucket = table.setdefault(c + key, [])
        if form not in bucket:
            bucket.append(form)


def _compile_english(data: dict[str, Any], table: dict[str, list[TriggerForm]]) -> None:
    """English forms are used as written: no clitics to generate."""
    for etype, entries in data.items():
        for entry in entries:
            flags = frozenset(entry.get("flags") or ())
            for key, pos, tense in (("ev", "v", "past"), ("en", "n", "noun")):
                for raw in entry.get(key) or ():
                    words = normalize_key(raw).split()
                    plural = pos == "n" and words[-1].endswith("s")
                    form = TriggerForm(etype, pos, flags, tuple(words[1:]), tense, plural, words[0])
                    bucket = table.setdefault(words[0], [])
                    if form not in bucket:
                        bucket.append(form)


def _compile_triggers(data: dict[str, Any]) -> dict[str, tuple[TriggerForm, ...]]:
    table: dict[str, list[TriggerForm]] = {}
    blocked = {normalize_key(w) for w in data.pop("not_triggers", ())}
    _compile_english(data.pop("english", {}), table)
    for etype, entries in data.items():
        for entry in entries:
            flags = frozenset(entry.get("flags") or ())
            imps = {normalize_key(k): normalize_key(v) for k, v in (entry.get("imp") or {}).items()}
            for raw in entry.get("v") or ():
                words = normalize_key(raw).split()
                head, rest = words[0], tuple(words[1:])
                for form, tense in _verb_forms(head, imps.get(head)):
                    _add(table, form, TriggerForm(etype, "v", flags, rest, tense, False, head))
            for raw in entry.get("n") or ():
                words = normalize_key(raw).split()
                head, rest = words[0], tuple(words[1:])
                for form, plural in _noun_forms(head):
                    lemma = head.split("|")[0]
                    _add(table, form, TriggerForm(etype, "n", flags, rest, "noun", plural, lemma))
            for raw in entry.get("x") or ():
                words = normalize_key(raw).split()
                tense = "future" if words[0].startswith("س") else "past"
                _add(
                    table,
                    words[0],
                    TriggerForm(etype, "x", flags, tuple(words[1:]), tense, False, words[0]),
                )
    # a blocked form is blocked with and without its conjunction ("وزارة" and "زارة")
    blocked |= {w[1:] for w in blocked if w[:1] in ("و", "ف")}
    return {k: tuple(v) for k, v in table.items() if k not in blocked and k[1:] not in blocked}


def _phrases(items: list[str]) -> tuple[tuple[str, ...], ...]:
    """Cue phrases as word tuples. A phrase of several words opened by a two-letter word ("في
    تطور اخر", "لم يسفر") is also read with the conjunction on that word ("وفي تطور اخر"): the
    sentence's words keep "و" on words of three letters or fewer (``context._bare``)."""
    out: list[tuple[str, ...]] = []
    for item in items:
        words = tuple(normalize_key(item).split())
        if not words:
            continue
        out.append(words)
        first = words[0]
        if len(words) > 1 and len(first) == 2 and not first.isascii():
            joined = ("و" + first, *words[1:])
            if joined not in out:
                out.append(joined)
    return tuple(dict.fromkeys(out))


@cache
def load_lexicon() -> Lexicon:
    """Compile the packaged lexicons once per process."""
    pkg = resources.files("rasid.events") / "data"
    triggers = yaml.safe_load((pkg / "triggers.yaml").read_text(encoding="utf-8"))
    cues_raw = yaml.safe_load((pkg / "cues.yaml").read_text(encoding="utf-8"))
    cues: dict[str, tuple[tuple[str, ...], ...]] = {}
    modes: dict[str, tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]] = {}
    for name, value in cues_raw.items():
        if isinstance(value, dict):
            modes[name] = tuple((mode, _phrases(words)) for mode, words in value.items())
        else:
            cues[name] = _phrases(value)
    words = {
        name: frozenset(p[0] for p in phrases if len(p) == 1) for name, phrases in cues.items()
    }
    compiled = _compile_triggers(triggers)
    scan = frozenset(compiled) | words.get("speech", frozenset())
    return Lexicon(compiled, cues, modes, words, scan, frozenset(compiled))
