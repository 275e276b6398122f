"""Arguments of an event candidate: actors, targets, claims, place, date, toll, mode.

What it catches, in order of trust:
- claims ("أعلن X مسؤوليته عن", "تبنى X") give claimed_by; agent markers ("من قبل X",
  "شنها X") and a nisba right after the trigger ("غارة أمريكية") give the actor;
- for verbs, Arabic's verb-subject-object order: the first actor after the verb is the doer,
  unless the verb is passive-like (a victim noun or number follows a kill verb); an actor just
  before the verb in the clause is the doer of a subject-first sentence;
- targets follow a target preposition (على، ضد) or the doer; backers ("مدعوم من إيران") and
  descriptions are not participants;
- the place is the most specific one of the clause (site > town > governorate > region >
  country), "شمال بغداد" a region, "العاصمة العراقية" the capital;
- the date is the clause's, else the sentence's, else the paragraph's (from the sentence before);
  fresh news without a date takes publication day, marked as such; background gets none;
- the toll comes from a number after a kill or injury word, a dual or singular victim noun, or
  named victims; "قتل وجرح أكثر من عشرة" gives neither (one number for both).
Risky: long clauses with several actors in a row; actors given only by a pronoun.
"""

from __future__ import annotations

from dataclasses import dataclass

from rasid.events.context import Placed, SentenceView
from rasid.events.lexicon import Lexicon
from rasid.events.rules import Candidate
from rasid.records import Entity, TimeExpr

PLACE_RANK = {
    "base": 0,
    "facility": 0,
    "airport": 0,
    "landmark": 0,
    "border_crossing": 0,
    "neighborhood": 1,
    "village": 2,
    "town": 2,
    "city": 2,
    "district": 3,
    "governorate": 4,
    "region": 5,
    "country": 6,
}
PRECISION = {
    "base": "site",
    "facility": "site",
    "airport": "site",
    "landmark": "site",
    "border_crossing": "site",
    "neighborhood": "city",
    "village": "city",
    "town": "city",
    "city": "city",
    "district": "city",
    "governorate": "admin1",
    "region": "region",
    "country": "country",
}
BACKER_WORDS = frozenset(
    {
        "مدعوم",
        "مدعومه",
        "المدعوم",
        "المدعومه",
        "المدعومين",
        "المدعومون",
        "الموالي",
        "الموالين",
        "الموالون",
        "الموالية",
        "المواليه",
        "موالي",
        "مواليه",
        "التابع",
        "التابعه",
        "التابعين",
        "المقرب",
        "المقربه",
        "المقربين",
        "بدعم",
        "تدعمها",
        "يدعمها",
        "تدعمه",
        "يدعمه",
    }
)
PREPOSITIONS = frozenset({"في", "من", "الى", "عن", "مع", "لدى", "لدي", "عبر", "بين", "داخل"})
DIRECTION_EN = {
    "شمال": "north of",
    "جنوب": "south of",
    "شرق": "eastern",
    "غرب": "western",
    "شمالي": "northern",
    "جنوبي": "southern",
    "شرقي": "eastern",
    "غربي": "western",
    "ريف": "countryside of",
    "قرب": "near",
    "محيط": "around",
    "اطراف": "outskirts of",
}
CAPITAL_WORDS = frozenset({"العاصمه", "بالعاصمه", "للعاصمه", "والعاصمه", "العاصمتين"})


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
    for i in range(max(0, p.first - 3), p.first):
        if view.words[i].bare in BACKER_WORDS or view.words[i].text in BACKER_WORDS:
            return True
    return False


def _prep_before(view: SentenceView, p: Placed, preps: frozenset[str]) -> bool:
    i = p.first - 1
    while i >= 0 and view.words[i].text == ",":
        i -= 1
    if i < 0:
        return False
    w = view.words[i]
    return w.text in preps or w.bare in preps


def find_mode(view: SentenceView, lex: Lexicon, etype: str, lo: int, hi: int) -> str | None:
    table = {
        "ASSAULT": "assault_modes",
        "CONSULT": "consult_modes",
        "MOBILIZE": "move_modes",
        "RETREAT": "move_modes",
    }.get(etype)
    if table is None:
        return None
    for scope in ((lo, hi), (0, len(view.words))):
        for mode, phrases in lex.modes[table]:
            if view.has_phrase(phrases, *scope):
                return mode
    return {"ASSAULT": "unspecified", "CONSULT": "meet"}.get(etype, "troops")


def _entities(items: list[Placed]) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for p in items:
        if p.entity is not None and p.entity.id not in seen:
            seen[p.entity.id] = p.entity
    return tuple(seen.values())


