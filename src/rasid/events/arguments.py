"""Arguments of an event candidate: actors, targets, claims, toll, mode (its place and date
are found in rasid/events/setting.py).

What it catches, in order of trust:
- claims ("أعلن X مسؤوليته عن", "تبنى X") give claimed_by; agent markers ("من قبل X",
  "شنها X", "نسب إلى X") and a nisba right after the trigger ("غارة أمريكية", also a force
  behind "لـ": "غارات للتحالف") give the actor; so does what the harm came from ("قتل مدني جراء
  غارة إسرائيلية", "في غارة لطائرات التحالف"), whose names are never the victims;
- for verbs, Arabic's verb-subject-object order: the first actor after the verb is the doer,
  unless the verb is passive-like (a victim noun or number follows a kill verb, or "فيه" does:
  "قُتل فيه جنديان"), a preposition opens the verb's complement before the name ("هدد
  الخميس بالرد على أي محاولة إيرانية"), or the verb carries its plural subject in its suffix
  ("هاجموا إيران"); an actor just before the verb in the clause is the doer of a
  subject-first sentence, and always right after "أن" ("أن الجيش الأمريكي قتل سليماني"); a
  relative clause set off by commas before the verb ("شاميسا، الذي هُزم أمام منانغاغوا، رفض")
  describes that subject and lends it none of its names;
- a verbal noun of killing ("مقتل سليماني") names its victim, not its doer; a nisba describing
  ground ("داخل الأراضي السورية") is a place, not a participant;
- a sequence marker ("ويأتي X بعد أيام من Y") divides the sentence between two events: the date,
  place and participants across it are the other event's;
- targets follow a target preposition (على، ضد) or the doer, up to a relative pronoun or a verb
  of saying; backers ("مدعوم من إيران"), leaders named after their force ("بقيادة حفتر"), a
  group's nisba ("ميليشيات الحوثي الإيرانية") and descriptions are not participants; the owner
  of struck positions ("مواقع داعش") is no subject; the subject of "تعرض"/"تلقى" undergoes the
  event;
- the place is the most specific one of the clause (site > town > governorate > region >
  country), "شمال بغداد" a region, "العاصمة العراقية" the capital;
- the date is the clause's, else the sentence's, else the paragraph's (from the sentence before),
  preferring one in the trigger's own comma segment; a place in a claim the sentence says was
  corrected ("قبل أن يتبين أن ...") is not the event's;
  fresh news without a date takes publication day, marked as such; background gets none, the
  pluperfect ("وكان ... قد اتهم") too; an undated incident further down a report of the day's
  events takes the day the report is about (``propose``, date.article);
- the toll comes from a number after a kill or injury word (one a little before it only when
  it counts people: "29 طفلا قتلوا", not "في 10 داونينغ ستريت وقتل"), a dual or singular
  victim noun, or named victims; "قتل وجرح أكثر من عشرة" gives neither (one number for both).
Risky: long clauses with several actors in a row; actors given only by a pronoun.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rasid.events.context import Placed, SentenceView, Word
from rasid.events.lexicon import PRONOUNS, Lexicon, load_lexicon
from rasid.events.rules import Candidate
from rasid.kb import load_kb
from rasid.records import VERBAL_TYPES, Entity, TimeExpr
from rasid.text.normalize import normalize_key


@dataclass(frozen=True, slots=True)
class Args:
    actors: tuple[Entity, ...]
    targets: tuple[Entity, ...]
    claimed_by: tuple[Entity, ...]
    place: Entity | None
    place_label: tuple[str, str] | None  # (English, Arabic) when a direction makes a region
    precision: str | None
    time: TimeExpr | None
    time_rule: str
    fatalities: tuple[int, str] | None
    injuries: tuple[int, str] | None
    mode: str | None
    rules: dict[str, str]


def is_place(p: Placed) -> bool:
    return (
        p.entity is not None
        and p.entity.kind == "place"
        and (p.mention is None or p.mention.rule != "kb.metonym")
    )


def is_actor(p: Placed) -> bool:
    e = p.entity
    if e is None or e.kind in ("place", "media"):
        return False
    return not (p.mention is not None and p.mention.label == "LOC")


def _backed(view: SentenceView, p: Placed) -> bool:
    """The mention names a backer or patron ("مدعوم من إيران"), not a participant."""
    backers = load_lexicon().words["backers"]
    if view.forms and backers.isdisjoint(view.forms):
        return False  # no word of the sentence names a backing
    return any(view.words[i].is_in(backers) for i in range(max(0, p.first - 3), p.first))


_PREP_PROCLITICS = ("لل", "بال", "كال", "ول", "وب")


def _name_letter(view: SentenceView, i: int) -> bool:
    """The word's first letter belongs to the name starting on it ("بوتين"، "بومبيو"، "ولي
    العهد"), not to a preposition or a conjunction stuck on it ("بالقوات", "للحشد")."""
    w = view.words[i]
    for p in view.mentions:
        if p.first == i and p.mention is not None:
            # the mention holds the whole word: "للحشد" is matched as "لحشد", "بالقوات" as
            # "القوات", the preposition left out; "بومبيو" is matched whole
            return normalize_key(p.mention.text).startswith(w.bare)
    return False


def _prep_before(view: SentenceView, p: Placed, preps: frozenset[str]) -> bool:
    first = view.words[p.first]
    if (
        first.stem != first.bare
        and first.bare.startswith(_PREP_PROCLITICS)
        and not _name_letter(view, p.first)
    ):
        return True  # "للحشد", "بالقوات": the name carries its preposition
    i = p.first - 1
    while i >= 0 and view.words[i].text == ",":
        i -= 1
    if i < 0:
        return False
    w = view.words[i]
    return w.is_in(preps)


def find_mode(view: SentenceView, lex: Lexicon, etype: str, lo: int, hi: int) -> str | None:
    table = {
        "ASSAULT": "assault_modes",
        "CONSULT": "consult_modes",
        "MOBILIZE": "move_modes",
        "RETREAT": "move_modes",
    }.get(etype)
    if table is None:
        return None
    modes = lex.modes[table]
    if view.forms and _first_words(modes).isdisjoint(view.forms):
        return _DEFAULT_MODES.get(etype, "troops")  # no mode's phrase starts in the sentence
    for scope in ((lo, hi), (0, len(view.words))):
        for mode, phrases in modes:
            if view.has_phrase(phrases, *scope):
                return mode
    return _DEFAULT_MODES.get(etype, "troops")


