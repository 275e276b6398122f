"""The records that flow between Rasid's stages, and their JSON form (spec/RECORDS.md).

Every record is a frozen dataclass. Offsets (``start``, ``end``) are half-open character offsets
into the ORIGINAL article text, so ``article.text[m.start:m.end]`` is always the surface form.
Every extracted value names the rule or model that produced it (``rule``).
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Bound = Literal["exact", "about", "at_least", "more_than", "at_most"]
Precision = Literal["day", "month", "year"]
LocPrecision = Literal["site", "city", "admin1", "country", "region"]
Status = Literal["occurred", "planned", "claimed"]

EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
VERBAL_TYPES: frozenset[str] = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "REQUEST", "ACCUSE", "REJECT", "THREATEN"}
)


@dataclass(frozen=True, slots=True)
class Article:
    """One input article. ``text`` is the body Rasid reads (HTML already reduced to text).

    ``captions`` are spans of ``text`` that are image captions or photo credits: kept, but not the
    article's own claims. ``published_from`` says where ``published`` came from: "record",
    "dateline", or None when unknown.
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    published_from: str | None = None
    lang: str | None = None
    captions: tuple[tuple[int, int], ...] = ()
    origin: str | None = None
    content_hash: str = ""

    def is_caption(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside a caption or credit span."""
        return any(cs <= start and end <= ce for cs, ce in self.captions)


def publication_date(article: Article) -> dt.date | None:
    """The publication day, or None when unknown or unreadable."""
    if not article.published:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError:
        return None


def day_number(iso: str | None, *, last: bool = False) -> int | None:
    """Days since 0001-01-01 of the first (or last) day an ISO date of any precision covers."""
    if not iso:
        return None
    try:
        parts = [int(p) for p in iso[:10].split("-")]
        if len(parts) == 3:
            return dt.date(*parts).toordinal()
        if len(parts) == 2:
            y, m = parts
            if not last:
                return dt.date(y, m, 1).toordinal()
            nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
            return nxt.toordinal() - 1
        y = parts[0]
        return dt.date(y, 12, 31).toordinal() if last else dt.date(y, 1, 1).toordinal()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence with original offsets. ``kind``: body, caption, title, dateline, heading."""

    index: int
    start: int
    end: int
    kind: str = "body"
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Token:
    """A token: original offsets and its normalized form."""

    start: int
    end: int
    norm: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in the text, linked to a knowledge-base or provisional entity.

    ``label`` is the coarse NER class (PERS, ORG, LOC, GPE, FAC); ``role`` is a title the text
    gives the person ("وزير الخارجية"); ``rule`` names the matcher ("kb.exact", "kb.nisba",
    "context.title", "crf").
    """

    start: int
    end: int
    text: str
    entity_id: str
    label: str
    rule: str
    confidence: float = 1.0
    role: str | None = None
    nisba: bool = False


# the fields ``make_mention`` sets, in order (checked against the class)
_MENTION_ORDER = (
    "start",
    "end",
    "text",
    "entity_id",
    "label",
    "rule",
    "confidence",
    "role",
    "nisba",
)
MentionMaker = Callable[[int, int, str, str, str, str, float, bool], Mention]


def _make_mention_maker() -> MentionMaker:
    """A function that builds a ``Mention`` with no role from its fields in order, twice as
    fast as the constructor for the knowledge base's tens of thousands a corpus.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` looked up
    by name; this sets the slots through their own descriptors, which the frozen check (on
    ``Mention.__setattr__``) does not see: the same type and the same values. Compiled by mypyc,
    the fields are not plain slots and the constructor is fast already: then it is the
    constructor."""
    names = tuple(f.name for f in dataclasses.fields(Mention))
    slots = [vars(Mention).get(name) for name in names]
    setters = [s.__set__ for s in slots if isinstance(s, types.MemberDescriptorType)]
    if names != _MENTION_ORDER or len(setters) != len(names):

        def construct(
            start: int,
            end: int,
            text: str,
            entity_id: str,
            label: str,
            rule: str,
            confidence: float,
            nisba: bool,
        ) -> Mention:
            return Mention(start, end, text, entity_id, label, rule, confidence, nisba=nisba)

        return construct
    set_start, set_end, set_text, set_id, set_label, set_rule, set_conf, set_role, set_nisba = (
        setters
    )
    new = object.__new__

    def build(
        start: int,
        end: int,
        text: str,
        entity_id: str,
        label: str,
        rule: str,
        confidence: float,
        nisba: bool,
    ) -> Mention:
        m = new(Mention)
        set_start(m, start)
        set_end(m, end)
        set_text(m, text)
        set_id(m, entity_id)
        set_label(m, label)
        set_rule(m, rule)
        set_conf(m, confidence)
        set_role(m, None)
        set_nisba(m, nisba)
        return m

    return build


make_mention = _make_mention_maker()


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor or place of the knowledge base, or a provisional one found by context."""

    id: str
    kind: str  # actor kinds: state, government, military, armed_group, coalition, party,
    # organization, person; places: place
    name: str
    name_ar: str
    country: str | None = None
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()
    sector: str | None = None
    affiliations: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    place_type: str | None = None
    parent: str | None = None
    provisional: bool = False
    role: str | None = None


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A temporal expression resolved to an ISO date at a precision, or unresolved (value None).

    ``value_end`` is set for ranges. ``anchor`` says what it was resolved against: "absolute",
    "publication", or None when unresolved.
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: Precision | None
    rule: str
    value_end: str | None = None
    anchor: str | None = None
    open_range: bool = False  # "منذ 17 أكتوبر": from value until publication


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number read from digits or words, with the bound its qualifier gives."""

    start: int
    end: int
    text: str
    value: float
    bound: Bound
    rule: str
    unit: str | None = None
    vague: bool = False  # "عشرات", "مئات": an order of magnitude, not a count


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as it appears in an output record."""

    name: str
    name_ar: str
    kind: str
    country: str | None = None
    wikidata: str | None = None
    entity_id: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    name_ar: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: LocPrecision
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """One supporting mention of an event, statement or figure."""

    article: str
    published: str | None
    sentence: str
    start: int
    end: int
    fatalities: int | None = None
    injuries: int | None = None
    fatalities_bound: str | None = None
    injuries_bound: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    mode: str | None
    date: str | None
    date_end: str | None
    location: Location | None
    actors: tuple[ActorRef, ...]
    targets: tuple[ActorRef, ...]
    claimed_by: tuple[ActorRef, ...]
    fatalities: int | None
    injuries: int | None
    fatalities_bound: str | None
    injuries_bound: str | None
    disrupted: bool
    status: str
    figures_disputed: bool
    summary: str
    confidence: float
    sources: tuple[Source, ...]
    date_from_publication: bool = False
    rules: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statement:
    id: str
    speaker: ActorRef | None
    speaker_role: str | None
    subjects: tuple[ActorRef, ...]
    quote: str
    date: str | None
    sources: tuple[Source, ...]
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    quantity: float
    approximate: bool
    bound: str
    unit: str
    subject: str
    place: Location | None
    period: str | None
    as_of: str | None
    sources: tuple[Source, ...]
    rule: str = ""


Record = Event | Statement | Figure


def _reduce(record: Any) -> tuple[type, tuple[Any, ...]]:
    """Pickle a record as its class and field values. The default for frozen slotted
    dataclasses sets fields with setattr, which a mypyc-compiled frozen class refuses."""
    return type(record), tuple(getattr(record, f.name) for f in dataclasses.fields(record))


for _cls in (
    Article,
    Sentence,
    Token,
    Mention,
    Entity,
    TimeExpr,
    Quantity,
    ActorRef,
    Location,
    Source,
    Event,
    Statement,
    Figure,
):
    copyreg.pickle(_cls, _reduce)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:  # most fields: nothing to convert
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        cls = type(value)
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(value))
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def record_to_json(record: Record) -> dict[str, Any]:
    """The JSON object of spec/RECORDS.md for one record, with a "record" field naming its kind."""
    data: dict[str, Any] = {"record": type(record).__name__.lower()}
    data.update(_plain(record))
    if isinstance(record, Figure):
        data["quantity"] = (
            record.quantity if not record.quantity.is_integer() else int(record.quantity)
        )
    return data


