"""One event, many reports: merging event mentions within and across articles.

Two mentions are the same real-world event when their types agree, their dates are compatible
(a day within a tolerance, or a month or year that contains the day), their places are the same
or nested (a base inside a governorate inside a country) or near (25 km), and their participants
do not contradict each other. The merged event keeps every source, takes the most precise date
and place, and the best toll (an exact figure over a bounded one, then the latest report), with
``figures_disputed`` when the sources disagree.

Across articles a learned comparison (``rasid.merge_model``) weighs each candidate pair: it may
veto a join the rules allow, add one they refuse, and ranks the candidates. What an article
tells as two events ("وفي تطور آخر", two clauses of a sentence, 100 dead and one) stays two
across articles: a record never joins an event that holds another record of its article told
apart from it (``told_as_two``), in memory and in the store alike.

Candidates are found by blocking on (type, day window) and, in the store, by country: never all
pairs. Merged ids are the id of the first mention that formed the event, so they are stable
across re-runs over the same articles and across re-ingests.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from rasid.doc import ArticleResult
from rasid.entity_merge import ProvisionalIndex
from rasid.merge_model import WINDOW_DAYS as WINDOW_DAYS  # noqa: PLC0414 - re-exported
from rasid.merge_model import (
    MergeScorer,
    Side,
    entity_ids,
    km_between,
    load_scorer,
    modes_compatible,
    nested,
    same_place,
)
from rasid.merge_model import day_range as day_range  # noqa: PLC0414 - re-exported (store)
from rasid.records import (
    VERBAL_TYPES,
    ActorRef,
    Event,
    Location,
    Record,
    Source,
)
from rasid.summary import summarize

K = TypeVar("K")

PRECISION_ORDER = {"site": 0, "city": 1, "admin1": 2, "region": 3, "country": 4}
BLOCK_DAYS = 45
MAX_CANDIDATES = 24


def _dates_compatible(
    ra: tuple[int, int] | None, rb: tuple[int, int] | None, from_pub: bool, *, same_article: bool
) -> bool:
    if ra is None or rb is None:
        return same_article
    tol = 1
    if from_pub:
        tol = 2 if not same_article else 3
    return ra[0] - tol <= rb[1] and rb[0] - tol <= ra[1]


def dates_compatible(a: Event, b: Event, *, same_article: bool) -> bool:
    return _dates_compatible(
        day_range(a.date, a.date_end),
        day_range(b.date, b.date_end),
        a.date_from_publication or b.date_from_publication,
        same_article=same_article,
    )


def places_compatible(a: Location | None, b: Location | None) -> bool:
    if a is None or b is None:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if same_place(a, b):
        return True
    if nested(a, b) or nested(b, a):
        return True
    if _unlocated(a) and _unlocated(b):
        return False  # two towns of other names ("قرية كرش", "منطقة الزوب"): two places
    if _unlocated(a) or _unlocated(b):
        return True  # a town named only by the text: where it lies is not known
    km = km_between(a, b)
    if km is not None and km <= 25:
        return True
    return a.precision in ("country", "region") or b.precision in ("country", "region")


def _unlocated(loc: Location) -> bool:
    """A town named only by the text: its point, if any, is its country's or governorate's."""
    return loc.entity_id is None


@dataclasses.dataclass(frozen=True, slots=True)
class _Facts:
    """What compatibility looks at in an event, worked out once: merging tests each mention
    against many clusters, and each cluster against many mentions."""

    event: Event
    range: tuple[int, int] | None
    doers: frozenset[str]  # actors and claimants
    targets: frozenset[str]
    people: frozenset[str]  # actors and targets
    doer_countries: frozenset[str]

    @classmethod
    def of(cls, e: Event) -> _Facts:
        actors, targets = entity_ids(e.actors), entity_ids(e.targets)
        return cls(
            event=e,
            range=day_range(e.date, e.date_end),
            doers=frozenset(actors | entity_ids(e.claimed_by)),
            targets=frozenset(targets),
            people=frozenset(actors | targets),
            doer_countries=frozenset(a.country for a in (*e.actors, *e.claimed_by) if a.country),
        )


def _participants_compatible(a: _Facts, b: _Facts) -> bool:
    # two different doers are two events (a US strike, a militia drone attack) unless each
    # names the other as its target (one clash reported from both sides)
    aa, ba = a.doers, b.doers
    return not (aa and ba and not (aa & ba) and not (aa & b.targets) and not (ba & a.targets))


def _other_speakers(a: _Facts, b: _Facts) -> bool:
    """Words of two sides in one article: doers of different states (Serbia's and Bulgaria's
    congratulations to Erdogan are two; a prime minister and his spokesman speak for one)."""
    ca, cb = a.doer_countries, b.doer_countries
    return a.event.type in VERBAL_TYPES and bool(ca and cb) and not ca & cb


def participants_compatible(a: Event, b: Event) -> bool:
    return _participants_compatible(_Facts.of(a), _Facts.of(b))


def compatible(a: Event, b: Event, *, same_article: bool = False) -> bool:
    return _compatible(_Facts.of(a), _Facts.of(b), same_article=same_article)


def _compatible(fa: _Facts, fb: _Facts, *, same_article: bool) -> bool:
    a, b = fa.event, fb.event
    if a.type != b.type:
        return False
    from_pub = a.date_from_publication or b.date_from_publication
    if not _dates_compatible(fa.range, fb.range, from_pub, same_article=same_article):
        return False
    if not places_compatible(a.location, b.location):
        return False
    if not _participants_compatible(fa, fb):
        return False
    if same_article:
        return not _other_speakers(fa, fb) and _same_article_evidence(a, b)
    if a.location is None or b.location is None:
        # across articles, an unplaced mention needs a shared participant to join
        return bool(fa.people & fb.people)
    return True


def _two_clauses(a: Event, b: Event) -> bool:
    """Two clauses of one sentence ("..., فيما أصيب جنديان في اشتباك منفصل")."""
    ca, cb = a.rules.get("clause", ""), b.rules.get("clause", "")
    return bool(ca and cb and ca != cb and ca.split(":")[0] == cb.split(":")[0])


def _told_apart(a: Event, b: Event) -> bool:
    """Two mentions of one article that the article tells as two events: two clauses of one
    sentence, one told as another ("وفي تطور آخر"), an air strike and a mortar round, 100
    killed and one."""
    if _two_clauses(a, b) or _another_event(a, b):
        return True
    if not modes_compatible(a.mode, b.mode):
        return True  # an air strike and a mortar round in one article are two attacks
    # "قتل أكثر من 100 مسلح" and "قتل مدني" in one article: two events
    return _tolls_apart(a.fatalities, b.fatalities) or _tolls_apart(a.injuries, b.injuries)


def told_as_two(a: Event, b: Event) -> bool:
    """Two records of one article that the article itself tells as two events: two clauses of
    one sentence, one told as another ("وفي تطور آخر"), or two counts of dead (or wounded) too
    far apart for one event (a toll of one may be the one victim named among several: one and
    seven may be one strike, one and a hundred are not). Its merge kept them apart; across
    articles they stay apart, even through a third report that fits both."""
    if _two_clauses(a, b) or _another_event(a, b):
        return True
    return any(
        x is not None
        and y is not None
        and _tolls_apart(x, y)
        and (min(x, y) >= 2 or max(x, y) >= 10 * min(x, y) + 10)
        for x, y in ((a.fatalities, b.fatalities), (a.injuries, b.injuries))
    )


def _another_event(a: Event, b: Event) -> bool:
    """One of two mentions of an article is told as another event than those told before it
    ("وفي تطور آخر، ..."): apart from the mentions of earlier sentences, not from those of its
    own sentence nor from the sentences after it, which go on telling it."""
    return _after_a_turn(a, b) or _after_a_turn(b, a)


def _after_a_turn(a: Event, b: Event) -> bool:
    if "apart" not in a.rules:
        return False
    turn = min(s.start for s in a.sources)
    return any(s.start < turn for s in b.sources if s.article == a.sources[0].article)


def _same_article_evidence(a: Event, b: Event) -> bool:
    """Within one article, compatible is not enough: the two mentions must not be told apart
    (``_told_apart``) and must share a day, a place or a participant, or one of them must be a
    bare mention with neither date nor place (a publication day given to an undated report is
    no date of its own)."""
    if _told_apart(a, b):
        return False
    if a.date and b.date and len(a.date) == 10 and a.date == b.date:
        return True
    if (
        a.location
        and b.location
        and (
            same_place(a.location, b.location)
            or nested(a.location, b.location)
            or nested(b.location, a.location)
        )
    ):
        return True
    pa = entity_ids(a.actors) | entity_ids(a.targets) | entity_ids(a.claimed_by)
    pb = entity_ids(b.actors) | entity_ids(b.targets) | entity_ids(b.claimed_by)
    if pa & pb:
        return True
    return _bare(a) or _bare(b)


def _tolls_apart(x: int | None, y: int | None) -> bool:
    """Two tolls of one article too far apart to be one event's reports, even as a toll that
    rose (5 then 7 dead is one attack; 1 and 100 are two)."""
    if x is None or y is None:
        return False
    low, high = sorted((x, y))
    return high > 3 * low + 2


def _bare(e: Event) -> bool:
    return (not e.date or e.date_from_publication) and not e.location


def affinity(a: Event, b: Event) -> float:
    """How alike two compatible mentions are: shared place, participants and day."""
    score = 0.0
    if a.location and b.location and same_place(a.location, b.location):
        score += 2
    score += len(
        (entity_ids(a.actors) | entity_ids(a.targets))
        & (entity_ids(b.actors) | entity_ids(b.targets))
    )
    ra, rb = day_range(a.date, a.date_end), day_range(b.date, b.date_end)
    if ra and rb:
        score -= min(abs(ra[0] - rb[0]), 30) / 10
    return score


def _best_date(events: Sequence[Event]) -> tuple[str | None, str | None, bool]:
    dated = [e for e in events if e.date]
    if not dated:
        return None, None, False
    explicit = [e for e in dated if not e.date_from_publication] or dated
    # the most precise date; among equals, the one the earliest report gives (the closest
    # to the event: later reports count days back from further away)
    precision = max(len(e.date or "") for e in explicit)
    best = min(
        (e for e in explicit if len(e.date or "") == precision),
        key=lambda e: (e.sources[0].published or "9999", e.sources[0].article, e.id),
    )
    return best.date, best.date_end, best.date_from_publication


def _best_location(events: Sequence[Event]) -> Location | None:
    located = [e.location for e in events if e.location is not None]
    if not located:
        return None
    return min(located, key=lambda loc: PRECISION_ORDER.get(loc.precision, 5))


def _union(groups: Iterable[tuple[ActorRef, ...]]) -> tuple[ActorRef, ...]:
    seen: dict[str, ActorRef] = {}
    for group in groups:
        for a in group:
            seen.setdefault(a.entity_id or a.name, a)
    return tuple(seen.values())


_SEARCH_SENTENCES = 20


@dataclasses.dataclass(frozen=True, slots=True)
class Toll:
    """The report a toll is taken from (an exact figure over a bounded one, then the latest),
    and whether any report gave another figure."""

    value: int
    bound: str | None
    published: str
    disputed: bool

    def rank(self) -> tuple[bool, str, int]:
        return (self.bound == "exact", self.published, self.value)

    def plus(self, other: Toll | None) -> Toll:
        if other is None:
            return self
        best = max(self, other, key=Toll.rank)
        disputed = self.disputed or other.disputed or self.value != other.value
        return dataclasses.replace(best, disputed=disputed)


def _fields(record: Source | Toll) -> dict[str, Any]:
    """A flat record's fields (``dataclasses.asdict`` copies deeply, and costs for it)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _best_toll(sources: Sequence[Source], field: str) -> Toll | None:
    reports = [
        Toll(getattr(s, field), getattr(s, field + "_bound"), s.published or "", False)
        for s in sources
        if getattr(s, field) is not None
    ]
    if not reports:
        return None
    best = max(reports, key=Toll.rank)
    return dataclasses.replace(best, disputed=len({r.value for r in reports}) > 1)


