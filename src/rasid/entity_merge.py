"""Provisional names: one entity per person, found by keys, joined only when nothing differs.

Outlets write one person's name several ways ("ستيفن منوتشين", "ستيفن منوشين"; "عبد العزيز
بوتفليقة", "عبدالعزيز بوتفليقة"; "جون بولتن" for the knowledge base's "جون بولتون"). Each name
gets keys (``name_keys``): its last word folded, the consonant skeleton of that word
(``skeleton_word``) and the last word of its English. Candidates are the entities that share a
key, never all pairs; a candidate is the same entity when one of these rules holds
(``join_reason``, whose answer names the rule):

- ``keys``: two persons' names of two words or more, word for word the same once folded (a
  particle joined to the word it leads, "عبد العزيز" = "عبدالعزيز"; the article dropped), or
  with the same skeleton AND the same English ("منوتشين"/"منوشين": Mnuchin);
- ``alike_with_evidence``: names alike letter by letter (each word within one or two letters, or
  one name's words inside the other's with the same last word) and the same role or a shared
  organization ("ماثيو تولر", "ماثيو تيولر", both the ambassador);
- ``english_alike``: a person's English the same and the Arabic alike;
- ``english_with_evidence``: a name written in Latin letters ("Peter Navarro") and an Arabic one
  the press writes the same in English, with the same role or a shared organization.

Guards: nothing may differ. Two roles, two sets of organizations with none in common, two
countries: two people. Two words with one skeleton but two English spellings are two names
("حسن"/"حسين": Hassan, Hussein; "محمد"/"محمود"), so a first name that differs is never joined.
A name of one word (a surname or a kunya once its particle is joined: "بن دغر", "أبو زيد") never
joins by keys alone. A name inside a longer one ("محمد صالح", "طارق محمد صالح": perhaps the
father) needs agreeing evidence.

Knowledge-base persons (``kb_person_for``): a found name is the knowledge base's person when
its English is one of that person's English names and its Arabic has, word for word, the same
skeleton as one of its Arabic names; not when its organizations name another country.

Risky: two namesakes with the same first and family name and no role given are one entity, as
they already are when spelled alike. Still split: a middle name given once across articles
("ماجد الغرير", "ماجد سيف الغرير": joined within one article, rasid.provisional; across
articles whether the short name is the one long name's would depend on which articles came
first, and a store must not depend on the order it was filled in), another first word ("عبيد
بن دغر", "أحمد بن دغر"), vowels that change the English ("بول رايان", "بول راين").

Written here because no record-linkage library knows Arabic name variants; the comparison is on
normalized text (rasid.text), so hamza and ta marbuta variants are already equal.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rasid.records import Entity
from rasid.text.normalize import normalize_key

if TYPE_CHECKING:
    from rasid.kb.load import KnowledgeBase

# letters a skeleton drops: long vowels (alef, waw, ya, alef maqsura) and a bare hamza
_VOWEL_LETTERS = frozenset("\u0627\u0648\u064a\u0649\u0621")
_TEH_SHEEN = "\u062a\u0634"  # "تش": the "ch" of a foreign name, also written "ش" alone
_SHEEN = "\u0634"
# "g" and "k" of foreign names: ك غ گ ق ج, one letter in a skeleton
_GUTTURAL = dict.fromkeys("\u063a\u06af\u0642\u062c", "\u0643")
_ARTICLE = "\u0627\u0644"  # the article, as normalized
_EN_ARTICLES = ("al-", "el-")


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


# -- keys ------------------------------------------------------------------------------------


@functools.cache
def _particles() -> frozenset[str]:
    from rasid.kb.morph import cues

    return cues().particles


@functools.lru_cache(maxsize=16384)
def name_words(name: str) -> tuple[str, ...]:
    """The words of a name as keys compare them: normalized, a particle joined to the word it
    leads ("عبد العزيز" -> "عبدالعزيز", "بن دغر" -> "بندغر"), the article dropped from a word
    that keeps three letters without it ("العلولا" -> "علولا")."""
    particles = _particles()
    out: list[str] = []
    pending = ""
    for word in normalize_key(name.replace("_", " ")).split():
        if word in particles:
            pending += word  # "أبو عبد الله": one part
            continue
        out.append(_without_article(pending + word) if not pending else pending + word)
        pending = ""
    if pending:
        out.append(pending)
    return tuple(out)


def _without_article(word: str) -> str:
    return word[len(_ARTICLE) :] if word.startswith(_ARTICLE) and len(word) > 4 else word


@functools.lru_cache(maxsize=65536)
def skeleton_word(word: str) -> str:
    """A word's consonants: "تش" read as "ش", the letters Arabic writes a foreign "g" or "k"
    with as one ("جهانكيري", "جهانغيري", "جهانجيري"; "قالين", "كالين"), long vowels and bare
    hamza dropped, a doubled letter once ("منوتشين", "منوشين" -> "منشن"; "بولتن", "بولتون" ->
    "بلتن"). Two words are one only when their English agrees too (``words_agree``)."""
    letters = [
        _GUTTURAL.get(c, c) for c in word.replace(_TEH_SHEEN, _SHEEN) if c not in _VOWEL_LETTERS
    ]
    out = [c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1]]
    return "".join(out) or word


def _fold_english(word: str) -> str:
    low = word.lower()
    for art in _EN_ARTICLES:
        if low.startswith(art):
            low = low[len(art) :]
    return low.replace("-", "").replace(" ", "")


@functools.lru_cache(maxsize=65536)
def english_word(word: str) -> str:
    """A name word's English, folded ("المنصوري" -> "mansouri")."""
    from rasid.names import romanize_name

    return _fold_english(romanize_name(word))


