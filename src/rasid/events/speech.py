"""Reported speech: who said what, with the verbatim quote.

What it catches: a verb of saying (قال، أكد، أوضح، أضاف، حذر ...) with its speaker after it
(verb-subject order) or just before it, or "بحسب X؛ فإن ..."; the quote is the text after the
complementizer (إن/أن) or colon, or the quoted span, verbatim from the article. A verb of saying
with no named speaker ("وأضاف", "وتابع") continues the last speaker of the article.
Guards: a newspaper or agency after "بحسب" is a source, not a speaker; a verb of saying with no
speaker and no earlier speaker gives nothing.
Risky: a speaker given only by a role ("قال مسؤول عراقي") becomes a provisional speaker named by
the role when the mention stage found one, otherwise the statement has no speaker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rasid.events.context import Placed, SentenceView
from rasid.events.lexicon import Lexicon
from rasid.records import Entity


@dataclass(frozen=True, slots=True)
class SpeechAct:
    verb: int  # word index of the verb of saying
    speaker: Entity | None
    speaker_group: tuple[Entity, ...]
    role: str | None
    quote_start: int  # original offsets of the quote
    quote_end: int
    quote_from_word: int
    rule: str

    def stable_id(self, article_id: str, sentence_start: int) -> str:
        raw = f"{article_id}|{sentence_start}|{self.verb}".encode()
        return "st_" + hashlib.sha1(raw).hexdigest()[:16]


def _speaker_kind(p: Placed) -> bool:
    e = p.entity
    return e is not None and e.kind not in ("place", "media")


def find_speech(
    view: SentenceView, lex: Lexicon, last_speaker: tuple[Entity, ...] | None
) -> list[SpeechAct]:
    """Speech acts in a sentence (at most one per verb of saying)."""
    speech = lex.words["speech"]
    if view.forms and speech.isdisjoint(view.forms):
        return []
    words = view.words
    acts: list[SpeechAct] = []
    norm = view.doc.norm
    comps = lex.words["complementizers"]
    verbs = [w for w in words if w.text in speech or w.bare in speech or w.stem in speech]
    for w in verbs:
        reach = min(len(words), w.i + 26)
        comp = next((j for j in range(w.i + 1, reach) if words[j].is_in(comps)), None)
        quoted = next((j for j in range(w.i + 1, reach) if words[j].in_quote), None)
        if comp is None and quoted is None:
            continue  # a verb of saying reports speech only with "إن/أن", a colon or a quote
        limit = min(x for x in (comp, quoted) if x is not None)
        between = [p for p in view.mentions if w.i < p.first < limit and _speaker_kind(p)]
        before = [p for p in view.mentions if w.i - 3 <= p.last < w.i and _speaker_kind(p)]
        speaker_p = _pick_speaker(between) or (before[-1] if before else None)
        rule = "speech.verb_subject" if between else "speech.subject_before"
        if speaker_p is not None and speaker_p.entity is not None:
            speaker_entities: tuple[Entity, ...] = (speaker_p.entity,)
        elif last_speaker and w.text.startswith(("و", "ف")):
            speaker_entities = last_speaker
            rule = "speech.continued"
        else:
            continue
        speaker = speaker_entities[0]
        role = None
        if speaker_p is not None and speaker_p in between:
            role = _role_text(view, w.i + 1, speaker_p.first)
        qfrom = limit + 1 if limit == comp else limit
        if qfrom >= len(words):
            continue
        q_start = norm.to_original(words[qfrom].start)
        q_end = view.sentence.end
        text = view.doc.article.text
        # keep a leading quotation mark with the quote
        while q_start > view.sentence.start and text[q_start - 1] in '"“«':
            q_start -= 1
        acts.append(SpeechAct(w.i, speaker, speaker_entities, role, q_start, q_end, qfrom, rule))
        last_speaker = speaker_entities
    return acts


def _pick_speaker(between: list[Placed]) -> Placed | None:
    """The first person named after the verb, or the last of those in apposition with it
    ("مستشار الرئيس ترامب، جون بولتون": the adviser speaks), else the first body. A person
    named further on is in the speaker's circumstances ("أعلن بوريطة عقب لقائه ... غوتيريش
    أنه ...": Bourita speaks)."""
    people = [p for p in between if p.entity is not None and p.entity.kind == "person"]
    if people:
        chain = people[:1]
        for p in people[1:]:
            if p.first - chain[-1].last > 4:
                break
            chain.append(p)
        return chain[-1]
    bodies = [p for p in between if p.entity is not None and p.entity.kind != "state"]
    if bodies:
        return bodies[0]
    return between[0] if between else None


