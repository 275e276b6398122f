from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasid.entity_merge import (
    ProvisionalIndex,
    join_reason,
    kb_person_for,
    link_provisional,
    name_keys,
    names_alike,
    same_entity,
)
from rasid.jobs import ingest
from rasid.kb import load_kb
from rasid.pipeline import annotate
from rasid.records import Article, Entity
from rasid.store import open_store


def person(eid: str, name: str, role: str | None = None, org: tuple[str, ...] = ()) -> Entity:
    return Entity(
        id=eid, kind="person", name=eid, name_ar=name, provisional=True, role=role, affiliations=org
    )


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("ماثيو تولر", "ماثيو تيولر", True),
        ("أنيسة بصيري تبريزي", "أنيسة تبريزي", True),
        ("ريناد منصور", "رينا منصور", True),
        ("ريناد منصور", "أحمد منصور", False),
        ("أبو علي العسكري", "أبو علي البصري", False),
        ("منصور", "منصور", True),
    ],
)
def test_names_alike(a: str, b: str, alike: bool) -> None:
    assert names_alike(a, b) is alike


def test_same_name_needs_agreeing_evidence() -> None:
    a = person("px:a", "ماثيو تولر", role="ambassador")
    assert same_entity(a, person("px:b", "ماثيو تيولر", role="ambassador"))
    assert not same_entity(a, person("px:c", "ماثيو تيولر", role="spokesman"))
    assert not same_entity(a, person("px:d", "ماثيو تيولر"))
    known = {"px:a": a}
    assert link_provisional([person("px:e", "ماثيو تيولر", role="ambassador")], known) == {
        "px:e": "px:a"
    }


_TWO_SPELLINGS = [
    {
        "id": "x1",
        "published": "2024-03-01",
        "text": "وقالت الخبيرة في شؤون العراق لدى شركة كونترول ريسكس أنيسة بصيري تبريزي إن "
        "الضربات ستتواصل.",
    },
    {
        "id": "x2",
        "published": "2024-03-02",
        "text": "وقالت الخبيرة في شؤون العراق لدى شركة كونترول ريسكس أنيسة تبريزي إن "
        "الهدنة لن تصمد.",
    },
]


def _write(path: Path, articles: list[dict[str, str]]) -> str:
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles), "utf-8")
    return str(path)


def _tabrizi(url: str) -> dict[str, int]:
    store = open_store(url)
    counts = dict(store.mention_counts())
    store.close()
    return {eid: n for eid, n in counts.items() if eid.startswith("px:") and "تبريزي" in eid}


def test_two_spellings_in_two_articles_are_one_entity(tmp_path: Path) -> None:
    db = str(tmp_path / "e.sqlite")
    ingest([_write(tmp_path / "a.jsonl", _TWO_SPELLINGS)], db)
    merged = _tabrizi(db)
    assert list(merged.values()) == [2], merged


def _another_writer_first(tmp_path: Path, url: str) -> None:
    """This process writes a first article, another process then stores one spelling, and
    this process the other spelling."""
    other = {
        "id": "x0",
        "published": "2024-02-20",
        "text": "وقال الخبير في شؤون الأمن لدى معهد الشرق الأوسط سامر الخطيب إن الهدنة صامدة.",
    }
    ingest([_write(tmp_path / "0.jsonl", [other])], url)
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", "-q", "--db", url]
    one = _write(tmp_path / "1.jsonl", _TWO_SPELLINGS[:1])
    subprocess.run([*cmd, "ingest", one], check=True, timeout=300)
    ingest([_write(tmp_path / "2.jsonl", _TWO_SPELLINGS[1:])], url)


def test_a_name_another_writer_stored_is_linked(tmp_path: Path) -> None:
    db = str(tmp_path / "e.sqlite")
    _another_writer_first(tmp_path, db)
    merged = _tabrizi(db)
    assert list(merged.values()) == [2], merged


@pytest.mark.postgres
def test_a_name_another_writer_stored_is_linked_in_postgres(
    tmp_path: Path, pg_store_url: str
) -> None:
    _another_writer_first(tmp_path, pg_store_url)
    merged = _tabrizi(pg_store_url)
    assert list(merged.values()) == [2], merged