def words_agree(a: str, b: str) -> bool:
    """Two name words (``name_words``) are one: the same, or the same skeleton and English."""
    return a == b or (skeleton_word(a) == skeleton_word(b) and english_word(a) == english_word(b))


def _english_words(name: str) -> tuple[str, ...]:
    return tuple(w for w in (_fold_english(x) for x in name.split()) if w)


def _arabic_names(e: Entity) -> list[str]:
    """The entity's Arabic name and Arabic aliases, the name first."""
    names = [e.name_ar] if e.name_ar and not e.name_ar.isascii() else []
    names += [a for a in e.aliases if a and not a.isascii() and a != e.name_ar]
    return names


def name_keys(e: Entity) -> tuple[str, ...]:
    """The keys a provisional entity is found by: for each of its Arabic names, the last word
    folded ("w:") and, for a person, its skeleton ("s:"); for a person, the last word of its
    English ("e:"), which is all a name written in Latin letters has."""
    keys: list[str] = []
    for name in _arabic_names(e):
        words = name_words(name)
        if not words:
            continue
        keys.append(f"{e.kind}:w:{words[-1]}")
        if e.kind == "person":
            keys.append(f"{e.kind}:s:{skeleton_word(words[-1])}")
    if e.kind == "person":
        english = _english_words(e.name)
        if english:
            keys.append(f"{e.kind}:e:{english[-1]}")
    return tuple(dict.fromkeys(keys))


# -- rules -------------------------------------------------------------------------------------


def names_alike(a: str, b: str) -> bool:
    """Spelling variants of one name (normalized words compared one by one)."""
    return _words_alike(normalize_key(a).split(), normalize_key(b).split())


def _words_alike(wa: Sequence[str], wb: Sequence[str]) -> bool:
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if len(wa) == len(wb):
        return all(
            _distance(x, y, 2 if len(x) >= 6 else 1) <= (2 if len(x) >= 6 else 1)
            for x, y in zip(wa, wb, strict=True)
        )
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    return len(short) >= 2 and short[-1] == long_[-1] and set(short) <= set(long_)


def contradicts(a: Entity, b: Entity) -> str | None:
    """What tells two entities apart, or None: another kind, another role, organizations with
    none in common, another country."""
    if a.kind != b.kind:
        return "kind"
    if a.role and b.role and normalize_key(a.role) != normalize_key(b.role):
        return "role"
    if a.affiliations and b.affiliations and not set(a.affiliations) & set(b.affiliations):
        return "affiliations"
    if a.country and b.country and a.country != b.country:
        return "country"
    return None


def evidence_agrees(a: Entity, b: Entity) -> bool:
    """The same kind, and the same role or the same organization when both give one."""
    if a.kind != b.kind:
        return False
    if a.role and b.role:
        return normalize_key(a.role) == normalize_key(b.role)
    if a.affiliations and b.affiliations:
        return bool(set(a.affiliations) & set(b.affiliations))
    return False


