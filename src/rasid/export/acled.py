"""ACLED-style CSV: ACLED's columns, event types, sub-event types, actors and codes.

The mapping from PLOVER type and mode to ACLED's types is documented, case by case, in
docs/acled-mapping.md. Only material events map: ASSAULT, PROTEST and the strategic
developments (MOBILIZE, RETREAT, AGREE, COERCE). Verbal events (ACCUSE, THREATEN, ...) and the
other PLOVER types have no ACLED counterpart and are left out, as are planned events, events
without a day or month, a country or a place ACLED can code, and events dated outside the time
frame of their articles (after the last one, or over a year before the first: a past event the
article recalls); every row left out is counted with its reason.

Codes follow ACLED's codebook: inter1/inter2 are the actor type codes 1-8, interaction their
two-digit joint code with the lower first ("13", "18"; "10" for an actor alone); time_precision
1 (day), 2 (within a week), 3 (within a month); geo_precision 1 (the town or site), 2 (a part of
a region, coded to it), 3 (only a governorate or the country). ``timestamp`` is when the record
last changed: the publication time of the latest article that reports it.

Risky: ACLED's actor categories need judgement a type cannot carry; an armed group counts as a
political militia unless the crosswalk (``data/acled_actors.tsv``) or REBEL_GROUPS says rebel.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

from rasid.export.countries import Country, country
from rasid.export.modes import read_mode
from rasid.records import ActorRef, Event

if TYPE_CHECKING:
    from rasid.export import ExportReport

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

# Wikidata ids of armed groups ACLED files as rebel groups rather than political militias.
REBEL_GROUPS = frozenset({"Q2429253"})  # Islamic State

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC = "Strategic developments"
EXPLOSIONS = "Explosions/Remote violence"

_STATE_KINDS = frozenset({"state", "government", "military", "police"})
_ARMED_KINDS = _STATE_KINDS | {"armed_group", "coalition"}
_MODE_SUBTYPES = {
    "aerial": "Air/drone strike",
    "air": "Air/drone strike",
    "drone": "Air/drone strike",
    "missile": "Shelling/artillery/missile attack",
    "rocket": "Shelling/artillery/missile attack",
    "artillery": "Shelling/artillery/missile attack",
    "mortar": "Shelling/artillery/missile attack",
    "explosive": "Remote explosive/landmine/IED",
    "ied": "Remote explosive/landmine/IED",
    "suicide": "Suicide bomb",
    "grenade": "Grenade",
}


class AcledType(NamedTuple):
    disorder_type: str
    event_type: str
    sub_event_type: str


def classify(event: Event) -> AcledType | None:
    """ACLED's disorder type, event type and sub-event type, or None when it has none."""
    mode = (read_mode(event) or "").lower()
    if event.status == "planned":
        return None
    if event.type == "ASSAULT":
        if event.disrupted:
            return AcledType(STRATEGIC, STRATEGIC, "Disrupted weapons use")
        if mode in _MODE_SUBTYPES:
            return AcledType(POLITICAL_VIOLENCE, EXPLOSIONS, _MODE_SUBTYPES[mode])
        if any(_is_civilian(t) for t in event.targets) and not any(
            _is_armed(t) for t in event.targets
        ):
            return AcledType(POLITICAL_VIOLENCE, "Violence against civilians", "Attack")
        return AcledType(POLITICAL_VIOLENCE, "Battles", "Armed clash")
    if event.type == "PROTEST":
        if mode in ("riot", "violent"):
            return AcledType(DEMONSTRATIONS, "Riots", "Violent demonstration")
        return AcledType(DEMONSTRATIONS, "Protests", "Peaceful protest")
    if event.type == "MOBILIZE":
        sub = "Headquarters or base established" if mode == "base" else "Change to group/activity"
        return AcledType(STRATEGIC, STRATEGIC, sub)
    if event.type == "RETREAT":
        handed_over = event.location is not None and event.location.precision == "site"
        sub = "Non-violent transfer of territory" if handed_over else "Change to group/activity"
        return AcledType(STRATEGIC, STRATEGIC, sub)
    if event.type == "AGREE":
        return AcledType(STRATEGIC, STRATEGIC, "Agreement")
    if event.type == "COERCE":
        if mode in ("abduct", "abduction", "kidnap"):
            return AcledType(
                POLITICAL_VIOLENCE, "Violence against civilians", "Abduction/forced disappearance"
            )
        if mode in ("seize", "seizure", "confiscate", "destroy", "demolish", "loot"):
            return AcledType(STRATEGIC, STRATEGIC, "Looting/property destruction")
        return AcledType(STRATEGIC, STRATEGIC, "Arrests")
    return None


