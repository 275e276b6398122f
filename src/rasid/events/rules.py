"""Event triggers in a sentence, and the guards that keep non-events out.

What it catches: verbs and nouns of the trigger lexicon (data/triggers.yaml), one candidate per
event type and clause, with status (occurred / planned / claimed) and the disrupted flag.

Guards (data/cues.yaml), each recorded in the candidate's rule when it changes the outcome:
- sentences about sport, markets, disease (domain_block) give no events;
- negation just before the trigger ("لم تتبنَّ", "لن ينسحب") drops it;
- a condition earlier in the clause ("إذا اضطرت ... إلى المغادرة") drops it;
- modality before the trigger ("قد يؤدي", "يمكن أن", "لمنع") drops it;
- a generic noun ("المزيد من الهجمات", "أي هجوم") drops it, and a plural or weak noun needs a
  date, a number or a specific place in its clause to count;
- present-tense verbs of force describe habits, not events; future ones are plans;
- "أطلق"/"أسقط" need a weapon word, "نشر"/"سحب" need forces or bases, and not an agreement;
- a verb right after a relative pronoun, or in a "بعد أن" clause, needs its own date;
- inside quotes only dated or precisely placed material events count, and no verbal event but a
  threat.
Still risky: long sentences whose clauses are not split by punctuation; nominal sentences that
report an event without a verb or a date (they are dropped unless fresh and specific).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from rasid.events.context import Placed, SentenceView, Word
from rasid.events.lexicon import Lexicon, TriggerForm
from rasid.records import TimeExpr, day_number

MATERIAL = frozenset(
    {"ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "CONCEDE", "AID", "PROTEST", "SANCTION"}
)
FIGURATIVE = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "RETREAT", "PROTEST", "THREATEN"})
SPECIFIC_PLACE_TYPES = frozenset(
    {
        "city",
        "town",
        "village",
        "base",
        "facility",
        "airport",
        "landmark",
        "neighborhood",
        "district",
        "border_crossing",
        "governorate",
    }
)


@dataclass(frozen=True, slots=True)
class Candidate:
    type: str
    head: int  # word index of the trigger
    last: int  # last word index of the trigger phrase
    form: TriggerForm
    clause: int
    status: str
    disrupted: bool
    rule: str


def _match_triggers(view: SentenceView, lex: Lexicon, w: Word) -> list[tuple[TriggerForm, int]]:
    """The forms a word can realize, one per event type (the longest phrase wins)."""
    forms = lex.triggers.get(w.text) or lex.triggers.get(w.bare)
    if not forms:
        return []
    best: dict[str, tuple[TriggerForm, int]] = {}
    words = view.words
    for f in forms:
        n = len(f.rest)
        last = w.i + n
        if n:
            if last >= len(words):
                continue
            if any(
                f.rest[k]
                not in (words[w.i + 1 + k].bare, words[w.i + 1 + k].text, words[w.i + 1 + k].stem)
                for k in range(n)
            ):
                if not (f.pos == "v" and n == 1 and _after_subject(words, w, f.rest[0])):
                    continue
                last = w.i  # "اعترضت ميركل على": the verb alone is the trigger
        prev = best.get(f.type)
        if prev is None or n > len(prev[0].rest):
            best[f.type] = (f, last)
    out = list(best.values())
    # "في قصف مواقع داعش": the verb form is refused after a preposition; the same word as a
    # noun is judged after it
    for f in forms:
        if f.pos == "n" and not f.rest and any(b.type == f.type and b.pos == "v" for b, _ in out):
            out.append((f, w.i))
    return out


_SUBJECT_GAP = 8  # "طلب صهر الرئيس الأميركي، جاريد كوشنر، ... من": a long subject


def _after_subject(words: Sequence[Word], w: Word, particle: str) -> bool:
    """A verb's particle after its subject (verb-subject-object order): "اعترضت ميركل على
    خطة" is "اعترض على" with the subject between, within the clause."""
    if len(particle) > 3:
        return False  # only a preposition may be parted from its verb
    for k in range(w.i + 1, min(len(words), w.i + 1 + _SUBJECT_GAP + 1)):
        if words[k].clause != w.clause:
            return False
        if particle in (words[k].text, words[k].bare):
            return k > w.i + 1
    return False