_DEFAULT_MODES = {"ASSAULT": "unspecified", "CONSULT": "meet"}
_FIRST_WORDS: dict[int, tuple[object, frozenset[str]]] = {}


def _first_words(modes: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]) -> frozenset[str]:
    """The words any phrase of a table of modes starts with, once a table (the lexicon's
    tables live as long as the process; the table is kept with its words so that its id
    stays its own)."""
    entry = _FIRST_WORDS.get(id(modes))
    if entry is None or entry[0] is not modes:
        words = frozenset(p[0] for _mode, phrases in modes for p in phrases if p)
        entry = _FIRST_WORDS[id(modes)] = (modes, words)
    return entry[1]


def _entities(items: list[Placed]) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for p in items:
        if p.entity is not None and p.entity.id not in seen:
            seen[p.entity.id] = p.entity
    return tuple(seen.values())


def own_side(view: SentenceView, lex: Lexicon, head: int, lo: int, hi: int) -> tuple[int, int]:
    """The part of [lo, hi) on the trigger's side of a sequence marker ("X بعد أيام من Y"):
    the words across it report another event, whose date, place and doers are not this one's.
    Worked out once a view for each trigger and window (the sequence markers' first words,
    "في", "على", "بعد", are in most sentences, so the search reads every word)."""
    phrases = lex.cues["sequence"]
    key = (id(phrases), head, lo, hi)
    side = view.sides.get(key)
    if side is None:
        side = view.sides[key] = _own_side(view, phrases, head, lo, hi)
    return side


def _own_side(
    view: SentenceView, phrases: tuple[tuple[str, ...], ...], head: int, lo: int, hi: int
) -> tuple[int, int]:
    i = lo
    while i < hi:
        found = view.find_phrase(phrases, i, hi)
        if found is None:
            break
        a, b = found
        if head < a:
            return lo, a
        lo = a  # the marker opens the other event's words: they run from it on
        i = b
    return lo, hi


