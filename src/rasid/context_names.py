"""Names found by context: the patterns that find people and organizations the knowledge base
does not know, over one document's tokens (``NameFinder``).

What it catches, for people and organizations the knowledge base does not know:
- a title or role before a name ("الخبيرة ... لدى شركة كونترول ريسكس الاستشارية أنيسة بصيري
  تبريزي"، "السفير الأمريكي بالعراق، ماثيو تولر"، "الدكتور أحمد أنور") -> person, with the role
  and the body the text ties the role to;
- a role in apposition after a name ("أحمد أنور، الأكاديمي المصري وعضو اللجنة ...");
- a verb of saying before a name ("كتب بنديكت أبو النصر ،"، "قال نجم الجبوري ،");
- kunyas ("أبو بكر السعدي");
- organizations after a cue word ("منظمة الشفافية الدولية"، "صحيفة "وول ستريت جورنال""،
  "شركة كونترول ريسكس");
- photo credits "(فريد عبد الواحد / ا ف ب)".
Each is a ``Found`` token range with its kind, rule, role and affiliation; rasid.provisional
turns them into mentions and provisional entities (id "px:<normalized name>").

Guards: a name token is never a frequent word (kb/rules/frequent_words.txt, from the ANT corpus)
or a stop word unless it is a known given name; a person's name does not start with the
article; names are two to four tokens; tokens inside a knowledge-base mention never join a
found name; the knowledge base wins over context when spans overlap.

Risky: a foreign organization name and a person's name written back to back with no cue between
them ("في تشاتام هاوس ريناد منصور") split at the last given name, or else keep the last two
tokens; a rare ordinary word after a title can still be read as a name.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from rasid.caches import word_cache
from rasid.doc import Doc
from rasid.kb.load import KnowledgeBase
from rasid.kb.morph import (
    cues,
    frequent_words,
    given_names,
    is_clitic_definite,
    morphology,
    strip_proclitics,
)
from rasid.records import Mention
from rasid.text import normalize_key
from rasid.text.segment import split_words

_SENTENCE_END = frozenset(".!?;\n")
_BOUNDARY = frozenset(',;:."!?()[]\n-/')
_MAX_WINDOW = 16
_LETTER_FIRST = re.compile(r"[^\W\d_]").match


@dataclass(frozen=True, slots=True)
class Found:
    """A name found by context: token range [i, j), kind, rule, role and affiliation."""

    i: int
    j: int
    kind: str  # person or an organization kind
    rule: str
    confidence: float
    role_ar: str | None = None
    role_en: str | None = None
    affiliation: str | None = None  # an entity id (KB) or a found org's "px:" id


_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "هن", "كم")
_ADJECTIVE_ENDINGS = ("يه", "يين", "يون", "يات")  # nisba adjectives, normalized
_ABU = "\u0623\u0628\u0648"  # the kunya head "abu"


@word_cache(65536)
def _org_cue_word(word: str) -> tuple[str, int] | None:
    """(cue word, length of its proclitics) when a word is an organization cue ("لمعهد")."""
    if word not in _org_cue_spellings():
        return None  # most words: known without trying their proclitic readings one by one
    org_cues = cues().org_cues
    for prefix, rest in strip_proclitics(word):
        if rest in org_cues:
            return rest, len(prefix)
    return None


@functools.cache
def _org_cue_spellings() -> frozenset[str]:
    """Every spelling an organization cue can take behind proclitics, as ``strip_proclitics``
    reads them back: the cue after any proclitic sequence, and a cue with the article after a
    ل that absorbed its alef ("للمعهد"). More than the readings allow (no length checks): only
    the words outside it are ruled out."""
    m = morphology()
    spellings: set[str] = set()
    for cue in cues().org_cues:
        spellings.update(prefix + cue for prefix in m.prefixes)  # "" included
        if cue.startswith(m.article[0]):
            spellings.update(prefix + cue[1:] for prefix in m.lil_prefixes)
    return frozenset(spellings)


def _bare(word: str) -> str:
    if len(word) > 3 and word[0] in morphology().conjunctions:
        return word[1:]
    return word


@functools.cache
def _common_words() -> frozenset[str]:
    return frequent_words() | cues().stop


@word_cache(50_000)
def _namey_word(norm: str) -> bool:
    """A word that can be part of a name: not a stop word, an ordinary word or a cue (one
    argument: a cache keyed by the word itself, with no tuple built a look-up)."""
    bare = _bare(norm)
    c = cues()
    if norm in c.stop or bare in c.stop:
        return False
    if norm in given_names() or norm in c.particles:
        return True
    common = _common_words()
    if norm in common or bare in c.say_verbs or norm in c.org_cues:
        return False
    if bare != norm and bare in common:
        return False
    if len(norm) >= 5 and norm.endswith(_PRONOUN_SUFFIXES):
        return False  # "صفوفها": a noun with a possessive pronoun
    return len(norm) >= 2 and (norm,) not in c.titles and not is_clitic_definite(norm)


_CREDIT, _TITLE, _SAY, _KUNYA, _ORG = 1, 2, 4, 8, 16


def _cue_kind(norm: str, bare: str) -> int:
    """What a token can open, as bits: a photo credit "(", a title, a verb of saying, a kunya,
    an organization's name; 0 for most tokens, which the patterns then skip."""
    if not norm[:1].isalpha():
        return _CREDIT if norm == "(" else 0
    c = cues()
    kind = _TITLE if bare in c.title_firsts or norm in c.title_firsts else 0
    if bare in c.say_verbs:
        kind |= _SAY
    if bare in c.kunya_heads or norm in c.kunya_heads:
        kind |= _KUNYA
    if _org_cue_word(norm) is not None:
        kind |= _ORG
    return kind


