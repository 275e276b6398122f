"""The knowledge base's names compiled for matching: every alias, weak alias, family name and
nisba form of every entity, each key with what a hit of it stands for before any context
(``Reading``), in one Aho-Corasick automaton, and the scan that finds them in a normalized text.

The automaton is ahocorasick_rs's contiguous NFA (the Rust aho-corasick crate), not
pyahocorasick's trie: it reports the same hits in the same order (by end, the longest first at
one end; checked hit for hit on the first 3,000 ANT articles), and its states lie in one array
rather than a node and a list of edges each allocated apart, so the walk inside the pipeline,
where the other stages have pushed it out of the processor's caches, fetches less memory. It
walks bytes: the keys and the text in Windows Arabic (cp1256), one byte a character, which
holds every Arabic letter, the Latin alphabet, digits and punctuation. In UTF-8 an Arabic
letter is two bytes, two steps of the automaton and twice its states; here a byte's offset is
the character's, with no offsets to convert. A character the code page lacks becomes "?" (in a
key: "erdoğan"; in a text: "⬛"), so a hit of a key that holds one is checked on the text.

What it catches: every key with proclitics before it (و ف + ب ل ك: "والعراق", "فبغداد"), and
an article-initial key fused with ل ("للعراق" = ل + العراق, the lil form "لعراق").

Guards: a hit must start at a token start (after a valid proclitic sequence from the word's
start) and end at a token end, so no junk substrings; a lil form only after a sequence ending in
ل. Risky: a word whose first letters look like proclitics and whose rest is a known name (see
rasid.kb.morph). The context decides the rest (rasid.kb.match).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import ahocorasick_rs
import yaml

from rasid.kb.morph import (
    cues,
    frequent_words,
    given_names,
    lil_form,
    morphology,
    nisba_forms,
    read_rules_text,
    verb_forms,
)
from rasid.records import Entity
from rasid.text import normalize_key

if TYPE_CHECKING:
    from rasid.kb.load import KnowledgeBase

# The forms a key can have for an entity; the order is the preference when one span has several.
ALIAS, WEAK, SURNAME, NISBA = "alias", "weak", "surname", "nisba"
FORM_RANK = {ALIAS: 0, WEAK: 1, SURNAME: 2, NISBA: 3}
PERSON_OR_PLACE = "person_or_place"
PLACE_OR_WORD = "place_or_word"
COUNTRY_OR_WORD = "country_or_word"
PLACE_LABELS = {
    "country": "GPE",
    "governorate": "GPE",
    "district": "GPE",
    "city": "GPE",
    "town": "GPE",
    "village": "GPE",
    "neighborhood": "LOC",
    "region": "LOC",
    "landmark": "LOC",
    "base": "FAC",
    "facility": "FAC",
    "airport": "FAC",
    "border_crossing": "FAC",
}


def label_of(entity: Entity) -> str:
    """The coarse NER class of an entity: PERS, ORG, GPE, LOC or FAC."""
    if entity.kind == "place":
        return PLACE_LABELS.get(entity.place_type or "", "LOC")
    if entity.kind == "person":
        return "PERS"
    if entity.kind == "state":
        return "GPE"
    return "ORG"


@dataclass(frozen=True, slots=True)
class Target:
    entity_id: str
    form: str
    lil: bool  # the key is an article-initial alias after ل ("لعراق" in "للعراق")


# What a hit resolves to: entity id, rule, confidence, nisba.
Outcome = tuple[str, str, float, bool]


class Reading(NamedTuple):
    """The targets a key stands for (after some proclitics), and what is known of them before
    any context: made once per key when the matcher is built, shared by all its hits."""

    targets: tuple[Target, ...]
    named: tuple[str, ...]  # the entities named by a full alias (ALIAS form)
    # what the hit resolves to when nothing in the context matters (one entity, no sharing
    # rule, not a capital, a full alias or a nisba): with no proclitic, and after one
    sure: tuple[Outcome, Outcome] | None
    # (state id, its country place id) when the key names exactly those two by a full alias,
    # with no sharing rule, and perhaps others by a nisba, which rank below ("العراق",
    # "السعوديه"): the context chooses between the two, nothing else
    twin: tuple[str, str] | None
    # the entities of a key that only weak aliases and family names make (None for others):
    # unless the article names one of them in full, or one of ``titles`` comes right before,
    # the hit is nothing
    needs_strong: frozenset[str] | None
    titles: tuple[str, ...]  # the titles of those entities (people's offices)
    # (place id, state id) when the key is a capital's full alias and nothing else: the place,
    # or the state when the context makes it an actor
    capital: tuple[str, str] | None


# The code page keys and texts are walked in (see the module's docstring), and the byte a
# character it lacks becomes.
_CODE_PAGE = "cp1256"
_Q = ord("?")

# What a hit of a key reads: after a proclitic sequence ending in "ل", after any other, and one
# letter in after "ل" (the key of a lil form: "للعراق", read as "ل" + "لعراق").
KeyReadings = tuple[Reading | None, Reading | None, Reading | None]

# A raw hit: normalized [start, end) of the name, the proclitics before it, its reading. A plain
# tuple, as rasid.kb.match's ``Resolved``: tens of them an article, built and dropped (a
# NamedTuple takes 0.4 us to build, a tuple 0.1 us).
Hit = tuple[int, int, str, Reading]


@dataclass(frozen=True, slots=True)
class ContextWords:
    locative_before: frozenset[str]
    locative_proclitics: frozenset[str]
    actor_before: frozenset[str]
    actor_after: frozenset[str]
    actor_pairs: frozenset[tuple[str, str]]
    actor_lam: frozenset[str]
    place_nouns: frozenset[str]
    country_nouns: frozenset[str]


@functools.cache
def context_words() -> ContextWords:
    data: dict[str, Any] = yaml.safe_load(read_rules_text("metonymy.yaml"))
    verbs = set(
        verb_forms(data.get("actor_verbs_past") or (), data.get("actor_verbs_present") or ())
    )
    before = {normalize_key(w) for w in data.get("actor_before_words") or ()}
    return ContextWords(
        locative_before=frozenset(normalize_key(w) for w in data.get("locative_before") or ()),
        locative_proclitics=frozenset(
            normalize_key(w) for w in data.get("locative_proclitics") or ()
        ),
        actor_before=frozenset(before | verbs),
        actor_after=frozenset(verbs),
        actor_pairs=frozenset(
            tuple(normalize_key(p).split()[:2])  # type: ignore[misc]
            for p in data.get("actor_before_pairs") or ()
        ),
        actor_lam=frozenset(normalize_key(w) for w in data.get("actor_before_lam") or ()),
        place_nouns=frozenset(normalize_key(w) for w in data.get("place_nouns") or ()),
        country_nouns=frozenset(normalize_key(w) for w in data.get("country_nouns") or ()),
    )


class Matcher:
    """The compiled automaton over every normalized alias and generated form of a KB."""

    def __init__(self, kb: KnowledgeBase, capitals: dict[str, str]) -> None:
        self.kb = kb
        # the keys, compiled by ``compile``, and what each reads, by the key's index
        self.automaton = ahocorasick_rs.BytesAhoCorasick(())
        self.readings: list[KeyReadings] = []
        self.unsure: dict[int, str] = {}
        self.capitals = capitals  # capital place id -> state actor id
        # entities whose aliases need no context: no sharing rule, not a capital
        self.plain: frozenset[str] = frozenset(
            eid for eid, inf in kb.info.items() if not inf.ambiguous and eid not in capitals
        )
        self.labels: dict[str, str] = {eid: label_of(ent) for eid, ent in kb.entities.items()}
        # person id -> normalized titles of its offices, for weak aliases after a title (a
        # tuple, for ``str.endswith``)
        self.titles: dict[str, tuple[str, ...]] = {
            eid: tuple(sorted({normalize_key(r.role) for r in inf.roles if r.role} - {""}))
            for eid, inf in kb.info.items()
            if inf.roles
        }
        self.rules: dict[str, str] = {eid: inf.ambiguous or "" for eid, inf in kb.info.items()}
        self.words = context_words()
        self.given_names = given_names()
        morph = morphology()
        self.prefixes = morph.prefixes
        self.lil_prefixes = morph.lil_prefixes
        self.conjunctions = tuple(morph.conjunctions)
        self.clitic_letters = frozenset("".join(morph.prefixes))
        self.longest_prefix = max(len(p) for p in morph.prefixes)
        self.letter_classes = _letter_classes(self.clitic_letters)
        self.lil = morph.lil

    def compile(self, keys: dict[str, KeyReadings]) -> None:
        """Compile ``keys`` (in letter order: the states a text walks through lie together)."""
        ordered = sorted(keys)
        encoded = [key.encode(_CODE_PAGE, "replace") for key in ordered]
        self.automaton = ahocorasick_rs.BytesAhoCorasick(
            encoded,
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        self.readings = [keys[key] for key in ordered]
        # the keys with a character the code page lacks, by index: a "?" in the text, or
        # another character it lacks, would match it (38 keys, all Latin: "erdoğan")
        self.unsure = {
            i: key for i, (key, raw) in enumerate(zip(ordered, encoded, strict=True)) if _Q in raw
        }

    def reading(self, targets: tuple[Target, ...]) -> Reading | None:
        """What a hit with ``targets`` stands for before context (None: no target)."""
        if not targets:
            return None
        only = targets[0]
        sure: tuple[Outcome, Outcome] | None = None
        if len(targets) == 1 and only.entity_id in self.plain and only.form in (ALIAS, NISBA):
            eid = only.entity_id
            if only.form == NISBA:
                sure = ((eid, "kb.nisba", 0.9, True), (eid, "kb.nisba", 0.9, True))
            else:
                sure = ((eid, "kb.exact", 1.0, False), (eid, "kb.clitic", 1.0, False))
        named = tuple(t.entity_id for t in targets if t.form == ALIAS)
        twin = None
        # a nisba of the same name ("السعوديه": the state, its country, the nisba of the state)
        # ranks below the full aliases whatever its context: the two aliases decide alone
        aliases = [t for t in targets if t.form == ALIAS]
        if (
            len(aliases) == 2
            and all(t.form in (ALIAS, NISBA) for t in targets)
            and not any(self.rules[t.entity_id] for t in aliases)
        ):
            kb = self.kb
            ids = [t.entity_id for t in aliases]
            states = [i for i in ids if kb.info[i].kind == "state"]
            places = [i for i in ids if kb.entities[i].kind == "place"]
            if len(states) == 1 and len(places) == 1 and kb.info[states[0]].place == places[0]:
                twin = (states[0], places[0])
        needs_strong = None
        titles: tuple[str, ...] = ()
        if all(t.form in (WEAK, SURNAME) for t in targets):
            needs_strong = frozenset(t.entity_id for t in targets)
            titles = tuple(sorted({x for eid in needs_strong for x in self.titles.get(eid, ())}))
        capital = None
        if len(targets) == 1 and only.form == ALIAS and not self.rules[only.entity_id]:
            state = self.capitals.get(only.entity_id)
            if state is not None:
                capital = (only.entity_id, state)
        return Reading(targets, named, sure, twin, needs_strong, titles, capital)

    def scan(self, text: str) -> list[Hit]:
        """Every hit at token boundaries, proclitics checked, in text order."""
        out: list[Hit] = []
        prefixes = self.prefixes
        lil_prefixes = self.lil_prefixes
        longest = self.longest_prefix
        lil = self.lil
        readings = self.readings
        raw = text.encode(_CODE_PAGE, "replace")  # one byte a character
        unsure = self.unsure if _Q in raw else None
        # each character's class (``_letter_classes``), and a last 0 that stands for the end
        # of the text and, read at -1, for its start: a number read from bytes, where a
        # character read from the text is a new string for every Arabic letter
        classes = raw.translate(self.letter_classes) + b"\0"
        if unsure is not None:
            classes = _classes_of_unknown(text, raw, classes)
        for key, start, end in self.automaton.find_matches_as_indexes(raw, overlapping=True):
            if classes[end]:
                continue
            if unsure is not None and key in unsure and text[start:end] != unsure[key]:
                continue
            after_lil, plain, shifted = readings[key]
            before = classes[start - 1]
            if not before:
                prefix = ""
            else:
                # the start is inside a word: the letters before it must be proclitics ("وب"),
                # from the word's start; most hits fail at the first letter
                if before != _CLITIC:
                    continue
                t = start - 1
                floor = max(0, start - longest)
                while t > floor and classes[t - 1] == _CLITIC:
                    t -= 1
                if classes[t - 1]:
                    continue
                prefix = text[t:start]
                if prefix not in prefixes:
                    continue
            # every sequence ending in "ل" is also a valid sequence for the other targets
            ok = after_lil if prefix in lil_prefixes else plain
            if ok is not None:
                out.append((start, end, prefix, ok))
            if shifted is not None and prefix + lil in lil_prefixes:
                # "ل" + a lil form ("للعراق"): the form one letter in, after "ل"
                out.append((start + 1, end, prefix + lil, shifted))
        return out


# A character's class in the scan: not a letter or digit, a letter or digit, a proclitic's
# letter.
_OTHER, _ALNUM, _CLITIC = 0, 1, 2


def _letter_classes(clitics: frozenset[str]) -> bytes:
    """The class of each byte of the code page, as a table for ``bytes.translate``."""
    table = bytearray(256)
    for byte in range(256):
        try:
            ch = bytes([byte]).decode(_CODE_PAGE)
        except UnicodeDecodeError:  # no character: never one of a text's
            continue
        table[byte] = _CLITIC if ch in clitics else _ALNUM if ch.isalnum() else _OTHER
    return bytes(table)


def _classes_of_unknown(text: str, raw: bytes, classes: bytes) -> bytes:
    """``classes`` with the class of each character the code page lacks ("?" in ``raw``, "ğ"
    a letter, "⬛" not) read from the text."""
    fixed = bytearray(classes)
    i = raw.find(_Q)
    while i >= 0:
        fixed[i] = _ALNUM if text[i].isalnum() else _OTHER
        i = raw.find(_Q, i + 1)
    return bytes(fixed)


def _add(table: dict[str, dict[Target, None]], key: str, target: Target) -> None:
    if len(key) < 2 or not any(ch.isalnum() for ch in key):
        return
    table.setdefault(key, {})[target] = None


def _surnames(entity: Entity) -> list[str]:
    """Last tokens of a person's multi-word Arabic names: candidates for a family-name alias.

    A word after a name particle is left out: it names a father or a house, not the person
    ("سلمان" in "خالد بن سلمان", "نهيان" in "محمد بن زايد آل نهيان").
    """
    out: list[str] = []
    common = frequent_words()
    particles = cues().particles
    for name in (entity.name_ar, *entity.aliases):
        key = normalize_key(name)
        parts = key.split()
        if len(parts) < 2 or not parts[-1][:1].isalpha() or parts[-1].isascii():
            continue
        if parts[-2] in particles:
            continue
        last = parts[-1]
        if len(last) >= 3 and last not in common and last not in out:
            out.append(last)
    return out


def build_matcher(kb: KnowledgeBase) -> Matcher:
    """Compile every alias, weak alias, family name and nisba form of ``kb`` into one automaton."""
    table: dict[str, dict[Target, None]] = {}

    def add_with_article(key: str, eid: str, form: str) -> None:
        _add(table, key, Target(eid, form, False))
        lil = lil_form(key)
        if lil:
            _add(table, lil, Target(eid, form, True))

    strong_keys: set[str] = set()
    for eid, ent in kb.entities.items():
        inf = kb.info[eid]
        # a one-word alias of a person that the KB marks as shared (with a nisba, a place or
        # a word: "السوداني") counts as weak: it needs the full name or a title nearby
        shared_person = ent.kind == "person" and bool(inf.ambiguous)
        for alias in ent.aliases:
            key = normalize_key(alias)
            if shared_person and " " not in key:
                add_with_article(key, eid, WEAK)
                continue
            strong_keys.add(key)
            add_with_article(key, eid, ALIAS)
        for alias in inf.weak_aliases:
            add_with_article(normalize_key(alias), eid, WEAK)
        for base in inf.nisba_ar:
            for key in nisba_forms(base):
                add_with_article(key, eid, NISBA)
        for base in inf.nisba_en:
            _add(table, normalize_key(base), Target(eid, NISBA, False))
    for eid, ent in kb.entities.items():
        if ent.kind != "person":
            continue
        for last in _surnames(ent):
            if last not in strong_keys:
                add_with_article(last, eid, SURNAME)
    matcher = Matcher(kb, dict(kb.capital_metonyms))
    readings: dict[tuple[Target, ...], Reading | None] = {}

    def reading(group: tuple[Target, ...]) -> Reading | None:
        if group not in readings:
            readings[group] = matcher.reading(group)
        return readings[group]

    # A key and what a hit of it reads (``KeyReadings``). A lil form ("لعراق") is added with the
    # "ل" before it ("للعراق"): the automaton then has no path for "لعراق" that the walk through
    # every "العراق..." follows on a failed letter (2,734 forms).
    values: dict[str, KeyReadings] = {}
    lil = morphology().lil
    for key, targets in table.items():
        ordered = tuple(sorted(targets, key=lambda t: (FORM_RANK[t.form], t.entity_id)))
        plain = tuple(t for t in ordered if not t.lil)
        has_lil = len(plain) < len(ordered)
        if plain:
            # after "ل" a key with lil targets is read by its shifted key, all targets at once
            after_lil = None if has_lil else reading(ordered)
            _, _, shifted = values.get(key, (None, None, None))
            values[key] = (after_lil, reading(plain), shifted)
        if has_lil:
            longer = lil + key
            after_lil_, plain_, _ = values.get(longer, (None, None, None))
            values[longer] = (after_lil_, plain_, reading(ordered))
    matcher.compile(values)
    return matcher
