"""Where and when an event candidate happened: its place and its date.

- the place is the most specific one of the clause (site > town > governorate > region >
  country), "شمال بغداد" a region, "العاصمة العراقية" the capital; with several events in the
  sentence, the trigger's own comma segment is looked at first; a building named as a party
  ("محيط السفارة الأمريكية في بغداد") stands for its site;
- the date is the clause's, else the sentence's, else the paragraph's (from the sentence before),
  preferring one in the trigger's own comma segment; never the start of a period ("منذ ...") nor
  a date inside a relative clause that follows a verb trigger (it dates what the clause tells);
- across a sequence marker ("ويأتي X بعد أيام من Y") places and dates are the other event's; a
  place in a claim the sentence says was corrected ("قبل أن يتبين أن ...") is not the event's;
- a town the knowledge base lacks is named by the noun before it ("بمديرية التحيتا", "في مدينة
  لييج البلجيكية"): the event is placed there under its Arabic name as written, romanized, at
  the point and precision of the coarser place the clause or the article gives (its country or
  governorate: no town's coordinates are known). Guards: the noun is indefinite (not "المدينة"
  told before), the name is no knowledge-base mention, no trigger or cue word, no adjective of
  a list (``not_town_names``: "مدينة أخرى", "حي سكني").
Risky: a sentence listing several places for one event keeps only the most specific; a common
noun missing from the lists may be read as a town's name.
"""

from __future__ import annotations

from rasid.events.arguments import _backed, _direction_en, is_place, own_side
from rasid.events.context import Placed, SentenceView
from rasid.events.lexicon import Lexicon, load_lexicon
from rasid.events.rules import Candidate
from rasid.kb import KnowledgeBase, load_kb
from rasid.names import romanize_place
from rasid.records import Entity, Location, TimeExpr

PLACE_RANK = {
    "base": 0,
    "facility": 0,
    "airport": 0,
    "landmark": 0,
    "border_crossing": 0,
    "neighborhood": 1,
    "village": 2,
    "town": 2,
    "city": 2,
    "district": 2,
    "governorate": 4,
    "region": 5,
    "country": 6,
}
PRECISION = {
    "base": "site",
    "facility": "site",
    "airport": "site",
    "landmark": "site",
    "border_crossing": "site",
    "neighborhood": "city",
    "village": "city",
    "town": "city",
    "city": "city",
    "district": "city",
    "governorate": "admin1",
    "region": "region",
    "country": "country",
}


def _comma_segment(view: SentenceView, head: int) -> tuple[int, int]:
    """The words between the commas around the trigger."""
    words = view.words
    a = head
    while a > 0 and words[a - 1].text != ",":
        a -= 1
    b = head
    while b < len(words) and words[b].text != ",":
        b += 1
    return a, b


def find_place(
    view: SentenceView,
    lex: Lexicon,
    lo: int,
    hi: int,
    capitals: dict[str, Entity],
    alone: bool = True,
    head: int | None = None,
) -> tuple[Entity | None, tuple[str, str] | None, str | None, str]:
    """The most specific place in the clause, else the sentence; with the trigger's ``head``,
    only on its side of a sequence marker. A place named in a claim the sentence says was
    corrected ("قال في البداية إن الهجوم استهدف التنف، قبل أن يتبين ...") is not the event's."""
    directions = lex.words["directions"]
    start, end = (0, len(view.words))
    if head is not None:
        start, end = own_side(view, lex, head, start, end)
    corrected = view.find_phrase(lex.cues["corrected"], start, end)
    if corrected is not None:
        start = max(start, corrected[0])
    scopes = [((max(lo, start), min(hi, end)), "place.clause")]
    if head is not None and not alone:
        # another event's place may sit across a comma in the same clause
        a, b = _comma_segment(view, head)
        scopes.insert(0, ((max(lo, start, a), min(hi, end, b)), "place.clause"))
    if alone:  # another event's place may sit elsewhere in the sentence
        scopes.append(((start, end), "place.sentence"))
    for scope, rule in scopes:
        places = [p for p in view.mentions if scope[0] <= p.first < scope[1] and is_place(p)]
        places = [p for p in places if not _backed(view, p) and not _origin(view, lex, p)]
        places += _sites_in(view, scope)
        capital = _capital_in(view, scope, capitals)
        if capital is not None and not _origin(view, lex, capital):
            places.append(capital)
        if not places:
            continue
        best = min(
            places,
            key=lambda p: (
                (PLACE_RANK.get(p.entity.place_type or "", 7), p.first) if p.entity else (9, 0)
            ),
        )
        assert best.entity is not None
        label = None
        precision = PRECISION.get(best.entity.place_type or "", "city")
        prev = best.first - 1
        if prev >= 0 and view.words[prev].is_in(directions):
            d = view.words[prev].stem or view.words[prev].bare
            label = (
                f"{_direction_en(lex, d)} {best.entity.name}",
                f"{d} {best.entity.name_ar}",
            )
            precision = "region"
        return best.entity, label, precision, rule
    return None, None, None, "place.none"