def _actor(data: Mapping[str, Any]) -> ActorRef:
    return ActorRef(
        name=data.get("name") or "",
        name_ar=data.get("name_ar") or "",
        kind=data.get("kind") or "organization",
        country=data.get("country"),
        wikidata=data.get("wikidata"),
        entity_id=data.get("entity_id"),
        affiliation=data.get("affiliation"),
    )


def _location(data: Mapping[str, Any] | None) -> Location | None:
    if not data:
        return None
    return Location(
        name=data.get("name") or "",
        name_ar=data.get("name_ar") or "",
        country=data.get("country"),
        admin1=data.get("admin1"),
        lat=data.get("lat"),
        lon=data.get("lon"),
        precision=data.get("precision") or "country",
        entity_id=data.get("entity_id"),
    )


def _sources(items: Any) -> tuple[Source, ...]:
    names = {f.name for f in dataclasses.fields(Source)}
    return tuple(Source(**{k: v for k, v in s.items() if k in names}) for s in items or ())


def event_from_json(data: Mapping[str, Any]) -> Event:
    """Read an event record back from its JSON object (unknown fields are ignored)."""
    return Event(
        id=str(data.get("id") or ""),
        type=str(data.get("type") or "").upper(),
        mode=data.get("mode"),
        date=data.get("date"),
        date_end=data.get("date_end"),
        location=_location(data.get("location")),
        actors=tuple(_actor(a) for a in data.get("actors") or ()),
        targets=tuple(_actor(a) for a in data.get("targets") or ()),
        claimed_by=tuple(_actor(a) for a in data.get("claimed_by") or ()),
        fatalities=data.get("fatalities"),
        injuries=data.get("injuries"),
        fatalities_bound=data.get("fatalities_bound"),
        injuries_bound=data.get("injuries_bound"),
        disrupted=bool(data.get("disrupted", False)),
        status=data.get("status") or "occurred",
        figures_disputed=bool(data.get("figures_disputed", False)),
        summary=data.get("summary") or "",
        confidence=float(data.get("confidence") or 0.0),
        sources=_sources(data.get("sources")),
        date_from_publication=bool(data.get("date_from_publication", False)),
        rules=dict(data.get("rules") or {}),
    )


