"""Mentions linked to entities: knowledge-base matches plus names found by context.

What it catches, for people and organizations the knowledge base does not know:
- a title or role before a name ("الخبيرة ... لدى شركة كونترول ريسكس الاستشارية أنيسة بصيري
  تبريزي"، "السفير الأمريكي بالعراق، ماثيو تولر"، "الدكتور أحمد أنور") -> person, with the role
  and the body the text ties the role to;
- a role in apposition after a name ("أحمد أنور، الأكاديمي المصري وعضو اللجنة ...");
- a verb of saying before a name ("كتب بنديكت أبو النصر ،"، "قال نجم الجبوري ،");
- kunyas ("أبو بكر السعدي");
- organizations after a cue word ("منظمة الشفافية الدولية"، "صحيفة "وول ستريت جورنال""،
  "شركة كونترول ريسكس");
- photo credits "(فريد عبد الواحد / ا ف ب)" and English names in captions;
- later mentions of a found name, in full or by family name ("وأضاف منصور").
Each becomes a provisional entity (id "px:<normalized name>") with role and affiliation.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rasid.doc import Doc
from rasid.kb.load import KnowledgeBase, load_kb
from rasid.kb.match import match_kb
from rasid.kb.morph import (
    cues,
    frequent_words,
    given_names,
    is_clitic_definite,
    morphology,
    strip_proclitics,
)
from rasid.records import Entity, Mention
from rasid.text import normalize_key

_TOKEN = re.compile(r"[^\W_]+|[^\w\s]|\n")
_SENTENCE_END = frozenset(".!?;\n")
_BOUNDARY = frozenset(',;:."!?()[]\n-/')
_MAX_WINDOW = 16
_LATIN_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,3}\b")


class Tok(NamedTuple):
    start: int  # normalized offsets
    end: int
    norm: str
    bare: str  # without a leading و/ف
    word: bool  # letters, not punctuation or a number
    kb: int = -1  # index of the knowledge-base mention covering it, or -1


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


@functools.lru_cache(maxsize=65536)
def _org_cue_word(word: str) -> tuple[str, int] | None:
    """(cue word, length of its proclitics) when a word is an organization cue ("لمعهد")."""
    org_cues = cues().org_cues
    for prefix, rest in strip_proclitics(word):
        if rest in org_cues:
            return rest, len(prefix)
    return None


@functools.lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    if len(word) > 3 and word[0] in morphology().conjunctions:
        return word[1:]
    return word


def provisional_id(name: str) -> str:
    """The id of a provisional entity: "px:" and the normalized name, words joined by "_"."""
    return "px:" + "_".join(normalize_key(name).split())


def transliterate(name: str) -> str:
    """A rough Latin reading of an Arabic name ("ريناد منصور" -> "Rynad Mnswr")."""
    table = cues().translit
    words = []
    for word in normalize_key(name).split():
        latin = "".join(table.get(ch, ch) for ch in word)
        words.append(latin[:1].upper() + latin[1:])
    return " ".join(words)


class _Finder:
    """Runs the context patterns over one document's tokens."""

    def __init__(self, doc: Doc, kb_mentions: Sequence[Mention], kb: KnowledgeBase) -> None:
        self.doc = doc
        self.kb = kb
        self.c = cues()
        self.common = frequent_words() | self.c.stop
        self.given = given_names()
        text = doc.norm.text
        self.text = text
        self.toks = [
            Tok(m.start(), m.end(), w, _bare(w), w[:1].isalpha())
            for m in _TOKEN.finditer(text)
            for w in (m.group(),)
        ]
        self.kb_mentions = list(kb_mentions)
        starts = [t.start for t in self.toks]
        for k, m in enumerate(self.kb_mentions):
            a, b = doc.norm.to_normalized(m.start), doc.norm.to_normalized(m.end)
            idx = _bisect(starts, a)
            while idx < len(self.toks) and self.toks[idx].start < b:
                if self.toks[idx].end > a:
                    self.toks[idx] = self.toks[idx]._replace(kb=k)
                idx += 1
        self.found: list[Found] = []

    # -- token tests ---------------------------------------------------------------------------

    def namey(self, k: int) -> bool:
        """A token that can be part of a name: a word, not in the KB, not an ordinary word."""
        if k >= len(self.toks):
            return False
        t = self.toks[k]
        if not t.word or t.kb >= 0 or t.norm in self.c.stop or t.bare in self.c.stop:
            return False
        if t.norm in self.given or t.norm in self.c.particles:
            return True
        if t.norm in self.common or t.bare in self.c.say_verbs or t.norm in self.c.org_cues:
            return False
        if t.bare != t.norm and t.bare in self.common:
            return False
        if len(t.norm) >= 5 and t.norm.endswith(_PRONOUN_SUFFIXES):
            return False  # "صفوفها": a noun with a possessive pronoun
        return (
            len(t.norm) >= 2 and (t.norm,) not in self.c.titles and not is_clitic_definite(t.norm)
        )

    def boundary(self, k: int) -> bool:
        """The end of a name: punctuation, a sentence end, "إن/أن", or the text's end."""
        if k >= len(self.toks):
            return True
        t = self.toks[k]
        if not t.word:
            return t.norm in _BOUNDARY or t.norm in "'\"«»"
        return t.norm in self.c.enders or t.bare in self.c.say_verbs

    def title_at(self, k: int) -> tuple[int, str] | None:
        """(length, English role) of the longest title cue starting at token k."""
        first = self.toks[k]
        if first.bare not in self.c.title_firsts and first.norm not in self.c.title_firsts:
            return None
        for n in self.c.title_lengths:
            if k + n > len(self.toks):
                continue
            words = [self.toks[k].bare, *(t.norm for t in self.toks[k + 1 : k + n])]
            role = self.c.titles.get(tuple(words))
            if role is None and n == 1:
                role = self.c.titles.get((self.toks[k].norm,))
            if role is not None and all(t.kb < 0 for t in self.toks[k : k + n]):
                if n == 1 and words[0] == normalize_key("د"):
                    # "د." abbreviates doctor only before a name
                    nxt = self.toks[k + 1] if k + 1 < len(self.toks) else None
                    if nxt is None or nxt.norm != ".":
                        continue
                    return 2, role
                return n, role
        return None

    # -- name runs -----------------------------------------------------------------------------

    def name_run(self, k: int, allow_article: bool = False, stop_at_article: bool = False) -> int:
        """End (exclusive) of the run of name tokens starting at k (k itself when none)."""
        j = k
        while j < len(self.toks) and j - k < 6:
            t = self.toks[j]
            if stop_at_article and j > k and t.norm.startswith(morphology().article):
                break
            if t.norm in self.c.particles and j + 1 < len(self.toks) and self.toks[j + 1].word:
                nxt = self.toks[j + 1]
                if nxt.kb >= 0 or nxt.norm in self.c.stop:
                    break
                j += 2
                continue
            if not self.namey(j):
                break
            j += 1
        if j > k and not allow_article and self.toks[k].norm.startswith(morphology().article):
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
            t = self.toks[i]
            if not t.word:
                if t.norm in _SENTENCE_END or t.norm in ("(", ")", '"'):
                    return None
                i += 1
                continue
            if t.kb >= 0:
                adjacent = adjacent and self.kb_mentions[t.kb].nisba
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
                if self.toks[span[0]].norm in self.given:
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
            if self.toks[s].norm in self.given:
                return s, j
        return j - 2, j

    # -- organizations -------------------------------------------------------------------------

    def org_cue(self, k: int) -> tuple[str, int] | None:
        """(cue word, length of its proclitics) when token k opens an organization's name."""
        t = self.toks[k]
        if not t.word or t.kb >= 0:
            return None
        return _org_cue_word(t.norm)

    def org_name_end(self, k: int, definite_ok: bool = False) -> int:
        """End of an organization name after the cue at k (k + 1 when there is none)."""
        found_cue = self.org_cue(k)
        if found_cue is None:
            return k + 1
        key = found_cue[0]
        j = k + 1
        if j >= len(self.toks):
            return j
        if self.toks[j].norm in ('"', "'"):
            close = j + 1
            while close < len(self.toks) and close - j < 8 and self.toks[close].norm != '"':
                close += 1
            if close < len(self.toks) and self.toks[close].norm == '"' and close > j + 1:
                return close + 1
            return k + 1
        if key.startswith(morphology().article) and not definite_ok:
            return k + 1
        if key in self.c.weak_org_cues:
            # a cue that is also an ordinary noun ("حركة المرور", "فصيل مسلح") opens only a
            # quoted name
            return k + 1
        run = self.name_run(j, allow_article=False, stop_at_article=True)
        if run > j and self.toks[j].norm.endswith(_ADJECTIVE_ENDINGS):
            return k + 1  # "شركة أجنبية": an adjective, not a name
        if run > j:
            # a foreign name ("كونترول ريسكس") stops before a definite descriptor
            return run
        end = j
        article = morphology().article
        lil = morphology().lil + article[-1]
        while end < len(self.toks) and end - j < 4:
            t = self.toks[end]
            if not t.word or t.norm in self.c.stop or self.title_at(end) is not None:
                break
            is_def = t.norm.startswith(article) or (end > j and t.norm.startswith(lil))
            is_nisba = t.kb >= 0 and self.kb_mentions[t.kb].nisba
            is_place = t.kb >= 0 and not is_nisba and end == j and self._is_place_mention(t.kb)
            # a definite word, a definite nisba ("المصرية"), or a place right after the cue
            # ("معهد واشنطن")
            if not (is_place or (is_def and (t.kb < 0 or is_nisba))):
                break
            end += 1
        return k + 1 if end == j else end

    def _is_place_mention(self, idx: int) -> bool:
        m = self.kb_mentions[idx]
        ent = self.kb.get(m.entity_id)
        return m.nisba or (ent is not None and ent.kind in ("place", "state"))

    # -- patterns ------------------------------------------------------------------------------

    def run(self) -> list[Found]:
        toks = self.toks
        k = 0
        while k < len(toks):
            t = toks[k]
            if not t.word:
                if t.norm == "(":
                    self.credit(k)
                k += 1
                continue
            title = self.title_at(k)
            if title is not None:
                k = self.titled(k, *title)
                continue
            if t.bare in self.c.say_verbs:
                self.said(k)
            elif t.bare in self.c.kunya_heads or t.norm in self.c.kunya_heads:
                self.kunya(k)
            elif self.org_cue(k) is not None:
                self.org(k)
            k += 1
        return self.found

    def org(self, k: int, definite_ok: bool = False) -> Found | None:
        end = self.org_name_end(k, definite_ok)
        if end <= k + 1:
            return None
        cue = self.org_cue(k)
        kind = self.c.org_cues.get(cue[0], "organization") if cue else "organization"
        i = k
        quoted = self.toks[k + 1].norm in ('"', "'")
        foreign = not quoted and not self.toks[k + 1].norm.startswith(morphology().article)
        if quoted:
            i, end = k + 2, end - 1
        elif foreign and self.toks[k + 1].kb < 0:
            i = k + 1
        found = Found(i, end, kind, "context.org_cue", 0.75)
        self.found.append(found)
        return found

    def titled(self, k: int, n: int, role_en: str) -> int:
        """A title cue at k: the role phrase runs to the first person name in the window."""
        limit = min(len(self.toks), k + n + _MAX_WINDOW)
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
        cut = any(self.toks[x].norm == "," for x in range(k, start))
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
        if j >= len(self.toks):
            return
        x = self.toks[j]
        if not x.word or x.kb >= 0:
            return
        if x.norm not in self.given and (x.norm in self.common or x.norm in self.c.stop):
            return
        if self.toks[k].bare != normalize_key(_ABU) and x.norm not in self.given:
            return  # "أم" is also "or": only "أم" + a given name is a kunya
        end = j + 1
        if (
            end < len(self.toks)
            and self.namey(end)
            and self.toks[end].norm.startswith(morphology().article)
        ):
            end += 1
        if self.toks[k].kb >= 0:
            return
        self.found.append(Found(k, end, "person", "context.kunya", 0.7))

    def credit(self, k: int) -> None:
        """A photo credit "(NAME / AGENCY)" names a photographer: credit names a photographer."""
        i = k + 1
        if i >= len(self.toks) or self.toks[i].norm.isascii():
            return  # Latin credits go to the English-name rule
        j = self.name_run(i)
        if j - i < 2 or j >= len(self.toks) or self.toks[j].norm != "/":
            return
        self.found.append(Found(i, j, "person", "context.credit", 0.7))

    def apposition(self, j: int) -> None:
        """Apposition "NAME، ROLE ...": give the last found person the role after the comma."""
        if j >= len(self.toks) or self.toks[j].norm != ",":
            return
        title = self.title_at(j + 1)
        if title is None:
            return
        n, role_en = title
        end = j + 1 + n
        while end < len(self.toks) and end - j < _MAX_WINDOW:
            t = self.toks[end]
            if not t.word and t.norm in _SENTENCE_END | {":", '"'}:
                break
            end += 1
        index = len(self.found) - 1
        last = self.found[index]
        affiliation = self.affiliation_in(j + 1 + n, end)
        stop = j + 1 + n
        while stop < min(end, j + 1 + n + 4) and self.toks[stop].norm != ",":
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
            t = self.toks[k]
            if t.kb >= 0:
                m = self.kb_mentions[t.kb]
                ent = self.kb.get(m.entity_id)
                if ent is not None and ent.kind not in ("place", "person", "state") and not kb_org:
                    kb_org = m.entity_id
                if m.nisba and nisba is None:
                    nisba = m.entity_id
                while k < b and self.toks[k].kb == t.kb:
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
        a, b = self.doc.norm.to_original_span(self.toks[i].start, self.toks[j - 1].end)
        return self.doc.article.text[a:b]


