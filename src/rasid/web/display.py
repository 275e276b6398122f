"""What the reader sees of a value: text with its bidirectional controls neutralized, numbers
and dates in the page's language, countries by name, and an event's one-line summary in Arabic.

Stored text keeps every character; only what is displayed changes. A right-to-left override in
an article title (U+202E) would otherwise reverse the rest of the line ("gnp.exe" shown as
"exe.png"), so the embedding, override and isolate controls are dropped from displayed text and
marks are kept (they change no order on their own).

The Arabic summary is built from the Arabic names of the knowledge base (English names only
when an entity has no Arabic form), with the phrases in ``data/summary_ar.json``; the English
UI keeps the pipeline's English summary (``rasid.summary``).
"""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

# LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI: they reorder what follows them
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_TABLE = {ord(c): None for c in BIDI_CONTROLS}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DATA_DIR = Path(__file__).resolve().parent / "data"


def neutralize_bidi(text: str) -> str:
    """``text`` without the controls that reorder what follows them."""
    if any(c in BIDI_CONTROLS for c in text):
        return text.translate(_BIDI_TABLE)
    return text


@lru_cache(maxsize=1)
def _phrases() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA_DIR / "summary_ar.json").read_text(encoding="utf-8"))
    return data


def format_number(value: int | float | None, lang: str) -> str:
    """Thousands grouped; Arabic-Indic digits and the Arabic separator on Arabic pages."""
    if value is None:
        return ""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if lang == "ar":
        return text.replace(",", "٬").replace(".", "٫").translate(ARABIC_DIGITS)
    return text


def format_digits(value: object, lang: str) -> str:
    """A label's digits as the page's reader writes them (Arabic-Indic on Arabic pages)."""
    text = "" if value is None else str(value)
    return text.translate(ARABIC_DIGITS) if lang == "ar" else text


def format_date(value: str | None, lang: str) -> str:
    """ "7 فبراير 2024" or "7 Feb 2024"; a month or a year alone stays that precise."""
    if not value:
        return ""
    parts = value[:10].split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        return value
    months = _phrases()["months" if lang == "ar" else "months_en"]
    if len(nums) >= 2 and 1 <= nums[1] <= 12:
        text = f"{months[nums[1] - 1]} {nums[0]}"
        if len(nums) == 3:
            text = f"{nums[2]} {text}"
    else:
        text = str(nums[0])
    return text.translate(ARABIC_DIGITS) if lang == "ar" else text


def format_period(key: str, lang: str) -> str:
    """A timeline bucket's key (a week's Monday, a month, a year) as a reader writes it."""
    return format_date(key, lang)


@lru_cache(maxsize=1)
def _country_names_ar() -> Callable[[str], str]:
    try:
        import pycountry

        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except (ImportError, OSError):
        return lambda name: name
    return tr.gettext


@lru_cache(maxsize=512)
def country_name(code: str | None, lang: str) -> str:
    """The country's common name in the page language, or the code when it is unknown."""
    if not code:
        return ""
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code.upper())
    except (ImportError, KeyError, LookupError):
        country = None
    if country is None:
        return code
    name = str(getattr(country, "common_name", None) or country.name)
    if lang == "ar":
        return _country_names_ar()(str(country.name))
    return name


def _join(names: Sequence[Markup], limit: int = 2) -> Markup:
    p = _phrases()
    unique = list(dict.fromkeys(n for n in names if n))
    text = Markup(p["and"]).join(unique[:limit])
    if len(unique) > limit:
        text += Markup(p["more"]).format(n=format_number(len(unique) - limit, "ar"))
    return text


_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def _name(text: str) -> Markup:
    """A name inside an Arabic sentence: escaped, bidi controls dropped; one with no Arabic form
    is set apart (its own direction, marked as not to translate)."""
    clean = neutralize_bidi(text)
    if _ARABIC_LETTER.search(clean):
        return Markup("{}").format(clean)
    return Markup('<bdi class="ext" translate="no">{}</bdi>').format(clean)


def summarize_ar(
    event: Mapping[str, Any],
    name_of: Callable[[str | None, str | None], str],
) -> Markup:
    """One Arabic line for an event (a list row or a full record): who did what to whom, where.

    ``name_of(entity_id, fallback)`` gives the Arabic name of an entity or place (the
    knowledge base's), else its fallback. Date and toll are left to their own columns. The line
    is Markup: each name escaped, names with no Arabic form set apart."""
    p = _phrases()
    who = _join([_actor_name(a, name_of) for a in _role(event, "actors")])
    if not who:
        who = _join([_actor_name(a, name_of) for a in _role(event, "claimed_by")])
    whom = _join([_actor_name(a, name_of) for a in _role(event, "targets")])
    etype, mode = str(event.get("type") or ""), event.get("mode")
    if etype == "ASSAULT" and mode in p["assault_modes"]:
        what = Markup(p["assault_modes"][mode])
        if whom:
            what = Markup(p["on"]).format(what=what, whom=whom)
        if event.get("disrupted"):
            line = Markup(p["intercepted"]).format(what=what)
            if who:
                line = Markup(p["by"]).format(what=line, who=who)
        else:
            line = Markup(p["by"]).format(what=what, who=who) if who else what
    else:
        actor = who or Markup(p["unknown_actor"])
        verb = Markup(p["verbs"].get(etype, etype))
        if whom and etype not in p["no_object"]:
            verb = Markup(p["object_verbs"].get(etype, verb))
            joiner = "" if verb.endswith("لـ") else " "
            line = Markup("{} {}{}{}").format(actor, verb, joiner, whom)
        else:
            line = Markup("{} {}").format(actor, verb)
    place = _place_name(event, name_of)
    if place:
        line += Markup(p["in"]).format(place=_name(place))
    if event.get("status") == "planned":
        line = Markup(p["planned"]) + line
    return line


def _actor_name(
    actor: Mapping[str, Any], name_of: Callable[[str | None, str | None], str]
) -> Markup:
    if actor.get("name_ar"):
        return _name(str(actor["name_ar"]))
    return _name(name_of(actor.get("id") or actor.get("entity_id"), actor.get("name")) or "")


def _role(event: Mapping[str, Any], role: str) -> list[Mapping[str, Any]]:
    items = event.get(role) or []
    return [a for a in items if isinstance(a, Mapping)]


def _place_name(event: Mapping[str, Any], name_of: Callable[[str | None, str | None], str]) -> str:
    loc = event.get("location")
    if isinstance(loc, Mapping):
        if loc.get("name_ar"):
            return str(loc["name_ar"])
        return name_of(loc.get("entity_id"), loc.get("name")) or country_name(
            loc.get("country"), "ar"
        )
    name = name_of(event.get("place_id"), event.get("place_name"))
    return name or country_name(event.get("country"), "ar")


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None."""
    if not url or any(ord(c) < 33 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None