def assign_roles(
    view: SentenceView,
    lex: Lexicon,
    cand: Candidate,
    lo: int,
    hi: int,
    prev_actor: Entity | None,
) -> tuple[tuple[Entity, ...], tuple[Entity, ...], tuple[Entity, ...], dict[str, str]]:
    """Actors, targets and claimants of a candidate within its window [lo, hi)."""
    rules: dict[str, str] = {}
    lo, hi = own_side(view, lex, cand.head, lo, hi)
    in_window = [p for p in view.mentions if lo <= p.first < hi and is_actor(p)]
    material = cand.type not in VERBAL_TYPES
    participants = _collapse(
        [
            p
            for p in in_window
            if not _backed(view, p)
            and not _land(view, lex, p)
            and not _of_a_place(view, p)
            and not _of_a_party(view, p)
            and not (material and _reporter(p))
        ],
        view,
    )
    actors: list[Placed] = []
    targets: list[Placed] = []
    claimed: list[Placed] = []
    head = cand.head
    words = view.words
    # "مقتل سليماني": a verbal noun of killing names its victim after it, not its doer
    verb = cand.form.pos in ("v", "x") and "masdar" not in cand.form.flags

    claim_at = view.find_phrase(lex.cues["claim"], lo, hi)
    if claim_at is not None and cand.type == "ASSAULT":
        # "أعلن تنظيم داعش عبر وكالة أعماق مسؤوليته": the subject before the claim, not the
        # outlet that carried it nor a place named between the claim and the attack
        claimers = [
            p for p in participants if claim_at[0] - 12 <= p.first < claim_at[0] and not _outlet(p)
        ] or [p for p in participants if claim_at[0] <= p.first < head and not _outlet(p)]
        if claimers:
            claimed.append(claimers[0])
            rules["claimed_by"] = "claim.explicit"
        elif prev_actor is not None:
            rules["claimed_by"] = "claim.previous_subject"
        participants = [p for p in participants if p not in claimed]

    agent_at = view.find_phrase(lex.cues["agent_markers"], head, hi)
    if agent_at is not None and verb and words[agent_at[0] - 1].bare in lex.words["relative"]:
        # "بكين تهنئ أردوغان و"تحترم الخيار الذي قام به الشعب التركي"": after a relative
        # pronoun the marker names the doer of a noun, never of a verb
        agent_at = None
    if material:
        # "برصاص", "بنيران": the force that fired; a demand or a charge is done by no fire
        # ("وطالبت ... بعد مقتل 60 منهم بنيران إسرائيلية": the fire is another event's)
        force_at = view.find_phrase(lex.cues["force_markers"], head, hi)
        if force_at is not None and (agent_at is None or force_at[0] < agent_at[0]):
            agent_at = force_at
    if agent_at is not None:
        after_agent = [p for p in participants if p.first >= agent_at[1]]
        if after_agent:
            actors.append(after_agent[0])
            rules["actors"] = "agent_marker"
    # "قتل مدني في غارة لطائرات التحالف": what the harm came from, and whose it was
    instrument = _instrument(view, lex, cand.last + 1, hi) if material else None
    if instrument is not None and not actors:
        doer = _instrument_doer(view, lex, instrument, participants)
        if doer is not None:
            actors.append(doer)
            rules["actors"] = "instrument_doer"

    after = [p for p in participants if p.first > cand.last]
    before = [p for p in participants if p.first < head]
    victim_verb = verb and "kill" in cand.form.flags and _victim_follows(view, lex, cand.last)
    relative_victim = (
        verb
        and "kill" in cand.form.flags
        and head > 0
        and words[head - 1].bare in lex.words["relative"]
    )
    # "لقي قيادي حوثي مصرعه": who met his death is its victim, whoever killed him
    relative_victim = relative_victim or (verb and "fate" in cand.form.flags)
    # "14 مقاتلا على الأقل، بينهم إيرانيون، قتلوا في ضربة": the dead named before a plural
    # kill verb with nobody killed after it were killed ("قُتلوا"); their nisba is the victim
    relative_victim = relative_victim or (
        verb
        and "kill" in cand.form.flags
        and words[head].bare.endswith("وا")
        and not _victim_follows(view, lex, cand.last)
        and any(words[k].is_in(lex.words["persons"]) for k in range(max(lo, head - 8), head))
    )
    # "هجوم قتل فيه جنديان": killed in it, a passive whose doer is not named here
    resumptive = (
        verb
        and "kill" in cand.form.flags
        and cand.last + 1 < len(words)
        and words[cand.last + 1].is_in(lex.words["resumptive"])
    )
    target_preps = lex.words["target_preps"]
    blocked = target_preps | lex.words["prepositions"]
    # "قتلت غارة أمريكية ...": the subject of the verb is an event noun; its nisba is the doer
    # ("ودانوا العملية التركية": a plural subject in the verb, the noun after it its object)
    noun_subject = (
        verb
        and not _plural_subject_suffix(words[cand.head].bare)
        and _noun_follows(view, lex, cand.last)
    )
    # "قتل لغم حوثي آخر": a weapon as the subject, its nisba the side that laid or fired it
    weapon_subject = (
        verb
        and cand.last + 1 < len(words)
        and words[cand.last + 1].is_in(lex.words["weapon"])
        and words[cand.last + 1].stem == words[cand.last + 1].bare
    )
    nisba_slot = cand.last + (2 if noun_subject or weapon_subject else 0)

    if not actors and (cand.form.pos == "n" or noun_subject or weapon_subject) and after:
        first = after[0]
        if first.first - nisba_slot <= 2 and (
            (first.mention is not None and first.mention.nisba)
            or _of_genitive(view, lex, cand.last + (noun_subject or weapon_subject), first)
        ):
            actors.append(first)  # "غارة أمريكية", "الضربات الأمريكية", "غارات للتحالف"
            rules["actors"] = "nisba_after_trigger"
    english = words[head].text.isascii()
    if english and not actors and before and verb and _gap(view, before[-1].last, head) <= 6:
        actors.append(before[-1])  # English puts the subject first
        rules["actors"] = "subject_before_verb"
    if not actors and verb and before and _after_complementizer(view, lex, before[-1], head):
        actors.append(before[-1])  # "أن الجيش الأمريكي قتل سليماني": subject first after أنّ
        rules["actors"] = "subject_after_complementizer"
    passive = victim_verb or relative_victim or resumptive
    # "اتهم البيان الصادر عن البيت الأبيض إيران": a statement or spokesman as the subject
    # speaks for the body named after it, prepositions and all
    voiced = verb and cand.last + 1 < len(words) and words[cand.last + 1].is_in(lex.words["voice"])
    # "وندد بـ"جريمة أمريكا"": the complement comes first, the subject is not named here
    nxt = words[cand.last + 1] if cand.last + 1 < len(words) else None
    if nxt is not None and nxt.is_in(lex.words["resumptive"]) and nxt.i + 1 < len(words):
        nxt = words[nxt.i + 1]  # "ندد فيها باعتزام اليونسكو": in it, then the complement
    complement_first = (
        verb
        and nxt is not None
        and nxt.bare.startswith("ب")
        and (nxt.bare == "ب" or nxt.stem != nxt.bare)
        and not _name_letter(view, nxt.i)
    )
    # "يدعو إلى حماية الفلسطينيين", "ويطالب بأن توقف حماس": a preposition or a clause right
    # after a verb of saying opens its complement; the names in it are not its subject
    complement_first = complement_first or (
        verb
        and cand.type in VERBAL_TYPES
        and nxt is not None
        and nxt.is_in(lex.union("prepositions", "complementizers"))
    )
    # "جدد الوزراء رفضهم قرار واشنطن": a verbal noun with its pronoun, object of a light
    # verb; its doer is the light verb's subject, never the name after it
    light_object = (
        verb
        and words[head].bare.endswith(("ه", "ها", "هم", "هما"))
        and _light_verb_before(view, lex, head, max(lo, head - 8)) is not None
    )
    complement_first = complement_first or light_object
    persons = lex.words["persons"]
    charged = False
    # "أعلن بوريطة أنه طالب مجلس الأمن": the pronoun on "أنّ" is the subject, the names after
    # the verb are its objects; the speaker of the sentence is the doer (``propose``)
    pronoun_subject = verb and head > 0 and words[head - 1].is_in(lex.words["pronoun_subjects"])
    if pronoun_subject and not actors:
        rules["actors"] = "pronoun_subject"
    # "وكان وزير الخارجية الأمريكي مايك بومبيو قد اتهم طهران": the subject stands before "قد"
    # ("وكان 42 جنديا باكستانيا قد قتلوا": the dead before a passive verb are its victims)
    if not actors and verb and not passive and head >= 2 and words[head - 1].bare in ("قد", "لقد"):
        ahead = [p for p in before if p.last == head - 2 and not _prep_before(view, p, blocked)]
        if ahead:
            actors.append(ahead[-1])
            rules["actors"] = "subject_before_verb"
    # "تعترض على خطة عرضها الاتحاد الأوروبي": a verb read with its particle has its subject
    # before it or between them, never after the particle
    with_particle = cand.form.pos == "v" and cand.last > cand.head
    # "كما هاجموا إيران بشدة وحملوها": a verb with the suffix of its plural subject names its
    # doer in itself; the name after it is its object ("قتلوا" after a noun is read as
    # passive), and joined by "و" to a verb before it, the name before it is that verb's
    suffixed = (
        verb
        and not english
        and "kill" not in cand.form.flags
        and _plural_subject_suffix(words[head].bare)
    )
    if (
        not actors
        and verb
        and not passive
        and not noun_subject
        and not complement_first
        and not pronoun_subject
        and not with_particle
        and not suffixed
    ):
        for p in after[:2]:
            if _prep_before(view, p, blocked) and not (voiced and p is after[0]):
                continue
            if (
                not english
                and not voiced
                and "kill" not in cand.form.flags
                and _inside_complement(view, lex, cand.last, p.first)
            ):
                break  # "هدد الخميس بالرد على أي محاولة إيرانية": a complement's noun
            if p.first >= 2 and words[p.first - 2].is_in(target_preps):
                continue  # "على المصرفي التركي": the nisba of whom the act falls on
            if p.first > 0 and words[p.first - 1].is_in(lex.words["owned_sites"]):
                break  # "قصفت الطائرات مواقع داعش": the positions' owner is struck
            if _describes_person(view, p, persons) and not _object_pronoun(lex, cand, words):
                break  # "خطف موظف بريطاني": the employee's nationality, not the kidnapper
            if p is after[0] and _charge_follows(view, lex, cand, p):
                charged = True  # "واتهمت دمشق بتنفيذه": the one name before the charge
                break
            if _gap(view, cand.last, p.first) <= 6:
                actors.append(p)
                rules["actors"] = "verb_subject"
            break
    # a nisba before the verb describes a noun ("جنديان عراقيان"), it is not a subject; a
    # relative clause set off by commas right before the verb ("حزب ... شاميسا، الذي هُزم
    # أمام منانغاغوا، رفض") describes the subject before it, its names are not the subject
    aside = _relative_aside(view, lex, head, lo) if verb else None
    verb_at = head if aside is None else aside
    before_subjects = [
        p for p in before if not _describes_person(view, p, persons) and p.last < verb_at
    ]
    if suffixed and words[head].text != words[head].bare:
        before_subjects = []
    if (
        not actors
        and before_subjects
        and not relative_victim
        and not resumptive
        and not pronoun_subject
    ):
        near = before_subjects[-1]
        light = _light_verb_before(view, lex, head, lo)
        undergoer = False
        if light is not None and not (verb and _gap(view, near.last, head) <= 4):
            # "أعلنت الوزارة مقتل عناصر من الأمن التونسي في كمين": the light verb's subject
            # follows the light verb; a name nearer the noun is its complement
            near = next((p for p in before_subjects if p.first > light), near)
            ok_position = light < near.first and _gap(view, light, near.first) <= 3
            # "تعرضت القوات الأمريكية لهجوم": the subject undergoes the attack
            undergoer = _light_word(view.words[light], lex.words["undergo_verbs"])
            doing = undergoer or _light_word(view.words[light], lex.words["doing_verbs"])
            if "masdar" in cand.form.flags and "kill" in cand.form.flags and not doing:
                # "أعلنت وزارة الصحة الفلسطينية مقتل اثنين": who tells of the dead did not
                # kill them; only a verb of doing makes its subject the killer
                ok_position = False
            if cand.type == "PROTEST" and _light_word(view.words[light], lex.words["speech"]):
                # "أعلنت شرطة نيكاراغوا ... احتجاجات": who tells of a protest is no protester
                ok_position = False
            voicing = _light_word(view.words[light], lex.words["expression_verbs"])
            if material and cand.type != "PROTEST" and voicing:
                # "عبر مصدر ... عن قلق المملكة وإدانتها للهجوم": who voices a feeling about an
                # attack did not carry it out ("جددت القوات قصفها" renews its own: a doing;
                # "أعرب عن احتجاجه" protests in words)
                ok_position = False
            if not ok_position and doing:
                # "أن ميليشيات الحوثي نفذت هجمات": the subject first, right before the verb
                ahead = [p for p in before_subjects if p.last < light]
                if ahead and _gap(view, ahead[-1].last, light) <= 2:
                    near, ok_position = ahead[-1], True
        else:
            # "حكم الإعدام بحق رجل قتل مسيحيا": a noun of persons right before the verb is its
            # subject, not a name further back
            # "في ضربة استهدفت المطار": an attack or weapon noun right before the verb is its
            # subject (the strike that hit), not a name further back
            thing_first = head > 0 and (
                _attack_noun(lex, words[head - 1], whole=True)
                or words[head - 1].is_in(lex.words["weapon"])
            )
            ok_position = (
                verb
                and not thing_first
                and _gap(view, near.last, verb_at) <= 4
                and not any(words[k].is_in(persons) for k in range(near.last + 1, verb_at))
            )
        if ok_position and not _prep_before(view, near, blocked):
            if undergoer:
                targets.append(near)
                rules["targets"] = "undergoer_subject"
            else:
                actors.append(near)
                rules["actors"] = "subject_before_verb" if verb else "light_verb_subject"
    # "جدد وزراء الخارجية العرب ... رفضهم ...، ودانوا العملية التركية": a verb joined by "و"
    # with its plural subject in itself goes on with the doer named before
    joined = suffixed and words[head].text[:1] in ("و", "ف")
    if (
        not actors
        and (complement_first or charged or joined)
        and not light_object
        and cand.type in VERBAL_TYPES
        and prev_actor is not None
    ):
        actors_prev = True  # "وندد بـ...": the subject of the sentence before goes on
    else:
        actors_prev = False
    if relative_victim and before:
        targets.append(before[-1])
        rules["targets"] = "relative_victim"

    targets.extend(
        p for p in _objects(view, lex, cand, after, actors, claimed, instrument) if p not in targets
    )
    if targets:
        rules.setdefault("targets", "object")
    if cand.type in ("CONSULT", "AGREE", "COOPERATE") and not targets and len(actors) <= 1:
        targets.extend(p for p in participants if p not in actors)
    if "intercept" in cand.form.flags and rules.get("actors") in (
        "verb_subject",
        "subject_before_verb",
    ):
        # "أسقطت الدفاعات الأردنية طائرة": the subject defended; the attacker is unnamed
        targets = actors + targets
        actors = []
        rules["targets"] = "defender"
        rules.pop("actors")
    claimed_e = _entities(claimed)
    if "claimed_by" in rules and not claimed_e and prev_actor is not None:
        claimed_e = (prev_actor,)
    actors_e = _entities(actors)
    if actors_prev and not actors_e and prev_actor is not None:
        actors_e = (prev_actor,)
        rules["actors"] = "previous_subject"
    if not actors_e and claimed_e and cand.type == "ASSAULT":
        actors_e = claimed_e
        rules["actors"] = "claimant"
    targets_e = tuple(t for t in _entities(targets) if t.id not in {a.id for a in actors_e})
    return actors_e, targets_e, claimed_e, rules