def _bisect(starts: list[int], pos: int) -> int:
    from bisect import bisect_left

    return bisect_left(starts, pos)


class _Linker:
    """Turns found names into mentions and provisional entities, and finds their repeats."""

    def __init__(self, finder: _Finder) -> None:
        self.f = finder
        self.doc = finder.doc
        self.entities: dict[str, Entity] = {}
        self.mentions: list[Mention] = []
        norm = finder.doc.norm
        self.taken: list[tuple[int, int]] = []
        # places inside an organization's name give way to it ("معهد واشنطن للدراسات")
        self.kb_places: list[tuple[int, int]] = []
        for k, m in enumerate(finder.kb_mentions):
            span = (norm.to_normalized(m.start), norm.to_normalized(m.end))
            (self.kb_places if finder._is_place_mention(k) else self.taken).append(span)

    def _norm_span(self, i: int, j: int) -> tuple[int, int]:
        toks = self.f.toks
        a, b = toks[i].start, toks[j - 1].end
        cue = self.f.org_cue(i)
        if cue is not None and j - i > 1:
            a += cue[1]  # proclitics before the cue word are not part of the name
        return a, b

    def add(self, found: Found) -> None:
        a, b = self._norm_span(found.i, found.j)
        norm = self.doc.norm
        start, end = norm.to_original_span(a, b)
        surface = self.doc.article.text[start:end]
        eid = provisional_id(surface)
        if eid not in self.entities:
            affiliations = (found.affiliation,) if found.affiliation else ()
            self.entities[eid] = Entity(
                id=eid,
                kind=found.kind,
                name=transliterate(surface),
                name_ar=surface,
                affiliations=affiliations,
                provisional=True,
                role=found.role_en,
            )
        else:
            old = self.entities[eid]
            if (not old.role and found.role_en) or (not old.affiliations and found.affiliation):
                self.entities[eid] = dataclasses.replace(
                    old,
                    role=old.role or found.role_en,
                    affiliations=old.affiliations
                    or ((found.affiliation,) if found.affiliation else ()),
                )
        self.mentions.append(
            Mention(
                start=start,
                end=end,
                text=surface,
                entity_id=eid,
                label="PERS" if found.kind == "person" else "ORG",
                rule=found.rule,
                confidence=found.confidence,
                role=found.role_ar,
            )
        )
        self.taken.append((a, b))

    def free(self, a: int, b: int, org: bool = False) -> bool:
        """Nothing claims [a, b); an organization's name may contain whole place mentions."""
        if any(a < y and x < b for x, y in self.taken):
            return False
        return all(
            (a <= x and y <= b) if org else not (a < y and x < b)
            for x, y in self.kb_places
            if a < y and x < b
        )

    def repeats(self) -> None:
        """Later mentions of each found name: the full name again, or a person's family name."""
        toks = self.f.toks
        names = [(eid, normalize_key(e.name_ar).split(), e) for eid, e in self.entities.items()]
        for eid, words, ent in names:
            n = len(words)
            if n == 0:
                continue
            first = words[0]
            for k in range(len(toks) - n + 1):
                if not toks[k].norm.endswith(first) or not _same_word(toks[k].norm, first):
                    continue
                if any(toks[k + x].norm != words[x] for x in range(1, n)):
                    continue
                a, b = toks[k].end - len(words[0]), toks[k + n - 1].end
                if self.free(a, b, org=ent.kind != "person"):
                    self._link(a, b, eid, ent, "context.repeat", 0.8)
            if ent.kind != "person" or n < 2:
                continue
            last = words[-1]
            if len(last) < 3 or last in self.f.common:
                continue
            for k, t in enumerate(toks):
                if not t.norm.endswith(last) or not _same_word(t.norm, last):
                    continue
                if k > 0 and toks[k - 1].norm in self.f.given:
                    continue  # someone else's full name
                a, b = t.end - len(last), t.end
                if self.free(a, b):
                    self._link(a, b, eid, ent, "context.surname", 0.7)

    def _link(self, a: int, b: int, eid: str, ent: Entity, rule: str, conf: float) -> None:
        start, end = self.doc.norm.to_original_span(a, b)
        self.mentions.append(
            Mention(
                start=start,
                end=end,
                text=self.doc.article.text[start:end],
                entity_id=eid,
                label="PERS" if ent.kind == "person" else "ORG",
                rule=rule,
                confidence=conf,
            )
        )
        self.taken.append((a, b))

    def extra(self, spans: Iterable[Mention]) -> None:
        """Spans from another recognizer (a trained model): new provisional entities where
        nothing else claimed the text."""
        kinds = {"PERS": "person", "ORG": "organization", "LOC": "place", "GPE": "place"}
        norm = self.doc.norm
        for m in spans:
            a, b = norm.to_normalized(m.start), norm.to_normalized(m.end)
            if b <= a or not self.free(a, b):
                continue
            surface = self.doc.article.text[m.start : m.end]
            eid = m.entity_id or provisional_id(surface)
            if eid not in self.entities and eid.startswith("px:"):
                self.entities[eid] = Entity(
                    id=eid,
                    kind=kinds.get(m.label, "organization"),
                    name=transliterate(surface),
                    name_ar=surface,
                    provisional=True,
                )
            self.mentions.append(dataclasses.replace(m, text=surface, entity_id=eid))
            self.taken.append((a, b))