def assign_roles(
    view: SentenceView,
    lex: Lexicon,
    cand: Candidate,
    lo: int,
    hi: int,
    prev_actor: Entity | None,
) -> tuple[tuple[Entity, ...], tuple[Entity, ...], tuple[Entity, ...], dict[str, str]]:
    """Actors, targets and claimants of a candidate within its clause [lo, hi)."""
    rules: dict[str, str] = {}
    in_clause = [p for p in view.mentions if lo <= p.first < hi and is_actor(p)]
    participants = _collapse([p for p in in_clause if not _backed(view, p)])
    actors: list[Placed] = []
    targets: list[Placed] = []
    claimed: list[Placed] = []
    head = cand.head

    claim_at = view.find_phrase(lex.cues["claim"], lo, hi)
    if claim_at is not None and cand.type == "ASSAULT":
        claimers = [p for p in participants if p.first < head and p.first >= claim_at[0] - 6]
        if claimers:
            claimed.append(claimers[0])
            rules["claimed_by"] = "claim.explicit"
        elif prev_actor is not None:
            rules["claimed_by"] = "claim.previous_subject"
        participants = [p for p in participants if p not in claimed]

    agent_at = view.find_phrase(lex.cues["agent_markers"], head, hi)
    if agent_at is not None:
        after = [p for p in participants if p.first >= agent_at[1]]
        if after:
            actors.append(after[0])
            rules["actors"] = "agent_marker"

    after = [p for p in participants if p.first > cand.last]
    before = [p for p in participants if p.first < head]
    victim_verb = (
        cand.form.pos in ("v", "x")
        and "kill" in cand.form.flags
        and _victim_follows(view, lex, cand.last)
    )
    target_preps = lex.words["target_preps"]

    if (
        not actors
        and after
        and after[0].mention is not None
        and after[0].mention.nisba
        and (after[0].first - cand.last <= 2)
    ):
        actors.append(after[0])  # "غارة أمريكية", "الضربات الأمريكية"
        rules["actors"] = "nisba_after_trigger"
    if not actors and cand.form.pos in ("v", "x") and not victim_verb:
        for p in after[:2]:
            if _prep_before(view, p, target_preps | PREPOSITIONS):
                continue
            if p.first - cand.last <= 4:
                actors.append(p)
                rules["actors"] = "verb_subject"
            break
    if not actors and before:
        near = before[-1]
        if not _prep_before(view, near, target_preps | PREPOSITIONS):
            actors.append(near)
            rules["actors"] = "subject_before_verb"

    for p in after:
        if p in actors or p in claimed:
            continue
        if _prep_before(view, p, frozenset({"من", "عن", "لدى", "لدي", "عبر"})):
            continue
        targets.append(p)
    if targets:
        rules["targets"] = "after_trigger"
    if cand.type in ("CONSULT", "AGREE", "COOPERATE") and not targets and len(actors) <= 1:
        others = [p for p in in_clause if p not in actors and not _backed(view, p)]
        targets.extend(others)
    claimed_e = _entities(claimed)
    if "claimed_by" in rules and not claimed_e and prev_actor is not None:
        claimed_e = (prev_actor,)
    actors_e = _entities(actors)
    if not actors_e and claimed_e and cand.type == "ASSAULT":
        actors_e = claimed_e
        rules["actors"] = "claimant"
    targets_e = tuple(t for t in _entities(targets) if t.id not in {a.id for a in actors_e})
    return actors_e, targets_e, claimed_e, rules


def _collapse(items: list[Placed]) -> list[Placed]:
    """Drop a nisba that describes the person named right after it (the person's state is
    added as their side later)."""
    out: list[Placed] = []
    for k, p in enumerate(items):
        nxt = items[k + 1] if k + 1 < len(items) else None
        if (
            p.mention is not None
            and p.mention.nisba
            and nxt is not None
            and nxt.entity is not None
            and nxt.entity.kind == "person"
            and nxt.first - p.last <= 3
        ):
            continue
        out.append(p)
    return out


def _victim_follows(view: SentenceView, lex: Lexicon, last: int) -> bool:
    nxt = last + 1
    if nxt >= len(view.words):
        return False
    w = view.words[nxt]
    if w.bare in lex.words["persons"] or w.text in lex.words["persons"]:
        return True
    return any(q.first == nxt for q in view.quantities)


def find_place(
    view: SentenceView, lex: Lexicon, lo: int, hi: int, capitals: dict[str, Entity]
) -> tuple[Entity | None, tuple[str, str] | None, str | None, str]:
    """The most specific place in the clause, else the sentence."""
    directions = lex.words["directions"]
    for scope, rule in (((lo, hi), "place.clause"), ((0, len(view.words)), "place.sentence")):
        places = [p for p in view.mentions if scope[0] <= p.first < scope[1] and is_place(p)]
        places = [p for p in places if not _backed(view, p)]
        capital = _capital_in(view, scope, capitals)
        if capital is not None:
            places.append(capital)
        if not places:
            continue
        best = min(
            places,
            key=lambda p: (
                (PLACE_RANK.get(p.entity.place_type or "", 7), p.first) if p.entity else (9, 0)
            ),
        )
        assert best.entity is not None
        label = None
        precision = PRECISION.get(best.entity.place_type or "", "city")
        prev = best.first - 1
        if prev >= 0 and view.words[prev].bare in directions:
            d = view.words[prev].bare
            label = (
                f"{DIRECTION_EN.get(d, 'near')} {best.entity.name}",
                f"{d} {best.entity.name_ar}",
            )
            precision = "region"
        return best.entity, label, precision, rule
    return None, None, None, "place.none"


