"""Data checks on the places table of the knowledge base (src/rasid/kb/data/places.tsv).

The table is read with ``csv`` directly, so these checks hold whatever loader sits on top of it.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest

from rasid.text import normalize_key

COLUMNS = [
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
]
PLACE_TYPES = {
    "country",
    "governorate",
    "district",
    "city",
    "town",
    "village",
    "base",
    "facility",
    "border_crossing",
    "landmark",
    "region",
    "neighborhood",
    "airport",
}
ID_RE = re.compile(r"^pl:[a-z0-9_]+$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
RULE_RE = re.compile(r"^[a-z][a-z_]*$")
BBOX_FILE = Path(__file__).parent / "data" / "kb_country_bboxes.tsv"

Row = dict[str, str]


def _data_dir() -> Path:
    return Path(str(resources.files("rasid") / "kb" / "data"))


@lru_cache(maxsize=1)
def load_raw() -> tuple[list[str], list[list[str]]]:
    with (_data_dir() / "places.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return header, list(reader)


@lru_cache(maxsize=1)
def load_rows() -> tuple[Row, ...]:
    header, body = load_raw()
    return tuple(dict(zip(header, cells, strict=True)) for cells in body)


@lru_cache(maxsize=1)
def load_bboxes() -> dict[str, tuple[float, float, float, float]]:
    lines = [
        ln for ln in BBOX_FILE.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
    ]
    out: dict[str, tuple[float, float, float, float]] = {}
    for rec in csv.DictReader(lines, delimiter="\t"):
        out[rec["country"]] = (
            float(rec["lat_min"]),
            float(rec["lat_max"]),
            float(rec["lon_min"]),
            float(rec["lon_max"]),
        )
    return out


def by_id() -> dict[str, Row]:
    return {r["id"]: r for r in load_rows()}


def names_of(row: Row) -> list[str]:
    """Every surface form a row offers: names and both alias lists."""
    out = [row["name_ar"], row["name_en"]]
    for col in ("aliases_ar", "aliases_en"):
        if row[col]:
            out.extend(row[col].split("|"))
    return [n for n in out if n]


def is_supranational(row: Row) -> bool:
    """A region spanning several countries (الشرق الأوسط, الخليج): no country of its own."""
    return row["place_type"] == "region" and row["country"] == ""


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(a))


# ---- shape


def test_header_is_the_contract() -> None:
    header, _ = load_raw()
    assert header == COLUMNS


def test_every_row_has_fourteen_columns() -> None:
    _, body = load_raw()
    bad = [(i + 2, len(cells)) for i, cells in enumerate(body) if len(cells) != len(COLUMNS)]
    assert not bad, f"(line, columns) with the wrong width: {bad}"


def test_no_stray_whitespace_or_empty_list_items() -> None:
    bad = []
    for row in load_rows():
        for col, value in row.items():
            if value != value.strip():
                bad.append((row["id"], col, value))
            if col.startswith("aliases") and value and any(not x.strip() for x in value.split("|")):
                bad.append((row["id"], col, value))
    assert not bad, bad


def test_enough_rows() -> None:
    assert len(load_rows()) >= 500


# ---- ids, types, codes


def test_ids_are_unique_prefixed_slugs() -> None:
    ids = [r["id"] for r in load_rows()]
    malformed = [i for i in ids if not ID_RE.match(i)]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not malformed, malformed
    assert not dupes, dupes


def test_place_types_are_allowed() -> None:
    bad = [(r["id"], r["place_type"]) for r in load_rows() if r["place_type"] not in PLACE_TYPES]
    assert not bad, bad


def test_countries_are_known_codes() -> None:
    boxes = load_bboxes()
    bad = [
        (r["id"], r["country"])
        for r in load_rows()
        if r["country"] not in boxes and not is_supranational(r)
    ]
    assert not bad, f"country code missing from {BBOX_FILE.name} or malformed: {bad}"


def test_country_rows_are_one_per_code() -> None:
    codes = [r["country"] for r in load_rows() if r["place_type"] == "country"]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)


def test_wikidata_ids_are_well_formed_and_distinct() -> None:
    qids = [r["wikidata"] for r in load_rows() if r["wikidata"]]
    assert all(QID_RE.match(q) for q in qids), [q for q in qids if not QID_RE.match(q)]
    assert len(qids) == len(set(qids)), sorted({q for q in qids if qids.count(q) > 1})


# ---- coordinates


def test_coordinates_parse_and_lie_inside_the_country() -> None:
    boxes = load_bboxes()
    bad = []
    for r in load_rows():
        lat, lon = float(r["lat"]), float(r["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, r["id"]
        if is_supranational(r):
            continue
        lat_min, lat_max, lon_min, lon_max = boxes[r["country"]]
        if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            bad.append((r["id"], r["country"], lat, lon))
    assert not bad, f"outside the country's bounding box: {bad}"


def test_children_lie_near_their_parent() -> None:
    """A base, facility or neighbourhood sits close to the town it hangs from: a wrong parent
    or a swapped lat/lon shows up here. Governorates and countries are too large to check."""
    rows = by_id()
    bad = []
    for r in load_rows():
        parent = rows.get(r["parent"])
        if parent is None or parent["place_type"] not in {"city", "town", "village", "airport"}:
            continue
        d = distance_km(
            float(r["lat"]), float(r["lon"]), float(parent["lat"]), float(parent["lon"])
        )
        if d > 60:
            bad.append((r["id"], r["parent"], round(d)))
    assert not bad, f"(id, parent, km) too far apart: {bad}"


# ---- hierarchy


def test_every_parent_exists_and_the_chain_reaches_a_country() -> None:
    rows = by_id()
    bad = []
    for r in load_rows():
        seen = {r["id"]}
        cur = r
        while cur["parent"]:
            nxt = rows.get(cur["parent"])
            if nxt is None:
                bad.append((r["id"], f"unknown parent {cur['parent']}"))
                break
            if nxt["id"] in seen:
                bad.append((r["id"], "cycle"))
                break
            seen.add(nxt["id"])
            cur = nxt
        else:
            if cur["place_type"] != "country" and not is_supranational(cur):
                bad.append((r["id"], f"chain ends at {cur['id']}"))
    assert not bad, bad


def test_countries_have_no_parent_and_others_agree_with_their_parent() -> None:
    rows = by_id()
    bad = []
    for r in load_rows():
        if r["place_type"] == "country":
            if r["parent"]:
                bad.append((r["id"], "country with a parent"))
            continue
        parent = rows.get(r["parent"])
        if parent is None:
            if not is_supranational(r):
                bad.append((r["id"], "no parent"))
            continue
        if parent["country"] and r["country"] != parent["country"]:
            bad.append((r["id"], f"country {r['country']} under {parent['id']}"))
    assert not bad, bad


def test_admin1_follows_the_governorate() -> None:
    rows = by_id()
    bad: list[tuple[str, ...]] = []
    for r in load_rows():
        if r["place_type"] == "governorate":
            if not r["admin1"]:
                bad.append((r["id"], "governorate without admin1"))
            continue
        cur = rows.get(r["parent"])
        while cur is not None and cur["place_type"] != "governorate":
            cur = rows.get(cur["parent"])
        if cur is not None and r["admin1"] != cur["admin1"]:
            bad.append((r["id"], r["admin1"], cur["id"], cur["admin1"]))
    assert not bad, bad


@pytest.mark.parametrize(("country", "expected"), [("IQ", 19), ("SY", 14), ("JO", 12)])
def test_all_governorates_are_present(country: str, expected: int) -> None:
    govs = [r for r in load_rows() if r["country"] == country and r["place_type"] == "governorate"]
    assert len(govs) >= expected
    assert len({r["admin1"] for r in govs}) == len(govs)


# ---- names and aliases


def test_every_name_normalizes_to_a_key() -> None:
    bad = [(r["id"], n) for r in load_rows() for n in names_of(r) if not normalize_key(n)]
    assert not bad, bad


def test_every_row_has_both_names() -> None:
    bad = [r["id"] for r in load_rows() if not r["name_ar"] or not r["name_en"]]
    assert not bad, bad


def test_shared_aliases_are_declared_ambiguous() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for r in load_rows():
        for n in names_of(r):
            owners[normalize_key(n)].add(r["id"])
    rows = by_id()
    bad = [
        f"{key!r} shared by {' and '.join(sorted(ids))}"
        for key, ids in sorted(owners.items())
        if len(ids) > 1 and not any(rows[i]["ambiguous"] for i in ids)
    ]
    assert not bad, "; ".join(bad)


def test_ambiguity_rules_are_named_and_documented() -> None:
    readme = (_data_dir() / "README.md").read_text(encoding="utf-8")
    rules = {r["ambiguous"] for r in load_rows() if r["ambiguous"]}
    assert all(RULE_RE.match(rule) for rule in rules), rules
    undocumented = sorted(rule for rule in rules if f"`{rule}`" not in readme)
    assert not undocumented, (
        f"rules used in places.tsv but not explained in README.md: {undocumented}"
    )


# Ordinary words that news text is full of: a place may carry one only under a declared rule.
COMMON_WORDS = [
    "العديد",
    "التقدم",
    "المدينة",
    "الدولة",
    "الثورة",
    "النصر",
    "السلام",
    "الشعب",
    "الجزيرة",
    "الحرية",
    "القائم",
    "بلد",
    "الدور",
    "عنه",
    "الصور",
    "الطبقة",
    "سلوك",
    "الكرامة",
]


@pytest.mark.parametrize("word", COMMON_WORDS)
def test_common_word_is_never_a_plain_alias(word: str) -> None:
    key = normalize_key(word)
    plain = [
        r["id"]
        for r in load_rows()
        if not r["ambiguous"] and key in {normalize_key(n) for n in names_of(r)}
    ]
    assert not plain, f"{word!r} is an alias of {plain} without an ambiguity rule"


# ---- facts the press relies on (lookups by exact alias, not the matcher)

FACTS = [
    # alias, id, country, admin1, place_type
    ("عين الأسد", "pl:ain_al_asad_airbase", "IQ", "Anbar", "base"),
    ("قاعدة حرير", "pl:harir_airbase", "IQ", "Erbil", "base"),
    ("معسكر النصر", "pl:victory_base_complex", "IQ", "Baghdad", "base"),
    ("المنطقة الخضراء", "pl:green_zone", "IQ", "Baghdad", "landmark"),
    ("عينكاوة", "pl:ankawa", "IQ", "Erbil", "neighborhood"),
    ("قرقوش", "pl:hamdaniya", "IQ", "Nineveh", "town"),
    ("الطوز", "pl:tuz_khurmatu", "IQ", "Salah ad-Din", "town"),
    ("ذيقار", "pl:dhiqar_gov", "IQ", "Dhi Qar", "governorate"),
    ("أبو كمال", "pl:albukamal", "SY", "Deir ez-Zor", "city"),
    ("حقل العمر", "pl:omar_oil_field", "SY", "Deir ez-Zor", "base"),
    ("معمل كونيكو", "pl:conoco_field", "SY", "Deir ez-Zor", "base"),
    ("كوباني", "pl:kobani", "SY", "Aleppo", "city"),
    ("مخيم الهول", "pl:al_hol_camp", "SY", "Al-Hasakah", "facility"),
    ("ديريك", "pl:malikiyah", "SY", "Al-Hasakah", "town"),
    ("قاعدة التنف", "pl:tanf_garrison", "SY", "Homs", "base"),
    ("البرج 22", "pl:tower_22", "JO", "Mafraq", "base"),
    ("قاعدة موفق السلطي", "pl:muwaffaq_salti_airbase", "JO", "Zarqa", "base"),
    ("منفذ طريبيل", "pl:trebil_crossing", "IQ", "Anbar", "border_crossing"),
    ("معبر نصيب", "pl:nasib_crossing", "SY", "Daraa", "border_crossing"),
    ("سوريا", "pl:syria", "SY", "", "country"),
    ("سورية", "pl:syria", "SY", "", "country"),
    ("أميركا", "pl:united_states", "US", "", "country"),
    ("الضاحية الجنوبية", "pl:dahiyeh", "LB", "Beirut", "neighborhood"),
    ("كردستان العراق", "pl:kurdistan_region", "IQ", "Kurdistan Region", "region"),
]


@pytest.mark.parametrize(("alias", "place_id", "country", "admin1", "place_type"), FACTS)
def test_alias_names_the_expected_place(
    alias: str, place_id: str, country: str, admin1: str, place_type: str
) -> None:
    key = normalize_key(alias)
    hits = [r for r in load_rows() if key in {normalize_key(n) for n in names_of(r)}]
    assert [r["id"] for r in hits] == [place_id]
    row = hits[0]
    assert (row["country"], row["admin1"], row["place_type"]) == (country, admin1, place_type)


SHARED = [
    # alias, the places that share it on purpose, the rule that separates them
    ("بغداد", {"pl:baghdad", "pl:baghdad_gov"}, "city_or_governorate"),
    ("هولير", {"pl:erbil", "pl:erbil_gov"}, "city_or_governorate"),
    ("ديرالزور", {"pl:deir_ez_zor", "pl:deir_ez_zor_gov"}, "city_or_governorate"),
    ("عمان", {"pl:amman", "pl:oman"}, "oman_or_amman"),
    ("طرابلس", {"pl:tripoli_lebanon", "pl:tripoli_libya"}, "homonym"),
]


@pytest.mark.parametrize(("alias", "place_ids", "rule"), SHARED)
def test_deliberately_shared_alias(alias: str, place_ids: set[str], rule: str) -> None:
    key = normalize_key(alias)
    hits = [r for r in load_rows() if key in {normalize_key(n) for n in names_of(r)}]
    assert {r["id"] for r in hits} == place_ids
    assert {r["ambiguous"] for r in hits} == {rule}


NEAR = [
    # id, lat, lon, km: reference points from the gold of the development articles and GeoNames
    ("pl:baghdad", 33.315, 44.366, 10),
    ("pl:natanz_facility", 33.72, 51.73, 5),
    ("pl:mosul", 36.335, 43.119, 5),
    ("pl:deir_ez_zor", 35.336, 40.141, 5),
    ("pl:amman", 31.955, 35.945, 5),
]


@pytest.mark.parametrize(("place_id", "lat", "lon", "km"), NEAR)
def test_coordinates_match_reference_points(place_id: str, lat: float, lon: float, km: int) -> None:
    row = by_id()[place_id]
    assert distance_km(float(row["lat"]), float(row["lon"]), lat, lon) <= km