def _objects(
    view: SentenceView,
    lex: Lexicon,
    cand: Candidate,
    after: list[Placed],
    actors: list[Placed],
    claimed: list[Placed],
    instrument: int | None,
) -> list[Placed]:
    """Who or what was acted on: the group after a target preposition ("على"، "ضد"), the
    victims after a kill word (up to what the harm came from: "قتل مدني جراء غارة إسرائيلية"),
    or the object right after the doer; not every later name."""
    words = view.words
    # "المتحدث باسم التحالف": whom the subject speaks for, not whom the act is aimed at
    free = [
        p
        for p in after
        if p not in actors
        and p not in claimed
        and not _spoken_for(view, p)
        and not _office_holder(view, p, actors)
    ]
    if not free:
        return []
    preps = lex.words["target_preps"]
    kill = lex.words["kill_words"]
    forms = view.forms
    # the group after a target preposition or a kill word: none to look for when the
    # sentence has neither and the trigger kills nobody
    aimed = not (
        forms
        and preps.isdisjoint(forms)
        and kill.isdisjoint(forms)
        and "kill" not in cand.form.flags
    )
    stop = min(len(words), cand.last + 14) if aimed else cand.head
    for k in range(cand.head, stop):
        w = words[k]
        is_kill = (k > cand.last and w.is_in(kill)) or (
            k == cand.head and "kill" in cand.form.flags
        )
        if w.is_in(preps) or is_kill:
            reach = 12 if is_kill else 6  # victims may follow the weapon and the place
            end = instrument if is_kill and instrument is not None and instrument > k else None
            group = [p for p in free if k < p.first <= k + reach and (end is None or p.first < end)]
            if group:
                return _apposition(view, group)
    if cand.type in ("ASSAULT", "COERCE") and cand.form.pos == "n":
        return []  # a noun's later names are context, not its target
    subject_end = actors[-1].last if actors else cand.last
    doers = {p.entity.id for p in actors if p.entity is not None}
    for p in after:  # "ولي العهد السعودي الأمير محمد بن سلمان": the subject's whole name
        if doers and p.entity is not None and p.entity.id in doers and p.first > subject_end:
            if _gap(view, subject_end, p.first) > 3:
                break
            subject_end = p.last
    # "انتقد الرئيس الإيراني، حسن روحاني، الأربعاء، الرئيس الأمريكي": commas are no words
    stops = lex.union("relative", "speech")
    group = [
        p
        for p in free
        if subject_end < p.first
        and _gap(view, subject_end, p.first) <= 4
        # "وأدان زعماء المعارضة عمليات النهب، وقال محمد علوش": another clause's speaker
        and not any(w.is_in(stops) for w in words[subject_end + 1 : p.first])
    ]
    if not group and cand.type in VERBAL_TYPES:
        group = _owner_of_object(view, lex, subject_end, free)
    return _apposition(view, group)


