"""Every entity of a 3,000-article run of the ANT corpus has a readable English name, and no
generic noun is a person (the first 3,000 lines of the corpus; skipped where it is absent)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rasid.entities import is_generic_name
from rasid.ingest import IngestProblem, read_articles
from rasid.kb.load import load_kb
from rasid.names import is_consonant_skeleton, is_readable_name
from rasid.pipeline import annotate
from rasid.records import Entity
from rasid.text import normalize_key

CORPUS = Path("/work/shared/corpora/ant-multisource/ant_v2.1_multisource.jsonl")


@pytest.fixture(scope="session")
def run_entities(tmp_path_factory: pytest.TempPathFactory) -> list[Entity]:
    if not CORPUS.exists():
        pytest.skip("the ANT corpus is not on this machine")
    path = tmp_path_factory.mktemp("ant") / "ant3k.jsonl"
    with CORPUS.open(encoding="utf-8") as src:
        path.write_text("".join(itertools.islice(src, 3000)), encoding="utf-8")
    kb = load_kb()
    found: dict[str, Entity] = {}
    for article in read_articles([str(path)]):
        if isinstance(article, IngestProblem):
            continue
        doc = annotate(article)
        for m in doc.mentions:
            ent = doc.provisional.get(m.entity_id) or kb.get(m.entity_id)
            if ent is not None:
                found.setdefault(ent.id, ent)
    return list(found.values())


def test_no_underscore_or_skeleton(run_entities: list[Entity]) -> None:
    bad = [e.name for e in run_entities if "_" in e.name or is_consonant_skeleton(e.name)]
    assert len(run_entities) > 1000
    assert not bad


def test_no_displayed_label_has_an_underscore_or_is_a_skeleton(
    run_entities: list[Entity],
) -> None:
    """Both labels of every entity, the knowledge base's and the found ones: a hashtag's
    "_" never reaches the Arabic label ("#مايا_مرسي"), nor a skeleton the English one."""
    bad = [
        (e.id, label)
        for e in run_entities
        for label in (e.name, e.name_ar)
        if label and ("_" in label or is_consonant_skeleton(label))
    ]
    assert not bad


# Collective and generic nouns that name no one, written here apart from the list the pipeline
# reads (kb/rules/not_persons.txt), so that a noun dropped from it fails here.
GENERIC_NOUNS = (
    "شهود عيان",
    "شاهد عيان",
    "الشهود",
    "مصدر أمني",
    "مصادر طبية",
    "مصادر",
    "المصادر",
    "مصدران مطلعان",
    "ناشطون",
    "ناشطين",
    "نشطاء",
    "الناشط",
    "مسؤول أمريكي",
    "مسؤولون",
    "مسؤولين",
    "المسؤولون",
    "سكان",
    "السكان",
    "أهالي",
    "مواطنون",
    "المواطنين",
    "المتحدث",
    "متحدث",
    "الناطق",
    "مراسل",
    "دبلوماسي أوروبي",
    "موظفو إغاثة",
    "مراقبون",
    "خبراء",
    "محللون",
    "مسعفون",
    "مقاتلون",
    "مسلحون",
    "متظاهرون",
    "نازحون",
    "لاجئون",
    "جنود",
    "أقارب",
    "عائلات",
)


# Knowledge-base persons whose given name is written as one of those nouns: Shahid Khaqan
# Abbasi, Pakistan's prime minister in 2017-2018 ("شاهد", Shahid, is also "a witness"). By id: a
# found "شاهد ..." is still a witness.
GIVEN_NAME_IS_A_NOUN = frozenset({"ac:shahid_khaqan_abbasi"})


def _first_word(name: str) -> str:
    """A name's first word without "و"/"ف" before it."""
    words = normalize_key(name).split()
    first = words[0] if words else ""
    return first[1:] if len(first) > 3 and first[0] in "\u0648\u0641" else first


def test_no_generic_noun_is_a_person_entity(run_entities: list[Entity]) -> None:
    nouns = {_first_word(n) for n in GENERIC_NOUNS}
    people = [e for e in run_entities if e.kind == "person" and e.name_ar]
    assert len(people) > 300
    assert not [
        e.name_ar
        for e in people
        if _first_word(e.name_ar) in nouns and e.id not in GIVEN_NAME_IS_A_NOUN
    ]


def test_provisional_names_readable(run_entities: list[Entity]) -> None:
    assert not [e.name for e in run_entities if e.provisional and not is_readable_name(e.name)]


def test_no_generic_noun_is_a_person(run_entities: list[Entity]) -> None:
    people = [e for e in run_entities if e.kind == "person" and e.id not in GIVEN_NAME_IS_A_NOUN]
    assert not [e.name_ar for e in people if e.name_ar and is_generic_name(e.name_ar)]
