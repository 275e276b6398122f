"""Knowledge-base mentions: one Aho-Corasick pass over the normalized text (rasid.kb.matcher),
then context.

What it catches: every alias of every actor and place (normalized), with proclitics (و ف ب ل ك
and their pairs), the article fused with ل ("للعراق"), nisba adjectives in every gender and
number ("القوات العراقية" -> Iraq, nisba=True), weak aliases ("الكتائب", "المهندس") and a
person's family name ("السوداني") when the strong name is in the same article or a title of the
person comes right before, and capital metonymy ("طالبت بغداد" -> the state of Iraq).

Guards: a hit must start at a token start (after a valid proclitic sequence) and end at a token
end, so no junk substrings; the longest hit wins and hits never overlap ("مطار بغداد" hides
"بغداد"); a country name is the state unless a locative cue comes before it; a capital is the
place unless an actor cue comes before it or an actor verb follows; a family name (weak or
derived) is not taken when a given name comes right before it (someone else's full name), and the
word after a name particle ("بن سلمان", "آل نهيان") is never taken as a family name by itself.

Risky: a weak alias whose strong name appears in the article but which names something else
here; metonymy cues are a word list, so an unlisted verb before a capital leaves it a place.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from rasid.kb.matcher import (
    ALIAS,
    COUNTRY_OR_WORD,
    FORM_RANK,
    NISBA,
    PERSON_OR_PLACE,
    PLACE_OR_WORD,
    SURNAME,
    WEAK,
    Hit,
    Matcher,
    Outcome,
    Target,
)
from rasid.kb.morph import cues, morphology, strip_proclitics
from rasid.records import Mention, make_mention
from rasid.text import normalize_key
from rasid.text.charsets import DIACRITICS, TATWEEL

if TYPE_CHECKING:
    from rasid.kb.load import KnowledgeBase
    from rasid.text.normalize import NormalizedText

# A hit resolved: normalized [start, end), then its ``Outcome`` (entity id, rule, confidence,
# nisba).
Resolved = tuple[int, int, str, str, float, bool]


class Candidate(NamedTuple):
    """A hit the context decides (the fields of its ``Hit`` and ``Reading``)."""

    start: int
    end: int
    prefix: str
    targets: tuple[Target, ...]
    named: tuple[str, ...]
    sure: tuple[Outcome, Outcome] | None
    twin: tuple[str, str] | None
    needs_strong: frozenset[str] | None
    titles: tuple[str, ...]
    capital: tuple[str, str] | None


# -- context -----------------------------------------------------------------------------------


def _bare(word: str) -> str:
    """A context word without a leading conjunction ("وفي" -> "في")."""
    conj = morphology().conjunctions
    if len(word) > 2 and word[0] in conj:
        return word[1:]
    return word


def word_before(text: str, pos: int) -> str:
    """The normalized word ending right before ``pos`` (spaces skipped), or "" at punctuation."""
    i = pos
    while i > 0 and text[i - 1] == " ":
        i -= 1
    # most words follow a space: one look back in C, not a step a letter
    j = text.rfind(" ", 0, i) + 1
    word = text[j:i]
    if word.isalnum() or not word:
        return word
    j = i
    while j > 0 and text[j - 1].isalnum():
        j -= 1
    return text[j:i]


def word_after(text: str, pos: int) -> str:
    """The normalized word starting right after ``pos`` (spaces skipped), or "" at punctuation."""
    i = pos
    n = len(text)
    while i < n and text[i] == " ":
        i += 1
    j = text.find(" ", i)
    word = text[i : n if j < 0 else j]
    if word.isalnum() or not word:
        return word
    j = i
    while j < n and text[j].isalnum():
        j += 1
    return text[i:j]


class _Resolver:
    """Chooses one entity (or none) for each candidate, left to right, from its context."""

    def __init__(self, matcher: Matcher, text: str, hits: Sequence[Hit]) -> None:
        self.m = matcher
        self.kb = matcher.kb
        self.text = text
        self.words = matcher.words
        self.hits = hits
        self._strong: set[str] | None = None
        self.by_end: dict[int, Resolved] = {}

    @property
    def strong(self) -> set[str]:
        """Entities named by a full (strong) alias that no longer hit contains (made when a
        candidate first needs it: most articles' candidates need no context)."""
        if self._strong is None:
            out: set[str] = set()
            reach = -1  # the furthest end of the hits that start earlier (or at the same place)
            # by start, the longest first at one start: the hits come by end, the longest
            # first at one end, so reversed they are longest first at one start already
            for _, end, _, reading in sorted(reversed(self.hits), key=itemgetter(0)):
                if end > reach:
                    out.update(reading.named)
                    reach = end
            self._strong = out
        return self._strong

    def _locative(self, prefix: str, before: str) -> bool:
        if prefix and prefix[-1] in self.words.locative_proclitics:
            return True
        return _bare(before) in self.words.locative_before

    def _actor_context(self, c: Candidate, before: str) -> bool:
        words = self.words
        if any(rest in words.actor_before for _, rest in strip_proclitics(before)):
            return True
        if c.prefix.endswith(morphology().lil) and _bare(before) in words.actor_lam:
            return True
        if before:
            pos = c.start - len(c.prefix)
            first = word_before(self.text, self.text.rfind(before, 0, pos))
            if (_bare(first), before) in words.actor_pairs:
                return True
        after = word_after(self.text, c.end)
        return after in self.words.actor_after or _bare(after) in self.words.actor_after

    def _coordinated(self, start: int, prefix: str) -> Resolved | None:
        """The name right before "و<name>" when this name is joined to it."""
        if not prefix.startswith(self.m.conjunctions):
            return None
        i = start - len(prefix)
        while i > 0 and self.text[i - 1] == " ":
            i -= 1
        return self.by_end.get(i)

    def _country_cue(self, c: Candidate, before: str) -> bool:
        """A one-word country name that is also a word ("مالي" financial, "تشاد" is built):
        a locative cue, a noun that heads a country ("رئيس مالي", "شمال مالي"), or a join to a
        place or state just named ("النيجر ومالي")."""
        if self._locative(c.prefix, before) or _bare(before) in self.words.country_nouns:
            return True
        prev = self._coordinated(c.start, c.prefix)
        if prev is None:
            return False
        kind = self.kb.info[prev[2]].kind
        return kind in ("place", "state")

    def _tagged(self, c: Candidate) -> bool:
        at = c.start - len(c.prefix)
        return at > 0 and self.text[at - 1] == "#"

    def _keep(self, c: Candidate, t: Target, before: str) -> bool:
        rule = self.m.rules[t.entity_id]
        if COUNTRY_OR_WORD in rule and t.form == ALIAS:
            if " " not in self.text[c.start : c.end]:
                return self._country_cue(c, before)
            return True
        if t.form == ALIAS and (PERSON_OR_PLACE in rule or PLACE_OR_WORD in rule):
            # a one-word place that is also a person's name ("المهندس") or an ordinary word
            # ("القائم" acting, "سلوك" behaviour) needs a place cue
            ent = self.kb.entities[t.entity_id]
            if ent.kind == "place" and " " not in self.text[c.start : c.end]:
                if PLACE_OR_WORD in rule:
                    # "#الحديدة": a hashtag makes a name of the word
                    return _bare(before) in self.words.place_nouns or self._tagged(c)
                return self._locative(c.prefix, before)
            return True
        if t.form in (ALIAS, NISBA):
            return True
        names = self.m.given_names
        given = before in names or _bare(before) in names  # "وسام", not "سام"
        if t.form == SURNAME and given:
            return False
        if t.form == WEAK and given and self.kb.entities[t.entity_id].kind == "person":
            # "وسام الحريري" is someone else of the family, not the one the weak name stands for
            return False
        if t.entity_id in self.strong:
            return True
        titles = self.m.titles.get(t.entity_id)
        if not titles or not self._after_title(c.start - len(c.prefix), titles):
            return False
        # "رئيس الوزراء السوداني عبد الله حمدوك": a name after it makes it an adjective
        after = word_after(self.text, c.end)
        return after not in self.m.given_names and after not in cues().particles

    def _after_title(self, pos: int, titles: tuple[str, ...]) -> bool:
        """One of ``titles`` ends the text before ``pos`` (spaces aside)."""
        return self.text[max(0, pos - 40) : pos].strip().endswith(titles)

    def _family(self, targets: tuple[Target, ...], before: str) -> list[Target]:
        """``_keep`` for the targets of a key that only weak aliases and family names of people
        with no title make (``needs_strong``, no ``titles``), in short: one look at the word
        before for all."""
        names = self.m.given_names
        given = before in names or _bare(before) in names
        strong = self.strong
        entities = self.kb.entities
        return [
            t
            for t in targets
            if t.entity_id in strong
            and not (given and (t.form == SURNAME or entities[t.entity_id].kind == "person"))
        ]

    def resolve(self, hit: Hit) -> Resolved | None:
        """What ``hit`` stands for in its context (None: nothing), left to right: the hits
        before it are resolved (``by_end``)."""
        start, end, prefix, reading = hit
        sure = reading.sure
        if sure is not None:
            # one entity, no sharing rule, not a capital: nothing in the context matters
            res: Resolved = (start, end, *sure[1 if prefix else 0])
            self.by_end[end] = res
            return res
        needs = reading.needs_strong
        if (
            needs is not None
            and self.strong.isdisjoint(needs)
            and not (reading.titles and self._after_title(start - len(prefix), reading.titles))
        ):
            return None  # what ``_keep`` finds for each target, in short
        capital = reading.capital
        if capital is not None:  # what the general path below does for these, in short
            before = word_before(self.text, start - len(prefix))
            if self._metonym(Candidate(start, end, prefix, *reading), before):
                res = (start, end, capital[1], "kb.metonym", 0.8, False)
            else:
                res = (start, end, capital[0], "kb.clitic" if prefix else "kb.exact", 1.0, False)
            self.by_end[end] = res
            return res
        twin = reading.twin
        if twin is not None:  # what the general path below does for these, in short
            if prefix.startswith(self.m.conjunctions):  # joined to the name before, maybe
                before = word_before(self.text, start - len(prefix))
                eid = self._state_or_place(start, prefix, before, *twin)
            elif prefix and prefix[-1] in self.words.locative_proclitics:
                eid = twin[1]  # ``_locative`` without the word before, which it needs not
            else:
                before = word_before(self.text, start - len(prefix))
                eid = twin[1] if _bare(before) in self.words.locative_before else twin[0]
            res = (start, end, eid, "kb.clitic" if prefix else "kb.exact", 0.95, False)
            self.by_end[end] = res
            return res
        before = word_before(self.text, start - len(prefix))
        c = Candidate(start, end, prefix, *reading)
        if needs is not None and not reading.titles:
            kept = self._family(reading.targets, before)
        else:
            kept = [t for t in c.targets if self._keep(c, t, before)]
        if not kept:
            return None
        if len(kept) > 1:
            # A weak alias or family name that the article supports (its strong name is there)
            # competes with a place of the same name on equal terms ("للمهندس" after "أبو مهدي
            # المهندس"); context then decides.
            supported = {t.entity_id for t in kept if t.form in (WEAK, SURNAME)}
            if supported:
                supported &= self.strong
            ranks = [0 if t.entity_id in supported else FORM_RANK[t.form] for t in kept]
            best_rank = min(ranks)
            kept = [t for t, rank in zip(kept, ranks, strict=True) if rank == best_rank]
            if supported and any(t.form == ALIAS for t in kept):
                locative = self._locative(c.prefix, before)
                kept = [t for t in kept if t.form != ALIAS or not locative] or kept
                if not locative:
                    kept = [t for t in kept if t.entity_id in supported]
        form = kept[0].form
        ids = list(dict.fromkeys(t.entity_id for t in kept))
        eid, rule, conf = self._choose(c, ids, before)
        if form == WEAK:
            rule, conf = "kb.weak_alias", min(conf, 0.8)
        elif form == SURNAME:
            rule, conf = "kb.surname", min(conf, 0.75)
        elif form == NISBA:
            rule, conf = "kb.nisba", min(conf, 0.9)
        elif rule == "kb.exact" and c.prefix:
            rule = "kb.clitic"
        res = (c.start, c.end, eid, rule, conf, form == NISBA)
        self.by_end[c.end] = res
        return res

    def _choose(self, c: Candidate, ids: list[str], before: str) -> tuple[str, str, float]:
        """One id among those sharing the key, by the declared sharing rules and context."""
        kb = self.kb
        if len(ids) == 1:
            eid = ids[0]
            state = self.m.capitals.get(eid)
            if state is not None and self._metonym(c, before):
                return state, "kb.metonym", 0.8
            return eid, "kb.exact", 1.0
        places = [i for i in ids if kb.entities[i].kind == "place"]
        states = [i for i in ids if kb.info[i].kind == "state"]
        # A state and its own country place share the name (rule "state_country").
        if len(states) == 1 and len(places) >= 1:
            place = kb.info[states[0]].place
            if place in places:
                eid = self._state_or_place(c.start, c.prefix, before, states[0], place)
                return eid, "kb.exact", 0.95
        if places and len(places) == len(ids):
            by_type = {kb.entities[i].place_type: i for i in places}
            gov = by_type.get("governorate")
            if gov and normalize_key(_bare(before)) in _GOVERNORATE_CUES():
                return gov, "kb.exact", 0.95
            for kind in ("city", "town", "district", "governorate"):
                if kind in by_type:
                    eid = by_type[kind]
                    state = self.m.capitals.get(eid)
                    if state is not None and self._metonym(c, before):
                        return state, "kb.metonym", 0.8
                    return eid, "kb.exact", 0.9
        actors = [i for i in ids if kb.entities[i].kind not in ("place", "state")]
        if len(places) == 1 and len(actors) == len(ids) - 1 and actors:
            # a facility and the body in it share the name ("السفارة الأمريكية"): the place
            # after a locative cue, else the body that acts
            if self._locative(c.prefix, before):
                return places[0], "kb.exact", 0.9
            if len(actors) == 1:
                return actors[0], "kb.exact", 0.9
        persons = [i for i in ids if kb.entities[i].kind == "person"]
        if persons and places:
            pick = places[0] if self._locative(c.prefix, before) else persons[0]
            return pick, "kb.exact", 0.7
        strong = [i for i in ids if i in self.strong]
        pick = strong[0] if strong else sorted(ids)[0]
        return pick, "kb.exact", 0.6

    def _state_or_place(self, start: int, prefix: str, before: str, state: str, place: str) -> str:
        """A state or its own country place, which share the name (rule "state_country"): as
        the name it is joined to, else the place after a locative cue, else the state."""
        prev = self._coordinated(start, prefix)
        if prev is not None and self.kb.get(prev[2]) is not None:
            return place if self.kb.entities[prev[2]].kind == "place" else state
        return place if self._locative(prefix, before) else state

    def _metonym(self, c: Candidate, before: str) -> bool:
        if self._locative(c.prefix, before):
            return False
        if self._actor_context(c, before):
            return True
        prev = self._coordinated(c.start, c.prefix)
        return prev is not None and prev[3] == "kb.metonym"


@functools.cache
def _GOVERNORATE_CUES() -> frozenset[str]:  # noqa: N802 - a cached constant
    return frozenset({normalize_key(w) for w in ("محافظة", "لمحافظة", "بمحافظة")})


def _longest_first(r: Resolved) -> tuple[int, int]:
    return r[0] - r[1], r[0]


_SPAN = itemgetter(0, 1)


def _choose_longest(run: list[Resolved]) -> list[Resolved]:
    """Non-overlapping spans of ``run``, longest first, then leftmost, in text order."""
    if len(run) == 2:  # most runs: two spans that overlap, of which one is kept
        return [min(run, key=_longest_first)]
    chosen: list[Resolved] = []
    for r in sorted(run, key=_longest_first):
        start, end = r[0], r[1]
        if all(end <= c[0] or c[1] <= start for c in chosen):
            chosen.append(r)
    chosen.sort(key=itemgetter(0))
    return chosen


def select_longest(items: Iterable[Resolved]) -> list[Resolved]:
    """Non-overlapping spans, longest first, then leftmost; returned in text order.

    The spans fall into runs that overlap one another and no span outside the run: what is
    chosen in one run does not depend on another, so a span alone in its run (most of them)
    is kept as it is, and only the rest are ordered longest first.
    """
    ordered = sorted(items, key=_SPAN)
    if not ordered:
        return []
    chosen: list[Resolved] = []
    first = 0
    reach = ordered[0][1]  # the furthest end of the run so far
    for k in range(1, len(ordered)):
        r = ordered[k]
        if r[0] < reach:
            reach = max(reach, r[1])
            continue
        if k - first == 1:
            chosen.append(ordered[first])
        else:
            chosen += _choose_longest(ordered[first:k])
        first = k
        reach = r[1]
    if len(ordered) - first == 1:
        chosen.append(ordered[first])
    else:
        chosen += _choose_longest(ordered[first:])
    return chosen


_MARKS = frozenset(DIACRITICS) | {TATWEEL}


def extend_over_marks(original: str, end: int) -> int:
    """Move a span's end past diacritics and tatweel that follow its last letter."""
    n = len(original)
    while end < n and (original[end] in DIACRITICS or original[end] == TATWEEL):
        end += 1
    return end


def match_kb(norm: NormalizedText, kb: KnowledgeBase) -> list[Mention]:
    """Knowledge-base mentions of one text, original offsets, sorted, non-overlapping."""
    matcher = kb.matcher
    text = norm.text
    hits = matcher.scan(text)
    if not hits:
        return []
    resolver = _Resolver(matcher, text, hits)
    by_end = resolver.by_end
    resolved: list[Resolved] = []
    for hit in hits:
        start, end, prefix, reading = hit
        sure = reading.sure
        if sure is not None:  # ``resolve``'s first case, without the call: half the hits
            res: Resolved = (start, end, *sure[1 if prefix else 0])
            by_end[end] = res
            resolved.append(res)
            continue
        found = resolver.resolve(hit)
        if found is not None:
            resolved.append(found)
    out: list[Mention] = []
    original = norm.original
    size = len(original)
    labels = matcher.labels
    chosen = select_longest(resolved)
    spans = norm.to_original_spans(chosen)  # a key is never empty
    for (_, _, eid, rule, confidence, nisba), (start, stop) in zip(chosen, spans, strict=True):
        end = (
            extend_over_marks(original, stop) if stop < size and original[stop] in _MARKS else stop
        )
        out.append(
            make_mention(start, end, original[start:end], eid, labels[eid], rule, confidence, nisba)
        )
    return out
