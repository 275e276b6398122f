"""Features of a proposed event mention: what the decider weighs (``decide``).

Cheap and explainable, each a name: the type and the trigger rule, how each argument was found
(the rule names of actors, targets, date, place, toll), whether they are there, how far the
date lies from publication, the paragraph, the sentence's length and words, captions and
quotes, and the type crossed with the strongest of these; for a protest, whether a crowd gathers
or marches in the sentence (not only named, as in "لتفريق المتظاهرين").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from rasid.doc import Doc
from rasid.events.lexicon import load_lexicon
from rasid.records import Event, Source, day_number
from rasid.text.normalize import normalize_key

QUOTE_MARK = re.compile('["«»“”]')


def _bucket(value: int, edges: Sequence[int]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _date_gap(event: Event, anchor: str | None) -> str:
    if not event.date:
        return "none"
    if not anchor:
        return "no_anchor"
    day, pub = day_number(event.date), day_number(anchor)
    last = day_number(event.date, last=True)
    if day is None or pub is None or last is None:
        return "bad"
    if day > pub:
        return "future"
    if last >= pub:
        return "holds_pub" if len(event.date) < 10 else "0"
    return _bucket(pub - day, (1, 3, 7, 31, 365))


class SentenceFacts(NamedTuple):
    """What the features read of a proposal's sentence: the same for every proposal made from
    it, so ``decide_events`` works them out once a sentence (``sentence_facts``)."""

    para: int  # line breaks before the sentence
    words: list[str]
    caption: bool
    quote: bool
    word_features: list[str]  # "w=" of each distinct word longer than a letter


def sentence_facts(doc: Doc, src: Source) -> SentenceFacts:
    """The facts of the sentence a proposal's first source quotes."""
    text = doc.article.text
    # the sentence's words from the document's normalized text, not normalized again (the
    # same words), when the source is a sentence of this document, as a proposal's is
    own = text[src.start : src.end] == src.sentence
    words = doc.norm.words_of(src.start, src.end) if own else normalize_key(src.sentence).split()
    return SentenceFacts(
        para=text.count("\n", 0, src.start),
        words=words,
        caption=doc.article.is_caption(src.start, src.end),
        quote=QUOTE_MARK.search(src.sentence) is not None,
        word_features=[f"w={w}" for w in dict.fromkeys(words) if len(w) > 1],
    )


def event_features(
    doc: Doc,
    event: Event,
    same_sentence: int,
    same_type: int,
    facts: SentenceFacts | None = None,
) -> list[str]:
    """The named features of one proposed event mention (``facts``: its sentence's, when the
    caller has them for several proposals of the sentence)."""
    src = event.sources[0]
    if facts is None:
        facts = sentence_facts(doc, src)
    rules = event.rules
    t = event.type
    trigger = rules.get("type", "")
    # an undated act told inside a quote: the same trigger, weighed apart by its own feature
    quoted = "+quoted" in trigger
    trigger = trigger.replace("+quoted", "")
    pos = trigger.split(".")[1] if trigger.count(".") >= 2 else "?"
    para = facts.para
    words = facts.words
    gap = _date_gap(event, doc.anchor)
    how = {
        "act": rules.get("actors", "none" if not event.actors else "other"),
        "tgt": rules.get("targets", "none" if not event.targets else "other"),
        "date": rules.get("date", "none"),
        "loc": rules.get("location", "none"),
        "toll": rules.get("toll", "none"),
    }
    f = [
        f"t={t}",
        f"trig={trigger}",
        f"pos={pos}",
        f"status={event.status}",
        f"mode={event.mode}",
        f"gap={gap}",
        f"para={_bucket(para, (0, 1, 2, 3, 5, 8))}",
        f"len={_bucket(len(words), (8, 15, 25, 40, 60))}",
        f"prec={event.location.precision if event.location else 'none'}",
        f"dprec={len(event.date) if event.date else 0}",
        f"nsent={_bucket(same_sentence, (1, 2, 3))}",
        f"ntype={_bucket(same_type, (1, 2, 4, 8))}",
        f"claimed={bool(event.claimed_by)}",
        f"toll={event.fatalities is not None or event.injuries is not None}",
        f"caption={facts.caption}",
        f"quote={facts.quote}",
        f"anchor={doc.anchor_kind}",
        "bias_feature",
    ]
    f += [f"{k}={v}" for k, v in how.items()]
    f += [f"ak={a.kind}" for a in event.actors[:3]]
    f += [f"tk={a.kind}" for a in event.targets[:3]]
    # the type decides what an argument's absence or a distant date means
    f += [f"t={t}|{k}={v}" for k, v in how.items()]
    f += [
        f"t={t}|gap={gap}",
        f"t={t}|para={_bucket(para, (0, 2, 5))}",
        f"t={t}|has_actor={bool(event.actors)}",
        f"t={t}|has_target={bool(event.targets)}",
        f"t={t}|has_place={event.location is not None}",
        f"t={t}|quoted={quoted}",
    ]
    if t == "PROTEST":
        gathering = load_lexicon().words["gathering"]
        gathers = any(w in gathering or (w[:1] in "وف" and w[1:] in gathering) for w in words)
        f.append(f"gather={gathers}")
    f += facts.word_features
    return f