def _match_trigger(view: SentenceView, lex: Lexicon, w: Word) -> tuple[TriggerForm, int] | None:
    found = _match_triggers(view, lex, w)
    return max(found, key=lambda h: len(h[0].rest)) if found else None


def window(view: SentenceView, head: int, last: int) -> tuple[int, int]:
    """The words an event's arguments are looked for in: its clause, at most 8 words before
    the trigger and 15 after (Arabic news sentences run long)."""
    lo, hi = view.clause_bounds(view.words[head].clause)
    return max(lo, head - 8), min(hi, last + 16)


def _times_in(view: SentenceView, lo: int, hi: int) -> list[TimeExpr]:
    return [
        t.time for t in view.times if lo <= t.first < hi and t.time is not None and t.time.value
    ]


def _has_day(view: SentenceView, lo: int, hi: int) -> bool:
    return any(t.precision == "day" and not t.open_range for t in _times_in(view, lo, hi))


def _aggregate(view: SentenceView, lex: Lexicon, lo: int, hi: int) -> bool:
    """Dated only by a period of more than a month ("منذ مطلع العام"): a count, not an event.
    A period a day is compared with ("أكثر الأيام دموية منذ حرب 2014") is no such date."""
    times = _times_in(view, lo, hi)
    if not times:
        return False
    if any(_open_period(view, lex, t) for t in view.times if lo <= t.first < hi):
        return True
    return all(_long_range(t) for t in times)


def _open_period(view: SentenceView, lex: Lexicon, t: Placed) -> bool:
    return (
        t.time is not None
        and bool(t.time.value)
        and t.time.open_range
        and not view.has_phrase(lex.cues["comparison"], t.first - 8, t.first)
    )


def _long_range(t: TimeExpr) -> bool:
    if not t.value_end or not t.value:
        return False
    a, b = day_number(t.value), day_number(t.value_end, last=True)
    return a is not None and b is not None and b - a > 31


def _has_specific(view: SentenceView, lo: int, hi: int) -> bool:
    if any(lo <= q.first < hi for q in view.quantities):
        return True
    for m in view.mentions:
        if lo <= m.first < hi and m.entity is not None:
            if m.entity.place_type in SPECIFIC_PLACE_TYPES:
                return True
            if m.entity.kind == "person":
                return True
    return False


def _supported(view: SentenceView, lex: Lexicon, head: int, lo: int, plural: bool = False) -> bool:
    """A weak noun carried by a light verb just before it ("عقد اجتماعا", "توصلا إلى اتفاق")."""
    verbs = lex.union("light_verbs", "undergo_verbs")
    # eight words back, commas not counted ("أكد الشيخ خالد بن أحمد، وزير الخارجية البحريني،
    # الثلاثاء، على تأييد بلاده"); none to look for when the sentence has none
    if not (view.forms and verbs.isdisjoint(view.forms)):
        seen = 0
        for i in range(head - 1, max(lo, 0) - 1, -1):
            w = view.words[i]
            if w.text == ",":
                continue
            if w.is_in(verbs):
                return True
            seen += 1
            if seen >= 8:
                break
    # or, for one meeting, a named person right after it ("استقباله رئيس الوزراء الكاظمي")
    return not plural and any(
        head < p.first <= head + 5 and p.entity is not None and p.entity.kind == "person"
        for p in view.mentions
    )


def _managed(view: SentenceView, lex: Lexicon, prep: int, lo: int) -> bool:
    """The preposition at ``prep`` is "من" after a verb of managing ("تمكن الجيش الوطني اليمني
    من قتل وأسر عشرات"): the verbal noun after it is the act done."""
    if view.words[prep].text != "من":
        return False
    return any(view.words[k].is_in(lex.words["managed"]) for k in range(max(lo, prep - 6), prep))