def _english_key(e: Entity) -> tuple[str, ...] | None:
    """A person's English name as a key when it has two words or more ("steven mnuchin")."""
    words = tuple(e.name.lower().split()) if e.kind == "person" else ()
    return words if len(words) >= 2 else None


def spelled_alike(a: Entity, b: Entity) -> bool:
    """Two spellings of one person's name that the press writes the same in English
    ("ستيفن منوتشين", "ستيفن منوشين": Steven Mnuchin), with no role or organization that
    differs. A join on the English alone would take two people with one common name for one,
    as the same Arabic spelling already does; the Arabic must be alike too."""
    return join_reason(a, b) in ("keys", "english_alike")


def _keys_agree(wa: Sequence[str], wb: Sequence[str]) -> bool:
    return (
        len(wa) >= 2
        and len(wa) == len(wb)
        and all(words_agree(x, y) for x, y in zip(wa, wb, strict=True))
    )


def join_reason(a: Entity, b: Entity) -> str | None:
    """Why ``a`` and ``b`` are one entity (the rule, see the module's docstring), or None."""
    if contradicts(a, b) is not None:
        return None
    names_a, names_b = _arabic_names(a), _arabic_names(b)
    person = a.kind == "person"
    if person and any(_keys_agree(name_words(x), name_words(y)) for x in names_a for y in names_b):
        return "keys"
    # a name in Latin letters is compared as written; the words as written and as keys
    # ("عبد الرحمن" one word as in "عبدالرحمن")
    pairs = [
        pair
        for x in names_a or [a.name]
        for y in names_b or [b.name]
        for pair in (
            (normalize_key(x).split(), normalize_key(y).split()),
            (name_words(x), name_words(y)),
        )
    ]
    alike = any(_words_alike(x, y) for x, y in pairs)
    if alike and evidence_agrees(a, b):
        return "alike_with_evidence"
    english_a, english_b = _english_key(a), _english_key(b)
    same_english = english_a is not None and english_a == english_b
    if same_english and alike:
        return "english_alike"
    if same_english and (not names_a or not names_b) and evidence_agrees(a, b):
        return "english_with_evidence"
    return None


def same_entity(a: Entity, b: Entity) -> bool:
    return join_reason(a, b) is not None


# -- knowledge-base persons ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _KbName:
    entity_id: str
    words: tuple[str, ...]
    skeleton: tuple[str, ...]
    english: frozenset[tuple[str, ...]]
    country: str | None


@functools.cache
def kb_person_keys(kb: KnowledgeBase) -> dict[str, tuple[_KbName, ...]]:
    """The knowledge base's persons' Arabic names of two words or more, by the skeleton of
    their last word."""
    out: dict[str, list[_KbName]] = {}
    for eid, ent in kb.entities.items():
        if ent.kind != "person":
            continue
        english = frozenset(
            w
            for w in (_english_words(n) for n in (ent.name, *ent.aliases) if n and n.isascii())
            if len(w) >= 2
        )
        for name in _arabic_names(ent):
            words = name_words(name)
            if len(words) < 2 or not english:
                continue
            skel = tuple(map(skeleton_word, words))
            out.setdefault(skel[-1], []).append(_KbName(eid, words, skel, english, ent.country))
    return {k: tuple(v) for k, v in out.items()}


def kb_person_for(e: Entity, kb: KnowledgeBase, english: str | None = None) -> str | None:
    """The knowledge-base person a found person is, or None: one whose English names include
    ``e``'s English (``english``, else its name) and one of whose Arabic names has the
    skeleton of ``e``'s, word for word or with the words written apart or together; never
    when ``e``'s organizations include another country's state, nor when two persons would
    do."""
    if e.kind != "person" or not e.name_ar:
        return None
    words = name_words(e.name_ar)
    if len(words) < 2:
        return None
    skel = tuple(map(skeleton_word, words))
    # word for word, or with other word breaks ("هايليماريام", "هايلي مريام")
    candidates = [
        k
        for k in kb_person_keys(kb).get(skel[-1], ())
        if k.skeleton == skel or "".join(k.skeleton) == "".join(skel)
    ]
    if not candidates:
        return None
    if english is None:
        from rasid.names import romanize_name

        english = e.name or romanize_name(e.name_ar)
    mine = _english_words(english)
    found = {k.entity_id for k in candidates if mine in k.english}
    if len(found) != 1:
        return None
    kid = found.pop()
    country = next((k.country for k in candidates if k.entity_id == kid), None)
    for aff in e.affiliations:
        state = kb.get(aff)
        if state is not None and state.kind == "state" and country and state.country != country:
            return None
    return kid