def _drop_name_keys(url: str) -> None:
    """The store as it was before names were keyed (migration 006 not applied)."""
    store = open_store(url)
    with store.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_entities_name_key")
        conn.exec_driver_sql("ALTER TABLE entities DROP COLUMN name_key")
        conn.exec_driver_sql("DELETE FROM rasid_migrations WHERE name = '006_entity_name_keys'")
    store.close()


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_names_stored_before_keys_are_keyed_and_linked(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    url = (
        str(tmp_path / "e.sqlite")
        if engine == "sqlite"
        else str(request.getfixturevalue("pg_store_url"))
    )
    ingest([_write(tmp_path / "1.jsonl", _TWO_SPELLINGS[:1])], url)
    _drop_name_keys(url)
    ingest([_write(tmp_path / "2.jsonl", _TWO_SPELLINGS[1:])], url)  # migrates first
    merged = _tabrizi(url)
    assert list(merged.values()) == [2], merged


def test_spellings_the_press_writes_alike_in_english_are_one_person() -> None:
    a = Entity(
        id="px:a", kind="person", name="Steven Mnuchin", name_ar="ستيفن منوتشين", provisional=True
    )
    b = Entity(
        id="px:b", kind="person", name="Steven Mnuchin", name_ar="ستيفن منوشين", provisional=True
    )
    assert link_provisional([b], {"px:a": a}) == {"px:b": "px:a"}
    other_role = Entity(
        id="px:c",
        kind="person",
        name="Steven Mnuchin",
        name_ar="ستيفن منوشين",
        provisional=True,
        role="doctor",
    )
    assert (
        link_provisional(
            [other_role],
            {
                "px:a": Entity(
                    id="px:a",
                    kind="person",
                    name="Steven Mnuchin",
                    name_ar="ستيفن منوتشين",
                    provisional=True,
                    role="minister",
                )
            },
        )
        == {}
    )
    # the same English but Arabic names not alike: two people
    c = Entity(id="px:d", kind="person", name="Ali Hassan", name_ar="علي حسن", provisional=True)
    d = Entity(id="px:e", kind="person", name="Ali Hassan", name_ar="علاء حسن", provisional=True)
    assert link_provisional([d], {"px:d": c}) == {}


def named(eid: str, name_ar: str, **facts: object) -> Entity:
    """A provisional person with the English the pipeline gives it."""
    from rasid.names import romanize_name

    return Entity(
        id=eid,
        kind="person",
        name=romanize_name(name_ar),
        name_ar=name_ar,
        provisional=True,
        **facts,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        # the same skeleton and the same English: "تش" and "ش" for "ch"
        ("ستيفن منوتشين", "ستيفن منوشين", "keys"),
        ("نداء ضحكة", "نداء ضاحكة", "keys"),
        # "عبد" and the divine name written apart or as one word
        ("عبد العزيز بوتفليقة", "عبدالعزيز بوتفليقة", "keys"),
        ("إيناس عبد الدايم", "إيناس عبدالدايم", "keys"),
        # with and without the article
        ("نزار علولا", "نزار العلولا", "keys"),
        # one skeleton, two English names: two people
        ("علي حسن", "علي حسين", None),
        ("محمد حسن", "محمود حسن", None),
        ("محمد العامودي", "محمد العمادي", None),
        # another first name: another person of the family
        ("جون مكين", "سيندي مكين", None),
        # one name inside the other: perhaps the father, not joined without evidence
        ("محمد صالح", "طارق محمد صالح", None),
        # a middle name given once: across articles, whether the short name is the long
        # one's would depend on the order the articles came in
        ("ماجد الغرير", "ماجد سيف الغرير", None),
    ],
)
def test_join_by_keys(a: str, b: str, rule: str | None) -> None:
    assert join_reason(named("px:a", a), named("px:b", b)) == rule
    assert join_reason(named("px:b", b), named("px:a", a)) == rule


@pytest.mark.parametrize(
    ("known", "alias", "new"),
    [("رامي أبو زيد", "أبو زيد", "أبو زيد"), ("أحمد بن دغر", "بن دغر", "بن دغر")],
)
def test_a_name_of_one_part_never_joins_without_evidence(known: str, alias: str, new: str) -> None:
    """A kunya or a surname alone, even one another person's article called him by."""
    host = named("px:a", known, aliases=(alias,))
    assert join_reason(named("px:b", new), host) is None
    assert join_reason(named("px:b", new, role="writer"), dataclasses.replace(host, role="writer"))


def test_nothing_may_differ() -> None:
    base = named("px:a", "ستيفن منوتشين", role="minister", affiliations=("ac:united_states",))
    assert join_reason(base, named("px:b", "ستيفن منوشين")) == "keys"
    assert join_reason(base, named("px:b", "ستيفن منوشين", role="doctor")) is None
    other_state = named("px:b", "ستيفن منوشين", affiliations=("ac:germany",))
    assert join_reason(base, other_state) is None
    assert (
        join_reason(
            named("px:a", "نداء ضحكة", country="EG"), named("px:b", "نداء ضاحكة", country="SY")
        )
        is None
    )
    # an organization is never joined by the person keys
    org = Entity(id="px:o", kind="organization", name="", name_ar="نداء ضاحكة", provisional=True)
    assert join_reason(named("px:a", "نداء ضحكة"), org) is None