def _event_subject(view: SentenceView, lex: Lexicon, last: int) -> bool:
    """The word after a verb is an event noun ("تهدد الغارة"): the subject is an event."""
    if last + 1 >= len(view.words) or view.words[last].bare.endswith("وا"):
        return False  # "ودانوا العملية التركية": a plural subject in the verb, an object after it
    nxt = view.words[last + 1]
    forms = lex.triggers.get(nxt.text) or lex.triggers.get(nxt.bare) or ()
    return any(f.pos == "n" for f in forms)


PAST_OF_KANA = frozenset({"كان", "كانت", "كانوا", "كانا", "كنا"})


def _modal_before(view: SentenceView, lex: Lexicon, lo: int, head: int) -> bool:
    """A possibility before the trigger ("قد يؤدي", "يمكن أن"); "قد" before a past verb is
    a perfect ("قد انسحبت"), not a possibility, and so is "قد" after a past "كان" ("وكان كوشنر
    قد تحدث": a past verb of the form تفعّل opens with ت as a present one does)."""
    words = view.words
    i = max(lo, head - 8)
    while i < head:
        found = view.find_phrase(lex.cues["modal"], i, head)
        if found is None:
            return False
        a, b = found
        if b - a == 1 and words[a].bare == "قد":
            nxt = words[a + 1].bare if a + 1 < len(words) else ""
            pluperfect = any(words[k].bare in PAST_OF_KANA for k in range(max(lo, a - 10), a))
            if nxt[:1] in ("ي", "ت", "ن") and not pluperfect:
                return True
            i = a + 1
            continue
        return True
    return False


def find_candidates(view: SentenceView, lex: Lexicon) -> list[Candidate]:
    """Trigger candidates of one sentence, after the guards."""
    words = view.words
    if not words:
        return []
    # the sentence's words that start a trigger, as a set of a few: the walk over the words
    # then tests each against it, not against the 91,000 keys of the triggers (whose look-ups
    # leave the processor's caches)
    starts: Container[str] = (
        lex.trigger_words.intersection(view.forms) if view.forms else lex.triggers
    )
    if not starts:
        return []
    heads = [w for w in words if w.text in starts or w.bare in starts]
    if not heads:
        return []
    # sport, markets, weather, accidents: their attacks and blows are figures of speech
    blocked = view.has_phrase(lex.cues["domain_block"], 0, len(words))
    # a crowd that gathers to bid farewell or to celebrate ("احتشد أكثر من مليون شخص ... لوداع
    # الأميرة ديانا") protests nothing
    farewell = view.has_phrase(lex.cues["not_protest"], 0, len(words))
    found: dict[tuple[str, int], Candidate] = {}
    # a word inside a name ("قيادة العمليات المشتركة", "مشتاق طالب") is not a trigger
    inside = {i for p in view.mentions for i in range(p.first + (p.last > p.first), p.last + 1)}
    for w in heads:
        if w.i in inside:
            continue
        for form, last in _match_triggers(view, lex, w):
            if blocked and form.type in FIGURATIVE:
                continue
            if farewell and form.type == "PROTEST":
                continue
            if (form.type, w.i) in found:
                continue  # the verb was taken; its noun reading is a fallback only
            cand = _judge(view, lex, w, form, last)
            if cand is not None:
                found[(cand.type, cand.head)] = cand
    # "وقف إطلاق النار": a word inside another trigger's phrase is part of it, not an event of
    # its own (the ceasefire's "إطلاق النار" is no shooting)
    covered = {(i, c.type) for c in found.values() for i in range(c.head + 1, c.last + 1)}
    inside = {i for i, _ in covered}
    kept = (c for c in found.values() if c.head not in inside or (c.head, c.type) in covered)
    return sorted(kept, key=lambda c: c.head)


def _strength(c: Candidate) -> int:
    return {"v": 3, "x": 2, "n": 1}[c.form.pos] + (2 if "kill" in c.form.flags else 0)


