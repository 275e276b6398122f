"""Proposing events: the rules' event mentions of one article, with their arguments.

``propose_events(doc)`` walks the body sentences (titles, headings, captions and datelines
report nothing on their own), finds trigger candidates (``rules``), fills their arguments
(``arguments`` for who, ``setting`` for where and when, tolls), turns reported speech into
statements and the verbal events they carry (``speech``), and builds one event mention per
trigger and clause, each field naming the rule that set it. A noun of cooperation, force or
deployment right after a word of halting ("تعليق المناورات", "وقف العمليات") tells of the halt,
a concession (aid halted: a sanction; ``type_by: halt``). Whether a mention is an event is
decided next (``decide``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import NamedTuple

from rasid.doc import Doc
from rasid.events.arguments import (
    assign_roles,
    find_mode,
    find_toll,
    is_place,
    own_side,
)
from rasid.events.context import DocIndex, Placed, SentenceView, Word, view_sentence
from rasid.events.lexicon import Lexicon, load_lexicon
from rasid.events.rules import PAST_OF_KANA, Candidate, find_candidates
from rasid.events.setting import PRECISION, find_place, find_time, find_town, town_location
from rasid.events.speech import SpeechAct, find_speech, speech_types
from rasid.kb import KnowledgeBase, load_kb
from rasid.records import (
    VERBAL_TYPES,
    ActorRef,
    Entity,
    Event,
    Location,
    Source,
    Statement,
    TimeExpr,
    publication_date,
)
from rasid.summary import summarize

SKIP_KINDS = frozenset({"title", "heading", "dateline"})
ACTOR_KINDS = {
    "state": "state",
    "government": "government",
    "military": "military",
    "armed_group": "armed_group",
    "coalition": "military",
    "party": "organization",
    "organization": "organization",
    "person": "person",
    "media": "organization",
    "place": "facility",
}
FRESH_PARAGRAPHS = 4
FOCAL_DAYS = 3  # an article's first event dated this close to its date is the day it reports


PROTESTERS = "ac:protesters"
CIVILIANS = "ac:civilians"
FORCE_SECTORS = frozenset({"COP", "MIL"})  # police and armies: never a protest's crowd
# kinds whose taking of a person is an arrest, not a kidnapping
HOLDING_KINDS = frozenset({"state", "government", "military", "coalition"})


def _actor_ref(e: Entity, kb_affiliation: Callable[[str], str | None]) -> ActorRef:
    return ActorRef(
        name=e.name,
        name_ar=e.name_ar,
        kind=ACTOR_KINDS.get(e.kind, "organization"),
        country=e.country,
        wikidata=e.wikidata,
        entity_id=e.id,
        affiliation=kb_affiliation(e.id) if e.kind == "person" else None,
    )


def _location(e: Entity, label: tuple[str, str] | None, precision: str | None) -> Location:
    name, name_ar = label if label else (e.name, e.name_ar)
    return Location(
        name=name,
        name_ar=name_ar,
        country=e.country,
        admin1=e.admin1,
        lat=e.lat,
        lon=e.lon,
        precision=precision or "city",  # type: ignore[arg-type]
        entity_id=e.id,
    )


class _ArticleState:
    """What the walk over one article remembers from sentence to sentence."""

    def __init__(self) -> None:
        self.prev_actor: Entity | None = None
        self.para_time: dict[int, TimeExpr] = {}
        self.home: Entity | None = None  # the country the article is about, when it is clear
        self.focal: str | None = None  # the day the article reports: its lead's, said or not


class _Reading(NamedTuple):
    """A sentence read for events: its view, its speech acts and statements, its triggers."""

    view: SentenceView
    acts: list[SpeechAct]
    said: list[Statement]
    cands: list[Candidate]
    body_para: int


class ArticleReading(NamedTuple):
    """What ``read_article`` finds in an article's sentences, for ``build_events``."""

    sentences: list[_Reading]
    statements: tuple[Statement, ...]
    entities: dict[str, Entity]  # each mention's entity, by id


def propose_events(doc: Doc) -> tuple[list[Event], tuple[Statement, ...]]:
    """Every event mention the rules propose (one per trigger and clause), and the statements."""
    reading = read_article(doc)
    return build_events(doc, reading), reading.statements