def test_a_name_in_latin_letters_needs_evidence() -> None:
    arabic = named("px:a", "بيتر نافارو", role="adviser", affiliations=("ac:white_house",))
    latin = Entity(
        id="px:peter_navarro",
        kind="person",
        name="Peter Navarro",
        name_ar="Peter Navarro",
        provisional=True,
        role="adviser",
        affiliations=("ac:white_house",),
    )
    assert join_reason(latin, arabic) == "english_with_evidence"
    assert join_reason(dataclasses.replace(latin, role=None, affiliations=()), arabic) is None


def test_names_are_found_by_keys_not_pairs() -> None:
    a = named("px:a", "ستيفن منوتشين")
    assert set(name_keys(a)) >= {"person:w:منوتشين", "person:s:منشن", "person:e:mnuchin"}
    index = ProvisionalIndex()
    index.add(a)
    # another spelling, linked, is an alias found by its own keys afterwards
    assert index.link([named("px:b", "ستيفن منوشين")]) == {"px:b": "px:a"}
    joined = index.get("px:a")
    assert joined is not None and joined.aliases == ("ستيفن منوشين",)
    assert index.link([named("px:c", "ستيف منوشين", role="minister")]) == {}
    assert index.link([named("px:d", "ستيفن منوشين")]) == {"px:d": "px:a"}


def test_a_spelling_of_a_knowledge_base_person_is_that_person() -> None:
    kb = load_kb()
    bolton = named("px:b", "جون بولتن")
    assert kb_person_for(bolton, kb) == "ac:john_bolton"
    # the same skeleton, another English: not him
    assert kb_person_for(dataclasses.replace(bolton, name="John Boltan"), kb) is None
    # a tie to another country's state: not him
    assert kb_person_for(dataclasses.replace(bolton, affiliations=("ac:iran",)), kb) is None
    assert kb_person_for(named("px:c", "سيندي بولتن"), kb) is None


@pytest.mark.parametrize(
    ("name_ar", "kid"),
    [
        # "g" written "ك" where the knowledge base writes "غ" (ANT, the first 3,000 lines)
        ("اسحق جهانكيري", "ac:eshaq_jahangiri"),
        # one word where the knowledge base writes two ("هايلي مريام")
        ("هايليماريام ديسالين", "ac:hailemariam_desalegn"),
    ],
)
def test_knowledge_base_person_by_other_letters_and_word_breaks(name_ar: str, kid: str) -> None:
    assert kb_person_for(named("px:a", name_ar), load_kb()) == kid


def test_other_letters_need_the_same_english() -> None:
    """The skeleton takes "ك" and "غ" as one; the English still tells two names apart."""
    kb = load_kb()
    other = dataclasses.replace(named("px:a", "اسحق جهانكيري"), name="Ishaq Jahankiri")
    assert kb_person_for(other, kb) is None


def test_spellings_in_one_article_are_one_person() -> None:
    text = (
        "قالت المتحدثة نداء ضحكة إن الحفل تأجل. وأضافت نداء ضاحكة أن الموعد لم يحدد. "
        "وقال رئيس لجنة القوات المسلحة في مجلس الشيوخ الأمريكي جون مكين إن العقوبات ستستمر."
    )
    doc = annotate(Article(id="a1", text=text, published="2018-05-01"))
    ids = {m.text: m.entity_id for m in doc.mentions}
    assert ids["نداء ضحكة"] == ids["نداء ضاحكة"] == "px:نداء_ضحكه"
    assert doc.provisional["px:نداء_ضحكه"].aliases == ("نداء ضاحكة",)
    # "جون مكين" is none of John McCain's names ("جون ماكين"): his by the keys
    assert ids["جون مكين"] == "ac:john_mccain"
    assert any(m.rule.endswith(".kb_keys") for m in doc.mentions if m.text == "جون مكين")


def test_a_kunya_after_and_is_named_without_it() -> None:
    text = "وحضر الاجتماع أبو علي الكحلاني وأبو محمد الحديدي في صنعاء."
    doc = annotate(Article(id="a2", text=text, published="2018-05-01"))
    names = {e.name_ar: e.name for e in doc.provisional.values()}
    assert names.get("أبو محمد الحديدي") == "Abu Mohammed al-Hadidi", names


# two people the knowledge base does not know, each written two ways: Michael Cohen ("كوهين",
# "كوهن": one skeleton, one English) and Abdul Halim Khaddam ("عبد الحليم", "عبدالحليم")
_TWO_WAYS = [
    {
        "id": "m1",
        "published": "2018-08-22",
        "text": "وقال مايكل كوهين إن الدفعة كانت بتوجيه من ترامب.",
    },
    {
        "id": "m2",
        "published": "2018-12-12",
        "text": "وقال مايكل كوهن إن التحقيق مستمر.",
    },
    {
        "id": "m3",
        "published": "2004-06-20",
        "text": "وقال نائب الرئيس السوري عبد الحليم خدام إن الانتخابات ستجرى في موعدها.",
    },
    {
        "id": "m4",
        "published": "2004-06-21",
        "text": "وقال نائب الرئيس عبدالحليم خدام إن الحوار مفتوح.",
    },
]