# -- linking ----------------------------------------------------------------------------------


class ProvisionalIndex:
    """Known provisional entities by their keys (``name_keys``): a look-up reads the few that
    share a key with the new one, so linking a corpus costs time in proportion to it, not to
    its square. A new spelling linked to a known entity is added as its alias, under its own
    keys too, as the store does (``rasid.store.write``)."""

    def __init__(self) -> None:
        self._blocks: dict[str, dict[str, None]] = {}
        self._entities: dict[str, Entity] = {}

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self._entities

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._entities.values())

    def add(self, e: Entity) -> None:
        if not e.provisional or e.id in self._entities:
            return
        self._entities[e.id] = e
        self._file(e.id, e)

    def _file(self, eid: str, e: Entity) -> None:
        for key in name_keys(e):
            self._blocks.setdefault(key, {})[eid] = None

    def add_alias(self, known_id: str, e: Entity) -> None:
        """``e`` was found to be the known entity ``known_id``: its name is that one's alias."""
        known = self._entities.get(known_id)
        if known is None or not e.name_ar or e.name_ar in (known.name_ar, *known.aliases):
            return
        self._entities[known_id] = replace(known, aliases=(*known.aliases, e.name_ar))
        self._file(known_id, e)

    def replace(self, e: Entity) -> None:
        """A known entity with more facts (a role, an organization, aliases), keys kept."""
        if e.id in self._entities:
            self._entities[e.id] = e
            self._file(e.id, e)

    def link(self, entities: Iterable[Entity]) -> dict[str, str]:
        """One article's provisional entities linked to the known ones (new id -> known id),
        then known: the unlinked ones as entities, the linked ones as aliases. A corpus linked
        article by article this way links as the store does (``rasid.store.write``)."""
        entities = list(entities)
        linked = link_provisional(entities, self)
        for e in entities:
            if e.id in linked:
                self.add_alias(linked[e.id], e)
            else:
                self.add(e)
        return linked

    def get(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def find(self, e: Entity) -> str | None:
        """The id of the known entity ``e`` is (the smallest id when several are), or None."""
        return self.find_with_reason(e)[0]

    def find_with_reason(self, e: Entity) -> tuple[str | None, str | None]:
        """(the id of the known entity ``e`` is, the rule that said so), or (None, None)."""
        seen: set[str] = set()
        best: tuple[str | None, str | None] = (None, None)
        for key in name_keys(e):
            for kid in self._blocks.get(key, ()):
                if kid in seen or kid == e.id:
                    continue
                seen.add(kid)
                if best[0] is not None and kid >= best[0]:
                    continue
                reason = join_reason(e, self._entities[kid])
                if reason is not None:
                    best = (kid, reason)
        return best


def link_provisional(
    new: Iterable[Entity], known: Mapping[str, Entity] | ProvisionalIndex
) -> dict[str, str]:
    """new id -> known id for the new provisional entities that are known ones. ``known`` is
    a mapping of entities or, to link a whole corpus in one pass, a ProvisionalIndex."""
    return {k: v[0] for k, v in link_with_reasons(new, known).items()}


def link_with_reasons(
    new: Iterable[Entity], known: Mapping[str, Entity] | ProvisionalIndex
) -> dict[str, tuple[str, str]]:
    """new id -> (known id, rule) for the new provisional entities that are known ones."""
    if isinstance(known, ProvisionalIndex):
        index = known
    else:
        index = ProvisionalIndex()
        for k in known.values():
            index.add(k)
    out: dict[str, tuple[str, str]] = {}
    for e in new:
        if e.id in index or not e.provisional:
            continue
        match, reason = index.find_with_reason(e)
        if match is not None and reason is not None:
            out[e.id] = (match, reason)
    return out
