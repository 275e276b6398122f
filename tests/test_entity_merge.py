from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasid.entity_merge import link_provisional, names_alike, same_entity
from rasid.jobs import ingest
from rasid.records import Entity
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