class TokenFacts(NamedTuple):
    """What the patterns ask of a token (a tuple: the cache keeps one a distinct word)."""

    bare: str  # without a leading conjunction
    word: bool  # a word (it starts with a letter), not a mark or a number
    kind: int  # what it can open: _CREDIT, _TITLE, _SAY, _KUNYA and _ORG bits


_KIND = itemgetter(2)


@word_cache(40_000)
def _token_info(token: str) -> TokenFacts:
    """The facts of a token: one cached look-up a token for all three."""
    bare = _bare(token)
    facts = (bare, _LETTER_FIRST(token) is not None, _cue_kind(token, bare))
    return tuple.__new__(TokenFacts, facts)  # no Python call to build it


def provisional_id(name: str) -> str:
    """The id of a provisional entity: "px:" and the normalized name, words joined by "_"."""
    return "px:" + "_".join(normalize_key(name).split())


class NameFinder:
    """Runs the context patterns over one document's tokens."""

    def __init__(self, doc: Doc, kb_mentions: Sequence[Mention], kb: KnowledgeBase) -> None:
        self.doc = doc
        self.kb = kb
        self.c = cues()
        self.common = _common_words()
        self.given = given_names()
        text = doc.norm.text
        self.text = text
        # the tokens as parallel lists (normalized offsets), the document's words split once
        # for every stage: building one object per token costs more than everything the
        # patterns do with them (maps over C methods: no Python call per token)
        words = doc.words if doc.words is not None else split_words(text)
        self.norms: list[str] = words.texts
        self.starts: list[int] = words.starts
        self.ends: list[int] = words.ends
        self.n = len(self.norms)
        # one cached look-up a token (a C-level map), its facts read where a pattern asks
        # (taking all of them apart for every token cost more than the look-ups)
        self.facts: list[TokenFacts] = list(map(_token_info, self.norms))
        self.kbi = [-1] * self.n  # the knowledge-base mention covering each token, or -1
        self.kb_mentions = list(kb_mentions)
        to_normalized = doc.norm.to_normalized
        self.kb_spans = [(to_normalized(m.start), to_normalized(m.end)) for m in kb_mentions]
        for k, (a, b) in enumerate(self.kb_spans):
            idx = bisect_left(self.starts, a)
            while idx < self.n and self.starts[idx] < b:
                if self.ends[idx] > a:
                    self.kbi[idx] = k
                idx += 1
        self.found: list[Found] = []

    # -- token tests ---------------------------------------------------------------------------

    def namey(self, k: int) -> bool:
        """A token that can be part of a name: a word, not in the KB, not an ordinary word."""
        if k >= self.n or not self.facts[k].word or self.kbi[k] >= 0:
            return False
        return _namey_word(self.norms[k])

    def boundary(self, k: int) -> bool:
        """The end of a name: punctuation, a sentence end, "إن/أن", or the text's end."""
        if k >= self.n:
            return True
        norm = self.norms[k]
        if not self.facts[k].word:
            return norm in _BOUNDARY or norm in "'\"«»"
        return norm in self.c.enders or self.facts[k].bare in self.c.say_verbs

    def title_at(self, k: int) -> tuple[int, str] | None:
        """(length, English role) of the longest title cue starting at token k."""
        if (
            self.facts[k].bare not in self.c.title_firsts
            and self.norms[k] not in self.c.title_firsts
        ):
            return None
        for n in self.c.title_lengths:
            if k + n > self.n:
                continue
            words = (self.facts[k].bare, *self.norms[k + 1 : k + n])
            role = self.c.titles.get(words)
            if role is None and n == 1:
                role = self.c.titles.get((self.norms[k],))
            if role is not None and all(x < 0 for x in self.kbi[k : k + n]):
                if n == 1 and words[0] == normalize_key("د"):
                    # "د." abbreviates doctor only before a name
                    if k + 1 >= self.n or self.norms[k + 1] != ".":
                        continue
                    return 2, role
                return n, role
        return None

    # -- name runs -----------------------------------------------------------------------------

    def name_run(self, k: int, allow_article: bool = False, stop_at_article: bool = False) -> int:
        """End (exclusive) of the run of name tokens starting at k (k itself when none)."""
        j = k
        norms = self.norms
        while j < self.n and j - k < 6:
            norm = norms[j]
            if stop_at_article and j > k and norm.startswith(morphology().article):
                break
            if norm in self.c.particles and j + 1 < self.n and self.facts[j + 1].word:
                if self.kbi[j + 1] >= 0 or norms[j + 1] in self.c.stop:
                    break
                j += 2
                continue
            if not self.namey(j):
                break
            j += 1
        if j > k and not allow_article and norms[k].startswith(morphology().article):
            return k
        return j

    def person_at(self, k: int, limit: int) -> tuple[int, int] | None:
        """The first person's name in tokens [k, limit): a run of 2-4 name tokens. A name that
        opens with a known given name stands on its own; any other must follow the cue directly
        (only nisba adjectives and commas between) and end at a boundary. Organization names
        and KB mentions are skipped over; a sentence end stops the search."""
        i = k
        adjacent = True
        while i < limit:
            if not self.facts[i].word:
                if self.norms[i] in _SENTENCE_END or self.norms[i] in ("(", ")", '"'):
                    return None
                i += 1
                continue
            if self.kbi[i] >= 0:
                adjacent = adjacent and self.kb_mentions[self.kbi[i]].nisba
                i += 1
                continue
            if self.org_cue(i) is not None:
                adjacent = False
                i = max(i + 1, self.org_name_end(i))
                continue
            j = self.name_run(i)
            if j == i:
                adjacent = False
                i += 1
                continue
            span = self.trim_person(i, j)
            if span is not None:
                if self.norms[span[0]] in self.given:
                    return span
                if adjacent and span[0] == i and (self.boundary(j) or self.title_at(j)):
                    return span
            adjacent = False
            i = j
        return None

    def trim_person(self, i: int, j: int) -> tuple[int, int] | None:
        """A person's name inside a run: 2-4 tokens, starting at a given name when one is there."""
        n = j - i
        if n < 2:
            return None
        if n <= 3:
            return i, j
        for s in range(j - 2, i - 1, -1):
            if self.norms[s] in self.given:
                return s, j
        return j - 2, j

    # -- organizations -------------------------------------------------------------------------

    def org_cue(self, k: int) -> tuple[str, int] | None:
        """(cue word, length of its proclitics) when token k opens an organization's name."""
        if not self.facts[k].word or self.kbi[k] >= 0:
            return None
        return _org_cue_word(self.norms[k])

    def org_name_end(self, k: int, definite_ok: bool = False) -> int:
        """End of an organization name after the cue at k (k + 1 when there is none)."""
        found_cue = self.org_cue(k)
        if found_cue is None:
            return k + 1
        key = found_cue[0]
        j = k + 1
        norms = self.norms
        if j >= self.n:
            return j
        if norms[j] in ('"', "'"):
            close = j + 1
            while close < self.n and close - j < 8 and norms[close] != '"':
                close += 1
            if close < self.n and norms[close] == '"' and close > j + 1:
                return close + 1
            return k + 1
        if key.startswith(morphology().article) and not definite_ok:
            return k + 1
        if key in self.c.weak_org_cues:
            # a cue that is also an ordinary noun ("حركة المرور", "فصيل مسلح") opens only a
            # quoted name
            return k + 1
        run = self.name_run(j, allow_article=False, stop_at_article=True)
        if run > j and norms[j].endswith(_ADJECTIVE_ENDINGS):
            return k + 1  # "شركة أجنبية": an adjective, not a name
        if run > j:
            # a foreign name ("كونترول ريسكس") stops before a definite descriptor
            return run
        end = j
        article = morphology().article
        lil = morphology().lil + article[-1]
        while end < self.n and end - j < 4:
            norm, kbi = norms[end], self.kbi[end]
            if not self.facts[end].word or norm in self.c.stop or self.title_at(end) is not None:
                break
            is_def = norm.startswith(article) or (end > j and norm.startswith(lil))
            is_nisba = kbi >= 0 and self.kb_mentions[kbi].nisba
            is_place = kbi >= 0 and not is_nisba and end == j and self.is_place_mention(kbi)
            # a definite word, a definite nisba ("المصرية"), or a place right after the cue
            # ("معهد واشنطن")
            if not (is_place or (is_def and (kbi < 0 or is_nisba))):
                break
            end += 1
        return k + 1 if end == j else end

    def is_place_mention(self, idx: int) -> bool:
        m = self.kb_mentions[idx]
        ent = self.kb.get(m.entity_id)
        return m.nisba or (ent is not None and ent.kind in ("place", "state"))

    # -- patterns ------------------------------------------------------------------------------

    def run(self) -> list[Found]:
        kinds = list(map(_KIND, self.facts))
        after = 0  # a title's name is read once: the walk goes on after it
        for k in compress(range(self.n), kinds):
            if k < after:
                continue
            kind = kinds[k]
            if kind & _CREDIT:
                self.credit(k)
                continue
            title = self.title_at(k) if kind & _TITLE else None
            if title is not None:
                after = self.titled(k, *title)
            elif kind & _SAY:
                self.said(k)
            elif kind & _KUNYA:
                self.kunya(k)
            elif kind & _ORG and self.org_cue(k) is not None:
                self.org(k)
        return self.found

    def org(self, k: int, definite_ok: bool = False) -> Found | None:
        end = self.org_name_end(k, definite_ok)
        if end <= k + 1:
            return None
        cue = self.org_cue(k)
        kind = self.c.org_cues.get(cue[0], "organization") if cue else "organization"
        i = k
        quoted = self.norms[k + 1] in ('"', "'")
        foreign = not quoted and not self.norms[k + 1].startswith(morphology().article)
        if quoted:
            i, end = k + 2, end - 1
        elif foreign and self.kbi[k + 1] < 0:
            i = k + 1
        found = Found(i, end, kind, "context.org_cue", 0.75)
        self.found.append(found)
        return found

    def titled(self, k: int, n: int, role_en: str) -> int:
        """A title cue at k: the role phrase runs to the first person name in the window."""
        limit = min(self.n, k + n + _MAX_WINDOW)
        span = self.person_at(k + n, limit)
        if span is None:
            return k + n
        i, j = span
        start = k
        x = k + n
        while x < i:  # the title nearest the name gives the role
            near = self.title_at(x)
            if near is not None:
                start, n, role_en = x, near[0], near[1]
                x += near[0]
            else:
                x += 1
        # the body comes from the whole role phrase unless a comma cuts it off from the name
        cut = "," in self.norms[k:start]
        affiliation = self.affiliation_in(start + n if cut else k + 1, i)
        role_ar = self.span_text(start, i).strip(" ،,\n")
        self.found.append(
            Found(i, j, "person", "context.title", 0.8, role_ar or None, role_en, affiliation)
        )
        self.apposition(j)
        return j

    def said(self, k: int) -> None:
        """A verb of saying followed directly by a name and a boundary or an apposition."""
        i = k + 1
        j = self.name_run(i)
        if j - i < 2 or not (self.boundary(j) or self.title_at(j)):
            return
        span = self.trim_person(i, j)
        if span is None or span[0] != i:
            return
        self.found.append(Found(i, j, "person", "context.say_verb", 0.7))
        self.apposition(j)

    def kunya(self, k: int) -> None:
        """Kunya "أبو X [Y]": X a given name or a rare word; Y a family name ("السعدي")."""
        j = k + 1
        if j >= self.n:
            return
        x = self.norms[j]
        if not self.facts[j].word or self.kbi[j] >= 0:
            return
        if x not in self.given and (x in self.common or x in self.c.stop):
            return
        if self.facts[k].bare != normalize_key(_ABU) and x not in self.given:
            return  # "أم" is also "or": only "أم" + a given name is a kunya
        end = j + 1
        if end < self.n and self.namey(end) and self.norms[end].startswith(morphology().article):
            end += 1
        if self.kbi[k] >= 0:
            return
        self.found.append(Found(k, end, "person", "context.kunya", 0.7))

    def credit(self, k: int) -> None:
        """A photo credit "(NAME / AGENCY)" names a photographer: credit names a photographer."""
        i = k + 1
        if i >= self.n or self.norms[i].isascii():
            return  # Latin credits go to the English-name rule
        j = self.name_run(i)
        if j - i < 2 or j >= self.n or self.norms[j] != "/":
            return
        self.found.append(Found(i, j, "person", "context.credit", 0.7))

    def apposition(self, j: int) -> None:
        """Apposition "NAME، ROLE ...": give the last found person the role after the comma."""
        if j >= self.n or self.norms[j] != ",":
            return
        title = self.title_at(j + 1)
        if title is None:
            return
        n, role_en = title
        end = j + 1 + n
        while end < self.n and end - j < _MAX_WINDOW:
            if not self.facts[end].word and self.norms[end] in _SENTENCE_END | {":", '"'}:
                break
            end += 1
        index = len(self.found) - 1
        last = self.found[index]
        affiliation = self.affiliation_in(j + 1 + n, end)
        stop = j + 1 + n
        while stop < min(end, j + 1 + n + 4) and self.norms[stop] != ",":
            stop += 1
        role_ar = self.span_text(j + 1, stop).strip(" ،,")
        self.found[index] = dataclasses.replace(
            last,
            role_ar=last.role_ar or role_ar,
            role_en=last.role_en or role_en,
            affiliation=last.affiliation or affiliation,
        )

    def affiliation_in(self, a: int, b: int) -> str | None:
        """The body a role serves, from the role phrase [a, b): an organization named after a
        cue, else a KB organization, else the state of a nisba ("السفير الأمريكي")."""
        nisba: str | None = None
        kb_org: str | None = None
        k = a
        while k < b:
            kbi = self.kbi[k]
            if kbi >= 0:
                m = self.kb_mentions[kbi]
                ent = self.kb.get(m.entity_id)
                if ent is not None and ent.kind not in ("place", "person", "state") and not kb_org:
                    kb_org = m.entity_id
                if m.nisba and nisba is None:
                    nisba = m.entity_id
                while k < b and self.kbi[k] == kbi:
                    k += 1
                continue
            if self.org_cue(k) is not None:
                found = self.org(k, definite_ok=True)
                if found is not None:
                    return provisional_id(self.span_text(found.i, found.j))
            k += 1
        return kb_org or nisba

    def span_text(self, i: int, j: int) -> str:
        """The original text of tokens [i, j)."""
        if j <= i:
            return ""
        a, b = self.doc.norm.to_original_span(self.starts[i], self.ends[j - 1])
        return self.doc.article.text[a:b]