def _is_armed(actor: ActorRef) -> bool:
    if actor.kind == "person":
        return actor.affiliation is not None
    return actor.kind in _ARMED_KINDS


def _is_civilian(actor: ActorRef) -> bool:
    if actor.kind == "person":
        return actor.affiliation is None
    return actor.kind == "civilians" or "civilian" in actor.name.lower()


INTER_CODES: dict[str, int] = {
    "State forces": 1,
    "Rebel group": 2,
    "Political militia": 3,
    "Identity militia": 4,
    "Rioters": 5,
    "Protesters": 6,
    "Civilians": 7,
    "External/Other forces": 8,
}


@functools.cache
def _crosswalk() -> dict[str, tuple[str, int]]:
    """Knowledge-base id -> (ACLED actor name, inter code), from ``data/acled_actors.tsv``."""
    text = resources.files("rasid.export").joinpath("data/acled_actors.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {r[0]: (r[1], int(r[2])) for r in rows[1:] if len(r) >= 3}


def inter_code(actor: ActorRef, event_country: str | None) -> int:
    """ACLED's actor type code (1-8) of an actor in an event in ``event_country``."""
    known = _crosswalk().get(actor.entity_id or "")
    at_home = actor.country is None or actor.country == event_country
    if known is not None:
        code = known[1]
        return 8 if code == 1 and not at_home else code
    if actor.kind in _STATE_KINDS:
        return 1 if at_home else 8
    if actor.kind == "coalition":
        return 8
    if actor.kind == "armed_group":
        return 2 if actor.wikidata in REBEL_GROUPS else 3
    if actor.kind == "protesters":
        return 6
    if actor.kind == "person" and actor.affiliation is not None:
        return 1 if at_home else 8
    return 7


def inter_category(actor: ActorRef, event_country: str | None) -> str:
    """ACLED's actor category as text (the name of the inter code)."""
    code = inter_code(actor, event_country)
    return next(name for name, c in INTER_CODES.items() if c == code)


def interaction(inter1: int, inter2: int | None) -> str:
    """ACLED's joint code: the two actor codes, lower first; an actor alone is "X0"."""
    if not inter2:
        return f"{inter1}0"
    low, high = sorted((inter1, inter2))
    return f"{low}{high}"


_KIND_NAMES = {
    "military": "Military Forces of {}",
    "state": "Military Forces of {}",
    "police": "Police Forces of {}",
    "government": "Government of {}",
}


def actor_name(actor: ActorRef, place: Country) -> str:
    """The actor as ACLED names it: the crosswalk's name, or by kind and country."""
    known = _crosswalk().get(actor.entity_id or "")
    if known is not None:
        return known[0]
    if _is_civilian(actor) and actor.kind != "person":
        return f"Civilians ({place.name})"
    if actor.kind == "protesters":
        return f"Protesters ({place.name})"
    home = country(actor.country)
    if actor.kind in _KIND_NAMES and home is not None:
        name = home.name
        if name in ("United States", "United Kingdom"):
            name = "the " + name
        return _KIND_NAMES[actor.kind].format(name)
    return actor.name or actor.name_ar


def _side(actors: Sequence[ActorRef], place: Country) -> tuple[str, str]:
    names = list(dict.fromkeys(actor_name(a, place) for a in actors))
    return (names[0], "; ".join(names[1:])) if names else ("", "")


# who acts when the text names nobody: ACLED's "unidentified" actors by event type
_UNNAMED: dict[str, tuple[str, int]] = {
    "Protests": ("Protesters ({})", 6),
    "Riots": ("Rioters ({})", 5),
    STRATEGIC: ("Unidentified Armed Group ({})", 3),
}
_UNNAMED_DEFAULT = ("Unidentified Armed Group ({})", 3)

# ACLED codes the town or site (1), a part of a region (2), or only a larger region (3)
_GEO_PRECISION = {"site": 1, "city": 1, "admin1": 3, "country": 3}
_DISTRICT_TYPES = frozenset({"district", "subdistrict", "region"})


def _place_facts(event: Event) -> tuple[str | None, str | None, str | None]:
    """(place type, admin1, admin2) the gazetteer knows for the event's place."""
    loc = event.location
    if loc is None or not loc.entity_id:
        return None, None, None
    from rasid.kb.load import load_kb

    kb = load_kb()
    ent = kb.entities.get(loc.entity_id)
    info = kb.info.get(loc.entity_id)
    if ent is None:
        return None, None, None
    return ent.place_type, ent.admin1, info.admin2 if info is not None else None


def geo_precision(event: Event) -> int | None:
    """ACLED's geo_precision, or None when the place is no place ACLED can code (a region)."""
    loc = event.location
    if loc is None or loc.precision == "region":
        return None
    place_type, _, _ = _place_facts(event)
    if place_type in _DISTRICT_TYPES and loc.precision in ("site", "city"):
        return 2
    return _GEO_PRECISION.get(loc.precision, 3)


def event_date(date: str, date_end: str | None) -> tuple[str, int] | None:
    """ACLED's day and time_precision: a day is 1, a span of up to a week 2, a month or a
    longer span 3 (coded to its first day); a year alone is too coarse for an ACLED row."""
    if len(date) == 7:
        return date + "-01", 3
    if len(date) < 10:
        return None
    day = date[:10]
    if date_end and len(date_end) >= 10 and date_end[:10] > day:
        try:
            span = (dt.date.fromisoformat(date_end[:10]) - dt.date.fromisoformat(day)).days
        except ValueError:
            span = 0
        return day, 2 if span <= 7 else 3
    return day, 1


def _day(text: str | None) -> dt.date | None:
    if not text or len(text) < 10:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def out_of_frame(event: Event) -> str | None:
    """Why an event's date falls outside the time frame of its articles, or None."""
    day = _day(event.date) or (_day((event.date or "") + "-01") if event.date else None)
    published = [d for d in (_day(s.published) for s in event.sources) if d is not None]
    if day is None or not published:
        return None
    if day > max(published) + dt.timedelta(days=1):
        return "dated after its articles"
    if day < min(published) - dt.timedelta(days=366):
        return "dated over a year before its articles"
    return None


def last_update(event: Event) -> int:
    """Unix time of the latest article that reports the event (the event's day without one)."""
    stamps = []
    for src in event.sources:
        if not src.published:
            continue
        text = src.published.replace("Z", "+00:00")
        try:
            when = dt.datetime.fromisoformat(text if len(text) > 10 else text + "T00:00:00")
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        stamps.append(int(when.timestamp()))
    if stamps:
        return max(stamps)
    day = _day(event.date)
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) if day else 0