def _judge(
    view: SentenceView, lex: Lexicon, w: Word, form: TriggerForm, last: int
) -> Candidate | None:
    words = view.words
    lo, hi = view.clause_bounds(w.clause)
    wlo, whi = window(view, w.i, last)
    etype = form.type
    flags = form.flags
    rule = f"trigger.{form.pos}.{form.lemma}"
    status = "occurred"
    disrupted = "intercept" in flags
    verbal = "verbal" in flags

    if view.has_phrase(lex.cues["negation"], max(lo, w.i - (6 if form.pos == "n" else 3)), w.i):
        return None
    cond = view.find_phrase(lex.cues["conditional"], max(lo, w.i - 8), w.i)
    if cond is not None and not (cond[0] > 0 and words[cond[0] - 1].bare == "ما"):
        return None  # "إذا اضطرت ..." (but "ما إذا", whether, is no condition)
    if _modal_before(view, lex, lo, w.i):
        return None
    if "needs_weapon" in flags and not view.has_phrase(lex.cues["weapon"], wlo, whi):
        return None
    if "needs_aid" in flags and not view.has_phrase(lex.cues["aid"], wlo, whi):
        return None
    if "needs_accord" in flags and not view.has_phrase(lex.cues["accord"], w.i, whi):
        return None
    for flag, cue in (
        ("needs_blame", "blame"),
        ("needs_charge", "charge"),
        ("needs_threat", "threat"),
        ("needs_sanction", "sanction"),
        ("needs_detainee", "detainee"),
        ("needs_sentence", "sentence"),
        ("needs_remains", "remains"),
        ("needs_praise", "praise"),
    ):
        # a warning's consequence may come at the end of a long sentence ("حذرت ... من أي
        # تحركات ...، مؤكدة أن واشنطن ستتخذ الإجراءات الصارمة ردا على ذلك")
        reach = len(words) if cue == "threat" else whi
        if flag in flags and not view.has_phrase(lex.cues[cue], w.i, reach):
            return None
    if "needs_counterpart" in flags and not view.has_phrase(lex.cues["counterpart"], w.i, whi):
        return None
    if "agent" in flags and not (
        _crowd_before(view, lex, w.i) or view.has_phrase(lex.cues["protest_acts"], lo, hi)
    ):
        return None  # "أحد المتظاهرين قال": protesters named, no protest told
    if view.has_phrase(lex.cues["cancel_after"], last + 1, whi) and verbal:
        return None  # "رفض التعليق": declined to comment
    if view.has_phrase(lex.cues["habitual"], max(lo, w.i - 4), whi):
        return None  # "غالبا ما تنفي": a habit, not an event
    if w.text.isascii() and w.start > 0 and view.doc.norm.text[w.start - 1] == "-":
        return None  # "Iran-backed": an adjective, not a verb
    if etype == "MOBILIZE" and w.i > 0 and view.words[w.i - 1].is_in(lex.words["published_things"]):
        return None  # "بحسب بيان نشره التحالف": a statement published, nobody deployed
    if (
        form.lemma == "طالب"
        and w.i > 0
        and w.text.startswith("و")
        and (
            words[w.i - 1].is_in(lex.words["persons"])
            or words[w.i - 1].is_in(lex.words["combatant_nouns"])
        )
    ):
        return None  # "بحياة شرطيتين وطالب": a student among the dead, not a demand
    if "needs_troops" in flags:
        if not view.has_phrase(lex.cues["troops"], wlo, whi):
            return None
        if view.has_phrase(lex.cues["not_military"], w.i, min(hi, w.i + 5)):
            return None
    dated = bool(_times_in(view, wlo, whi))
    day = _has_day(view, wlo, whi)
    counting = etype in ("ASSAULT", "COERCE")  # types whose reports add up over a period
    if counting and (
        _aggregate(view, lex, wlo, whi) or view.has_phrase(lex.cues["cumulative"], lo, hi)
    ):
        return None
    if not verbal and view.has_phrase(lex.cues["reference"], max(lo, w.i - 3), w.i) and not day:
        return None  # "تنديدا بالقصف": the other event is referred to, not reported
    if view.has_phrase(lex.cues["generic"], max(lo, w.i - (3 if form.pos == "n" else 1)), w.i):
        return None
    if form.pos != "v" and view.has_phrase(lex.cues["tally"], max(lo, w.i - 4), w.i):
        return None  # "ليرتفع بذلك عدد قتلى ...": the total the toll raises
    if form.pos == "n":
        if form.plural and w.bare.endswith(("اتها", "اتهم", "اته", "اتنا")):
            return None  # "هجماتها": their attacks in general
        counted = any(
            q.first < w.i <= q.last + 1 and q.quantity is not None and q.quantity.value > 1
            for q in view.quantities
        )
        one_day = any(t.precision == "day" and not t.value_end for t in _times_in(view, wlo, whi))
        if counted and not one_day and "agent" not in flags:
            return None  # "نحو 50 هجوما": a count over a period (but "مئات المتظاهرين": a crowd)
        supported = _supported(view, lex, w.i, lo, form.plural)
        after_that = w.i > 0 and words[w.i - 1].is_in(lex.words["complementizers"])
        if after_that and w.stem != w.bare and not _has_specific(view, w.i, whi):
            return None  # "قائلا إن الضربة ستدفع": the strike told of elsewhere
        if form.plural and not (day or supported or "agent" in flags):
            return None
        if "weak" in flags and not (day or supported):
            return None
    if w.in_quote:
        if verbal and "threat_content" not in flags and not _first_person(w, form):
            return None  # told inside a quote: the quote's speaker acts only in the first person
        if not verbal and not dated:
            if not _has_specific(view, wlo, whi):
                return None
            rule += "+quoted"  # an official's account of an attack, its day not said
    if form.tense == "present" and not verbal and etype != "PROTEST" and not _begun(view, lex, w):
        return None  # a protest goes on as it is told ("يعتصم آلاف"); attacks are told done
    if form.tense == "present" and verbal and _aggregate(view, lex, wlo, whi):
        return None  # "تتهم واشنطن طهران منذ سنوات": a standing position
    if (
        form.pos == "n"
        and "agent" not in flags  # "وهتف المتظاهرون": the crowd is the event's own doer
        and not (dated or _has_specific(view, wlo, whi))
        and _anaphoric(view, w, lex)
    ):
        return None  # "وراء الهجوم": the attack told elsewhere, nothing new here
    if (
        w.bare in lex.words["day_parts"]
        and last + 1 < len(words)
        and words[last + 1].is_in(lex.words["day_words"])
    ):
        return None  # "فجر الجمعة": the dawn of a day, not "blew up"
    if (
        form.pos == "v"
        and w.i > 0
        and words[w.i - 1].text in lex.words["verb_blockers"]
        and not _managed(view, lex, w.i - 1, lo)
    ):
        return None  # "من أجل": a noun after a preposition, not the verb
    after = (w.i + 1, min(hi, w.i + 7))
    if form.pos == "n" and view.has_phrase(lex.cues["hypothetical_after"], *after):
        return None
    if not verbal and not dated and _about_a_period(view, lex):
        return None  # a sentence about a period ("منذ مطلع العام"): counts, not an event
    if verbal and form.pos in ("v", "x") and _event_subject(view, lex, last):
        return None
    if form.tense == "future":
        if etype == "ASSAULT" and "threat_content" not in flags:
            return None
        status = "planned"
    if form.pos == "v" and w.i > 0 and words[w.i - 1].bare in lex.words["relative"] and not dated:
        return None
    if view.has_phrase(lex.cues["background"], max(lo, w.i - 3), w.i) and not dated:
        return None
    if view.has_phrase(lex.cues["planned"], max(lo, w.i - 6), w.i + 4):
        status = "planned"
        rule += "+planned"
    # an announced withdrawal that has not happened is a concession (PLOVER)
    announced = etype == "RETREAT" and status == "occurred" and form.pos == "n"
    if announced and _announced(view, lo, w.i):
        etype = "CONCEDE"
        rule += "+announced"
    if view.has_phrase(lex.cues["claim"], lo, w.i) and etype == "ASSAULT":
        status = "claimed"
    if "convicts" in flags and view.has_phrase(lex.cues["court"], max(lo, w.i - 3), w.i + 4):
        etype, verbal = "COERCE", False  # "دانت محكمة بريطانية متطرفا": convicted
        rule += "+court"
    if "upholds" in flags and view.has_phrase(lex.cues["verdict"], w.i + 1, whi):
        # "أيدت محكمة النقض المصرية حكم الإعدام": a court upholding a sentence coerces
        etype, verbal = "COERCE", False
        rule += "+verdict"
    words_attack = view.has_phrase(lex.cues["verbal_attack"], w.i + 1, w.i + 3)
    if etype == "ASSAULT" and form.pos == "n" and words_attack:
        etype, verbal = "ACCUSE", True  # an attack in words
        rule += "+verbal_attack"
    if not verbal and _content_of_verbal(view, lex, w, lo) and status != "claimed":
        return None  # "نفت وقوع أي هجوم", "اتهمتها باستهداف": what is denied or alleged
    return Candidate(etype, w.i, last, form, w.clause, status, disrupted, rule)