def _plus(a: Toll | None, b: Toll | None) -> Toll | None:
    return b if a is None else a.plus(b)


def _source_order(s: Source) -> tuple[str, str, int]:
    return (s.published or "", s.article, s.start)


@dataclasses.dataclass(frozen=True, slots=True)
class Tally:
    """What merging needs to know of an event's sources: the earliest one, how many sources
    and articles, the best toll reports, the highest confidence of a mention, and the first
    sentences (for search). A stored event keeps its tally, so a new report is merged without
    its earlier ones being read back: the cost of a report does not grow with the event."""

    first: Source
    n_sources: int
    n_articles: int
    mentions: int
    top: float
    fatalities: Toll | None
    injuries: Toll | None
    sentences: tuple[str, ...]
    outlets: tuple[str, ...] = ()  # distinct outlets, sorted (an article of none counts alone)

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)

    @classmethod
    def of(cls, sources: Sequence[Source], *, mentions: int, top: float) -> Tally:
        """The tally of a whole source list, sorted by ``_source_order``."""
        return cls(
            first=sources[0],
            n_sources=len(sources),
            n_articles=len({s.article for s in sources}),
            mentions=mentions,
            top=top,
            fatalities=_best_toll(sources, "fatalities"),
            injuries=_best_toll(sources, "injuries"),
            sentences=tuple(dict.fromkeys(s.sentence for s in sources))[:_SEARCH_SENTENCES],
            outlets=outlets_of(sources),
        )

    def plus(self, other: Tally, *, shared_sources: int, shared_articles: int) -> Tally:
        """The tally of both events' sources; ``shared_*``: how many of ``other``'s sources
        and articles this one already has."""
        return Tally(
            first=min(self.first, other.first, key=_source_order),
            n_sources=self.n_sources + other.n_sources - shared_sources,
            n_articles=self.n_articles + other.n_articles - shared_articles,
            mentions=self.mentions + other.mentions,
            top=max(self.top, other.top),
            fatalities=_plus(self.fatalities, other.fatalities),
            injuries=_plus(self.injuries, other.injuries),
            sentences=tuple(dict.fromkeys((*self.sentences, *other.sentences)))[:_SEARCH_SENTENCES],
            outlets=tuple(sorted({*self.outlets, *other.outlets})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "first": _fields(self.first),
            "n_sources": self.n_sources,
            "n_articles": self.n_articles,
            "mentions": self.mentions,
            "top": self.top,
            "fatalities": _fields(self.fatalities) if self.fatalities else None,
            "injuries": _fields(self.injuries) if self.injuries else None,
            "sentences": list(self.sentences),
            "outlets": list(self.outlets),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Tally:
        tolls = [Toll(**t) if t else None for t in (data["fatalities"], data["injuries"])]
        return cls(
            first=Source(**data["first"]),
            n_sources=int(data["n_sources"]),
            n_articles=int(data["n_articles"]),
            mentions=int(data["mentions"]),
            top=float(data["top"]),
            fatalities=tolls[0],
            injuries=tolls[1],
            sentences=tuple(data["sentences"]),
            outlets=tuple(data.get("outlets") or ()),
        )


def outlet_key(outlet: str | None, article: str) -> str:
    """What an outlet count counts: the outlet's name, or the article's own id when the article
    names no outlet (it cannot be counted with any other)."""
    return outlet or f"article:{article}"


def outlets_of(sources: Iterable[Source]) -> tuple[str, ...]:
    """The distinct outlets of sources (``outlet_key``), sorted."""
    return tuple(sorted({outlet_key(s.source, s.article) for s in sources}))


def tally_of(event: Event, *, mentions: int = 1, top: float | None = None) -> Tally:
    """The tally of an event record and the sources it carries: one mention, by default."""
    sources = sorted({(s.article, s.start): s for s in event.sources}.values(), key=_source_order)
    return Tally.of(sources, mentions=mentions, top=event.confidence if top is None else top)


def combine(events: Sequence[Event], event_id: str | None = None) -> Event:
    """One record from the mentions of one event."""
    ordered = sorted(events, key=lambda e: (e.sources[0].published or "", e.id))
    sources = tuple(
        sorted(
            {(s.article, s.start): s for e in ordered for s in e.sources}.values(),
            key=_source_order,
        )
    )
    tally = Tally.of(sources, mentions=len(ordered), top=max(e.confidence for e in ordered))
    return _combined(ordered, tally, event_id, sources)


def combine_tallied(
    current: Event, first: Source, report: Event, tally: Tally, event_id: str
) -> Event:
    """A stored event (kept without its sources; ``first``: its earliest) and a new report of
    it, merged as ``combine`` merges all their mentions, given the ``tally`` of all their
    sources. The record has no sources: each report's are stored with it."""
    head = dataclasses.replace(current, sources=(first,))
    ordered = sorted((head, report), key=lambda e: (e.sources[0].published or "", e.id))
    return _combined(ordered, tally, event_id, ())


def _combined(
    ordered: Sequence[Event], tally: Tally, event_id: str | None, sources: tuple[Source, ...]
) -> Event:
    """The merged record of mentions sorted by their first report, with the toll, sources
    count and confidence of ``tally``."""
    first = ordered[0]
    date, date_end, from_pub = _best_date(ordered)
    fatal, injured = tally.fatalities, tally.injuries
    modes = [e.mode for e in ordered if e.mode and e.mode not in ("unspecified", "troops", "meet")]
    statuses = {e.status for e in ordered}
    rules = dict(first.rules)
    if tally.mentions > 1:
        rules["merge"] = f"{tally.mentions} mentions"
    merged = dataclasses.replace(
        first,
        id=event_id or first.id,
        mode=modes[0] if modes else first.mode,
        date=date,
        date_end=date_end,
        date_from_publication=from_pub,
        location=_best_location(ordered),
        actors=_union(e.actors for e in ordered),
        targets=_union(e.targets for e in ordered),
        claimed_by=_union(e.claimed_by for e in ordered),
        fatalities=fatal.value if fatal else None,
        fatalities_bound=fatal.bound if fatal else None,
        injuries=injured.value if injured else None,
        injuries_bound=injured.bound if injured else None,
        disrupted=any(e.disrupted for e in ordered),
        status="occurred" if "occurred" in statuses else sorted(statuses)[0],
        figures_disputed=bool(fatal and fatal.disputed) or bool(injured and injured.disputed),
        confidence=min(1.0, tally.top + 0.05 * (tally.n_articles - 1)),
        sources=sources,
        rules=rules,
    )
    actor_ids = entity_ids(merged.actors)
    merged = dataclasses.replace(
        merged, targets=tuple(t for t in merged.targets if (t.entity_id or t.name) not in actor_ids)
    )
    return dataclasses.replace(merged, summary=summarize(merged))


def _blocks(ev: Event) -> list[tuple[str, int | None]]:
    rng = day_range(ev.date, ev.date_end)
    if rng is None:
        return [(ev.type, None)]
    keys = [(ev.type, d // WINDOW_DAYS) for d in range(rng[0] - 3, rng[1] + 4)]
    return list(dict.fromkeys(keys))


class _Judged:
    """An event as merging compares it: the rules' facts, and the scorer's side (across
    articles, when a merge scorer is in use), worked out the first time it is asked for (most
    candidates are refused by the rules before the scorer looks at them)."""

    __slots__ = ("_side", "event", "facts")

    def __init__(self, e: Event) -> None:
        self.event = e
        self.facts = _Facts.of(e)
        self._side: Side | None = None

    def side(self) -> Side:
        if self._side is None:
            self._side = Side.of_sources(self.event, self.event.sources)
        return self._side


def _join_score(
    old: _Judged, new: _Judged, scorer: MergeScorer | None, *, same_article: bool
) -> float | None:
    """How well a report (or event) joins an event; None when it does not. Within an article
    and with no scorer, the hand-set rules (``compatible``: 0.0 for yes); across articles,
    the scorer (``MergeScorer.score``), told whether the rules find the two compatible."""
    rules = _compatible(old.facts, new.facts, same_article=same_article)
    if scorer is None:
        return 0.0 if rules else None
    if not rules and scorer.threshold >= 1.0:
        return None  # nothing the rules refuse can join: no side to work out
    return scorer.score(old.side(), new.side(), compatible=rules)


def _best_candidate(found: Iterable[tuple[K, float | None]]) -> K | None:
    """The candidate of the highest score (strictly: the first of equals wins)."""
    chosen: K | None = None
    best = -1.0
    for key, score in found:
        if score is not None and score > best:
            chosen, best = key, score
    return chosen


def merge_events(events: Sequence[Event], *, same_article: bool = False) -> list[Event]:
    """Cluster mentions of one event: a greedy pass with blocking on (type, day), then clusters
    that have become compatible as they grew are joined, until nothing changes.

    Within an article a mention joins the first compatible cluster (the rules); across
    articles, with a merge scorer, the cluster of the highest ``MergeScorer.score``, ties to
    the smallest id (as the store chooses: ``rasid.store.merging``)."""
    scorer = None if same_article else load_scorer()
    ordered = sorted(
        events,
        key=lambda e: (
            e.sources[0].published or "",
            e.sources[0].article,
            e.sources[0].start,
            e.id,
        ),
    )
    clusters: list[list[Event]] = []
    merged: list[Event] = []
    judged: list[_Judged] = []  # of each merged record
    index: dict[tuple[str, int | None], dict[int, None]] = defaultdict(dict)  # ordered sets

    def candidates(ev: Event) -> list[int]:
        if same_article:
            return [i for i, m in enumerate(merged) if m.type == ev.type and clusters[i]]
        if day_range(ev.date, ev.date_end) is None:
            return []  # across articles an undated mention joins nothing (dates_compatible)
        found: list[int] = []
        for k in _blocks(ev):
            found.extend(index.get(k, ()))
        found = [i for i in dict.fromkeys(found) if clusters[i]]
        if scorer is not None:
            found.sort(key=lambda i: merged[i].id)
        return found

    # across articles, the records of each article in each cluster
    own: list[dict[str, list[Event]]] = []

    def told_apart_from(ci: int, ev: Event) -> bool:
        """A record of an article is never joined to a cluster holding another record of
        that article told as another event (``told_as_two``): compared only with the
        cluster's combined record, a report with no toll or cue of its own would bridge them."""
        for art in {s.article for s in ev.sources}:
            if any(told_as_two(m, ev) for m in own[ci].get(art, ())):
                return True
        return False

    def add_own(ci: int, ev: Event) -> None:
        for art in {s.article for s in ev.sources}:
            own[ci].setdefault(art, []).append(ev)

    def choose(ev: Event, new: _Judged, skip: int = -1, mine: Sequence[Event] = ()) -> int | None:
        scores = (
            (ci, _join_score(judged[ci], new, scorer, same_article=same_article))
            for ci in candidates(ev)
            if ci != skip and (same_article or not any(told_apart_from(ci, m) for m in mine))
        )
        if scorer is None:  # the rules: the first compatible
            return next((ci for ci, score in scores if score is not None), None)
        return _best_candidate(scores)

    for ev in ordered:
        jev = _Judged(ev)
        chosen = choose(ev, jev, mine=(ev,))
        if chosen is None:
            clusters.append([ev])
            merged.append(ev)  # one mention is its own record (combine([ev]) == ev)
            judged.append(jev)
            own.append({})
            chosen = len(clusters) - 1
        else:
            clusters[chosen].append(ev)
            merged[chosen] = combine(clusters[chosen], event_id=clusters[chosen][0].id)
            judged[chosen] = _Judged(merged[chosen])
        add_own(chosen, ev)
        if same_article or judged[chosen].facts.range is not None:
            # undated clusters are never looked up across articles: not indexing them keeps
            # their block from growing with the corpus
            for k in _blocks(merged[chosen]):
                index[k][chosen] = None
    for _ in range(2):  # a second pass catches clusters that grew compatible late
        changed = False
        for i in range(len(clusters)):
            while clusters[i]:
                j = choose(merged[i], judged[i], skip=i, mine=clusters[i])
                if j is None:
                    break
                first, second = (i, j) if clusters[i][0].id <= clusters[j][0].id else (j, i)
                keep = sorted(
                    clusters[first] + clusters[second],
                    key=lambda e: (
                        e.sources[0].published or "",
                        e.sources[0].article,
                        e.sources[0].start,
                        e.id,
                    ),
                )
                clusters[first], clusters[second] = keep, []
                for evs in own[second].values():
                    for m in evs:
                        add_own(first, m)
                own[second] = {}
                merged[first] = combine(keep, event_id=keep[0].id)
                judged[first] = _Judged(merged[first])
                for k in _blocks(merged[first]):
                    index[k][first] = None
                changed = True
                if first != i:
                    break  # this cluster went into an earlier one
        if not changed:
            break
    return [m for m, c in zip(merged, clusters, strict=True) if c]


def merge_results(results: Iterable[ArticleResult]) -> list[Record]:
    """Records of a whole in-memory run: merged events, then statements and figures."""

    events: list[Event] = []
    statements: list[Record] = []
    figures: list[Record] = []
    known = ProvisionalIndex()
    for r in results:
        # one person spelled two ways in two articles is one participant (entity_merge)
        linked = known.link(r.doc.provisional.values())
        events.extend(_relink(ev, linked) for ev in r.events)
        statements.extend(r.statements)
        figures.extend(r.figures)
    merged = merge_events(events)
    merged.sort(key=lambda e: (e.date or "", e.id))
    return [*merged, *statements, *figures]


def _relink(ev: Event, linked: Mapping[str, str]) -> Event:
    if not linked:
        return ev

    def fix(actors: tuple[ActorRef, ...]) -> tuple[ActorRef, ...]:
        return tuple(
            dataclasses.replace(a, entity_id=linked.get(a.entity_id or "", a.entity_id))
            for a in actors
        )

    return dataclasses.replace(
        ev, actors=fix(ev.actors), targets=fix(ev.targets), claimed_by=fix(ev.claimed_by)
    )