def _owner_of_object(
    view: SentenceView, lex: Lexicon, start: int, free: list[Placed]
) -> list[Placed]:
    """Whose plan, decision or claim a verbal act answers: the name right after the noun
    ("اعترضت ميركل على خطة سيهوفر") or after the verb of a clause describing it ("تعترض على
    خطة عرضها الاتحاد الأوروبي")."""
    nouns = lex.words["proposal_nouns"]
    words = view.words
    for k in range(start + 1, min(len(words), start + 6)):
        if not words[k].is_in(nouns):
            continue
        return [p for p in free if k < p.first <= k + 2][:1]
    return []


def _office_holder(view: SentenceView, p: Placed, actors: list[Placed]) -> bool:
    """A person named right after the doer who holds an office in it ("الأمين العام لحلف شمال
    الأطلسي ينس ستولتنبرغ"): the doer's name in apposition, not the object."""
    if p.entity is None or p.entity.kind != "person":
        return False
    info = load_kb().info.get(p.entity.id)
    if info is None:
        return False
    bodies = {t.id for t in (*info.roles, *info.affiliations)}
    return any(
        a.entity is not None and a.entity.id in bodies and _gap(view, a.last, p.first) == 0
        for a in actors
    )


def _spoken_for(view: SentenceView, p: Placed) -> bool:
    return p.first > 0 and view.words[p.first - 1].bare in ("باسم", "لسان")


def _apposition(view: SentenceView, group: list[Placed]) -> list[Placed]:
    """The first name and those joined to it by "و" or "،" (a list of victims or objects); a
    relative pronoun or a verb of saying between them opens a clause about the first ("قائد
    ميليشيا كتائب حزب الله، التي قال البنتاغون إنها مسؤولة": the Pentagon is no victim)."""
    if not group:
        return []
    lex = load_lexicon()
    stops = lex.union("relative", "speech")
    out = [group[0]]
    for p in group[1:]:
        between = view.words[out[-1].last + 1 : p.first]
        if p.first - out[-1].last <= 4 and not any(w.is_in(stops) for w in between):
            out.append(p)
        else:
            break
    return out


def _reporter(p: Placed) -> bool:
    """A monitor or rights group (sector NGO) tells of force; it does not use it or suffer it."""
    return p.entity is not None and p.entity.sector == "NGO"


def _outlet(p: Placed) -> bool:
    """A news outlet or agency carries a claim or a report; it is not a party to it."""
    return p.entity is not None and (p.entity.sector == "MED" or p.entity.kind == "media")


PATRONS = frozenset({"armed_group", "military", "party", "organization", "coalition", "government"})


def _of_a_party(view: SentenceView, p: Placed) -> bool:
    """A nisba right after a group's name ("ميليشيات الحوثي الإيرانية", "حزب الله اللبناني")
    says whose the group is or whom it serves; the group is the party, not its state."""
    if p.mention is None or not p.mention.nisba or p.first == 0:
        return False
    return any(
        q.last == p.first - 1 and q.entity is not None and q.entity.kind in PATRONS
        for q in view.mentions
    )


def _instrument(view: SentenceView, lex: Lexicon, start: int, hi: int) -> int | None:
    """Where a phrase telling what the harm came from begins after the trigger: a word of
    cause ("جراء"، "إثر") or an attack or weapon noun behind a preposition ("في غارة"،
    "بقذيفة"). A weapon without one is the subject ("قتلت طائرات التحالف")."""
    causes, weapons = lex.words["cause_words"], lex.words["weapon"]
    forms = view.forms
    if (
        forms
        and causes.isdisjoint(forms)
        and weapons.isdisjoint(forms)
        and _attack_nouns(lex).isdisjoint(forms)
    ):
        return None  # no word of the sentence can tell what the harm came from
    for k in range(start, min(hi, len(view.words))):
        w = view.words[k]
        if w.is_in(causes):
            return k
        if not (w.is_in(weapons) or _attack_noun(lex, w)):
            continue
        prefixed = w.stem != w.bare and w.bare.startswith("ب")
        # "في غارة", and "في ثلاث غارات" with their count between
        counted = k > 1 and any(q.last == k - 1 for q in view.quantities)
        before = view.words[k - 2] if counted else view.words[k - 1] if k > 0 else None
        if prefixed or (before is not None and before.bare in ("في", "خلال")):
            return k
    return None


_ATTACK_NOUNS: dict[int, tuple[Lexicon, frozenset[str]]] = {}