def _group_from(view: SentenceView, after: list[Placed]) -> list[Placed]:
    """The first participant and the ones in apposition with it (title nisba + name)."""
    group = [after[0]]
    for p in after[1:]:
        gap = p.first - group[-1].last
        if gap <= 3 and (p.entity is not None and p.entity.kind == "person"):
            group.append(p)
        else:
            break
    return group


def _role_text(view: SentenceView, lo: int, hi: int) -> str | None:
    """The original words between the verb and the speaker's name ("وزير الخارجية")."""
    if hi <= lo:
        return None
    words = [w for w in view.words[lo:hi] if w.text != ","]
    if not words:
        return None
    norm = view.doc.norm
    a = norm.to_original(words[0].start)
    b = norm.to_original_span(words[-1].start, words[-1].end)[1]
    role = view.doc.article.text[a:b].strip(" ،,")
    return role or None


SPEECH_TYPES = (
    ("THREATEN", "speech_threaten"),
    ("REJECT", "speech_reject"),
    ("ACCUSE", "speech_accuse"),
    ("REQUEST", "speech_request"),
    ("SUPPORT", "speech_support"),
)


def speech_types(words: list[str], lex: Lexicon) -> list[tuple[str, str]]:
    """The verbal types a quote's own words give (cues of data/cues.yaml), each with its rule:
    "speech.ACCUSE:تهديد" names the cue that proposed it. ``words``: the quote's normalized
    words (``NormalizedText.words_of``)."""

    if not words:
        return []
    bare = [w[1:] if w[:1] in ("و", "ف") and len(w) > 3 else w for w in words]
    text = " " + " ".join(bare) + " "
    # the text is its words joined by single spaces: a phrase occurs only where its first word
    # (or that word with the article) is one of them, which one set look-up tells first
    types, by_first = _speech_needles(lex)
    # so the cues tried are those opened by a word of the quote, by type and in each type's
    # order: one look-up a word of the quote, not two a cue of every type
    opened = sorted({tk for w in frozenset(bare) if (tks := by_first.get(w)) for tk in tks})
    found = []
    done = -1  # the type whose first cue in the quote was found
    for t, k in opened:
        if t == done:
            continue
        etype, needles = types[t]
        _, _, phrase, plain, definite = needles[k]
        if _said(text, plain) or _said(text, definite):
            found.append((etype, f"speech.{etype}:{phrase}"))
            done = t
    return found


NEGATED = (" لم", " لن")  # "لم يجب الطرفان": did not answer, not "must"


def _said(text: str, needle: str) -> bool:
    """The cue occurs in the quote, and not right after a negation of the past or future."""
    at = text.find(needle)
    while at >= 0:
        if not text.endswith(NEGATED, 0, at):
            return True
        at = text.find(needle, at + 1)
    return False


_Needle = tuple[str, str, str, str, str]
# each speech type with its cues, and where each word opens a cue: (type, cue) indexes
_Needles = tuple[
    tuple[tuple[str, tuple[_Needle, ...]], ...], dict[str, tuple[tuple[int, int], ...]]
]
_NEEDLES: dict[int, tuple[Lexicon, _Needles]] = {}


def _speech_needles(lex: Lexicon) -> _Needles:
    """Each speech type with its cues as (first word, first word with the article, phrase,
    " phrase ", " الphrase "), what a quote is searched for, and the cues each of those first
    words opens: made once per lexicon, not once a quote (a type has dozens of cues)."""
    entry = _NEEDLES.get(id(lex))
    if entry is None or entry[0] is not lex:
        types = []
        opens: dict[str, list[tuple[int, int]]] = {}
        for t, (etype, key) in enumerate(SPEECH_TYPES):
            cues: list[_Needle] = []
            for cue in lex.cues.get(key, ()):
                phrase = " ".join(cue) if isinstance(cue, tuple) else str(cue)
                first = phrase.split(" ", 1)[0]
                for opener in dict.fromkeys((first, f"ال{first}")):
                    opens.setdefault(opener, []).append((t, len(cues)))
                cues.append((first, f"ال{first}", phrase, f" {phrase} ", f" ال{phrase} "))
            types.append((etype, tuple(cues)))
        by_first = {w: tuple(tks) for w, tks in opens.items()}
        _NEEDLES.clear()  # one lexicon at a time: an old one is not kept alive
        entry = _NEEDLES[id(lex)] = (lex, (tuple(types), by_first))
    return entry[1]
