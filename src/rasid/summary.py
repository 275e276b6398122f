"""One English line per event, built from the linked English names."""

from __future__ import annotations

from rasid.records import ActorRef, Event, Location

VERBS = {
    "ASSAULT": "attacked",
    "COERCE": "detained or raided",
    "MOBILIZE": "deployed forces",
    "RETREAT": "withdrew forces",
    "CONCEDE": "made a concession",
    "AGREE": "reached an agreement with",
    "CONSULT": "held talks with",
    "SUPPORT": "expressed support for",
    "COOPERATE": "cooperated with",
    "AID": "gave aid to",
    "REQUEST": "called on",
    "ACCUSE": "accused",
    "REJECT": "rejected",
    "THREATEN": "threatened",
    "PROTEST": "protested against",
    "SANCTION": "sanctioned",
}
ASSAULT_MODES = {
    "aerial": "air strike on",
    "drone": "drone strike on",
    "missile": "missile attack on",
    "rocket": "rocket attack on",
    "artillery": "shelling of",
    "explosive": "bombing of",
    "suicide": "suicide attack on",
    "firearms": "armed attack on",
}
NO_OBJECT = {"MOBILIZE", "RETREAT", "CONCEDE", "PROTEST"}


def _names(actors: tuple[ActorRef, ...], limit: int = 2) -> str:
    names: list[str] = []
    for a in actors:
        if a.name and a.name not in names:
            names.append(a.name)
    if not names:
        return ""
    shown = names[:limit]
    text = " and ".join(shown)
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _where(loc: Location | None) -> str:
    if loc is None or not loc.name:
        return ""
    if loc.precision == "region" and loc.name.split(" ")[0] in (
        "north",
        "south",
        "near",
        "around",
        "outskirts",
        "countryside",
    ):
        return f" {loc.name}"
    return f" in {loc.name}"


def summarize(event: Event) -> str:
    """ "United States drone strike on Kata'ib Hezbollah in Baghdad on 2024-02-07 (1 killed)"."""
    who = _names(event.actors) or _names(event.claimed_by) or "Unidentified actors"
    whom = _names(event.targets)
    if event.type == "ASSAULT" and event.mode in ASSAULT_MODES:
        what = (
            f"{ASSAULT_MODES[event.mode]} {whom}"
            if whom
            else ASSAULT_MODES[event.mode].rsplit(" ", 1)[0]
        )
        line = f"{who} {what}"
        if event.disrupted:
            line = f"Intercepted {what} by {who}"
    else:
        verb = VERBS.get(event.type, event.type.lower())
        if whom and event.type not in NO_OBJECT:
            line = f"{who} {verb} {whom}"
        else:  # no object: "called on" alone reads wrong, "made a call" is not what was said
            line = f"{who} {_without_object(verb)}"
    line += _where(event.location)
    if event.date:
        line += f" on {event.date}" if len(event.date) == 10 else f" in {event.date}"
    toll = []
    if event.fatalities is not None:
        toll.append(f"{_bounded(event.fatalities, event.fatalities_bound)} killed")
    if event.injuries is not None:
        toll.append(f"{_bounded(event.injuries, event.injuries_bound)} injured")
    if toll:
        line += f" ({', '.join(toll)})"
    if event.claimed_by and event.actors != event.claimed_by:
        line += f"; claimed by {_names(event.claimed_by)}"
    if event.status == "planned":
        line = "Planned: " + line
    return line


_TRAILING = (" with", " on", " for", " to", " against")


def _without_object(verb: str) -> str:
    for tail in _TRAILING:
        if verb.endswith(tail):
            return verb[: -len(tail)]
    return verb


def _bounded(value: int, bound: str | None) -> str:
    prefix = {
        "about": "about ",
        "more_than": "more than ",
        "at_least": "at least ",
        "at_most": "at most ",
    }.get(bound or "", "")
    return f"{prefix}{value}"