def _people(url: str) -> dict[str, tuple[int, dict[str, object]]]:
    """Stored provisional persons whose name is Cohen's or Khaddam's: mentions, data."""
    store = open_store(url)
    counts = dict(store.mention_counts())
    with store.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, data FROM entities WHERE provisional = 1 AND kind = 'person'"
        ).all()
    store.close()
    return {
        eid: (counts.get(eid, 0), json.loads(data))
        for eid, data in rows
        if "كوه" in eid or "خدام" in eid
    }


def _check_one_each(url: str) -> None:
    people = _people(url)
    assert sorted(people) == ["px:عبد_الحليم_خدام", "px:مايكل_كوهين"], people
    cohen = people["px:مايكل_كوهين"]
    assert cohen[0] == 2
    assert cohen[1]["joined"] == {"مايكل كوهن": "keys"}
    assert people["px:عبد_الحليم_خدام"][0] == 2


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_stored_spellings_are_found_by_their_keys(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    url = (
        str(tmp_path / "e.sqlite")
        if engine == "sqlite"
        else str(request.getfixturevalue("pg_store_url"))
    )
    for i, article in enumerate(_TWO_WAYS):  # one ingest an article: linked through the store
        ingest([_write(tmp_path / f"{i}.jsonl", [article])], url)
    _check_one_each(url)
    store = open_store(url)
    with store.connect() as conn:
        keys = set(
            conn.exec_driver_sql(
                "SELECT key FROM entity_keys WHERE entity_id = 'px:مايكل_كوهين'"
            ).scalars()
        )
    store.close()
    # the joined spelling's keys lead to the stored entity too
    assert {"person:w:كوهين", "person:w:كوهن", "person:s:كهن"} <= keys


def _drop_entity_keys(url: str) -> None:
    """The store as it was before migration 016: no key table."""
    store = open_store(url)
    with store.begin() as conn:
        conn.exec_driver_sql("DROP TABLE entity_keys")
        conn.exec_driver_sql("DELETE FROM rasid_migrations WHERE name = '016_entity_keys'")
    store.close()


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_names_stored_before_the_key_table_are_keyed_and_linked(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    url = (
        str(tmp_path / "e.sqlite")
        if engine == "sqlite"
        else str(request.getfixturevalue("pg_store_url"))
    )
    ingest([_write(tmp_path / "1.jsonl", [_TWO_WAYS[0], _TWO_WAYS[2]])], url)
    _drop_entity_keys(url)
    ingest([_write(tmp_path / "2.jsonl", [_TWO_WAYS[1], _TWO_WAYS[3]])], url)  # migrates first
    _check_one_each(url)


ANT = Path("/work/shared/corpora/ant-multisource/ant_v2.1_multisource.jsonl")


def test_the_store_and_an_in_memory_run_link_alike(tmp_path: Path) -> None:
    """``rasid extract`` (rasid.merge.merge_results) and the store link the same names to the
    same entities: the first 300 ANT articles, or these few where the corpus is absent."""
    from rasid.ingest import IngestProblem, read_articles
    from rasid.pipeline import process_article

    if ANT.exists():
        path = tmp_path / "ant.jsonl"
        with ANT.open(encoding="utf-8") as src:
            path.write_text("".join(next(src) for _ in range(300)), encoding="utf-8")
        source = str(path)
    else:
        source = _write(tmp_path / "few.jsonl", [*_TWO_WAYS, *_TWO_SPELLINGS])
    db = str(tmp_path / "e.sqlite")
    ingest([source], db, workers=1)
    index = ProvisionalIndex()
    expected: dict[tuple[str, int], str] = {}
    seen: set[str] = set()
    for article in read_articles([source]):
        if isinstance(article, IngestProblem):
            continue
        doc = process_article(article).doc
        if doc.article.content_hash in seen:
            continue  # a copy: stored once
        seen.add(doc.article.content_hash)
        linked = index.link(doc.provisional.values())
        for m in doc.mentions:
            expected[(doc.article.id, m.start)] = linked.get(m.entity_id, m.entity_id)
    store = open_store(db)
    with store.connect() as conn:
        stored = {
            (a, s): e
            for a, s, e in conn.exec_driver_sql("SELECT article_id, start, entity_id FROM mentions")
        }
    store.close()
    assert stored == expected
    assert any(e.aliases for e in index)  # some names were linked