def _attack_nouns(lex: Lexicon) -> frozenset[str]:
    """Every word with an attack noun among its trigger forms: ``_attack_noun`` is true of
    none but them, by its text or its bare form. Once a lexicon."""
    entry = _ATTACK_NOUNS.get(id(lex))
    if entry is None or entry[0] is not lex:
        words = frozenset(
            k
            for k, forms in lex.triggers.items()
            if any(f.type == "ASSAULT" and f.pos == "n" for f in forms)
        )
        entry = _ATTACK_NOUNS[id(lex)] = (lex, words)
    return entry[1]


def _attack_noun(lex: Lexicon, w: Word, whole: bool = False) -> bool:
    """An attack noun ("غارة"); ``whole``: one on its own, not the first word of a phrase
    ("عملية" of "عملية انتحارية")."""
    forms = lex.triggers.get(w.bare) or lex.triggers.get(w.text) or ()
    return any(f.type == "ASSAULT" and f.pos == "n" and not (whole and f.rest) for f in forms)


def _instrument_doer(
    view: SentenceView, lex: Lexicon, at: int, participants: list[Placed]
) -> Placed | None:
    """The party the attack or weapon belongs to, right after it: its nisba ("جراء غارة
    إسرائيلية") or a name behind "لـ" ("في غارة لطائرات التحالف")."""
    noun = at + 1 if view.words[at].is_in(lex.words["cause_words"]) else at
    for p in participants:
        if p.first <= noun or p.first - noun > 3:
            continue
        # "غارات تركية": a state's name right after the noun is its nisba, matched whole
        adjective = p.first == noun + 1 and p.entity is not None and p.entity.kind == "state"
        if (p.mention is not None and p.mention.nisba) or adjective:
            return p
        if _of_genitive(view, lex, noun, p):
            return p
        return None  # the first name after the weapon is someone else's: a target, a place
    return None


FORCES = frozenset({"military", "coalition"})


def _of_genitive(view: SentenceView, lex: Lexicon, noun: int, p: Placed) -> bool:
    """A force joined to the noun at ``noun`` by "لـ", at most one word between ("غارات
    للتحالف"، "غارة لطائرات التحالف"), and no preposition of place or target on the way. A
    state or a group behind "لـ" is more often the blow's target ("الضربة العسكرية لسوريا",
    "ضربة لداعش"), so only a force (an army, a coalition) or a word of troops or aircraft
    before the name makes it the doer."""
    if p.entity is None:
        return False
    forces = lex.words["force_nouns"]
    force = p.entity.kind in FORCES or any(
        view.words[i].is_in(forces) for i in range(noun + 1, p.first)
    )
    if not force:
        return False
    blocked = lex.union("target_preps", "prepositions")
    if any(view.words[i].is_in(lex.words["aim_verbs"]) for i in range(max(0, noun - 2), noun)):
        return False  # "توجيه ضربة للنظام": the blow's target
    for j in range(noun + 1, min(p.first, noun + 2) + 1):
        w = view.words[j]
        if w.is_in(blocked) or w.is_in(lex.words["owned_sites"]):
            return False  # "استهداف قاعدة للتحالف": the force owns the base that was hit
        if w.stem != w.bare and w.bare.startswith("ل") and not w.bare.startswith("لا"):
            return p.first - j <= 1
    return False


def _of_a_place(view: SentenceView, p: Placed) -> bool:
    """A nisba right after a place's name ("داغستان الروسية", "مدينة الموصل العراقية") says
    whose the place is, not who took part."""
    if p.mention is None or not p.mention.nisba or p.first == 0:
        return False
    return any(
        q.last == p.first - 1 and q.entity is not None and q.entity.kind == "place"
        for q in view.mentions
    )


def _land(view: SentenceView, lex: Lexicon, p: Placed) -> bool:
    """A nisba describing ground after a preposition ("داخل الأراضي السورية", "قرب الحدود
    السورية"): where, not who. In a name ("قوات حرس الحدود الأردنية") it stays the force's side."""
    if p.mention is None or not p.mention.nisba or p.first < 2:
        return False
    ground, before = view.words[p.first - 1], view.words[p.first - 2]
    if not ground.is_in(lex.words["land_nouns"]):
        return False
    locative = (
        lex.words["location_preps"]
        | lex.words["prepositions"]
        | lex.words["target_preps"]
        | lex.words["directions"]
    )
    return before.is_in(locative) or ground.bare.startswith(_PREP_PROCLITICS)


def _after_complementizer(view: SentenceView, lex: Lexicon, p: Placed, head: int) -> bool:
    """The name right before the verb follows "أن"/"إن": the subject of that clause."""
    if p.last + 1 != head or p.first == 0:
        return False
    start = p.first
    if p.mention is not None and p.mention.nisba:
        # "أن الجيش اليمني داهم": a force named by its state's nisba is the subject
        if start < 2 or not view.words[start - 1].is_in(lex.words["troops"]):
            return False
        start -= 1
    return view.words[start - 1].is_in(lex.words["complementizers"])


def _charge_follows(view: SentenceView, lex: Lexicon, cand: Candidate, p: Placed) -> bool:
    """A verb of charging with one name and then its charge ("اتهمت دمشق بتنفيذه"): the name
    is the accused, the accuser was named before; with two ("اتهمت دمشق واشنطن بتنفيذه") the
    first is the subject."""
    if cand.form.lemma not in lex.words["charge_verbs"] or p.last + 1 >= len(view.words):
        return False
    nxt = view.words[p.last + 1]
    return nxt.bare.startswith("ب") and nxt.stem != nxt.bare


OBJECT_PRONOUNS = sorted((p for p in PRONOUNS if p), key=len, reverse=True)  # longest first


def _object_pronoun(lex: Lexicon, cand: Candidate, words: Sequence[Word]) -> bool:
    """The verb carries its object ("أطلقه", "استهدفتهم"): the noun after it is its subject
    ("الرصاص الذي أطلقه جنود إسرائيليون": the soldiers fired, they were not fired at)."""
    if cand.form.pos != "v" or cand.last != cand.head:
        return False
    bare = words[cand.head].bare
    for pronoun in OBJECT_PRONOUNS:
        if bare.endswith(pronoun) and len(bare) > len(pronoun) + 2:
            base = bare[: -len(pronoun)]
            for key in (base, base + "ا"):  # "قتلوه": قتلوا with its object
                if any(f.lemma == cand.form.lemma for f in lex.triggers.get(key, ())):
                    return True
            return False
    return False