def statement_from_json(data: Mapping[str, Any]) -> Statement:
    speaker = data.get("speaker")
    return Statement(
        id=str(data.get("id") or ""),
        speaker=_actor(speaker) if speaker else None,
        speaker_role=data.get("speaker_role"),
        subjects=tuple(_actor(a) for a in data.get("subjects") or ()),
        quote=data.get("quote") or "",
        date=data.get("date"),
        sources=_sources(data.get("sources")),
        rule=data.get("rule") or "",
    )


def figure_from_json(data: Mapping[str, Any]) -> Figure:
    return Figure(
        id=str(data.get("id") or ""),
        quantity=float(data.get("quantity") or 0),
        approximate=bool(data.get("approximate", False)),
        bound=data.get("bound") or "exact",
        unit=data.get("unit") or "",
        subject=data.get("subject") or "",
        place=_location(data.get("place")),
        period=data.get("period"),
        as_of=data.get("as_of"),
        sources=_sources(data.get("sources")),
        rule=data.get("rule") or "",
    )


def record_from_json(data: Mapping[str, Any]) -> Record:
    """Read any record back; the "record" field picks the kind (events when absent)."""
    kind = data.get("record", "event")
    if kind == "statement":
        return statement_from_json(data)
    if kind == "figure":
        return figure_from_json(data)
    return event_from_json(data)
