"""Provisional entities: the names found by context (rasid.context_names) as mentions and
entities of one article, with their repeats, and one entity per person within it.

What it does, in order (``find_names``): a found name is a mention of a provisional entity (id
"px:<normalized name>") unless a collective or generic noun opens it ("شهود عيان"; never a
person); English names in Latin letters after a known given name; a shorter name inside a longer
one is that person (``Linker.join_contained``); two spellings of one person are one
(``Linker.join_variants``, by rasid.entity_merge's rules); later mentions of each name, in full
or by family name; spans of another recognizer where nothing else claimed the text; a name that
is a knowledge-base person's is that person (``Linker.to_known_persons``).

Guards: a suffix that starts with a given name may be the father and is not joined; a repeat is
linked only where nothing else claims the text; a name two knowledge-base persons share decides
nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import compress

from rasid.context_names import Found, NameFinder, provisional_id
from rasid.doc import Doc
from rasid.entity_merge import ProvisionalIndex, kb_person_for
from rasid.kb.load import KnowledgeBase
from rasid.kb.morph import cues, given_names, morphology
from rasid.names import generic_nouns
from rasid.records import Entity, Mention
from rasid.text import normalize_key

_WAW = "\u0648"  # "و", and
# a capital first, the word boundary checked behind it: the search then skips to the capitals
# (a pattern that opens with "\b" is tried at every character of an Arabic text, 3 times slower)
_LATIN_NAME = re.compile(r"[A-Z](?<=\b[A-Z])[a-z]+(?:[ -][A-Z][a-z]+){1,3}\b")


def is_generic_name(name: str) -> bool:
    """A found "name" that is a collective or generic noun ("شهود عيان", "مصدر أمني"): it names
    no person (kb/rules/not_persons.txt); the first word decides, with or without "و"/"ف"."""
    words = normalize_key(name).split()
    if not words:
        return True
    first = words[0]
    nouns = generic_nouns()
    return first in nouns or (
        len(first) > 3 and first[0] in morphology().conjunctions and first[1:] in nouns
    )


class Linker:
    """Turns found names into mentions and provisional entities, and finds their repeats."""

    def __init__(self, finder: NameFinder) -> None:
        self.f = finder
        self.doc = finder.doc
        self.entities: dict[str, Entity] = {}
        self.mentions: list[Mention] = []
        self.taken: list[tuple[int, int]] = []
        # places inside an organization's name give way to it ("معهد واشنطن للدراسات")
        self.kb_places: list[tuple[int, int]] = []
        for k, span in enumerate(finder.kb_spans):
            (self.kb_places if finder.is_place_mention(k) else self.taken).append(span)

    def _norm_span(self, i: int, j: int) -> tuple[int, int]:
        a, b = self.f.starts[i], self.f.ends[j - 1]
        cue = self.f.org_cue(i)
        if cue is not None and j - i > 1:
            a += cue[1]  # proclitics before the cue word are not part of the name
        elif self.f.facts[i].bare in self.f.c.kunya_heads:
            a += len(self.f.norms[i]) - len(self.f.facts[i].bare)  # "وأبو بكر": "and" is not his
        return a, b

    def add(self, found: Found) -> None:
        a, b = self._norm_span(found.i, found.j)
        norm = self.doc.norm
        start, end = norm.to_original_span(a, b)
        surface = self.doc.article.text[start:end]
        if found.kind == "person" and is_generic_name(surface):
            return  # witnesses, sources, residents: no one in particular
        eid = provisional_id(surface)
        if eid not in self.entities:
            affiliations = (found.affiliation,) if found.affiliation else ()
            self.entities[eid] = Entity(
                id=eid,
                kind=found.kind,
                name="",  # spelled in English once kept (find_mentions)
                name_ar=_label(surface),
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
        if not self.entities:
            return
        norms, ends = self.f.norms, self.f.ends
        prefixes = morphology().prefixes
        names = [(eid, normalize_key(e.name_ar).split(), e) for eid, e in self.entities.items()]
        wanted = {
            p + w for _, words, _ in names if words for w in (words[0], words[-1]) for p in prefixes
        }
        where: dict[str, list[int]] = {}
        for k in compress(range(len(norms)), map(wanted.__contains__, norms)):
            where.setdefault(norms[k], []).append(k)

        def places(word: str) -> list[int]:
            """Tokens that are the word, or the word after proclitics, in text order."""
            out = [k for p in prefixes for k in where.get(p + word, ())]
            out.sort()
            return out

        for eid, words, ent in names:
            n = len(words)
            if n == 0:
                continue
            for k in places(words[0]):
                if k + n > len(norms) or norms[k + 1 : k + n] != words[1:]:
                    continue
                a, b = ends[k] - len(words[0]), ends[k + n - 1]
                if self.free(a, b, org=ent.kind != "person"):
                    self._link(a, b, eid, ent, "context.repeat", 0.8)
            if ent.kind != "person" or n < 2:
                continue
            last = words[-1]
            if len(last) < 3 or last in self.f.common:
                continue
            for k in places(last):
                if k > 0 and norms[k - 1] in self.f.given:
                    continue  # someone else's full name
                a, b = ends[k] - len(last), ends[k]
                if self.free(a, b):
                    self._link(a, b, eid, ent, "context.surname", 0.7)

    def join_contained(self) -> None:
        """One entity per person within the article: a person name inside a longer one found
        here, ending in the same word, is that person ("بن دغر", "أحمد عبيد بن دغر"; "أحمد بن
        دغر", same first word). Keyed by the last word; the article is ignored ("الغرير",
        "غرير"). A suffix that starts with a given name may be the father ("محمد صالح" in "طارق
        محمد صالح"), so only a compound surname (a name particle first) joins as a suffix; a
        short name inside two different longer ones stays apart."""
        particles = cues().particles
        by_last: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for eid, ent in self.entities.items():
            words = tuple(_without_article(w) for w in normalize_key(ent.name_ar).split())
            if ent.kind == "person" and len(words) >= 2:
                by_last.setdefault(words[-1], []).append((eid, words))
        into: dict[str, str] = {}
        for group in by_last.values():
            for eid, words in group:
                hosts = {
                    oid
                    for oid, other in group
                    if len(other) > len(words)
                    and _in_order(words, other)
                    and (
                        words[0] == other[0]
                        or (words == other[-len(words) :] and words[0] in particles)
                    )
                }
                if len(hosts) == 1:
                    into[eid] = hosts.pop()
        lengths = {eid: len(words) for group in by_last.values() for eid, words in group}
        for eid in sorted(into, key=lengths.__getitem__):  # a chain ends at the longest name
            host = into[eid]
            short, long_ = self.entities.pop(eid), self.entities[host]
            self.entities[host] = dataclasses.replace(
                long_,
                role=long_.role or short.role,
                affiliations=long_.affiliations or short.affiliations,
                aliases=(*long_.aliases, short.name_ar, *short.aliases),
            )
            self.mentions = [
                dataclasses.replace(m, entity_id=host) if m.entity_id == eid else m
                for m in self.mentions
            ]

    def to_known_persons(self, kb: KnowledgeBase) -> None:
        """A found person whose name is a knowledge-base person's name or alias is that person
        (".kb_alias"); so is one written otherwise whose English and Arabic keys agree with that
        person's ("جون بولتن": John Bolton, ".kb_keys"; rasid.entity_merge.kb_person_for)."""
        names = kb_person_names(kb)
        for eid, ent in list(self.entities.items()):
            if ent.kind != "person":
                continue
            # a hashtag joins the words with "_" ("#حسن_روحاني")
            kid = names.get(normalize_key(ent.name_ar.replace("_", " ")))
            rule = ".kb_alias"
            if kid is None:
                kid, rule = kb_person_for(ent, kb), ".kb_keys"
            if kid is None:
                continue
            del self.entities[eid]
            self.mentions = [
                dataclasses.replace(m, entity_id=kid, rule=m.rule + rule)
                if m.entity_id == eid
                else m
                for m in self.mentions
            ]

    def join_variants(self) -> None:
        """Two spellings of one person in one article ("نداء ضحكة", "نداء ضاحكة"): one entity
        when rasid.entity_merge would join them across articles, the name found first kept."""
        first: dict[str, int] = {}
        for m in self.mentions:
            first[m.entity_id] = min(first.get(m.entity_id, m.start), m.start)
        index = ProvisionalIndex()
        order = sorted(self.entities, key=lambda eid: (first.get(eid, 1 << 62), eid))
        into: dict[str, str] = {}
        for eid in order:
            ent = self.entities[eid]
            if ent.kind == "person":
                host, _ = index.find_with_reason(ent)
                if host is not None:
                    into[eid] = host
                    index.add_alias(host, ent)
                    continue
            index.add(ent)
        for eid, host in into.items():
            short, joined = self.entities.pop(eid), index.get(host)
            if joined is not None:
                self.entities[host] = joined = dataclasses.replace(
                    joined,
                    role=joined.role or short.role,
                    affiliations=joined.affiliations or short.affiliations,
                )
                index.replace(joined)
        if into:
            self.mentions = [
                dataclasses.replace(m, entity_id=into[m.entity_id]) if m.entity_id in into else m
                for m in self.mentions
            ]

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
            if m.label == "PERS" and is_generic_name(surface):
                continue  # witnesses, sources, residents: no one in particular
            eid = m.entity_id or provisional_id(surface)
            if eid not in self.entities and eid.startswith("px:"):
                self.entities[eid] = Entity(
                    id=eid,
                    kind=kinds.get(m.label, "organization"),
                    name="",  # spelled in English once kept (find_mentions)
                    name_ar=_label(surface),
                    provisional=True,
                )
            self.mentions.append(dataclasses.replace(m, text=surface, entity_id=eid))
            self.taken.append((a, b))


def _label(surface: str) -> str:
    """A found name as an entity's Arabic label: a hashtag's words apart ("#مايا_مرسي")."""
    return " ".join(surface.replace("_", " ").split())


def _without_article(word: str) -> str:
    art = morphology().article
    return word[len(art) :] if word.startswith(art) and len(word) > len(art) + 2 else word


def _in_order(short: Sequence[str], long_: Sequence[str]) -> bool:
    """``short``'s words appear in ``long_`` in the same order."""
    rest = iter(long_)
    return all(w in rest for w in short)


@functools.cache
def kb_person_names(kb: KnowledgeBase) -> dict[str, str]:
    """Normalized names and aliases of the knowledge base's persons -> id (names two persons
    share are left out: they decide nothing)."""
    out: dict[str, str] = {}
    shared: set[str] = set()
    for eid, ent in kb.entities.items():
        if ent.kind != "person":
            continue
        for name in (ent.name_ar, *ent.aliases):
            key = normalize_key(name or "")
            if len(key.split()) < 2:
                continue
            if out.get(key, eid) != eid:
                shared.add(key)
            out[key] = eid
    return {k: v for k, v in out.items() if k not in shared}


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


def _before_conjunction(finder: NameFinder, found: Found) -> Found | None:
    """A person's name ends before "و" and a given name or an ordinary word: "محمد فوزي
    وخديجة أحمد" is two people, "فهد الشثري وكيل" a name and a title ("و" as part of a
    name stays: "وهبي", "وليامز"); a given name left alone names no one in particular
    ("سعد وعثمان ومحمد": None)."""
    if found.kind != "person":
        return found
    for k in range(found.i + 1, found.j):
        norm = finder.norms[k]
        rest = norm[1:]
        if (
            norm[:1] == _WAW
            and len(rest) >= 2
            and (rest in finder.given or norm in finder.common or rest in finder.common)
        ):
            if k - found.i == 1 and finder.norms[found.i] in finder.given:
                return None
            return dataclasses.replace(found, j=k)
    return found


def find_names(
    doc: Doc, kb_mentions: Sequence[Mention], kb: KnowledgeBase, extra_spans: Sequence[Mention] = ()
) -> tuple[list[Mention], dict[str, Entity]]:
    """Context mentions and their provisional entities, given the KB mentions of ``doc``."""
    finder = NameFinder(doc, kb_mentions, kb)
    found = finder.run()
    linker = Linker(finder)
    found = [f for f in map(partial(_before_conjunction, finder), found) if f is not None]
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
    linker.join_contained()
    linker.join_variants()
    linker.repeats()
    linker.extra(extra_spans)
    linker.to_known_persons(kb)
    return linker.mentions, linker.entities
