from __future__ import annotations

import json
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


def test_two_spellings_in_two_articles_are_one_entity(tmp_path: Path) -> None:
    articles = [
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
    src = tmp_path / "a.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles), "utf-8")
    db = str(tmp_path / "e.sqlite")
    ingest([str(src)], db)
    store = open_store(db)
    counts = dict(store.mention_counts())
    merged = [eid for eid, n in counts.items() if eid.startswith("px:") and "تبريزي" in eid]
    store.close()
    assert len(merged) == 1 and counts[merged[0]] == 2, counts
