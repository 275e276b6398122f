"""The actors knowledge base (kb/data/actors.yaml): shape, references and alias hygiene.

These tests read the YAML directly, so they hold for any loader: every entry has every key of the
format, ids are unique, every tie points at an existing actor, every alias survives normalization,
and no normalized name belongs to two actors unless the clash is declared.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from rasid.text import normalize_key

DATA = Path(str(resources.files("rasid.kb") / "data"))
ACTORS = DATA / "actors.yaml"
PLACES = DATA / "places.tsv"

REQUIRED_KEYS = (
    "id",
    "kind",
    "name_en",
    "name_ar",
    "aliases_ar",
    "aliases_en",
    "country",
    "wikidata",
    "sector",
    "affiliations",
    "place",
    "nisba_ar",
    "nisba_en",
    "roles",
    "ambiguous",
    "weak_aliases",
)
EXTRA_KEYS = {"capital_metonym", "generic", "umbrella", "cited_source", "died", "matched"}
KINDS = {
    "state",
    "government",
    "military",
    "armed_group",
    "coalition",
    "party",
    "organization",
    "person",
    "media",
}
SECTORS = {
    "GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "LEG", "SPY", "IGO", "NGO", "MED", "EDU",
    "BUS", "REL", "CVL", "UAF",
}  # fmt: skip
AMBIGUITY_RULES = {
    "country_or_word",
    "facility_or_actor",
    "krg_or_rojava_asayish",
    "media_or_place",
    "oman_or_amman",
    "person_or_nisba",
    "person_or_place",
}
ID_RE = re.compile(r"^ac:[a-z0-9]+(?:_[a-z0-9]+)*$")
PLACE_ID_RE = re.compile(r"^pl:[a-z0-9]+(?:_[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
QID_RE = re.compile(r"^Q[1-9]\d*$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")


@functools.cache
def load_actors() -> tuple[dict[str, Any], ...]:
    data = yaml.safe_load(ACTORS.read_text(encoding="utf-8"))
    assert isinstance(data, list), "actors.yaml must be a list of mappings"
    return tuple(data)


@functools.cache
def actors_by_id() -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in load_actors()}


def strong_names(actor: dict[str, Any]) -> list[str]:
    return [actor["name_ar"], actor["name_en"], *actor["aliases_ar"], *actor["aliases_en"]]


@functools.cache
def strong_index() -> dict[str, frozenset[str]]:
    """Normalized strong name -> ids of the actors that carry it."""
    index: dict[str, set[str]] = defaultdict(set)
    for actor in load_actors():
        for name in strong_names(actor):
            index[normalize_key(name)].add(actor["id"])
    return {key: frozenset(ids) for key, ids in index.items()}


def resolve(name: str) -> frozenset[str]:
    return strong_index().get(normalize_key(name), frozenset())


def test_there_are_enough_actors() -> None:
    assert len(load_actors()) >= 300


def test_ids_are_unique_slugs() -> None:
    ids = [a.get("id") for a in load_actors()]
    bad = [i for i in ids if not isinstance(i, str) or not ID_RE.match(i)]
    assert not bad, f"ids must look like ac:lower_case_slug: {bad}"
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate ids: {dupes}"


def test_ids_do_not_clash_with_places() -> None:
    if not PLACES.exists():
        pytest.skip("places.tsv is not there yet")
    with PLACES.open(encoding="utf-8", newline="") as fh:
        place_ids = {row["id"] for row in csv.DictReader(fh, delimiter="\t")}
    clash = sorted(place_ids & set(actors_by_id()))
    assert not clash, f"ids used by both files: {clash}"


def test_every_entry_has_exactly_the_known_keys() -> None:
    problems = []
    for actor in load_actors():
        missing = [k for k in REQUIRED_KEYS if k not in actor]
        unknown = sorted(set(actor) - set(REQUIRED_KEYS) - EXTRA_KEYS)
        if missing or unknown:
            problems.append(f"{actor.get('id')}: missing {missing}, unknown {unknown}")
    assert not problems, "\n".join(problems)


def test_field_types() -> None:
    problems = []
    for a in load_actors():
        aid = a["id"]
        for key in ("name_en", "name_ar"):
            if not isinstance(a[key], str) or not a[key].strip():
                problems.append(f"{aid}: {key} must be a non-empty string")
        for key in ("aliases_ar", "aliases_en", "nisba_ar", "nisba_en", "weak_aliases"):
            if not isinstance(a[key], list) or not all(isinstance(x, str) for x in a[key]):
                problems.append(f"{aid}: {key} must be a list of strings")
        if a["country"] is not None and not ISO2_RE.match(str(a["country"])):
            problems.append(f"{aid}: country {a['country']!r} is not ISO 3166-1 alpha-2")
        if a["wikidata"] is not None and not QID_RE.match(str(a["wikidata"])):
            problems.append(f"{aid}: wikidata {a['wikidata']!r} is not a QID")
        if a["ambiguous"] is not None and a["ambiguous"] not in AMBIGUITY_RULES:
            problems.append(f"{aid}: ambiguity rule {a['ambiguous']!r} is not documented")
        for key in ("generic", "umbrella", "cited_source"):
            if key in a and a[key] is not True:
                problems.append(f"{aid}: {key} is a flag: true or absent")
        if "matched" in a and a["matched"] is not False:
            problems.append(f"{aid}: matched is false or absent")
    assert not problems, "\n".join(problems)


def test_kind_and_sector_are_allowed() -> None:
    problems = []
    for a in load_actors():
        if a["kind"] not in KINDS:
            problems.append(f"{a['id']}: kind {a['kind']!r}")
        if a["kind"] == "state":
            if a["sector"] is not None:
                problems.append(f"{a['id']}: a state carries no sector (its bodies do)")
        elif a["sector"] not in SECTORS:
            problems.append(f"{a['id']}: sector {a['sector']!r}")
    assert not problems, "\n".join(problems)


def test_states_have_place_nisba_and_capital() -> None:
    problems = []
    for a in load_actors():
        if a["kind"] != "state":
            # a building that also acts (an embassy) carries its site
            if a["place"] is not None and a.get("ambiguous") != "facility_or_actor":
                problems.append(f"{a['id']}: only states and facilities carry place")
            continue
        if not isinstance(a["place"], str) or not PLACE_ID_RE.match(a["place"]):
            problems.append(f"{a['id']}: place {a['place']!r}")
        if not a["country"]:
            problems.append(f"{a['id']}: a state needs its country code")
        if not isinstance(a.get("capital_metonym"), list):
            problems.append(f"{a['id']}: capital_metonym must be a list (maybe empty)")
    assert not problems, "\n".join(problems)
    nisba_missing = {a["id"] for a in load_actors() if a["kind"] == "state" and not a["nisba_ar"]}
    # Multi-word nisbas (كوري جنوبي) are left to the matcher's phrase rules; a nisba that is an
    # ordinary adjective (مالي financial, روماني Roman, صحراوي desert) is left out; small states
    # the press names without an adjective have none.
    assert {"ac:south_korea", "ac:north_korea", "ac:mali", "ac:romania"} <= nisba_missing
    assert not nisba_missing & {"ac:iraq", "ac:nigeria", "ac:chad", "ac:niger", "ac:brazil"}


@functools.cache
def load_places() -> tuple[dict[str, str], ...]:
    with PLACES.open(encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh, delimiter="\t"))


def test_state_places_exist_when_places_are_there() -> None:
    if not PLACES.exists():
        pytest.skip("places.tsv is not there yet")
    rows = {row["id"]: row for row in load_places()}
    problems = []
    for a in load_actors():
        if a["kind"] != "state":
            continue
        row = rows.get(a["place"])
        if row is None:
            problems.append(f"{a['id']}: {a['place']} is not in places.tsv")
        elif row["place_type"] != "country" or row["country"] != a["country"]:
            problems.append(f"{a['id']}: {a['place']} is not the country {a['country']}")
    assert not problems, "\n".join(problems)


def test_names_shared_with_places_are_declared() -> None:
    """A non-state actor whose strong name is also a place name (السفارة الأمريكية is a target
    and a speaker) needs an ambiguity rule on one side; states share with their country place
    by the implicit state_country rule."""
    if not PLACES.exists():
        pytest.skip("places.tsv is not there yet")
    place_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in load_places():
        names = [row["name_ar"], row["name_en"], *row["aliases_ar"].split("|")]
        for name in [*names, *row["aliases_en"].split("|")]:
            if name.strip():
                place_names[normalize_key(name)].append((row["id"], row["ambiguous"]))
    offenders = []
    for a in load_actors():
        if a["kind"] == "state" or a["ambiguous"]:
            continue
        for name in strong_names(a):
            for place_id, rule in place_names.get(normalize_key(name), []):
                if not rule:
                    offenders.append(f"{name!r}: {a['id']} and {place_id}")
    assert not offenders, "\n".join(offenders)


def _check_dates(where: str, item: dict[str, Any], problems: list[str]) -> None:
    start, end = item.get("from"), item.get("to")
    for value in (start, end):
        if value is not None and (not isinstance(value, str) or not DATE_RE.match(value)):
            problems.append(f"{where}: date {value!r} must be a quoted YYYY, YYYY-MM or YYYY-MM-DD")
    if isinstance(start, str) and isinstance(end, str) and end[: len(start)] < start[: len(end)]:
        problems.append(f"{where}: ends ({end}) before it starts ({start})")


def test_affiliations_and_roles_point_at_actors() -> None:
    known = actors_by_id()
    problems: list[str] = []
    for a in load_actors():
        for tie in a["affiliations"]:
            where = f"{a['id']} -> {tie.get('id')}"
            if set(tie) - {"id", "role", "from", "to"}:
                problems.append(f"{where}: unknown affiliation keys {sorted(tie)}")
            if tie.get("id") not in known:
                problems.append(f"{where}: no such actor")
            if tie.get("id") == a["id"]:
                problems.append(f"{where}: an actor cannot be affiliated with itself")
            _check_dates(where, tie, problems)
        for role in a["roles"]:
            where = f"{a['id']} role {role.get('title_en')!r}"
            if set(role) != {"title_ar", "title_en", "org", "from", "to"}:
                problems.append(f"{where}: role keys are title_ar, title_en, org, from, to")
            if role.get("org") is not None and role["org"] not in known:
                problems.append(f"{where}: org {role['org']} is no actor")
            if not role.get("title_ar") or not role.get("title_en"):
                problems.append(f"{where}: a role needs both titles")
            _check_dates(where, role, problems)
        if "died" in a and (not isinstance(a["died"], str) or not DATE_RE.match(a["died"])):
            problems.append(f"{a['id']}: died {a['died']!r}")
    assert not problems, "\n".join(problems)


def test_persons_have_roles_and_only_persons_do() -> None:
    no_role = [a["id"] for a in load_actors() if a["kind"] == "person" and not a["roles"]]
    not_person = [a["id"] for a in load_actors() if a["kind"] != "person" and a["roles"]]
    assert not no_role, f"persons without a role: {no_role}"
    assert not not_person, f"roles on non-persons: {not_person}"


def test_roles_after_death_are_closed() -> None:
    problems = []
    for a in load_actors():
        died = a.get("died")
        if not died:
            continue
        for role in a["roles"]:
            if role["to"] is None or role["to"][: len(died)] > died[: len(role["to"])]:
                problems.append(f"{a['id']}: role {role['title_en']!r} runs past death ({died})")
    assert not problems, "\n".join(problems)


def test_every_name_normalizes_to_a_key() -> None:
    empty = [
        f"{a['id']}: {name!r}"
        for a in load_actors()
        for name in [*strong_names(a), *a["weak_aliases"], *a["nisba_ar"], *a["nisba_en"]]
        if not normalize_key(name)
    ]
    assert not empty, f"names that normalize to nothing: {empty}"


def test_no_name_repeats_within_an_actor() -> None:
    problems = []
    for a in load_actors():
        strong = [normalize_key(n) for n in strong_names(a)]
        weak = [normalize_key(n) for n in a["weak_aliases"]]
        repeated = sorted({k for k in strong if strong.count(k) > 1})
        both = sorted(set(strong) & set(weak))
        if repeated or both:
            problems.append(f"{a['id']}: repeated {repeated}, strong and weak {both}")
    assert not problems, "\n".join(problems)


def test_strong_aliases_are_not_shared_unless_declared() -> None:
    """A normalized name that two actors claim must carry an ambiguity rule on one of them;
    weak aliases may be shared freely (the matcher needs context to link them anyway)."""
    known = actors_by_id()
    offenders = []
    for key, ids in sorted(strong_index().items()):
        if len(ids) > 1 and not any(known[i]["ambiguous"] for i in ids):
            offenders.append(f"{key!r}: {sorted(ids)}")
    print("\n".join(offenders))
    assert not offenders, f"{len(offenders)} shared names without an ambiguity rule"


def test_declared_ambiguities_are_real() -> None:
    """An ambiguity rule with nothing ambiguous behind it hides mistakes: each declared actor
    shares a name (strong or weak) with another actor, a nisba or a capital metonym."""
    others: dict[str, set[str]] = defaultdict(set)
    for a in load_actors():
        for name in [*strong_names(a), *a["weak_aliases"], *a.get("capital_metonym", [])]:
            others[normalize_key(name)].add(a["id"])
        for base in a["nisba_ar"]:
            others["ال" + normalize_key(base)].add(a["id"])
    place_names = set()
    if PLACES.exists():
        with PLACES.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                for field in ("name_ar", "aliases_ar"):
                    place_names.update(normalize_key(n) for n in (row.get(field) or "").split("|"))
    idle = []
    for a in load_actors():
        if not a["ambiguous"] or a["ambiguous"].endswith(("_place", "_actor")):
            continue
        keys = {normalize_key(n) for n in [*strong_names(a), *a["weak_aliases"]]}
        if not any(others[k] - {a["id"]} for k in keys) and not keys & place_names:
            idle.append(a["id"])
    assert not idle, f"ambiguity declared but no shared name: {idle}"


def test_nisba_forms_are_not_strong_aliases_of_others() -> None:
    """The name السوداني is both the Iraqi prime minister and the Sudanese nisba: such a clash
    must be declared, or the matcher would read every Sudanese army as the prime minister."""
    nisba_keys: dict[str, str] = {}
    for a in load_actors():
        for base in a["nisba_ar"]:
            key = normalize_key(base)
            nisba_keys[key] = a["id"]
            nisba_keys["ال" + key] = a["id"]
    known = actors_by_id()
    offenders = []
    for key, ids in strong_index().items():
        owner = nisba_keys.get(key)
        for i in ids:
            if owner and i != owner and not known[i]["ambiguous"]:
                offenders.append(f"{key!r}: alias of {i}, nisba of {owner}")
    assert not offenders, "\n".join(offenders)


def test_capital_metonyms_are_not_strong_aliases() -> None:
    """Capitals are resolved by rule (بغداد -> the state when it acts), never by alias."""
    known = actors_by_id()
    offenders = []
    for a in load_actors():
        for cap in a.get("capital_metonym", []):
            ids = resolve(cap)
            if ids and not all(known[i]["ambiguous"] for i in ids):
                offenders.append(f"{cap}: capital of {a['id']}, alias of {sorted(ids)}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            [
                "كتائب حزب الله",
                "كتائب حزب الله العراقية",
                "حزب الله العراقي",
                "Kataib Hezbollah",
                "Kata'ib Hizballah",
                "KH",
            ],
            "ac:kataib_hezbollah",
        ),
        (
            [
                "داعش",
                "تنظيم الدولة",
                "تنظيم الدولة الإسلامية",
                "الدولة الإسلامية في العراق والشام",
                "تنظيم داعش الإرهابي",
                "عصابات داعش",
                "ISIS",
                "ISIL",
                "Daesh",
                "Islamic State",
            ],
            "ac:isis",
        ),
        (["الحشد الشعبي", "هيئة الحشد الشعبي", "قوات الحشد الشعبي", "PMF"], "ac:pmf"),
        (["حركة النجباء", "النجباء", "حركة حزب الله النجباء"], "ac:harakat_al_nujaba"),
        (["عصائب أهل الحق", "العصائب"], "ac:asaib_ahl_al_haq"),
        (["منظمة بدر", "فيلق بدر"], "ac:badr_organization"),
        (
            ["القوات الأمريكية", "القوات الأميركية", "الجيش الأمريكي", "الجنود الأمريكيين"],
            "ac:us_forces",
        ),
        (["البنتاغون", "وزارة الدفاع الأمريكية", "Pentagon"], "ac:us_department_of_defense"),
        (["القيادة المركزية الأمريكية", "سنتكوم", "CENTCOM"], "ac:centcom"),
        (
            [
                "التحالف الدولي",
                "التحالف الدولي لمحاربة داعش",
                "قوات التحالف",
                "التحالف الذي تقوده الولايات المتحدة",
            ],
            "ac:cjtf_oir",
        ),
        (["يونامي", "بعثة الأمم المتحدة لمساعدة العراق"], "ac:unami"),
        (["قوات سوريا الديمقراطية", "قسد", "SDF"], "ac:sdf"),
        (["الولايات المتحدة", "أمريكا", "أميركا", "U.S.", "USA"], "ac:united_states"),
        (["الحرس الثوري الإيراني", "الحرس الثوري", "حرس إيران الثوري"], "ac:irgc"),
        (["الفصائل المسلحة", "الفصائل", "الميليشيات", "المليشيات"], "ac:iran_aligned_factions"),
        (["كريس ميللر", "كريستوفر ميلر"], "ac:christopher_miller"),
        (["محمد شياع السوداني", "محمد السوداني", "السوداني"], "ac:mohammed_shia_al_sudani"),
        (["أبو باقر الساعدي", "أبو بكر السعدي"], "ac:abu_baqir_al_saadi"),
        (["قاسم سليماني", "سليماني"], "ac:qasem_soleimani"),
        (["الحوثيون", "أنصار الله"], "ac:houthis"),
        (["ماثيو تولر"], "ac:matthew_tueller"),
        (["رويترز", "فرانس برس", "أ ف ب", "أ.ب", "وول ستريت جورنال"], None),
    ],
)
def test_names_resolve_to_one_actor(names: list[str], expected: str | None) -> None:
    for name in names:
        ids = resolve(name)
        assert len(ids) == 1, f"{name!r} -> {sorted(ids)}"
        if expected is not None:
            assert ids == {expected}, f"{name!r} -> {sorted(ids)}"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("رويترز", "media"),
        ("وول ستريت جورنال", "media"),
        ("أسوشيتد برس", "media"),
        ("معهد واشنطن", "organization"),
        ("تشاتام هاوس", "organization"),
        ("منظمة الشفافية الدولية", "organization"),
        ("كونترول ريسكس", "organization"),
    ],
)
def test_cited_sources_are_not_parties(name: str, kind: str) -> None:
    (aid,) = resolve(name)
    actor = actors_by_id()[aid]
    assert actor["kind"] == kind
    assert actor.get("cited_source") is True


@pytest.mark.parametrize(
    "name",
    [
        "واشنطن",
        "بغداد",
        "طهران",
        "دمشق",
        "المهندس",
        "الكتائب",
        "القاعدة",
        "الحشد",
        "رئيسي",
        "الصدر",
        "US",
        "IS",
        "Salami",
    ],
)
def test_risky_words_are_never_strong_aliases(name: str) -> None:
    assert not resolve(name), f"{name!r} must be a weak alias or left to a rule"


def test_generic_umbrellas_are_flagged() -> None:
    factions = actors_by_id()["ac:iran_aligned_factions"]
    assert factions["generic"] is True
    assert factions["kind"] == "armed_group"
    members = {
        a["id"]
        for a in load_actors()
        if any(t["id"] == "ac:islamic_resistance_in_iraq" for t in a["affiliations"])
    }
    assert {"ac:kataib_hezbollah", "ac:harakat_al_nujaba"} <= members