def _entities(doc: Doc, kb: KnowledgeBase) -> dict[str, Entity]:
    return {
        m.entity_id: e
        for m in doc.mentions
        if (e := kb.get(m.entity_id) or doc.provisional.get(m.entity_id)) is not None
    }


def read_article(doc: Doc) -> ArticleReading:
    """The sentences that may report: each one's view, speech acts and trigger candidates (the
    first half of ``propose_events``; a batch reads its articles before it builds their events,
    each half keeping its tables in the processor's caches)."""
    kb = load_kb()
    lex = load_lexicon()
    entities = _entities(doc, kb)
    connectors = lex.words.get("clause_connectors", frozenset())
    pub = _publication(doc)
    dateline_end = place_dateline_end(doc.article.text)
    last_speaker: tuple[Entity, ...] | None = None
    read: list[_Reading] = []
    statements: list[Statement] = []
    body_para = -1
    last_para = None
    index = DocIndex(doc)
    to_normalized = doc.norm.to_normalized
    for sent in doc.sentences:
        if sent.kind in SKIP_KINDS:
            continue
        if sent.paragraph != last_para:
            body_para += 1
            last_para = sent.paragraph
        span = to_normalized(sent.start), to_normalized(sent.end)
        if not index.may_report(*span, lex.scan_words):
            continue
        view = view_sentence(doc, sent, entities, connectors, index, span)
        if sent.start < dateline_end:
            # "دبي، الإمارات العربية المتحدة (CNN)--": where the story was filed, not where
            # anything happened, and nobody in it takes part
            kept = tuple(
                p for p in view.mentions if p.mention is None or p.mention.start >= dateline_end
            )
            if len(kept) != len(view.mentions):
                view = dataclasses.replace(view, mentions=kept)
        if sent.kind == "caption" and not any(t.time and t.time.value for t in view.times):
            continue  # an undated caption may show any day's picture
        participants = _as_participants(view, kb)
        if participants is not view.mentions:
            view = dataclasses.replace(view, mentions=participants)
        acts = find_speech(view, lex, last_speaker)
        said: list[Statement] = []
        for act in acts:
            said.append(_statement(doc, view, act, pub, kb))
            last_speaker = act.speaker_group
        statements += said
        read.append(_Reading(view, acts, said, find_candidates(view, lex), body_para))
    return ArticleReading(read, tuple(statements), entities)


def build_events(doc: Doc, reading: ArticleReading) -> list[Event]:
    """The event mentions of the sentences ``read_article`` read, in their order."""
    kb = load_kb()
    lex = load_lexicon()
    entities = reading.entities
    capitals = _capitals(doc, kb, entities)
    pub = _publication(doc)
    state = _ArticleState()
    state.home = _home_country(doc, kb, entities)
    events: list[Event] = []
    for view, acts, said, cands, body_para in reading.sentences:
        first_here = len(events)
        alone = len({c.type for c in cands}) <= 1
        for cand in cands:
            ev = _build_event(
                doc, view, lex, kb, cand, acts, state, capitals, pub, body_para, alone
            )
            if ev is not None:
                events.append(ev)
        told = {e.type for e in events[first_here:]}
        for act, st in zip(acts, said, strict=True):
            events += speech_events(doc, view, lex, kb, act, st, told)
        times = [t.time for t in view.times if t.time is not None and t.time.value]
        if times:
            state.para_time[view.sentence.paragraph] = times[-1]
    return events