def _origin(view: SentenceView, lex: Lexicon, p: Placed) -> bool:
    """The place someone came from ("بعيد وصوله من العاصمة البريطانية لندن"): "من" after a word
    of coming, at most two words (a capital and its nisba) before the name."""
    for i in range(p.first - 1, max(0, p.first - 4), -1):
        if view.words[i].bare == "من":
            return i > 0 and view.words[i - 1].is_in(lex.words["origin_words"])
    return False


def _sites_in(view: SentenceView, scope: tuple[int, int]) -> list[Placed]:
    """Buildings named as actors ("محيط السفارة الأمريكية في بغداد") placed at their site."""

    out: list[Placed] = []
    kb: KnowledgeBase | None = None  # looked up for the first actor in the scope, if any
    for p in view.mentions:
        if scope[0] <= p.first < scope[1] and p.entity is not None and p.entity.kind != "place":
            if kb is None:
                kb = load_kb()
            site = kb.site_of(p.entity.id)
            if site is not None:
                out.append(Placed(p.first, p.last, mention=p.mention, entity=site))
    return out


def _capital_in(
    view: SentenceView, scope: tuple[int, int], capitals: dict[str, Entity]
) -> Placed | None:
    """ "العاصمة العراقية" -> Baghdad; a bare "العاصمة" -> the capital of the article's state."""
    capital_words = load_lexicon().words["capital_words"]
    if view.forms and capital_words.isdisjoint(view.forms):
        return None
    for i in range(*scope):
        w = view.words[i]
        if not w.is_in(capital_words):
            continue
        nisba = next((p for p in view.mentions if p.first == i + 1 and p.entity), None)
        cap = capitals.get(nisba.entity.id) if nisba and nisba.entity else None
        cap = cap or capitals.get("*")
        if cap is not None:
            return Placed(i, i, entity=cap)
    return None


def find_time(
    view: SentenceView, cand: Candidate, lo: int, hi: int, prev_time: TimeExpr | None
) -> tuple[TimeExpr | None, str]:
    """The date nearest the trigger in its clause, else in its sentence, else the paragraph's.
    A date in the trigger's own comma-delimited segment wins over a nearer one across a comma
    ("قتل فيها 25 مقاتلا الأحد، وما تبعها من اقتحام ... الثلاثاء"); a date across a sequence
    marker ("X بعد أيام من Y") is the other event's, never this one's."""
    lex = load_lexicon()

    def usable(t: Placed) -> bool:
        # a deadline ("بحلول منتصف يناير") is when a plan is due, not when the event was; a
        # period's start ("الأكثر دموية منذ حرب 2014", "منذ 30 مارس") is not its day either
        time = t.time
        return (
            time is not None
            and time.value is not None
            and not time.rule.endswith(".by")
            and not time.open_range
            and not (cand.form.pos == "v" and _described(view, lex, cand.head, t.first))
            and not ("verbal" in cand.form.flags and _content(view, lex, cand.last, t.first))
        )

    side = own_side(view, lex, cand.head, 0, len(view.words))
    lo, hi = max(lo, side[0]), min(hi, side[1])
    clause = [t for t in view.times if lo <= t.first < hi and usable(t)]
    if clause:
        return _nearest(view, clause, cand.head).time, "date.clause"
    sentence = [t for t in view.times if side[0] <= t.first < side[1] and usable(t)]
    if sentence:
        return _nearest(view, sentence, cand.head).time, "date.sentence"
    if prev_time is not None and side[0] == 0:
        return prev_time, "date.paragraph"
    return None, "date.none"


def _described(view: SentenceView, lex: Lexicon, head: int, at: int) -> bool:
    """A date after a relative pronoun that stands between it and a verb trigger dates the clause
    the pronoun opens ("ندد بالاتفاق الذي أبرمته الدول الكبرى مع إيران في 2015"), not the
    trigger's event. After a noun trigger the clause may tell of the event itself ("الضربة التي
    قتلت سليماني ... في يناير"), so it is not used there."""
    relative = lex.words["relative"]
    return any(view.words[i].bare in relative for i in range(head + 1, at))