def _capital_in(
    view: SentenceView, scope: tuple[int, int], capitals: dict[str, Entity]
) -> Placed | None:
    """ "العاصمة العراقية" -> Baghdad; a bare "العاصمة" -> the capital of the article's state."""
    for i in range(*scope):
        w = view.words[i]
        if w.text not in CAPITAL_WORDS and w.bare not in CAPITAL_WORDS:
            continue
        nisba = next((p for p in view.mentions if p.first == i + 1 and p.entity), None)
        cap = capitals.get(nisba.entity.id) if nisba and nisba.entity else None
        cap = cap or capitals.get("*")
        if cap is not None:
            return Placed(i, i, entity=cap)
    return None


def find_time(
    view: SentenceView, cand: Candidate, lo: int, hi: int, prev_time: TimeExpr | None
) -> tuple[TimeExpr | None, str]:
    def usable(t: Placed) -> bool:
        return t.time is not None and t.time.value is not None

    clause = [t for t in view.times if lo <= t.first < hi and usable(t)]
    if clause:
        best = min(clause, key=lambda t: abs(t.first - cand.head))
        return best.time, "date.clause"
    sentence = [t for t in view.times if usable(t)]
    if sentence:
        best = min(sentence, key=lambda t: abs(t.first - cand.head))
        return best.time, "date.sentence"
    if prev_time is not None:
        return prev_time, "date.paragraph"
    return None, "date.none"


def find_toll(
    view: SentenceView, lex: Lexicon, lo: int, hi: int, actors_people: int
) -> tuple[tuple[int, str] | None, tuple[int, str] | None, str]:
    """(fatalities, bound), (injuries, bound) from the clause."""
    kill = lex.words["kill_words"]
    hurt = lex.words["injure_words"]
    persons = lex.words["persons"]
    no_toll = lex.cues["no_toll"]
    fatal: tuple[int, str] | None = None
    injured: tuple[int, str] | None = None
    words = view.words
    for i in range(lo, hi):
        w = words[i]
        is_kill = w.bare in kill or w.text in kill
        is_hurt = w.bare in hurt or w.text in hurt
        if not (is_kill or is_hurt):
            continue
        if view.has_phrase(no_toll, max(lo, i - 4), i + 1):
            continue
        # "قتل وجرح", "مقتل وإصابة": one number for both is neither
        nxt = words[i + 1] if i + 1 < hi else None
        prv = words[i - 1] if i - 1 >= lo else None
        if nxt is not None and (
            (is_kill and (nxt.bare in hurt or nxt.text in hurt))
            or (is_hurt and (nxt.bare in kill or nxt.text in kill))
        ):
            return None, None, "toll.combined"
        if prv is not None and ((is_kill and prv.bare in hurt) or (is_hurt and prv.bare in kill)):
            return None, None, "toll.combined"
        value = _count_after(view, lex, i, hi, persons)
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
    for q in view.quantities:
        qq = q.quantity
        if qq is None or qq.vague:
            continue
        near = i < q.first <= i + 4 or i - 3 <= q.last < i
        if near and qq.value >= 1 and qq.value == int(qq.value):
            return int(qq.value), qq.bound
    j = i + 1
    if j < hi:
        w = words[j]
        if w.bare in persons or w.text in persons:
            if _is_dual(w.bare):
                return 2, "exact"
            if w.bare in SINGULAR_VICTIMS:
                return 1, "exact"
            return None
    named = [
        p
        for p in view.mentions
        if i < p.first < hi and p.entity is not None and p.entity.kind == "person"
    ]
    if named and j < hi and any(p.first <= j + 3 for p in named):
        return len({p.entity.id for p in named if p.entity}), "exact"
    return None


SINGULAR_VICTIMS = frozenset(
    {
        "جندي",
        "مدني",
        "شخص",
        "مسلح",
        "عنصر",
        "مقاتل",
        "طفل",
        "امراه",
        "عسكري",
        "ضابط",
        "قائد",
        "قيادي",
        "شرطي",
        "منتسب",
        "متعاقد",
        "فرد",
        "مواطن",
        "ارهابي",
    }
)


def _is_dual(word: str) -> bool:
    for suffix in ("ين", "ان"):
        if word.endswith(suffix) and word[: -len(suffix)] in SINGULAR_VICTIMS:
            return True
    return False