def _gap(view: SentenceView, a: int, b: int) -> int:
    """Words between two positions, commas not counted."""
    return sum(1 for w in view.words[a + 1 : b] if w.text != ",")


def _inside_complement(view: SentenceView, lex: Lexicon, last: int, first: int) -> bool:
    """A preposition stands between the verb ending at ``last`` and the name at ``first``:
    the name is inside the verb's complement ("هدد الخميس بالرد على أي محاولة إيرانية"), not
    its subject. Not a phrase set off by commas ("أعلنت، في بيان، وزارة الدفاع": an aside the
    subject follows), a date ("أول من أمس"), a name, nor a preposition right after the first
    word or two of the subject ("طالب أربعة من محامي الدفاع", "دعا نواب في البرلمان")."""
    preps = lex.union("prepositions", "target_preps")
    skip = {
        k
        for p in (*view.mentions, *view.times)
        if last < p.first and p.last < first
        for k in range(p.first, p.last + 1)
    }
    nouns = 0  # words of the subject read so far, since the verb or the last comma
    for k in range(last + 1, first):
        w = view.words[k]
        if w.text == ",":
            nouns = 0
        elif k in skip:
            continue
        elif w.is_in(preps) or w.bare.startswith(("بال", "لل")):
            if not 1 <= nouns <= 2:
                return True
            nouns = 3  # the subject's description goes on; a second preposition is too far
        else:
            nouns += 1
    return False


def _plural_subject_suffix(bare: str) -> bool:
    """The verb ends in the suffix of a plural subject ("هاجموا"), an object pronoun after it
    or not ("حملوها": the lexicon's object pronouns)."""
    if len(bare) >= 4 and bare.endswith("وا"):
        return True
    return any(bare.endswith("و" + o) and len(bare) >= 4 + len(o) for o in PRONOUNS if o)


def _relative_aside(view: SentenceView, lex: Lexicon, head: int, lo: int) -> int | None:
    """The comma opening a relative clause that ends with a comma right before the verb at
    ``head`` ("شاميسا، الذي هُزم في الانتخابات، رفض"), or None."""
    words = view.words
    if head < 3 or words[head - 1].text != ",":
        return None
    k = head - 2
    while k > lo and words[k].text != ",":
        k -= 1
    if words[k].text == "," and k + 1 < head - 1 and words[k + 1].bare in lex.words["relative"]:
        return k
    return None


def _noun_follows(view: SentenceView, lex: Lexicon, last: int) -> bool:
    if last + 1 >= len(view.words):
        return False
    nxt = view.words[last + 1]
    forms = lex.triggers.get(nxt.text) or lex.triggers.get(nxt.bare) or ()
    return any(f.pos == "n" for f in forms)


def _describes_person(view: SentenceView, p: Placed, persons: frozenset[str]) -> bool:
    """A nisba right after a noun of persons ("جنديان عراقيان", "موظف بريطاني"): it tells who
    they are, it names no party."""
    return (
        p.mention is not None
        and p.mention.nisba
        and p.first > 0
        and view.words[p.first - 1].is_in(persons)
    )


def _light_word(w: Word, verbs: frozenset[str]) -> bool:
    """The word is one of ``verbs``, also behind "و" or "ف" ("وشن", "فتعرضت"), which the stem
    keeps on a short verb."""
    return w.is_in(verbs) or (w.bare[:1] in ("و", "ف") and w.bare[1:] in verbs)


LIGHT_REACH = 14  # words between a light verb and its event noun, commas not counted


def _light_verb_before(view: SentenceView, lex: Lexicon, head: int, lo: int) -> int | None:
    verbs = lex.union("light_verbs", "undergo_verbs", "doing_verbs")
    seen = 0  # words passed, commas not counted ("وأطلقت قوات ...، بإسناد من ...، فجر الأربعاء،
    # معركة")
    for i in range(head - 1, max(0, lo) - 1, -1):
        if _light_word(view.words[i], verbs):
            return i
        seen += view.words[i].text != ","
        if seen >= LIGHT_REACH:
            break
    return None


def _direction_en(lex: Lexicon, word: str) -> str:
    for label, phrases in lex.modes["direction_names"]:
        if (word,) in phrases:
            return label
    return "near"


# parties the press does not name (ACLED's "Civilians", "Unidentified Armed Group")
UNNAMED_PARTIES = frozenset({"ac:civilians", "ac:unidentified_armed_group"})


def _collapse(items: list[Placed], view: SentenceView) -> list[Placed]:
    """Drop a nisba that describes the person named right after it (the person's state is
    added as their side later), and unnamed gunmen or civilians of a named party right after
    them ("مسلحون من تنظيم داعش": the group is the party)."""
    out: list[Placed] = []
    for k, p in enumerate(items):
        nxt = items[k + 1] if k + 1 < len(items) else None
        if nxt is None or nxt.entity is None:
            out.append(p)
            continue
        nisba = p.mention is not None and p.mention.nisba
        # "الرئيس التركي رجب طيب أردوغان", "الرئيس الأمريكي، دونالد ترامب": the person right
        # after; a name the knowledge base lacks between them is another person ("الرئيس
        # الصربي ألكسندر فوسيتش أردوغان": Vucic congratulates Erdogan)
        if nisba and nxt.entity.kind == "person" and _gap(view, p.last, nxt.first) <= 1:
            continue
        if (
            p.entity is not None
            and p.entity.id in UNNAMED_PARTIES
            and 0 < nxt.first - p.last <= 3
            and any(view.words[i].bare == "من" for i in range(p.last + 1, nxt.first))
        ):
            continue
        out.append(p)
    return out


def _victim_follows(view: SentenceView, lex: Lexicon, last: int) -> bool:
    """A kill verb followed by its victims ("قتل جنديان", "قتل وجرح أكثر من عشرة جنود"): passive."""
    persons = lex.words["persons"]
    hurt = lex.words["injure_words"]
    for k in range(last + 1, min(len(view.words), last + 5)):
        w = view.words[k]
        if w.is_in(persons):
            return True
        if any(q.first <= k <= q.last for q in view.quantities):
            return True
        if w.is_in(hurt) or w.is_in(lex.words["toll_qualifiers"]):
            continue
        return False
    return False


