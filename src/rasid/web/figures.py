"""What the figures page makes of a figure's subject: whether it names whose count it is (and so
can join a series), and how it reads in Arabic.

A subject is built by ``rasid.figures`` in English from a nationality, the counted noun, a role,
a target and a place ("US troops in Iraq", "attacks on US forces", "people killed in Syria").
One that is the noun alone ("fighters", "people killed") says nothing about whose count it is:
indicted agents, a protest crowd and Afghan forces all read "fighters". Such figures are listed,
never joined into one line.

The Arabic form is put together from data: the noun's label and role words from i18n.json, the
owner and the place from data/figure_places.tsv (or the figure's own Arabic place name). A part
with no Arabic form is kept in English, set apart as a name not to translate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from markupsafe import Markup

from rasid.data import read_table
from rasid.web.display import ARABIC_DIGITS, neutralize_bidi

# a sound masculine plural drops its nun before the owner it is joined to ("مقاتلو")
_SOUND_PLURAL = "\u0648\u0646"
ROLES = ("killed", "injured", "withdrawn", "deployed", "detained", "cleared")


@cache
def _nouns() -> frozenset[str]:
    return frozenset(row["en"] for row in read_table("figure_units.tsv")) | {"people"}


@cache
def _arabic_names() -> dict[str, str]:
    """English name or adjective of a country or group -> its Arabic name."""
    names: dict[str, str] = {}
    for row in read_table("figure_places.tsv"):
        if row["kind"] in ("country", "group"):
            names.setdefault(row["name"], row["ar"])
    for row in read_table("figure_places.tsv"):
        if row["adj"] and row["name"] in names:
            names.setdefault(row["adj"], names[row["name"]])
    return names


@cache
def _pattern() -> re.Pattern[str]:
    nouns = "|".join(re.escape(n) for n in sorted(_nouns(), key=len, reverse=True))
    return re.compile(
        rf"^(?:(?P<adj>.+?) )?(?P<noun>{nouns})(?: (?P<role>{'|'.join(ROLES)}))?"
        r"(?: on (?P<target>.+?))?(?: in (?P<place>.+?))?(?:, to (?P<to>[\d.,k]+))?$"
    )


def is_bare(subject: str | None) -> bool:
    """True when the subject is the counted noun alone (with at most its role): no owner,
    target or place to tell one story's count from another's."""
    if not (subject or "").strip():
        return True
    m = _pattern().match(subject.strip())  # type: ignore[union-attr]
    return m is not None and not (m["adj"] or m["target"] or m["place"])


def _ext(text: str) -> Markup:
    return Markup('<bdi class="ext" translate="no">{}</bdi>').format(neutralize_bidi(text))


def subject_ar(
    subject: str | None,
    unit: str | None,
    label: Callable[[str], str],
    place_ar: str | None = None,
) -> Markup:
    """The subject in Arabic: "جنود الولايات المتحدة في العراق". ``label(key)`` is the page's
    translation of an i18n key; ``place_ar`` the figure's own Arabic place name, if stored."""
    text = (subject or "").strip()
    m = _pattern().match(text)
    if m is None:
        return _ext(text) if text else Markup("")
    names = _arabic_names()
    key = f"unit.{unit}"
    head = label(key)
    out = Markup("{}").format(head if head != key else label(f"noun.{m['noun']}"))
    if m["adj"]:
        owner = names.get(m["adj"])
        if owner and str(out).endswith(_SOUND_PLURAL):
            out = Markup("{}").format(str(out)[: -len(_SOUND_PLURAL) + 1])  # مقاتلو سوريا
        out += Markup(" ") + (Markup("{}").format(owner) if owner else _ext(m["adj"]))
    if m["role"] and m["role"] not in ("killed", "injured"):
        out += Markup(" ({})").format(label(f"figrole.{m['role']}"))
    if m["target"]:
        target = m["target"]
        owner = names.get(target.removesuffix(" forces"))
        on = (
            Markup("{} {}").format(label("noun.forces"), owner)
            if target.endswith(" forces") and owner
            else _ext(target)
        )
        out += Markup(" {} {}").format(label("fig.on"), on)
    if m["place"]:
        place = place_ar or names.get(m["place"])
        out += Markup(" {} ").format(label("fig.in"))
        out += Markup("{}").format(place) if place else _ext(m["place"])
    if m["to"]:
        out += Markup("{} {}").format(label("fig.to"), m["to"].translate(ARABIC_DIGITS))
    return out
