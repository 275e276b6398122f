"""Read the knowledge base (places.tsv, actors.yaml) into one ``KnowledgeBase``.

The package's own files under ``rasid/kb/data/`` load first; a user's files (``extra_paths`` or
the ``RASID_KB_PATH`` environment variable, paths separated by ``os.pathsep``) load on top: an
entry with an id that already exists replaces it, a new id is added. A path may be a ``.tsv``
(places), a ``.yaml``/``.yml`` (actors) or a directory holding such files.

Nothing loads at import: ``load_kb`` reads the files on first call and caches the result per set
of extra paths. Errors name the file, the line (or entry) and how to fix it.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from rasid.errors import RasidError
from rasid.records import Entity
from rasid.text import normalize_key

if TYPE_CHECKING:
    from rasid.kb.matcher import Matcher

log = logging.getLogger(__name__)

PLACE_COLUMNS = (
    "id",
    "name_en",
    "name_ar",
    "aliases_ar",
    "aliases_en",
    "country",
    "admin1",
    "admin2",
    "place_type",
    "lat",
    "lon",
    "wikidata",
    "parent",
    "ambiguous",
)
ENV_VAR = "RASID_KB_PATH"


class KnowledgeBaseError(RasidError):
    """A knowledge-base file that cannot be read (file, entry, reason)."""


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A tie from an entry to an umbrella, employer or office, with the years it held."""

    id: str
    role: str | None = None
    start: str | None = None  # "2014", "2022-10", "2022-10-27"
    end: str | None = None


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """What the matcher needs beyond ``Entity``: weak aliases, nisba bases, rules, dated ties."""

    id: str
    kind: str
    weak_aliases: tuple[str, ...] = ()
    nisba_ar: tuple[str, ...] = ()
    nisba_en: tuple[str, ...] = ()
    ambiguous: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    roles: tuple[Affiliation, ...] = ()  # a person's offices: id = org, role = title_ar
    role_titles_en: tuple[str, ...] = ()
    place: str | None = None  # a state's country place
    admin2: str | None = None
    source: str = ""


