"""Figures: quantities the text asserts about the world, with a unit, a subject, a place, a time.

What it catches: a quantity whose counted noun is in data/figure_units.tsv ("2500 جندي أمريكي في
العراق", "نحو 50 هجوماً", "ما يقرب من 90 قرية", "طائرتين مسيرتين"), a number after "عدد" + such a
noun ("خفض عدد القوات الأمريكية من 3000 إلى 2500": 3000 troops, the target in the subject), and a
number with no noun that continues the figure before it in the sentence ("قتل أكثر من 4500 جندي
أمريكي، وأصيب أكثر من 32000": 32000 injured US troops). Cue words before the count ("قتل",
"أصيب", "انسحاب", data/figure_cues.tsv) make the unit killed or injured, or qualify the subject
(withdrawn, deployed). The subject is English: nationality from the nisba after the noun or the
nearest one before it in the clause ("القوات الأمريكية التي كان عددها نحو 150 ألف جندي"), the
target of attacks ("ضد القوات الأمريكية" -> "attacks on US forces"), the place from "في/ب +
country" in the sentence (data/figure_places.tsv, or a linked place mention). Time: an open range
in the sentence ("منذ مطلع العام") gives ``period`` (ISO interval, ending at a "حتى" date, at
publication, or open ".."); otherwise ``as_of`` is the sentence's own date, else publication.

Guards: money, percentages, years, ages and durations never make figures (their nouns are not in
the unit table); people and civilians count only with a cue (killed, injured, detained);
vague quantities ("عشرات") are not figures; captions and datelines are skipped;
counts of events and victims (attacks, rockets, killed) are kept only when the sentence makes them
cumulative (a period, "حتى الآن", "منذ") or they reach 100, so one attack's toll stays with its
event; dates resolved forwards ("بحلول منتصف يناير") are not the figure's date.

Risky: the nationality taken from an earlier nisba in the clause can belong to another noun; the
place is the first "في + country" of the sentence, not always the counted noun's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TypeVar

from rasid.data import norm, read_table
from rasid.doc import Doc
from rasid.numbers import find_quantities, head_of
from rasid.records import (
    Entity,
    Figure,
    Location,
    LocPrecision,
    Quantity,
    Sentence,
    Source,
    TimeExpr,
)
from rasid.time import find_times

log = logging.getLogger(__name__)

_CASUALTY = ("killed", "injured")
_VERB_SUFFIX = {
    "withdrawn": "withdrawn",
    "deployed": "deployed",
    "detained": "detained",
    "cleared": "cleared",
}
_STRIKE_UNITS = frozenset({"attacks", "strikes", "rockets", "drones"})
_PEOPLE = frozenset(
    {
        "troops",
        "fighters",
        "killed",
        "injured",
        "detainees",
        "people",
        "civilians",
        "contractors",
        "displaced",
    }
)
_BARE_PEOPLE = frozenset({"people", "civilians"})
_SKIP_KINDS = frozenset({"caption", "dateline"})


@dataclass(frozen=True, slots=True)
class _Unit:
    unit: str
    en: str
    standing: bool


@dataclass(frozen=True, slots=True)
class _Place:
    iso: str
    name: str
    adj: str
    lat: float | None
    lon: float | None
    ar: str


@dataclass(frozen=True, slots=True)
class _Tables:
    units: dict[str, _Unit]  # normalized form (one or two words) -> unit
    max_words: int
    cues: dict[str, dict[str, str]]  # position -> form -> role
    countries: dict[str, _Place]
    nisbas: dict[str, _Place]
    groups: dict[str, _Place]
    article: str
    froms: frozenset[str]
    tos: frozenset[str]


@dataclass(slots=True)
class _Draft:
    quantity: Quantity
    unit: _Unit
    role: str | None
    adj: str | None
    target: str | None
    rule: str
    change_to: float | None = None


@cache
def _tables() -> _Tables:
    units: dict[str, _Unit] = {}
    for row in read_table("figure_units.tsv"):
        unit = _Unit(row["unit"], row["en"], row["standing"] == "1")
        form = norm(row["form"])
        units[form] = unit
        units.setdefault(" ".join(head_of(w) for w in form.split()), unit)
    cues: dict[str, dict[str, str]] = {}
    for row in read_table("figure_cues.tsv"):
        cues.setdefault(row["position"], {})[norm(row["form"])] = row["role"]
    countries: dict[str, _Place] = {}
    nisbas: dict[str, _Place] = {}
    groups: dict[str, _Place] = {}
    for row in read_table("figure_places.tsv"):
        place = _Place(
            row["iso"],
            row["name"],
            row["adj"],
            float(row["lat"]) if row["lat"] else None,
            float(row["lon"]) if row["lon"] else None,
            row["ar"],
        )
        target = {"country": countries, "nisba": nisbas, "group": groups}[row["kind"]]
        target[norm(row["ar"])] = place
    words = read_table("time_words.tsv")
    return _Tables(
        units=units,
        max_words=max(len(f.split()) for f in units),
        cues=cues,
        countries=countries,
        nisbas=nisbas,
        groups=groups,
        article=next(norm(r["phrase"]) for r in words if r["kind"] == "definite"),
        froms=frozenset(norm(r["phrase"]) for r in words if r["kind"] == "from"),
        tos=frozenset(norm(r["phrase"]) for r in words if r["kind"] == "to"),
    )


def find_figures(doc: Doc) -> tuple[Figure, ...]:
    """Every figure asserted in the document's sentences, in order."""
    published = _published(doc)
    # an annotated document's empty layer means none in the text: no second search for them
    quantities = doc.quantities if doc.annotated else doc.quantities or find_quantities(doc.norm)
    if not quantities:
        return ()
    times = doc.times if doc.annotated else doc.times or find_times(doc.norm, published)
    q_starts = _starts(quantities)
    t_starts = _starts(times)
    out: list[Figure] = []
    for sentence in doc.sentences:
        qs = _within(quantities, q_starts, sentence)
        if not qs:
            continue
        if sentence.kind in _SKIP_KINDS or doc.article.is_caption(sentence.start, sentence.end):
            continue
        ts = _within(times, t_starts, sentence)
        out.extend(_sentence_figures(doc, sentence, qs, ts, published))
    return tuple(out)


