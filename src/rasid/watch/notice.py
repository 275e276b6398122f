"""An alert as its reader reads it, in English or Arabic: a subject line, the event's one-line
summary, its facts and its sources; as plain text, as an HTML fragment (the Atom feed, the
mail's HTML part) and as a whole HTML document (the mail).

Article titles and outlets are untrusted text: the HTML is built with ``markupsafe`` (every
value escaped, bidirectional controls dropped) and links are kept only for http(s) URLs. The
Arabic summary is the web UI's (``rasid.web.display.summarize_ar``), names from the knowledge
base; the English one is the pipeline's. Words live in ``i18n.json`` beside this module, with
the event types and field names taken from the web UI's strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from rasid.web.display import (
    country_name,
    format_date,
    format_number,
    neutralize_bidi,
    safe_url,
    summarize_ar,
)

HERE = Path(__file__).resolve().parent
WEB_STRINGS = HERE.parent / "web" / "static" / "i18n.json"
MAX_SOURCES = 10


@lru_cache(maxsize=1)
def _strings() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = json.loads(WEB_STRINGS.read_text(encoding="utf-8"))
    own = json.loads((HERE / "i18n.json").read_text(encoding="utf-8"))
    return {lang: {**table.get(lang, {}), **own.get(lang, {})} for lang in ("en", "ar")}


def say(lang: str, key: str, **values: Any) -> str:
    """The words for ``key`` in ``lang`` (English when there are none), filled in."""
    table = _strings()
    text = table.get(lang, {}).get(key) or table["en"].get(key) or key
    return text.format(**values) if values else text


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    outlet: str | None = None
    url: str | None = None  # only an http(s) URL


@dataclass(frozen=True, slots=True)
class Notice:
    """One alert in one language."""

    alert_id: int
    lang: str
    watchlist: str
    kind: str  # new, update
    event_id: str
    created_at: str
    subject: str
    intro: str
    headline: Markup  # the event in one line, escaped
    facts: tuple[tuple[str, str], ...]  # (label, value)
    sources: tuple[Source, ...]
    link: str | None  # the event's page in the web UI

    @property
    def direction(self) -> str:
        return "rtl" if self.lang == "ar" else "ltr"


def event_link(base: str | None, event_id: str) -> str | None:
    return f"{base.rstrip('/')}/events/{quote(event_id, safe='')}" if base else None


def _name_ar(entity_id: str | None, fallback: str | None) -> str:
    if entity_id:
        from rasid.store.query import kb_entity

        entity = kb_entity(entity_id)
        if entity is not None and entity.name_ar:
            return str(entity.name_ar)
    return fallback or entity_id or ""


def _join_place(lang: str, place: str | None, country: str) -> str:
    if place and country and place != country:
        return f"{place}{'، ' if lang == 'ar' else ', '}{country}"
    return place or country


def _headline(lang: str, event: Mapping[str, Any], fallback: str) -> Markup:
    if lang == "ar":
        return summarize_ar(event, _name_ar)
    return escape(neutralize_bidi(str(event.get("summary") or fallback)))


def _sources(event: Mapping[str, Any]) -> tuple[Source, ...]:
    out: dict[str, Source] = {}
    for src in event.get("sources") or []:
        key = str(src.get("article") or src.get("url") or "")
        if not key or key in out:
            continue
        title = neutralize_bidi(str(src.get("title") or src.get("article") or ""))
        outlet = src.get("outlet")
        out[key] = Source(
            title, neutralize_bidi(str(outlet)) if outlet else None, safe_url(src.get("url"))
        )
    return tuple(out.values())[:MAX_SOURCES]


def compose_notice(
    alert: Mapping[str, Any], event: Mapping[str, Any] | None, lang: str, link: str | None = None
) -> Notice:
    """The alert (a row of ``watch_alerts`` with its payload read) in ``lang``; ``event`` is
    the stored record (``rasid.store.query.get_event``), None when it was merged away since,
    and then the alert's own copy of the event is told."""
    payload = alert.get("payload") or {}
    snapshot: Mapping[str, Any] = payload.get("event") or {}
    record = {**snapshot, **(event or {})}
    record["fatalities"] = snapshot.get("fatalities", record.get("fatalities"))
    previous: Mapping[str, Any] = payload.get("previous") or {}
    watchlist = str(alert["watchlist"])
    kind = str(alert["kind"])
    type_label = say(lang, f"type.{record.get('type')}")
    place = _join_place(lang, *_place_parts(lang, record))
    what = (
        say(lang, "alert.what", type=type_label, place=place)
        if place
        else say(lang, "alert.what_nowhere", type=type_label)
    )
    toll = record.get("fatalities")
    if toll is not None:
        what = say(lang, "alert.toll", what=what, n=format_number(toll, lang))
    facts: list[tuple[str, str]] = []
    if record.get("date"):
        facts.append((say(lang, "field.date"), format_date(str(record["date"]), lang)))
    if place:
        facts.append((say(lang, "field.place"), place))
    for field, label in (("fatalities", "field.fatalities"), ("n_articles", "alert.articles")):
        now = snapshot.get(field, record.get(field))
        if now is None:
            continue
        text = format_number(now, lang)
        before = previous.get(field)
        if kind == "update" and before is not None and before != now:
            text = say(lang, "alert.was", now=text, before=format_number(before, lang))
        facts.append((say(lang, label), text))
    return Notice(
        alert_id=int(alert["id"]),
        lang=lang,
        watchlist=watchlist,
        kind=kind,
        event_id=str(record.get("id") or alert.get("event_id")),
        created_at=str(alert.get("created_at") or ""),
        subject=neutralize_bidi(
            say(
                lang,
                "alert.subject",
                watchlist=watchlist,
                kind=say(lang, f"alert.kind.{kind}"),
                what=what,
            )
        ),
        intro=say(lang, f"alert.intro.{kind}", watchlist=neutralize_bidi(watchlist)),
        headline=_headline(lang, record, what),
        facts=tuple(facts),
        sources=_sources(record),
        link=event_link(link, str(record.get("id") or alert.get("event_id"))),
    )