class KnowledgeBase:
    """Actors and places by id, with the lookups the matcher and the event stage need."""

    def __init__(self, entities: Mapping[str, Entity], info: Mapping[str, EntryInfo]) -> None:
        self.entities: Mapping[str, Entity] = dict(entities)
        self.info: Mapping[str, EntryInfo] = dict(info)
        self._matcher: Matcher | None = None
        self._states_by_country: dict[str, str] = {}
        self._state_by_place: dict[str, str] = {}
        for eid, inf in self.info.items():
            ent = self.entities[eid]
            if inf.kind == "state":
                if ent.country:
                    self._states_by_country.setdefault(ent.country, eid)
                if inf.place:
                    self._state_by_place[inf.place] = eid
        self.capital_metonyms: Mapping[str, str] = self._find_capitals()
        self._nisba_index: dict[str, str] = {}
        from rasid.kb.morph import nisba_forms

        for eid, inf in self.info.items():
            for base in inf.nisba_ar:
                for form in nisba_forms(base):
                    self._nisba_index.setdefault(form, eid)
            for base in inf.nisba_en:
                self._nisba_index.setdefault(normalize_key(base), eid)

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def ancestors(self, place_id: str) -> list[str]:
        """The containment chain above a place, nearest first, ending at its country."""
        chain: list[str] = []
        seen = {place_id}
        cur = self.entities.get(place_id)
        while cur is not None and cur.parent and cur.parent not in seen:
            chain.append(cur.parent)
            seen.add(cur.parent)
            cur = self.entities.get(cur.parent)
        return chain

    def state_of(self, country_code: str) -> Entity | None:
        """The state actor of an ISO 3166-1 alpha-2 code, or None when the KB has none."""
        eid = self._states_by_country.get(country_code.upper())
        return self.entities.get(eid) if eid else None

    def country_place(self, country_code: str) -> Entity | None:
        """The country place of an ISO 3166-1 alpha-2 code (``IQ`` -> ``pl:iraq``)."""
        state = self.state_of(country_code)
        return self.place_of_state(state.id) if state is not None else None

    def site_of(self, actor_id: str) -> Entity | None:
        """The place of an actor that is also a building (``ac:us_embassy_baghdad``)."""
        inf = self.info.get(actor_id)
        if inf is None or inf.kind == "state":
            return None
        return self.place_of_state(actor_id)

    def place_of_state(self, actor_id: str) -> Entity | None:
        """The country place of a state actor (``ac:iraq`` -> ``pl:iraq``)."""
        inf = self.info.get(actor_id)
        if inf is None or not inf.place:
            return None
        return self.entities.get(inf.place)

    def state_of_place(self, place_id: str) -> Entity | None:
        """The state actor whose country place is ``place_id`` (``pl:iraq`` -> ``ac:iraq``)."""
        eid = self._state_by_place.get(place_id)
        return self.entities.get(eid) if eid else None

    def nisba(self, word: str) -> Entity | None:
        """The entity a nisba adjective in any form names ("العراقية", "وللعراقيين" -> ac:iraq)."""
        from rasid.kb.morph import strip_proclitics

        for _, rest in strip_proclitics(normalize_key(word)):
            eid = self._nisba_index.get(rest)
            if eid:
                return self.entities.get(eid)
        return None

    def affiliation(self, entity_id: str, on: dt.date | None = None) -> str | None:
        """The body a person (or group) acts for on a date: offices first, then other ties.

        With no date, the current tie (open end) wins, else the latest one.
        """
        inf = self.info.get(entity_id)
        if inf is None:
            return None
        for ties in (inf.roles, inf.affiliations):
            chosen = _pick_tie(ties, on)
            if chosen is not None:
                return chosen.id
        return None

    def _find_capitals(self) -> dict[str, str]:
        """Capital place id -> state actor id: cities named in kb/rules/capitals.tsv for their
        country, and places whose ``ambiguous`` rule names a capital."""
        from rasid.kb.morph import capital_names

        names = capital_names()
        out: dict[str, str] = {}
        for eid, ent in self.entities.items():
            if ent.kind != "place" or not ent.country:
                continue
            marked = "capital" in (self.info[eid].ambiguous or "")
            named = ent.place_type in ("city", None) and (
                names.get(normalize_key(ent.name_ar)) == ent.country
            )
            state = self._states_by_country.get(ent.country)
            if state and (marked or named):
                out[eid] = state
        return out

    @property
    def matcher(self) -> Matcher:
        """The compiled automaton over every alias, built on first use."""
        if self._matcher is None:
            from rasid.kb.matcher import build_matcher

            self._matcher = build_matcher(self)
        return self._matcher


def _date_key(value: str | None, default: str) -> str:
    return value if value else default


def _pick_tie(ties: Sequence[Affiliation], on: dt.date | None) -> Affiliation | None:
    if not ties:
        return None
    if on is not None:
        day = on.isoformat()
        live = [
            t
            for t in ties
            if _date_key(t.start, "0000") <= day and (t.end is None or day < _end_bound(t.end))
        ]
        if live:
            return max(live, key=lambda t: _date_key(t.start, "0000"))
        return None
    current = [t for t in ties if t.end is None]
    pool = current or list(ties)
    return max(pool, key=lambda t: _date_key(t.start, "0000"))


def _end_bound(end: str) -> str:
    """An end given as a year or month covers all of that year or month."""
    if len(end) == 4:
        return f"{end}-99"
    if len(end) == 7:
        return f"{end}-99"
    return end + "~"