def speech_events(
    doc: Doc,
    view: SentenceView,
    lex: Lexicon,
    kb: KnowledgeBase,
    act: SpeechAct,
    statement: Statement,
    told: set[str],
) -> list[Event]:
    """Verbal events a quote makes without a verb that names them ("الأنشطة الإيرانية تشكل
    تهديداً" is an accusation; "سنرد بحزم" a threat): one per type its cues give, the speaker's
    side as actor, the names of the quote as targets. Types a trigger of the sentence already
    gave are left to it."""
    if act.speaker is None or not act.speaker_group:
        return []
    quote = doc.norm.words_of(act.quote_start, act.quote_end)
    where = _speech_place(view, lex, act)
    out: list[Event] = []
    for etype, rule in speech_types(quote, lex):
        if etype in told:
            continue
        affiliation = kb.affiliation
        actors = _sides(act.speaker_group, kb)
        ids = {a.id for a in actors}
        source = statement.sources[0]
        date = statement.date
        from_pub = bool(date and doc.anchor and date == doc.anchor and not _dated(view))
        event = Event(
            id=proposal_id_of(doc.article.id, view.sentence.start, etype, act.verb),
            type=etype,
            mode=None,
            date=date,
            date_end=None,
            location=_location(where.entity, None, _precision_of(where.entity))
            if where is not None and where.entity is not None
            else None,
            actors=tuple(_actor_ref(a, affiliation) for a in actors),
            targets=tuple(s for s in statement.subjects if (s.entity_id or "") not in ids),
            claimed_by=(),
            fatalities=None,
            injuries=None,
            fatalities_bound=None,
            injuries_bound=None,
            disrupted=False,
            status="occurred",
            figures_disputed=False,
            summary="",
            confidence=0.5,
            sources=(dataclasses.replace(source, date=date),),
            date_from_publication=from_pub,
            rules={
                "type": rule,
                "actors": "speaker",
                "targets": "quote_subject",
                "date": "date.publication" if from_pub else "date.clause",
                "location": "place.speech_frame" if where is not None else "place.none",
                "toll": "toll.none",
                "clause": f"{view.sentence.start}:speech{act.verb}:0",
            },
        )
        out.append(dataclasses.replace(event, summary=summarize(event)))
    return out


def _speech_place(view: SentenceView, lex: Lexicon, act: SpeechAct) -> Placed | None:
    """Where the words were said, when the frame of the quote names it after the verb of
    saying ("وقال السفير ... للمجلس في جنيف: ..."): a place right after a preposition of
    place between the verb and the quote. A place inside the quote is what is spoken of."""
    preps = lex.words["location_preps"]
    framed = (p for p in view.mentions if act.verb < p.first < act.quote_from_word)
    return next((p for p in framed if is_place(p) and view.words[p.first - 1].is_in(preps)), None)


def _precision_of(e: Entity) -> str:
    return PRECISION.get(e.place_type or "", "city")


def _dated(view: SentenceView) -> bool:
    return any(t.time is not None and t.time.value for t in view.times)


def proposal_id_of(article: str, sentence_start: int, etype: str, head: int) -> str:
    """The stable id of a proposed event mention."""
    raw = f"{article}|{sentence_start}|{etype}|{head}".encode()
    return "ev_" + hashlib.sha1(raw).hexdigest()[:16]


# a filing place with the outlet or agency in brackets, then a dash, opening the text
_PLACE_DATELINE = re.compile(
    r"^\s*[^\n()]{2,70}?\s*\((?:[A-Za-z][A-Za-z .]{1,24}|أ ?ف ?ب|ا ?ف ?ب|رويترز|د ?ب ?أ)\)"
    r"\s*[-\u2013\u2014]{1,2}"
)


def place_dateline_end(text: str) -> int:
    """Where a place dateline at the top of the text ends (0 when there is none)."""
    m = _PLACE_DATELINE.match(text)
    return m.end() if m and len(m.group().split()) <= 8 else 0


def _publication(doc: Doc) -> dt.date | None:
    return publication_date(doc.article)


HOME_SHARE = 0.6  # of the article's places in one country, for it to be the article's
HOME_MIN = 2


def _home_country(doc: Doc, kb: KnowledgeBase, entities: dict[str, Entity]) -> Entity | None:
    """The country the article's places lie in, when at least HOME_MIN of them and HOME_SHARE
    of all lie in one (the dateline excluded): the place an event there has at the least."""
    start = place_dateline_end(doc.article.text)
    counts: Counter[str] = Counter()
    for m in doc.mentions:
        e = entities.get(m.entity_id)
        if e is None or e.kind != "place" or not e.country or m.start < start:
            continue
        counts[e.country] += 1
    if not counts:
        return None
    country, n = counts.most_common(1)[0]
    if n < HOME_MIN or n < HOME_SHARE * sum(counts.values()):
        return None
    return kb.country_place(country)


def _capitals(doc: Doc, kb: KnowledgeBase, entities: dict[str, Entity]) -> dict[str, Entity]:
    """State id -> capital place; "*" -> the capital of the article's most mentioned state."""
    caps = dict(_state_capitals(kb))
    counts: Counter[str] = Counter()
    for m in doc.mentions:
        e = entities.get(m.entity_id)
        if e is None or not e.country:
            continue
        state = kb.state_of(e.country)
        if state is not None:
            counts[state.id] += 1
    for state_id, _ in counts.most_common():
        if state_id in caps:
            caps["*"] = caps[state_id]
            break
    return caps