_Layer = TypeVar("_Layer", Quantity, TimeExpr)


def _starts(items: tuple[_Layer, ...]) -> list[int] | None:
    """The starts of a layer for bisection, or None when it is not in text order."""
    starts = [x.start for x in items]
    return starts if all(a <= b for a, b in pairwise(starts)) else None


def _within(
    items: tuple[_Layer, ...], starts: list[int] | None, sentence: Sentence
) -> list[_Layer]:
    """The items inside a sentence, in layer order: those starting inside it found by
    bisection (no walk over the whole layer for each sentence)."""
    if starts is None:
        return [x for x in items if sentence.start <= x.start and x.end <= sentence.end]
    lo = bisect_left(starts, sentence.start)
    hi = bisect_right(starts, sentence.end)
    return [x for x in items[lo:hi] if x.end <= sentence.end]


def _published(doc: Doc) -> dt.date | None:
    raw = doc.article.published
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None


def _sentence_figures(
    doc: Doc,
    sentence: Sentence,
    qs: list[Quantity],
    ts: list[TimeExpr],
    published: dt.date | None,
) -> list[Figure]:
    tb = _tables()
    s_norm = doc.norm.to_normalized(sentence.start)
    e_norm = doc.norm.to_normalized(sentence.end)
    text = doc.norm.text
    drafts: list[_Draft] = []
    for q in qs:
        if q.vague:
            continue
        a = doc.norm.to_normalized(q.start)
        b = doc.norm.to_normalized(q.end)
        clause = _clause_before(text, s_norm, a)
        before = clause[-4:]
        role = _cue(before, tb.cues.get("before", {}), clitics=True)
        if (
            drafts
            and drafts[-1].change_to is None
            and _is_change_target(tb, drafts[-1], text, doc, a)
        ):
            drafts[-1].change_to = q.value
            continue
        unit, after_noun = _unit_after(tb, text, b, e_norm)
        rule = "figure.count"
        if unit is None and before and before[-1] in tb.froms:
            unit = _count_noun(tb, clause)
            rule = "figure.count_of"
        adj = None
        if unit is not None:
            adj = _nisba_at(tb, text, after_noun, e_norm)
            if adj is None and unit.unit in _PEOPLE:
                adj = _nisba_before(tb, clause)
        elif drafts and role in _CASUALTY:
            prev = drafts[-1]
            unit, adj, rule = prev.unit, prev.adj, "figure.continued"
        if unit is None:
            continue
        after_role = _cue(
            text[after_noun : min(e_norm, after_noun + 30)].split()[:3],
            tb.cues.get("after", {}),
            clitics=True,
        )
        role = role or after_role
        if unit.unit in _CASUALTY:
            role = unit.unit
        target = _target(tb, text, s_norm, e_norm) if unit.unit in _STRIKE_UNITS else None
        drafts.append(_Draft(q, unit, role, adj, target, rule))
    if not drafts:
        return []
    sentence_words = text[s_norm:e_norm]
    cumulative = (
        any(t.open_range for t in ts)
        or _cue(_phrases(sentence_words, 2), tb.cues.get("sentence", {}), clitics=False)
        == "cumulative"
    )
    place = _place(tb, doc, text, s_norm, e_norm)
    out = []
    for d in drafts:
        casualty = d.role in _CASUALTY
        if (casualty or not d.unit.standing) and not (cumulative or d.quantity.value >= 100):
            continue
        if d.unit.unit in _BARE_PEOPLE and d.role is None:
            continue  # "168 شخصا" in a survey: people counted, nothing asserted about conflict
        out.append(_figure(doc, sentence, d, place, ts, published))
    return out