# -- reading files -----------------------------------------------------------------------------


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def read_places(path: Path, text: str) -> list[tuple[Entity, EntryInfo]]:
    """Rows of a places.tsv (format: kb/data/README.md)."""
    out: list[tuple[Entity, EntryInfo]] = []
    reader = csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in PLACE_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise KnowledgeBaseError(f"{path}:1: missing columns {', '.join(missing)}")
    for lineno, row in enumerate(reader, start=2):
        eid = (row.get("id") or "").strip()
        if not eid or eid.startswith("#"):
            continue
        try:
            lat = float(row["lat"]) if (row.get("lat") or "").strip() else None
            lon = float(row["lon"]) if (row.get("lon") or "").strip() else None
        except ValueError as exc:
            raise KnowledgeBaseError(f"{path}:{lineno}: {eid}: bad coordinate ({exc})") from exc
        name_ar = (row.get("name_ar") or "").strip()
        name_en = (row.get("name_en") or "").strip()
        aliases = _dedupe(
            [
                name_ar,
                *_split_list(row.get("aliases_ar") or ""),
                name_en,
                *_split_list(row.get("aliases_en") or ""),
            ]
        )
        ent = Entity(
            id=eid,
            kind="place",
            name=name_en or eid,
            name_ar=name_ar,
            country=_opt(row.get("country")),
            wikidata=_opt(row.get("wikidata")),
            aliases=aliases,
            lat=lat,
            lon=lon,
            admin1=_opt(row.get("admin1")),
            place_type=_opt(row.get("place_type")),
            parent=_opt(row.get("parent")),
        )
        info = EntryInfo(
            id=eid,
            kind="place",
            ambiguous=_opt(row.get("ambiguous")),
            admin2=_opt(row.get("admin2")),
            source=f"{path}:{lineno}",
        )
        out.append((ent, info))
    return out


def _as_list(value: Any, where: str, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return value
    raise KnowledgeBaseError(f"{where}: {field} must be a list, got {type(value).__name__}")


def _ties(
    items: list[Any], where: str, field: str, org_key: str, role_key: str
) -> list[Affiliation]:
    out: list[Affiliation] = []
    for item in items:
        if isinstance(item, str):
            out.append(Affiliation(id=item))
            continue
        if not isinstance(item, dict) or not item.get(org_key):
            if isinstance(item, dict) and field == "roles":
                # An office without an organization still gives a title to match.
                out.append(Affiliation(id="", role=_opt(item.get(role_key))))
                continue
            raise KnowledgeBaseError(f"{where}: each {field} item needs '{org_key}'")
        out.append(
            Affiliation(
                id=str(item[org_key]),
                role=_opt(item.get(role_key)),
                start=_opt(item.get("from")),
                end=_opt(item.get("to")),
            )
        )
    return out


def read_actors(path: Path, text: str) -> list[tuple[Entity, EntryInfo]]:
    """Entries of an actors.yaml (format: kb/data/README.md)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: several times faster
    try:
        data = yaml.load(text, Loader=loader)  # a safe loader either way
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: not valid YAML ({exc})") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise KnowledgeBaseError(f"{path}: expected a list of actor entries")
    out: list[tuple[Entity, EntryInfo]] = []
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not item.get("id"):
            raise KnowledgeBaseError(f"{path}: entry {n} has no id")
        eid = str(item["id"])
        where = f"{path}: {eid}"
        kind = str(item.get("kind") or "organization")
        name_ar = str(item.get("name_ar") or "").strip()
        name_en = str(item.get("name_en") or "").strip()
        aliases_ar = [str(a) for a in _as_list(item.get("aliases_ar"), where, "aliases_ar")]
        aliases_en = [str(a) for a in _as_list(item.get("aliases_en"), where, "aliases_en")]
        weak = [str(a) for a in _as_list(item.get("weak_aliases"), where, "weak_aliases")]
        affs = _ties(
            _as_list(item.get("affiliations"), where, "affiliations"),
            where,
            "affiliations",
            "id",
            "role",
        )
        roles = _ties(
            _as_list(item.get("roles"), where, "roles"), where, "roles", "org", "title_ar"
        )
        titles_en = [
            str(r.get("title_en"))
            for r in _as_list(item.get("roles"), where, "roles")
            if isinstance(r, dict) and r.get("title_en")
        ]
        weak_keys = {normalize_key(w) for w in weak}
        aliases = _dedupe(
            a
            for a in [name_ar, *aliases_ar, name_en, *aliases_en]
            if normalize_key(a) not in weak_keys
        )
        if item.get("matched") is False:
            aliases = ()  # a label the rules give ("Protesters"), never a name found in text
        tie_ids = _dedupe([a.id for a in affs] + [r.id for r in roles if r.id])
        ent = Entity(
            id=eid,
            kind=kind,
            name=name_en or eid,
            name_ar=name_ar,
            country=_opt(item.get("country")),
            wikidata=_opt(item.get("wikidata")),
            aliases=aliases,
            sector=_opt(item.get("sector")),
            affiliations=tie_ids,
        )
        info = EntryInfo(
            id=eid,
            kind=kind,
            weak_aliases=_dedupe(weak),
            nisba_ar=_dedupe(str(x) for x in _as_list(item.get("nisba_ar"), where, "nisba_ar")),
            nisba_en=_dedupe(str(x) for x in _as_list(item.get("nisba_en"), where, "nisba_en")),
            ambiguous=_opt(item.get("ambiguous")),
            affiliations=tuple(affs),
            roles=tuple(r for r in roles if r.id or r.role),
            role_titles_en=tuple(titles_en),
            place=_opt(item.get("place")),
            source=str(path),
        )
        out.append((ent, info))
    return out


def _files_in(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.iterdir() if p.suffix in (".tsv", ".yaml", ".yml") and p.is_file()
        )
    if path.is_file():
        return [path]
    raise KnowledgeBaseError(f"{path}: no such knowledge-base file or directory ({ENV_VAR}?)")


def read_file(path: Path) -> list[tuple[Entity, EntryInfo]]:
    """Entries of one places (.tsv) or actors (.yaml/.yml) file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"{path}: cannot read ({exc})") from exc
    if path.suffix == ".tsv":
        return read_places(path, text)
    if path.suffix in (".yaml", ".yml"):
        return read_actors(path, text)
    raise KnowledgeBaseError(f"{path}: unknown knowledge-base file type (want .tsv or .yaml)")