_STATE_CAPITALS: dict[int, tuple[KnowledgeBase, dict[str, Entity]]] = {}


def _state_capitals(kb: KnowledgeBase) -> dict[str, Entity]:
    """State id -> capital place, once per knowledge base (the same for every article)."""
    entry = _STATE_CAPITALS.get(id(kb))
    if entry is None or entry[0] is not kb:
        caps: dict[str, Entity] = {}
        for place_id, state_id in getattr(kb, "capital_metonyms", {}).items():
            place = kb.get(place_id)
            if place is not None:
                caps[state_id] = place
        _STATE_CAPITALS.clear()  # one knowledge base at a time: an old one is not kept alive
        entry = _STATE_CAPITALS[id(kb)] = (kb, caps)
    return entry[1]


def _as_participants(view: SentenceView, kb: KnowledgeBase) -> tuple[Placed, ...]:
    """Country names used as actors ("اتهم ... إيران") become their state; nisba adjectives
    describing the person right after them ("رئيس الوزراء العراقي محمد السوداني") are kept as
    that person's side, not as a participant of their own. The view's own tuple when nothing
    changes."""
    out: list[Placed] = []
    changed = False
    words = view.words
    lex = load_lexicon()
    location_preps, directions = lex.words["location_preps"], lex.words["directions"]
    for p in view.mentions:
        e = p.entity
        capital_of = kb.capital_metonyms.get(e.id) if e is not None else None
        if (
            e is not None
            and capital_of
            and not (p.first > 0 and words[p.first - 1].is_in(location_preps))
            and words[p.first].stem == words[p.first].bare
        ):
            state = kb.get(capital_of)  # "اتفقت أنقرة وواشنطن": capitals acting for states
            if state is not None:
                out.append(dataclasses.replace(p, entity=state))
                changed = True
                continue
        if e is not None and e.kind == "place" and e.place_type == "country":
            located = (
                (p.first > 0 and words[p.first - 1].is_in(location_preps))
                or words[p.first].stem != words[p.first].bare  # "بالعراق", "للعراق"
                or _after_direction(words, p.first, location_preps, directions)
            )
            state = kb.state_of_place(e.id) if not located else None
            if state is not None:
                out.append(dataclasses.replace(p, entity=state))
                changed = True
                continue
        out.append(p)
    return tuple(out) if changed else view.mentions


def _after_direction(
    words: Sequence[Word], first: int, preps: frozenset[str], directions: frozenset[str]
) -> bool:
    """A country after a direction ("في جنوب روسيا", "بشمال العراق"): a region of it, where
    the event was, not the state taking part."""
    if first == 0 or not words[first - 1].is_in(directions):
        return False
    direction = words[first - 1]
    return direction.stem != direction.bare or (first > 1 and words[first - 2].is_in(preps))


def _sides(actors: tuple[Entity, ...], kb: KnowledgeBase) -> tuple[Entity, ...]:
    """Each person, government body or force with the state it acts for."""
    out = list(actors)
    ids = {a.id for a in actors}
    for a in actors:
        if a.kind in ("state", "place") or not a.country:
            continue
        if a.kind not in ("person", "government", "military"):
            continue
        state = kb.state_of(a.country)
        if state is not None and state.id not in ids:
            out.append(state)
            ids.add(state.id)
    return tuple(out)


def _speaker_for(cand: Candidate, acts: list[SpeechAct]) -> SpeechAct | None:
    for act in acts:
        if cand.head >= act.quote_from_word:
            return act
    return None