def _same_word(token: str, word: str) -> bool:
    """A token is a word, or the word after proclitics."""
    if token == word:
        return True
    return token.endswith(word) and token[: len(token) - len(word)] in morphology().prefixes


def _latin_mentions(doc: Doc, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """English names ("Farid Abdulwahed", "Control Risks Group"): a known given name first."""
    given = given_names()
    out: list[tuple[int, int, str]] = []
    for m in _LATIN_NAME.finditer(doc.article.text):
        first = normalize_key(m.group().split()[0])
        if first not in given:
            continue
        a, b = doc.norm.to_normalized(m.start()), doc.norm.to_normalized(m.end())
        if any(a < y and x < b for x, y in taken):
            continue
        out.append((m.start(), m.end(), "person"))
    return out


def find_names(
    doc: Doc, kb_mentions: Sequence[Mention], kb: KnowledgeBase, extra_spans: Sequence[Mention] = ()
) -> tuple[list[Mention], dict[str, Entity]]:
    """Context mentions and their provisional entities, given the KB mentions of ``doc``."""
    finder = _Finder(doc, kb_mentions, kb)
    found = finder.run()
    linker = _Linker(finder)
    for item in sorted(found, key=lambda f: (-(f.j - f.i), f.i)):
        a, b = linker._norm_span(item.i, item.j)
        if linker.free(a, b, org=item.kind != "person"):
            linker.add(item)
    for start, end, kind in _latin_mentions(doc, linker.taken):
        surface = doc.article.text[start:end]
        eid = provisional_id(surface)
        linker.entities.setdefault(
            eid, Entity(id=eid, kind=kind, name=surface, name_ar="", provisional=True)
        )
        linker.mentions.append(Mention(start, end, surface, eid, "PERS", "context.latin_name", 0.6))
        linker.taken.append((doc.norm.to_normalized(start), doc.norm.to_normalized(end)))
    linker.repeats()
    linker.extra(extra_spans)
    return linker.mentions, linker.entities


def find_mentions(
    doc: Doc, kb: KnowledgeBase | None = None, extra_spans: Sequence[Mention] = ()
) -> Doc:
    """The document with ``mentions`` (KB and context, original offsets, sorted by start,
    non-overlapping) and ``provisional`` entities.

    ``extra_spans`` are PERS/ORG/LOC spans from another recognizer (a trained model); they are
    kept where neither the KB nor the context rules claimed the text.
    """
    base = kb if kb is not None else load_kb()
    kb_mentions = match_kb(doc.norm, base)
    context, provisional = find_names(doc, kb_mentions, base, extra_spans)
    kept = [m for m in kb_mentions if not any(m.start < c.end and c.start < m.end for c in context)]
    mentions = sorted([*kept, *context], key=lambda m: (m.start, m.end))
    used = {m.entity_id for m in mentions}
    return dataclasses.replace(
        doc,
        mentions=tuple(mentions),
        provisional={k: v for k, v in provisional.items() if k in used},
    )
