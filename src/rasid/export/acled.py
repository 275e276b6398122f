"""ACLED-style CSV: ACLED's column names, event types, sub-event types and actor categories.

The mapping from PLOVER type and mode to ACLED's types is documented, case by case, in
docs/acled-mapping.md. Only material events map: ASSAULT, PROTEST and the strategic
developments (MOBILIZE, RETREAT, AGREE, COERCE). Verbal events (ACCUSE, THREATEN, ...) and the
other PLOVER types have no ACLED counterpart and are left out, as are planned events and events
without a date or a country, which ACLED rows cannot lack.

Risky: ACLED's actor categories (inter1/inter2) need judgement a type cannot carry; an armed
group counts as a political militia unless its Wikidata id is in REBEL_GROUPS.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from rasid.records import ActorRef, Event

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

# ISO 3166-1 alpha-2 -> (numeric code, alpha-3, ACLED country name, ACLED region)
COUNTRIES: dict[str, tuple[int, str, str, str]] = {
    "IQ": (368, "IRQ", "Iraq", "Middle East"),
    "SY": (760, "SYR", "Syria", "Middle East"),
    "JO": (400, "JOR", "Jordan", "Middle East"),
    "LB": (422, "LBN", "Lebanon", "Middle East"),
    "IL": (376, "ISR", "Israel", "Middle East"),
    "PS": (275, "PSE", "Palestine", "Middle East"),
    "IR": (364, "IRN", "Iran", "Middle East"),
    "TR": (792, "TUR", "Turkey", "Middle East"),
    "SA": (682, "SAU", "Saudi Arabia", "Middle East"),
    "KW": (414, "KWT", "Kuwait", "Middle East"),
    "BH": (48, "BHR", "Bahrain", "Middle East"),
    "QA": (634, "QAT", "Qatar", "Middle East"),
    "AE": (784, "ARE", "United Arab Emirates", "Middle East"),
    "OM": (512, "OMN", "Oman", "Middle East"),
    "YE": (887, "YEM", "Yemen", "Middle East"),
    "EG": (818, "EGY", "Egypt", "Northern Africa"),
    "CY": (196, "CYP", "Cyprus", "Europe"),
    "US": (840, "USA", "United States", "North America"),
}

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
    mode = (event.mode or "").lower()
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
        if mode in ("seize", "seizure", "destroy", "demolish", "loot"):
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


def inter_category(actor: ActorRef, event_country: str | None) -> str:
    """ACLED's actor category (the text form of inter1/inter2)."""
    if actor.kind in _STATE_KINDS:
        at_home = actor.country is None or actor.country == event_country
        return "State forces" if at_home else "External/Other forces"
    if actor.kind == "coalition":
        return "External/Other forces"
    if actor.kind == "armed_group":
        return "Rebel group" if actor.wikidata in REBEL_GROUPS else "Political militia"
    if actor.kind == "protesters":
        return "Protesters"
    if _is_civilian(actor):
        return "Civilians"
    return ""


def _actor_name(actor: ActorRef, country_name: str) -> str:
    if _is_civilian(actor) and actor.kind != "person":
        return f"Civilians ({country_name})"
    return actor.name or actor.name_ar


def _side(actors: Sequence[ActorRef], country_name: str) -> tuple[str, str]:
    names = list(dict.fromkeys(_actor_name(a, country_name) for a in actors))
    return (names[0], "; ".join(names[1:])) if names else ("", "")


def _event_date(date: str) -> tuple[str, int]:
    """ACLED needs a day: a month or year date becomes its first day, at precision 3."""
    if len(date) >= 10:
        return date[:10], 1
    if len(date) == 7:
        return date + "-01", 3
    return date[:4] + "-01-01", 3


def acled_row(event: Event, *, timestamp: int | None = None) -> dict[str, str] | None:
    """One CSV row (column -> text) for an event, or None when ACLED has no place for it."""
    kind = classify(event)
    loc = event.location
    if kind is None or not event.date or loc is None or not loc.country:
        return None
    numeric, iso3, country_name, region = COUNTRIES.get(
        loc.country, (0, loc.country, loc.country, "")
    )
    event_date, precision = _event_date(event.date)
    if event.date_end and event.date_end != event.date and precision == 1:
        precision = 2  # a span of days: ACLED's "within a few days"
    first_side = event.actors or event.claimed_by
    actor1, assoc1 = _side(first_side, country_name)
    if not actor1 and kind.disorder_type == POLITICAL_VIOLENCE:
        actor1 = f"Unidentified Armed Group ({country_name})"
    actor2, assoc2 = _side(event.targets, country_name)
    inter1 = inter_category(first_side[0], loc.country) if first_side else ""
    if not first_side and actor1:
        inter1 = "Political militia"
    inter2 = inter_category(event.targets[0], loc.country) if event.targets else ""
    interaction = f"{inter1}-{inter2}" if inter1 and inter2 else f"{inter1} only" if inter1 else ""
    outlets = list(dict.fromkeys(s.source or s.article for s in event.sources))
    tags = []
    if event.figures_disputed:
        tolls = sorted({s.fatalities for s in event.sources if s.fatalities is not None})
        tags.append("fatalities disputed: " + ", ".join(map(str, tolls)))
    if event.status == "claimed":
        tags.append("claimed only")
    if event.fatalities_bound and event.fatalities_bound != "exact":
        tags.append(f"fatalities {event.fatalities_bound.replace('_', ' ')}")
    geo = {"site": 1, "city": 1}.get(loc.precision, 3)
    row = {
        "event_id_cnty": f"{iso3}-{event.id}",
        "event_date": event_date,
        "year": event_date[:4],
        "time_precision": str(precision),
        "disorder_type": kind.disorder_type,
        "event_type": kind.event_type,
        "sub_event_type": kind.sub_event_type,
        "actor1": actor1,
        "assoc_actor_1": assoc1,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": assoc2,
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if inter2 == "Civilians" else "",
        "iso": str(numeric) if numeric else "",
        "region": region,
        "country": country_name,
        "admin1": loc.admin1 or "",
        "admin2": "",
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
        "timestamp": str(int(time.time()) if timestamp is None else timestamp),
    }
    return row


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


def iter_acled(events: Iterable[Event], *, timestamp: int | None = None) -> Iterator[str]:
    """The CSV text: the header, then one line per event that ACLED has a place for."""
    stamp = int(time.time()) if timestamp is None else timestamp
    yield _line(ACLED_COLUMNS)
    for event in events:
        row = acled_row(event, timestamp=stamp)
        if row is not None:
            yield _line([_defuse(c, row[c]) for c in ACLED_COLUMNS])
