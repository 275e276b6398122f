"""PLOVER event records, as the PLOVER manual's JSON fields name them, one JSON object a line.

Fields (the manual's "PLOVER JSON" table): ``id``, ``date`` (YYYY-MM-DD), ``enddate``,
``actor`` and ``recipient`` (lists of actor objects: ``code``, an ISO 3166 alpha-3 code or one of
the manual's non-state codes; ``sector``, a primary sector code; ``actor_text``;
``identifer_id`` and ``identifer_text``, spelled as the manual spells them, a Wikidata id and the
English name), ``event`` (a list of categories), ``mode`` and ``context`` (lists of the manual's
values for the category), ``event_loc`` (a geonames-style location object), ``event_text`` (the
evidence sentences), ``quad_code``, ``cite_info`` (corpus, citation, publication, coder,
codebook), and ``dead`` / ``injured``, the manual's supplementary fields of ASSAULT.

Everything Rasid knows that PLOVER has no field for (its own mode when PLOVER has none for it,
the date's precision, status, confidence, every source with offsets, the full location and
actors) is kept under the extension key ``x_rasid``, so nothing is lost.
The JSON Schema is ``rasid/schemas/plover.schema.json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rasid.export.countries import country
from rasid.export.modes import read_mode
from rasid.records import ActorRef, Event, record_to_json

if TYPE_CHECKING:
    from rasid.export import ExportReport

EXTENSION_KEY = "x_rasid"
CODEBOOK = "plover-0.7b1"

# Rasid uses POLECAT's REQUEST where the manual says DEMAND
QUAD_CODES: dict[str, int] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), 3),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
}

# The manual's modes per category (its mode tables)
PLOVER_MODES: dict[str, frozenset[str]] = {
    "CONSULT": frozenset({"visit", "third-party", "multilateral", "phone"}),
    "AID": frozenset({"economic", "military", "humanitarian", "asylum"}),
    "RETREAT": frozenset(
        {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"}
    ),
    "REQUEST": frozenset({"assist", "change", "yield", "meet"}),
    "REJECT": frozenset({"assist", "change", "yield", "meet"}),
    "THREATEN": frozenset(
        {"restrict", "ban", "arrest", "relations", "expel", "territory", "violence"}
    ),
    "PROTEST": frozenset(
        {"demo", "riot", "strike-gen", "strike-lim", "strike-hun", "boycott", "obstruct"}
    ),
    "SANCTION": frozenset({"convict", "cancel", "expel", "withdraw", "sever"}),
    "MOBILIZE": frozenset({"troops", "weapons", "police"}),
    "COERCE": frozenset(
        {
            "confiscate",
            "restrict",
            "ban",
            "censor",
            "curfew",
            "martial-law",
            "arrest",
            "deport",
            "withhold",
        }
    ),
    "ASSAULT": frozenset(
        {
            "abduct",
            "beat",
            "torture",
            "execute",
            "sexual",
            "assassinate",
            "destroy",
            "primitive",
            "firearms",
            "explosives",
            "suicide-attack",
            "heavy-weapons",
        }
    ),
}

# Rasid's modes (spec/RECORDS.md) -> the manual's, per category; a mode with no counterpart
# (an air or drone strike: the manual's ASSAULT modes have no aerial weapon) stays in x_rasid
_MODE_MAP: dict[tuple[str, str], str] = {
    ("ASSAULT", "missile"): "heavy-weapons",
    ("ASSAULT", "rocket"): "heavy-weapons",
    ("ASSAULT", "artillery"): "heavy-weapons",
    ("ASSAULT", "mortar"): "heavy-weapons",
    ("ASSAULT", "explosive"): "explosives",
    ("ASSAULT", "ied"): "explosives",
    ("ASSAULT", "suicide"): "suicide-attack",
    ("ASSAULT", "assassination"): "assassinate",
    ("CONSULT", "call"): "phone",
    ("CONSULT", "video"): "phone",
    ("MOBILIZE", "equipment"): "weapons",
    ("RETREAT", "troops"): "withdraw",
    ("RETREAT", "equipment"): "withdraw",
}

# Rasid actor kind -> the manual's primary sector code
_SECTORS: dict[str, str] = {
    "state": "GOV",
    "government": "GOV",
    "military": "MIL",
    "police": "COP",
    "coalition": "MIL",
    "civilians": "CVL",
    "protesters": "OPP",
    "party": "PTY",
    "person": "ELI",
}
REBEL_GROUPS = frozenset({"Q2429253"})  # Islamic State


def plover_mode(event: Event) -> str | None:
    """The manual's mode for the event, or None when its mode has no counterpart there."""
    mode = read_mode(event)
    if not mode:
        return None
    allowed = PLOVER_MODES.get(event.type, frozenset())
    mode = _MODE_MAP.get((event.type, mode), mode)
    return mode if mode in allowed else None