def _content(view: SentenceView, lex: Lexicon, last: int, at: int) -> bool:
    """A date after "أن" that follows a verb of saying, charging or claiming dates what is said
    ("زعمت وزيرة الدفاع الفرنسية أن قمرا اصطناعيا روسيا تجسس ... العام الماضي"), not the act of
    saying it."""
    said = lex.words["complementizers"]
    return any(view.words[i].bare in said for i in range(last + 1, at))


def _nearest(view: SentenceView, times: list[Placed], head: int) -> Placed:
    """The date in the trigger's own comma segment, else the nearest one."""

    def segment(i: int) -> int:
        return sum(1 for w in view.words[:i] if w.text == ",")

    own = [t for t in times if segment(t.first) == segment(head)]
    return min(own or times, key=lambda t: abs(t.first - head))


_DEFINITE = ("ال", "بال", "وال", "لل", "فال", "كال", "وبال")
_ADJECTIVE_ENDINGS = ("يه", "يون", "يين", "يان")


def _town_word(view: SentenceView, lex: Lexicon, i: int, covered: set[int]) -> bool:
    if i >= len(view.words) or i in covered:
        return False
    w = view.words[i]
    return (
        len(w.bare) >= 3
        and w.bare.isalpha()
        and not w.text.isascii()
        and not w.is_in(lex.words["not_town_names"])
        and w.bare not in lex.triggers
        and w.text not in lex.triggers
        and w.bare not in lex.scan_words
    )


def find_town(view: SentenceView, lex: Lexicon, lo: int, hi: int) -> tuple[int, int] | None:
    """The words [first, last] of a town the knowledge base does not know, named after a town
    noun in [lo, hi) ("بمديرية التحيتا", "قرية عين عيسى") or after an area's noun with its
    article ("في منطقة الزوب")."""
    nouns, areas = lex.words["town_nouns"], lex.words["area_nouns"]
    if view.forms and nouns.isdisjoint(view.forms) and areas.isdisjoint(view.forms):
        return None  # no town or area noun in the sentence
    covered = {i for p in view.mentions for i in range(p.first, p.last + 1)}
    words = view.words
    for i in range(max(lo, 0), min(hi, len(words)) - 1):
        w = words[i]
        area = w.is_in(areas)
        if not (area or w.is_in(nouns)) or w.bare.startswith(_DEFINITE) or w.text.isascii():
            continue
        if not _town_word(view, lex, i + 1, covered):
            continue
        if area and not words[i + 1].bare.startswith("ال"):
            continue
        last = i + 1
        if _town_word(view, lex, last + 1, covered) and (
            words[last].is_in(lex.words["toponym_heads"])
            or not words[last + 1].bare.endswith(_ADJECTIVE_ENDINGS)
        ):
            last += 1  # "عين عيسى", "النبي صالح"; not "الزوب الزراعية"
        return i + 1, last
    return None


def town_location(
    view: SentenceView, town: tuple[int, int], around: Entity | None, precision: str | None
) -> Location:
    """The place of an unknown town: its name as the article writes it, inside ``around``
    (the coarser place found, or the article's country), whose point and precision it takes:
    the map shows the event where it is known to be, at the precision that point has (ACLED's
    habit for a town it cannot find), and the name says which town."""
    first, last = view.words[town[0]], view.words[town[1]]
    norm = view.doc.norm
    a = norm.to_original(first.start)
    b = norm.to_original_span(last.start, last.end)[1]
    name_ar = view.doc.article.text[a:b]
    within = around
    for p in view.mentions:
        # "مدينة لييج البلجيكية": the nisba after the name says whose town it is
        if p.first == town[1] + 1 and p.entity is not None and p.entity.country:
            if around is None or p.entity.country != around.country:
                within, precision = load_kb().country_place(p.entity.country), "country"
            break
    if within is None or within.lat is None:
        country = within.country if within is not None else None
        return Location(romanize_place(name_ar), name_ar, country, None, None, None, "city")
    admin1 = within.name if precision == "admin1" else within.admin1
    return Location(
        name=romanize_place(name_ar),
        name_ar=name_ar,
        country=within.country,
        admin1=admin1,
        lat=within.lat,
        lon=within.lon,
        precision=precision if precision in ("admin1", "region") else "country",  # type: ignore[arg-type]
    )