def _build_event(
    doc: Doc,
    view: SentenceView,
    lex: Lexicon,
    kb: KnowledgeBase,
    cand: Candidate,
    acts: list[SpeechAct],
    state: _ArticleState,
    capitals: dict[str, Entity],
    pub: dt.date | None,
    body_para: int,
    alone: bool = True,
) -> Event | None:
    words = view.words
    lo, hi = view.clause_bounds(cand.clause)
    if hi == 0:
        lo, hi = 0, len(words)
    side = own_side(view, lex, cand.head, lo, hi)
    halted = _halted(view, lex, cand)
    if halted is not None:
        cand = dataclasses.replace(cand, type=halted)
    actors, targets, claimed, rules = assign_roles(view, lex, cand, lo, hi, state.prev_actor)
    if halted is not None:
        rules["type_by"] = "halt"
    etype = cand.type
    if "abduct" in cand.form.flags and not any(a.kind in HOLDING_KINDS for a in actors):
        # gunmen who kidnap commit an assault; forces who take someone arrest him
        etype = "ASSAULT"
        rules["type_by"] = "abduct.non_state"
    if etype not in VERBAL_TYPES and etype != "PROTEST":
        # unnamed civilians suffer an attack or a raid, they do not carry it out
        victims = tuple(a for a in actors if a.id == CIVILIANS)
        if victims:
            actors = tuple(a for a in actors if a.id != CIVILIANS)
            targets = victims + tuple(t for t in targets if t.id != CIVILIANS)
            rules["targets"] = "civilians.victims"
    act = _speaker_for(cand, acts)
    told = words[cand.head].in_quote or rules.get("actors") == "pronoun_subject"
    if etype in VERBAL_TYPES and act is not None and told:
        actors = act.speaker_group
        rules["actors"] = "speaker"
    place, label, precision, place_rule = find_place(
        view, lex, lo, hi, capitals, alone, head=cand.head
    )
    if place is None and state.home is not None and etype not in VERBAL_TYPES:
        # the article tells of one country: an attack or a raid there is at least in it
        place, label, precision, place_rule = state.home, None, "country", "place.article_country"
    town = None
    # a known place with a direction ("شرقي بغداد") keeps its coordinates over a town's name
    coarse = precision not in ("site", "city") and label is None
    if coarse and (spot := find_town(view, lex, *side)) is not None:
        town = town_location(view, spot, place or state.home, precision)
        place_rule = "place.unknown_town"
    time, time_rule = find_time(view, cand, lo, hi, state.para_time.get(view.sentence.paragraph))
    date = time.value if time else None
    date_end = time.value_end if time else None
    from_pub = False
    anchor = dt.date.fromisoformat(doc.anchor) if doc.anchor else None
    if time is not None and date and anchor and cand.status != "planned":
        date, date_end = _not_after(date, date_end, anchor, time)
    elif time is not None and date and anchor:
        date, date_end = _not_before(date, date_end, anchor, time)
    in_quote = words[cand.head].in_quote
    if date is None and _pluperfect(view, cand):
        time_rule = "date.background"  # "وكانت القوات قد قصفت": before the news, day unsaid
    elif date is None and anchor is not None and _fresh(cand, body_para, in_quote):
        date, from_pub = anchor.isoformat(), True
        time_rule = "date.publication" if doc.anchor_kind == "publication" else "date.inferred"
    elif (
        date is None
        and state.focal
        and not in_quote
        and cand.status == "occurred"
        and not (cand.head > 0 and words[cand.head - 1].is_in(lex.words["relative"]))
    ):
        # an undated incident further down a report of the day's events ("كذلك قتل لغم حوثي
        # آخر بمنطقة ...") happened on the day the report is about
        date, time_rule = state.focal, "date.article"
    if state.focal is None and _near_day(date, anchor) and time_rule != "date.paragraph":
        state.focal = date  # the lead's day, said or the publication's
    if etype == "PROTEST" and any(a.sector in FORCE_SECTORS for a in actors):
        # "استخدمت الشرطة الغاز لتفريق المتظاهرين": the police break a protest up, they are
        # not its crowd
        actors = tuple(a for a in actors if a.sector not in FORCE_SECTORS)
        rules.pop("actors", None)
    if etype == "PROTEST" and not actors and (crowd := kb.get(PROTESTERS)) is not None:
        actors = (crowd,)  # a crowd with no named organizer: ACLED's "Protesters"
        rules["actors"] = "protest.crowd"
    if date is None and etype not in VERBAL_TYPES and not (place or actors or targets):
        return None
    if etype in ("CONSULT", "AGREE", "COOPERATE") and not actors and targets:
        actors, targets = targets[:1], targets[1:]  # talks "between X and Y": both take part
        rules["actors"] = "first_participant"
    if etype in VERBAL_TYPES and not actors:
        return None  # a statement, meeting or accusation is somebody's
    fatal, injured, toll_rule = (None, None, "toll.none")
    if etype == "ASSAULT":
        # a sequel sentence ("X بعد أيام من Y قُتل فيه ...") gives each side its own toll
        fatal, injured, toll_rule = find_toll(view, lex, side[0], side[1], 0)
        hurt = fatal or injured or "kill" in cand.form.flags or "injure" in cand.form.flags
        crowd = kb.get(CIVILIANS) if not targets and hurt else None
        if crowd is not None and _civilians_hurt(view, lex, side[0], side[1]):
            # "قتلت ألغام ... مواطناً وأصابت طفلة مع والدتها": ACLED's "Civilians"
            targets = (crowd,)
            rules["targets"] = "civilians.named_by_noun"
    mode = find_mode(view, lex, etype, lo, hi)
    affiliation = kb.affiliation
    actors_all = _sides(actors, kb)
    targets_all = tuple(t for t in _sides(targets, kb) if t.id not in {a.id for a in actors_all})
    if actors:
        state.prev_actor = actors[0]
    sentence_text = view.text()
    source = Source(
        article=doc.article.id,
        published=doc.article.published,
        sentence=sentence_text,
        start=view.sentence.start,
        end=view.sentence.end,
        fatalities=fatal[0] if fatal else None,
        injuries=injured[0] if injured else None,
        fatalities_bound=fatal[1] if fatal else None,
        injuries_bound=injured[1] if injured else None,
        date=date,
        source=doc.article.source,
    )
    confidence = _confidence(cand, bool(time), bool(place), bool(actors), words[cand.head].in_quote)
    if view.sentence.kind == "caption":
        confidence = round(confidence * 0.8, 2)
    rules.update(
        {
            "type": cand.rule,
            "date": time_rule,
            "location": place_rule,
            "toll": toll_rule,
            # the sentence, the clause and the side of a sequence marker: two mentions that
            # differ in clause or side report two events
            "clause": f"{view.sentence.start}:{cand.clause}:{side[0]}",
        }
    )
    if view.has_phrase(lex.cues["another_event"], 0, min(len(words), 4)):
        # "وفي تطور آخر، قتل مدني ...": the article turns to another event
        rules["apart"] = "cue.another_event"
    event = Event(
        id=proposal_id_of(doc.article.id, view.sentence.start, etype, cand.head),
        type=etype,
        mode=mode,
        date=date,
        date_end=date_end if date_end != date else None,
        location=town or (_location(place, label, precision) if place else None),
        actors=tuple(_actor_ref(a, affiliation) for a in actors_all),
        targets=tuple(_actor_ref(t, affiliation) for t in targets_all),
        claimed_by=tuple(_actor_ref(c, affiliation) for c in claimed),
        fatalities=source.fatalities,
        injuries=source.injuries,
        fatalities_bound=source.fatalities_bound,
        injuries_bound=source.injuries_bound,
        disrupted=cand.disrupted,
        status=cand.status,
        figures_disputed=False,
        summary="",
        confidence=confidence,
        sources=(source,),
        date_from_publication=from_pub,
        rules=rules,
    )
    return dataclasses.replace(event, summary=summarize(event))