def package_files() -> list[Path]:
    """The knowledge-base files shipped in the package (places first, then actors)."""
    root = resources.files("rasid.kb") / "data"
    out: list[Path] = []
    for name in ("places.tsv", "actors.yaml"):
        entry = root / name
        if entry.is_file():
            out.append(Path(str(entry)))
    return out


def build_kb(paths: Sequence[Path]) -> KnowledgeBase:
    """A knowledge base from files in order; later entries replace earlier ones by id."""
    entities: dict[str, Entity] = {}
    info: dict[str, EntryInfo] = {}
    for base in paths:
        for path in _files_in(base):
            seen_here: set[str] = set()
            for ent, inf in read_file(path):
                if ent.id in seen_here:
                    raise KnowledgeBaseError(f"{path}: duplicate id {ent.id}")
                seen_here.add(ent.id)
                if ent.id in entities:
                    log.info("%s: %s replaces an earlier entry", path, ent.id)
                entities[ent.id] = ent
                info[ent.id] = inf
    return KnowledgeBase(entities, info)


def _env_paths(raw: str) -> tuple[str, ...]:
    return tuple(p for p in raw.split(os.pathsep) if p.strip())


@functools.lru_cache(maxsize=8)
def _load_cached(paths: tuple[str, ...], with_package: bool) -> KnowledgeBase:
    files = package_files() if with_package else []
    kb = build_kb([*files, *(Path(p) for p in paths)])
    # The matcher is built with the knowledge base, before the stages load their own tables:
    # its automaton and readings are then allocated together, not in the gaps those loads
    # leave, and the walk inside the pipeline fetches fewer lines and pages (the knowledge
    # base's share of the pipeline's CPU time on the first 3,000 ANT articles: 10.2% when the
    # matcher was built at the first article, 8.3% built here; 0.29 s more to load).
    _ = kb.matcher
    return kb


@functools.lru_cache(maxsize=8)
def _load_default(raw: str) -> KnowledgeBase:
    return _load_cached(_env_paths(raw), True)


def load_kb(extra_paths: Sequence[str] = (), *, package: bool = True) -> KnowledgeBase:
    """The package's knowledge base plus ``extra_paths`` and ``$RASID_KB_PATH``, loaded once.

    ``package=False`` leaves out the shipped files (tests use a fixture KB on its own).
    """
    raw = os.environ.get(ENV_VAR, "")
    if not extra_paths and package:
        # the stages ask for it several times an article: one cached look-up by the variable
        return _load_default(raw)
    return _load_cached((*_env_paths(raw), *extra_paths), package)