def plover_actor(actor: ActorRef) -> dict[str, Any]:
    """An actor object of the manual's "Information object for actors"."""
    obj: dict[str, Any] = {}
    home = country(actor.country)
    if home is not None:
        obj["code"] = home.alpha3
    elif actor.kind == "coalition":
        obj["code"] = "IGO"
    elif actor.kind == "armed_group":
        obj["code"] = "IMG"
    elif actor.kind == "organization":
        obj["code"] = "NGO"
    if actor.kind == "armed_group":
        obj["sector"] = "REB" if actor.wikidata in REBEL_GROUPS else "PRM"
    elif actor.kind in _SECTORS:
        obj["sector"] = _SECTORS[actor.kind]
    if actor.name_ar or actor.name:
        obj["actor_text"] = actor.name_ar or actor.name
    if actor.wikidata:
        obj["identifer_id"] = actor.wikidata
    if actor.name:
        obj["identifer_text"] = actor.name
    return obj


def plover_record(event: Event) -> dict[str, Any]:
    """One event as a PLOVER record, Rasid's own fields under ``x_rasid``."""
    from rasid import __version__

    rec: dict[str, Any] = {"id": event.id}
    date_precision = None
    if event.date:
        date_precision = {10: "day", 7: "month", 4: "year"}.get(len(event.date[:10]))
        rec["date"] = (event.date[:10] + "-01-01"[len(event.date[:10]) - 4 :])[:10]
    if event.date_end and len(event.date_end) >= 10:
        rec["enddate"] = event.date_end[:10]
    sources = event.actors or event.claimed_by
    rec["actor"] = [plover_actor(a) for a in sources]
    if event.targets:
        rec["recipient"] = [plover_actor(a) for a in event.targets]
    rec["event"] = [event.type]
    mode = plover_mode(event)
    if mode:
        rec["mode"] = [mode]
    if event.status == "planned":
        rec["context"] = ["future"]
    loc = event.location
    if loc is not None:
        place: dict[str, Any] = {"name": loc.name or loc.name_ar}
        if loc.lat is not None and loc.lon is not None and loc.precision != "region":
            place["latitude"] = loc.lat
            place["longitude"] = loc.lon
        home = country(loc.country)
        if home is not None:
            place["country code"] = home.alpha2
            place["cc3"] = home.alpha3
        rec["event_loc"] = place
    rec["event_text"] = list(dict.fromkeys(s.sentence for s in event.sources))
    rec["quad_code"] = QUAD_CODES.get(event.type)
    if event.type == "ASSAULT":
        if event.fatalities is not None:
            rec["dead"] = event.fatalities
        if event.injuries is not None:
            rec["injured"] = event.injuries
    first = event.sources[0] if event.sources else None
    cite: dict[str, Any] = {
        "corpus": "rasid",
        "coder": f"rasid {__version__}",
        "codebook": CODEBOOK,
    }
    if first is not None:
        cite["citation"] = first.article
        if first.source:
            cite["publication"] = first.source
    rec["cite_info"] = cite
    own = record_to_json(event)
    own.pop("record", None)
    own["date_precision"] = date_precision
    if not event.mode and read_mode(event):
        own["mode_read"] = read_mode(event)  # read from the evidence (rule export.mode_cue)
    rec[EXTENSION_KEY] = own
    if rec["quad_code"] is None:
        del rec["quad_code"]
    return rec


def iter_plover(events: Iterable[Event], report: ExportReport | None = None) -> Iterator[str]:
    """One record a line; an event without a date is left out (the manual requires ``date``)
    and counted in ``report``."""
    for event in events:
        if not event.date:
            if report is not None:
                report.leave_out("no date")
            continue
        yield json.dumps(plover_record(event), ensure_ascii=False) + "\n"
        if report is not None:
            report.written += 1