HALTED = {"COOPERATE": "CONCEDE", "ASSAULT": "CONCEDE", "MOBILIZE": "CONCEDE", "AID": "SANCTION"}


def _halted(view: SentenceView, lex: Lexicon, cand: Candidate) -> str | None:
    """The type of halting what the noun names ("إعلان تعليق المناورات العسكرية": drills
    suspended, a concession; "وقف المساعدات": aid stopped, a sanction), or None."""
    if cand.form.pos != "n" or cand.head == 0 or cand.type not in HALTED:
        return None
    if not view.words[cand.head - 1].is_in(lex.words["suspension"]):
        return None
    return HALTED[cand.type]


def _not_after(
    date: str, date_end: str | None, anchor: dt.date, time: TimeExpr
) -> tuple[str, str | None]:
    """An event reported as done cannot postdate its report: a month or day named without a
    year ("في يناير") that resolved after the anchor is last year's, unless its weekday named
    the year ("يوم الثلاثاء 7 آب")."""
    if time.anchor not in ("publication", "inferred") or len(date) < 7:
        return date, date_end
    if date[:10] <= anchor.isoformat() or time.rule.startswith("date.day_month_weekday"):
        return date, date_end

    def back(value: str | None) -> str | None:
        if not value or len(value) < 7:
            return value
        return f"{int(value[:4]) - 1:04d}{value[4:]}"

    shifted = back(date)
    return (shifted or date), back(date_end)