def _clause_before(text: str, s_norm: int, a: int) -> list[str]:
    """The words before the quantity, back to a comma, the sentence start or 60 characters."""
    chunk = text[max(s_norm, a - 60) : a]
    return chunk.rsplit(",", 1)[-1].split()


def _cue(words: list[str], table: dict[str, str], clitics: bool) -> str | None:
    for w in reversed(words):
        if w in table:
            return table[w]
        if clitics and len(w) > 3 and w[0] in _CONJ and w[1:] in table:
            return table[w[1:]]
    return None


_CONJ = frozenset("\u0648\u0641")  # wa-, fa-


def _phrases(text: str, size: int) -> list[str]:
    words = _WORD.findall(text)
    out = list(words)
    for k in range(2, size + 1):
        out += [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
    return out


def _unit_after(tb: _Tables, text: str, b: int, e_norm: int) -> tuple[_Unit | None, int]:
    """The counted noun after the number (one or two words, an optional "من" before it)."""
    found = _words_after(text, b, e_norm, tb.max_words + 1)
    if found and found[0][0] in tb.froms:
        found = found[1:]
    words = [w for w, _ in found]
    for k in range(min(tb.max_words, len(words)), 0, -1):
        key = " ".join(head_of(w) for w in words[:k])
        unit = tb.units.get(key) or tb.units.get(" ".join(words[:k]))
        if unit is not None:
            return unit, found[k - 1][1]
    return None, b


def _words_after(text: str, pos: int, end: int, limit: int) -> list[tuple[str, int]]:
    """Up to ``limit`` words after ``pos`` in the same clause, with their end offsets."""
    out: list[tuple[str, int]] = []
    for m in _WORD.finditer(text, pos, end):
        if text[pos : m.start()].strip(" "):
            break  # punctuation between: another clause
        out.append((m.group(), m.end()))
        pos = m.end()
        if len(out) == limit:
            break
    return out


_WORD = re.compile(r"[^\W\d_]+")


def _count_noun(tb: _Tables, before: list[str]) -> _Unit | None:
    """ "عدد القوات الأمريكية ... من 3000": the noun after the count word is what is counted."""
    count_words = {w for w, r in tb.cues.get("before", {}).items() if r == "count"}
    for i, w in enumerate(before):
        if w in count_words and i + 1 < len(before):
            return tb.units.get(head_of(before[i + 1]))
    return None


def _is_change_target(tb: _Tables, prev: _Draft, text: str, doc: Doc, a: int) -> bool:
    """ "من 3000 إلى 2500": the second number is where the first is going."""
    pa = doc.norm.to_normalized(prev.quantity.end)
    between = text[pa:a].split()
    return len(between) == 1 and between[0] in tb.tos and prev.rule == "figure.count_of"


def _nisba_at(tb: _Tables, text: str, pos: int, e_norm: int) -> str | None:
    words = _words_after(text, pos, e_norm, 1)
    return _nisba_adj(tb, words[0][0]) if words else None


def _nisba_before(tb: _Tables, before: list[str]) -> str | None:
    for w in reversed(before):
        adj = _nisba_adj(tb, w)
        if adj:
            return adj
    return None


def _nisba_adj(tb: _Tables, word: str) -> str | None:
    w = word[len(tb.article) :] if word.startswith(tb.article) else word
    for cand in (w, w[:-1], w[:-2]):
        if cand in tb.nisbas:
            return tb.nisbas[cand].adj
    group = tb.groups.get(word)
    return group.adj if group else None


def _target(tb: _Tables, text: str, s_norm: int, e_norm: int) -> str | None:
    """ "ضد القوات الأمريكية" -> "US forces": who the counted attacks were aimed at."""
    words = _WORD.findall(text, s_norm, e_norm)
    targets = {w for w, r in tb.cues.get("sentence", {}).items() if r == "target"}
    for i, w in enumerate(words):
        if w in targets:
            for nxt in words[i + 1 : i + 4]:
                adj = _nisba_adj(tb, nxt)
                if adj:
                    return f"{adj} forces"
    return None


def _place(tb: _Tables, doc: Doc, text: str, s_norm: int, e_norm: int) -> Location | None:
    """The first place the sentence puts something in: a linked place mention after "في" or
    "ب" ("في الحسكة"), else a country of the built-in table ("في العراق", "بالعراق")."""
    preps = {w for w, r in tb.cues.get("before", {}).items() if r == "in"}
    bi = "\u0628"  # bi-, "in", glued to the name
    located = _mention_place(doc, text, s_norm, e_norm, preps, bi)
    if located is not None:
        return located
    words = _WORD.findall(text, s_norm, e_norm)
    for i, w in enumerate(words):
        cand = None
        if w in preps and i + 1 < len(words):
            cand = _country(tb, words[i + 1 : i + 3])
        elif w.startswith(bi):
            cand = _country(tb, [w[1:], *words[i + 1 : i + 2]])
        if cand is not None:
            return Location(
                name=cand.name,
                name_ar=cand.ar,
                country=cand.iso or None,
                admin1=None,
                lat=cand.lat,
                lon=cand.lon,
                precision="country",
            )
    return None


_LOC_PRECISION: dict[str, LocPrecision] = {
    "country": "country",
    "governorate": "admin1",
    "region": "region",
    "district": "admin1",
    "city": "city",
    "town": "city",
    "village": "city",
}


def _mention_place(
    doc: Doc, text: str, s_norm: int, e_norm: int, preps: set[str], bi: str
) -> Location | None:
    """A place the mention layer linked, standing after a locative preposition."""
    for mention in doc.mentions:
        a = doc.norm.to_normalized(mention.start)
        if not s_norm <= a < e_norm or mention.label not in ("GPE", "LOC", "FAC"):
            continue
        before = text[max(s_norm, a - 12) : a]
        words = before.split()
        glued = before.endswith(bi) or before.endswith(bi + _tables().article)
        if not (glued or (words and words[-1] in preps)):
            continue
        entity = doc.provisional.get(mention.entity_id) or _kb_entity(mention.entity_id)
        if entity is None or entity.kind not in ("place", "state"):
            continue
        precision = _LOC_PRECISION.get(entity.place_type or "", "site")
        if entity.kind == "state":
            precision = "country"
        return Location(
            name=entity.name,
            name_ar=entity.name_ar or doc.article.text[mention.start : mention.end],
            country=entity.country,
            admin1=entity.admin1,
            lat=entity.lat,
            lon=entity.lon,
            precision=precision,
            entity_id=entity.id,
        )
    return None


def _kb_entity(entity_id: str) -> Entity | None:
    """The knowledge-base entity of a mention; None when the knowledge base cannot load (the
    built-in country table still answers)."""
    try:
        from rasid.kb import load_kb

        return load_kb().get(entity_id)
    except Exception:  # a broken user KB file must not stop figures
        log.warning("knowledge base unavailable for figure places", exc_info=True)
        return None


def _country(tb: _Tables, words: list[str]) -> _Place | None:
    for k in (2, 1):
        if len(words) >= k:
            key = " ".join(words[:k])
            if key in tb.countries:
                return tb.countries[key]
    return None


def _figure(
    doc: Doc,
    sentence: Sentence,
    d: _Draft,
    place: Location | None,
    ts: list[TimeExpr],
    published: dt.date | None,
) -> Figure:
    unit = d.role if d.role in _CASUALTY else d.unit.unit
    noun = d.unit.en
    if d.unit.unit in _CASUALTY:
        noun = "people"
    parts = [d.adj, noun] if d.adj else [noun]
    if d.role in _CASUALTY:
        parts.append(d.role)
    elif d.role in _VERB_SUFFIX:
        parts.append(_VERB_SUFFIX[d.role])
    if d.target:
        parts.append(f"on {d.target}")
    if place is not None:
        parts.append(f"in {place.name}")
    subject = " ".join(parts)
    if d.change_to is not None:
        subject += f", to {_fmt(d.change_to)}"
    period, as_of = _when(ts, published)
    q = d.quantity
    return Figure(
        id=_figure_id(doc.article.id, q.start, q.end),
        quantity=q.value,
        approximate=q.bound != "exact",
        bound=q.bound,
        unit=unit or d.unit.unit,
        subject=subject,
        place=place,
        period=period,
        as_of=as_of,
        sources=(
            Source(
                article=doc.article.id,
                published=doc.article.published,
                sentence=doc.sentence_text(sentence),
                start=sentence.start,
                end=sentence.end,
                date=as_of,
                source=doc.article.source,
            ),
        ),
        rule=d.rule,
    )


def _when(ts: list[TimeExpr], published: dt.date | None) -> tuple[str | None, str | None]:
    """(period, as_of): an open range gives a period up to a "حتى" date, publication or "..";
    else the sentence's own date; else publication."""
    since = next((t for t in ts if t.open_range and t.value), None)
    if since is not None:
        later = [
            t
            for t in ts
            if not t.open_range and t.value and t.start > since.start and ".by" not in t.rule
        ]
        if later:
            end = later[0].value_end or later[0].value
        else:
            end = published.isoformat() if published else ".."
        return f"{since.value}/{end}", None
    own = next((t for t in ts if t.value and ".by" not in t.rule), None)
    if own is not None:
        return None, own.value
    return None, published.isoformat() if published else None


def _fmt(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _figure_id(article: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{article}:{start}:{end}".encode()).hexdigest()[:12]
    return f"fig-{digest}"