def why_left_out(event: Event) -> str | None:
    """Why an event has no ACLED row, or None when it has one."""
    if event.status == "planned":
        return "planned, not done"
    if classify(event) is None:
        return f"{event.type} (no ACLED type)"
    if not event.date:
        return "no date"
    if event_date(event.date, event.date_end) is None:
        return "date known only to the year"
    loc = event.location
    if loc is None or not loc.country:
        return "no country"
    if country(loc.country) is None:
        return "unknown country code"
    if geo_precision(event) is None:
        return "only a vague region"
    return out_of_frame(event)


def acled_row(event: Event, *, timestamp: int | None = None) -> dict[str, str] | None:
    """One CSV row (column -> text) for an event, or None when ACLED has no place for it
    (``why_left_out`` says why)."""
    if why_left_out(event) is not None:
        return None
    kind = classify(event)
    loc = event.location
    assert kind is not None and loc is not None and event.date
    place = country(loc.country)
    dated = event_date(event.date, event.date_end)
    geo = geo_precision(event)
    assert place is not None and dated is not None and geo is not None
    day, precision = dated
    first_side = event.actors or event.claimed_by
    second_side = event.targets
    if not first_side and second_side and kind.disorder_type == STRATEGIC:
        first_side, second_side = second_side, ()  # actor1 is never empty: ACLED's actors
        # carry no direction, so a strategic development's only named party is its actor1
    actor1, assoc1 = _side(first_side, place)
    if first_side:
        inter1 = inter_code(first_side[0], loc.country)
    else:
        pattern, inter1 = _UNNAMED.get(kind.event_type, _UNNAMED_DEFAULT)
        actor1 = pattern.format(place.name)
    actor2, assoc2 = _side(second_side, place)
    inter2 = inter_code(second_side[0], loc.country) if second_side else None
    outlets = list(dict.fromkeys(s.source or s.article for s in event.sources))
    tags = []
    if event.figures_disputed:
        tolls = sorted({s.fatalities for s in event.sources if s.fatalities is not None})
        tags.append("fatalities disputed: " + ", ".join(map(str, tolls)))
    if event.status == "claimed":
        tags.append("claimed only")
    if event.fatalities_bound and event.fatalities_bound != "exact":
        tags.append(f"fatalities {event.fatalities_bound.replace('_', ' ')}")
    if loc.precision == "country":
        tags.append("location: country only")
    _, kb_admin1, kb_admin2 = _place_facts(event)
    return {
        "event_id_cnty": f"{place.alpha3}-{event.id}",
        "event_date": day,
        "year": day[:4],
        "time_precision": str(precision),
        "disorder_type": kind.disorder_type,
        "event_type": kind.event_type,
        "sub_event_type": kind.sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "inter1": str(inter1),
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "inter2": "" if inter2 is None else str(inter2),
        "interaction": interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if inter2 == 7 else "",
        "iso": str(place.numeric),
        "region": place.region,
        "country": place.name,
        "admin1": loc.admin1 or kb_admin1 or "",
        "admin2": kb_admin2 or "",
        "admin3": "",
        "location": loc.name or loc.name_ar,
        "latitude": "" if loc.lat is None else f"{loc.lat:.4f}",
        "longitude": "" if loc.lon is None else f"{loc.lon:.4f}",
        "geo_precision": str(geo),
        "source": "; ".join(outlets),
        "source_scale": "",
        "notes": f"{event.summary} [rasid:{event.id}]".strip(),
        "fatalities": str(event.fatalities or 0),
        "tags": "; ".join(tags),
        "timestamp": str(last_update(event) if timestamp is None else timestamp),
    }


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC = frozenset(
    {
        "year",
        "time_precision",
        "iso",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "timestamp",
    }
)


def _defuse(column: str, value: str) -> str:
    """Text from articles must not become a spreadsheet formula when the CSV is opened."""
    if column not in _NUMERIC and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _line(values: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def iter_acled(
    events: Iterable[Event],
    *,
    timestamp: int | None = None,
    report: ExportReport | None = None,
) -> Iterator[str]:
    """The CSV text: the header, then one line per event that ACLED has a place for; the
    others are counted in ``report`` with their reason."""
    yield _line(ACLED_COLUMNS)
    for event in events:
        row = acled_row(event, timestamp=timestamp)
        if row is None:
            if report is not None:
                report.leave_out(why_left_out(event) or "no ACLED row")
            continue
        if report is not None:
            report.written += 1
        yield _line([_defuse(c, row[c]) for c in ACLED_COLUMNS])