def _not_before(
    date: str, date_end: str | None, anchor: dt.date, time: TimeExpr
) -> tuple[str, str | None]:
    """A planned event lies ahead of its report: a bare weekday ("تنطلق الثلاثاء") resolved to
    the one before publication is next week's."""
    if not time.rule.startswith("date.weekday_relative") or len(date) != 10:
        return date, date_end
    day = dt.date.fromisoformat(date)
    if day >= anchor:
        return date, date_end
    return (day + dt.timedelta(days=7)).isoformat(), date_end


def _civilians_hurt(view: SentenceView, lex: Lexicon, lo: int, hi: int) -> bool:
    """A noun of civilians (a citizen, a child, women, worshippers) in the clause of a toll, and
    no noun of fighters: the victims the press does not name by their side."""
    civilians = lex.words["civilian_nouns"]
    if view.forms and civilians.isdisjoint(view.forms):
        return False  # no noun of civilians in the sentence
    words = view.words[lo:hi]
    return any(w.is_in(civilians) for w in words) and not any(
        w.is_in(lex.words["combatant_nouns"]) for w in words
    )


def _near_day(date: str | None, anchor: dt.date | None) -> bool:
    """A day (not a month or a year) at most FOCAL_DAYS before the article's date."""
    if not date or anchor is None or len(date) != 10:
        return False
    return 0 <= (anchor - dt.date.fromisoformat(date)).days <= FOCAL_DAYS


def _pluperfect(view: SentenceView, cand: Candidate) -> bool:
    """A past verb after "قد" with a form of "كان" before it ("وكان بومبيو قد اتهم"): what
    had happened before the news."""
    words = view.words
    head = cand.head
    if cand.form.pos != "v" or head < 2 or words[head - 1].bare != "قد":
        return False
    return any(words[i].bare in PAST_OF_KANA for i in range(max(0, head - 10), head - 1))


def _fresh(cand: Candidate, body_para: int, in_quote: bool) -> bool:
    """News of the day: reported early in the article, in the past tense or as a noun."""
    if cand.status == "planned" and cand.type == "ASSAULT":
        return False
    if in_quote:
        # a quote tells of other days, but "نرفض"، "ندين" in it is the speaker's act as said
        return cand.type in VERBAL_TYPES and cand.form.pos != "n"
    return body_para < FRESH_PARAGRAPHS or cand.type in VERBAL_TYPES


def _confidence(cand: Candidate, dated: bool, placed: bool, acted: bool, quoted: bool) -> float:
    score = {"v": 0.55, "x": 0.5, "n": 0.45}[cand.form.pos]
    score += 0.15 * dated + 0.1 * placed + 0.15 * acted - 0.15 * quoted
    return round(max(0.05, min(0.99, score)), 2)


def _statement(
    doc: Doc, view: SentenceView, act: SpeechAct, pub: dt.date | None, kb: KnowledgeBase
) -> Statement:
    affiliation = kb.affiliation
    text = doc.article.text
    quote = text[act.quote_start : act.quote_end].strip()
    subjects = [
        p.entity
        for p in view.mentions
        if p.first >= act.quote_from_word
        and p.entity is not None
        and p.entity.kind != "place"
        and p.entity not in act.speaker_group
    ]
    times = [t.time for t in view.times if t.time is not None and t.time.value]
    date = times[0].value if times else (pub.isoformat() if pub else None)
    return Statement(
        id=act.stable_id(doc.article.id, view.sentence.start),
        speaker=_actor_ref(act.speaker, affiliation) if act.speaker else None,
        speaker_role=act.role,
        subjects=tuple(_actor_ref(e, affiliation) for e in dict.fromkeys(subjects)),
        quote=quote,
        date=date,
        sources=(
            Source(
                article=doc.article.id,
                published=doc.article.published,
                sentence=view.text(),
                start=view.sentence.start,
                end=view.sentence.end,
                source=doc.article.source,
            ),
        ),
        rule=act.rule,
    )