def _crowd_before(view: SentenceView, lex: Lexicon, i: int) -> bool:
    """ "آلاف المتظاهرين"، "300 متظاهر": a crowd counted, the protest itself."""
    if any(q.last in (i - 1, i - 2) for q in view.quantities):
        return True
    return i > 0 and view.words[i - 1].is_in(lex.words["crowd_counts"])


def _begun(view: SentenceView, lex: Lexicon, w: Word) -> bool:
    """A past verb of starting or going on stands at most four words before, no comma between,
    and agrees with the verb ("بدأت مدفعية الجيش تدك مواقع الحوثيين": feminine both; "بدأ
    تدخله" is a noun, the intervention began): what it began is told as done."""
    for i in range(w.i - 1, max(-1, w.i - 5), -1):
        word = view.words[i]
        if word.text == ",":
            return False
        if word.is_in(lex.words["inceptive"]):
            return w.bare[:1] == ("ت" if word.bare.endswith("ت") else "ي")
    return False


def _first_person(w: Word, form: TriggerForm) -> bool:
    """ "ندعو"، "نرفض"، "ندين"، "رفضنا": the speaker's own act, told in the quote."""
    if form.pos == "n":
        return False
    bare = w.bare
    if form.tense == "present":
        return bare.startswith("ن") and not (form.lemma.startswith("ن") and bare[1:2] != "ن")
    return bare.endswith("نا") and not form.lemma.endswith("ن")