def find_toll(
    view: SentenceView, lex: Lexicon, lo: int, hi: int, actors_people: int
) -> tuple[tuple[int, str] | None, tuple[int, str] | None, str]:
    """(fatalities, bound), (injuries, bound) from the clause."""
    kill = lex.words["kill_words"]
    fate = lex.words["fate_nouns"]
    hurt = lex.words["injure_words"]
    persons = lex.words["persons"]
    no_toll = lex.cues["no_toll"]
    fatal: tuple[int, str] | None = None
    injured: tuple[int, str] | None = None
    forms = view.forms
    if forms and kill.isdisjoint(forms) and fate.isdisjoint(forms) and hurt.isdisjoint(forms):
        return fatal, injured, "toll.near_word"  # no word of the sentence tells of harm
    words = view.words
    for i in range(lo, hi):
        w = words[i]
        is_kill = w.is_in(kill) or w.is_in(fate)
        is_hurt = w.is_in(hurt)
        if not (is_kill or is_hurt):
            continue
        if view.has_phrase(no_toll, max(lo, i - 4), i + 1):
            continue
        # "قتل وجرح", "مقتل وإصابة": one number for both is neither
        nxt = words[i + 1] if i + 1 < hi else None
        prv = words[i - 1] if i - 1 >= lo else None
        if nxt is not None and ((is_kill and (nxt.is_in(hurt))) or (is_hurt and (nxt.is_in(kill)))):
            return None, None, "toll.combined"
        if prv is not None and ((is_kill and prv.is_in(hurt)) or (is_hurt and prv.is_in(kill))):
            return None, None, "toll.combined"
        value = _count_after(view, lex, i, hi, persons)
        if value is None and w.is_in(fate):
            value = _count_of_fate(view, lex, i, lo)
        if value is None:
            continue
        if is_kill and fatal is None:
            fatal = value
        elif is_hurt and injured is None:
            injured = value
    return fatal, injured, "toll.near_word"


def _count_after(
    view: SentenceView, lex: Lexicon, i: int, hi: int, persons: frozenset[str]
) -> tuple[int, str] | None:
    words = view.words
    j = i + 1
    if j < hi:
        w = words[j]
        if w.is_in(persons):
            first = _victim_count(w)
            if first is None:
                return None
            return first + _more_victims(view, j, hi, persons), "exact"
    counts = [
        q
        for q in view.quantities
        if q.quantity is not None
        and not q.quantity.vague
        and q.quantity.value >= 1
        and q.quantity.value == int(q.quantity.value)
    ]
    # the number right before the word ("3 قتلى"), else the first after it ("إصابة 5"), else
    # one a little before; never across another toll word: "مقتل 3 أشخاص وإصابة 5" gives 5
    # injured, not the 3 killed, and "3 قتلى و7 جرحى" gives 3 killed, not 7
    toll_words = lex.union("kill_words", "injure_words")

    def clear(a: int, b: int) -> bool:
        return not any(words[k].is_in(toll_words) for k in range(a, b))

    adjacent = [q for q in counts if q.last == i - 1]
    after = [q for q in counts if i < q.first <= i + 4 and clear(i + 1, q.first)]
    # one a little before counts people: "5 أشخاص قتلوا", "29 طفلا قتلوا", not "في 10
    # داونينغ ستريت وقتل"
    before = [
        q
        for q in counts
        if i - 3 <= q.last < i
        and clear(q.last + 1, i)
        and not (q.first > 0 and words[q.first - 1].is_in(toll_words))
        and (q.last + 1 == i or _counted_people(lex, words[q.last + 1]))
    ]
    for q in (*adjacent, *after, *before[-1:]):
        qq = q.quantity
        assert qq is not None
        return int(qq.value), qq.bound
    # a list of named victims may run past the event's window, not past its clause
    clause_end = next(
        (k for k in range(i, len(words)) if words[k].clause != words[i].clause), len(words)
    )
    span_end = min(clause_end, i + 26)
    plural_victims = any(
        words[k].is_in(persons)
        and not words[k].is_in(load_lexicon().words["singular_victims"])
        and not (_is_dual(words[k].bare) or _is_dual(words[k].stem))
        for k in range(i + 1, span_end)
    )
    named = [
        p
        for p in view.mentions
        if i < p.first < span_end and p.entity is not None and p.entity.kind == "person"
    ]
    if named and not plural_victims:
        return len({p.entity.id for p in named if p.entity}), "exact"
    return None


def _count_of_fate(view: SentenceView, lex: Lexicon, i: int, lo: int) -> tuple[int, str] | None:
    """The dead counted between "لقي" and the death it names ("لقي 14 مقاتلا على الأقل ...
    مصرعهم"): the first number of people after the verb."""
    words = view.words
    verbs = lex.words["fate_verbs"]
    met = next((k for k in range(i - 1, max(lo, i - 12) - 1, -1) if words[k].is_in(verbs)), None)
    if met is None:
        return None
    for q in view.quantities:
        qq = q.quantity
        if (
            met < q.first < i
            and qq is not None
            and not qq.vague
            and q.last + 1 < i
            and _counted_people(lex, words[q.last + 1])
        ):
            return int(qq.value), qq.bound
    return None


def _counted_people(lex: Lexicon, w: Word) -> bool:
    """The noun a number counts names people: a noun of persons, civilians or fighters, or
    the accusative singular that follows numbers from eleven ("28 مدنيا", "29 طفلا")."""
    people = lex.union("persons", "civilian_nouns", "combatant_nouns")
    return w.is_in(people) or (len(w.bare) >= 4 and w.bare.endswith("ا"))


def _victim_count(w: Any) -> int | None:
    """1 for a singular victim noun, 2 for a dual, None for a plural (uncounted)."""
    if _is_dual(w.bare) or _is_dual(w.stem):
        return 2
    if w.is_in(load_lexicon().words["singular_victims"]):
        return 1
    return None


def _more_victims(view: SentenceView, j: int, hi: int, persons: frozenset[str]) -> int:
    """Victims joined to the first by "و" ("ضابط ... وجنديان"): their count, or 0."""
    total = 0
    for k in range(j + 1, min(hi, j + 8)):
        w = view.words[k]
        if w.text == ",":
            break
        if w.text.startswith("و") and w.text != w.bare and w.is_in(persons):
            n = _victim_count(w)
            if n is None:
                return 0  # "وجنود": a count we cannot tell
            total += n
    return total


def _is_dual(word: str) -> bool:
    for suffix in ("ين", "ان"):
        if (
            word.endswith(suffix)
            and word[: -len(suffix)] in load_lexicon().words["singular_victims"]
        ):
            return True
    return False