def _place_parts(lang: str, event: Mapping[str, Any]) -> tuple[str | None, str]:
    """The place's name (the knowledge base's Arabic one on Arabic notices) and country."""
    loc = event.get("location")
    loc = loc if isinstance(loc, Mapping) else {}
    place = event.get("place_name") or loc.get("name")
    if lang == "ar":
        place = loc.get("name_ar") or _name_ar(event.get("place_id") or loc.get("entity_id"), place)
    country = country_name(event.get("country") or loc.get("country"), lang)
    return (neutralize_bidi(place) if place else None), country


def notice_text(n: Notice) -> str:
    """The plain-text body."""
    lines = [n.intro, "", n.headline.striptags(), ""]
    lines += [f"{label}: {value}" for label, value in n.facts]
    if n.sources:
        lines += ["", say(n.lang, "field.sources") + ":"]
        for src in n.sources:
            outlet = f" ({src.outlet})" if src.outlet else ""
            lines.append(f"- {src.title}{outlet}" + (f"\n  {src.url}" if src.url else ""))
    if n.link:
        lines += ["", f"{say(n.lang, 'alert.open')}: {n.link}"]
    lines += ["", "-- ", say(n.lang, "alert.footer", watchlist=n.watchlist)]
    return "\n".join(lines) + "\n"


def notice_html(n: Notice) -> Markup:
    """The body as an HTML fragment in the notice's direction, every value escaped."""
    rows = Markup("").join(
        Markup(
            '<tr><th style="text-align:start;padding-inline-end:1em">{}</th><td>{}</td></tr>'
        ).format(label, value)
        for label, value in n.facts
    )
    items = []
    for src in n.sources:
        title = (
            Markup('<a href="{}">{}</a>').format(src.url, src.title)
            if src.url
            else escape(src.title)
        )
        outlet = Markup(" <small>({})</small>").format(src.outlet) if src.outlet else Markup("")
        items.append(Markup('<li dir="auto">{}{}</li>').format(title, outlet))
    parts = [
        Markup("<p>{}</p>").format(n.intro),
        Markup("<p><strong>{}</strong></p>").format(n.headline),
        Markup("<table>{}</table>").format(rows),
    ]
    if items:
        parts.append(
            Markup("<h3>{}</h3><ul>{}</ul>").format(
                say(n.lang, "field.sources"), Markup("").join(items)
            )
        )
    if n.link:
        parts.append(Markup('<p><a href="{}">{}</a></p>').format(n.link, say(n.lang, "alert.open")))
    return Markup('<div lang="{}" dir="{}">{}</div>').format(
        n.lang, n.direction, Markup("").join(parts)
    )


def notice_document(n: Notice) -> str:
    """The mail's HTML part: a whole document in the notice's language and direction."""
    footer = say(n.lang, "alert.footer", watchlist=n.watchlist)
    return str(
        Markup(
            '<!doctype html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">'
            "<title>{subject}</title></head>"
            '<body style="font-family:sans-serif;line-height:1.5">{body}'
            '<hr><p style="color:#666;font-size:small">{footer}</p></body></html>'
        ).format(
            lang=n.lang, dir=n.direction, subject=n.subject, body=notice_html(n), footer=footer
        )
    )


def compose_notices(
    store: Any, alerts: Sequence[Mapping[str, Any]], lang: str, link: str | None = None
) -> list[Notice]:
    """The notices of stored alerts, each event read once."""
    from rasid.store.query import get_event

    events: dict[str, Mapping[str, Any] | None] = {}
    out = []
    for alert in alerts:
        event_id = str(alert["event_id"])
        if event_id not in events:
            events[event_id] = get_event(store, event_id)
        out.append(compose_notice(alert, events[event_id], lang, link))
    return out