def _content_of_verbal(view: SentenceView, lex: Lexicon, w: Word, lo: int) -> bool:
    """A material word inside the complement of a denial, refusal, demand, accusation or
    threat; a denial always, the others unless the word carries its own day."""
    words = view.words
    for i in range(w.i - 1, max(lo, w.i - 9) - 1, -1):
        if words[i].is_in(lex.words["content_verbs"]):
            denial = words[i].bare[:2] in ("نف", "رف") or words[i].text in ("denied", "rejected")
            if denial:
                return True
            return not _has_day(view, w.i, window(view, w.i, w.i)[1])
    return False


def _anaphoric(view: SentenceView, w: Word, lex: Lexicon) -> bool:
    """A definite event noun with no participant, place, date or number near it."""
    if w.stem == w.bare:  # not definite
        return False
    lo, hi = max(0, w.i - 3), min(len(view.words), w.i + 5)
    return not any(lo <= p.first < hi for p in view.mentions)


def _about_a_period(view: SentenceView, lex: Lexicon) -> bool:
    """A period opened by "منذ" that is not a comparison's ("أكثر الأيام دموية منذ حرب 2014":
    the day is compared with the period, the sentence tells of that day)."""
    return any(_open_period(view, lex, t) for t in view.times)


def _announced(view: SentenceView, lo: int, head: int) -> bool:
    return any(view.words[i].bare in ("اعلن", "اعلنت", "قرر", "قررت") for i in range(lo, head))
