"""Names found by context, provisional entities, linking and the extra-spans hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rasid.doc import Doc
from rasid.entities import find_mentions, provisional_id, transliterate
from rasid.kb import KnowledgeBase, load_kb
from rasid.pipeline import segment
from rasid.records import Article, Mention
from rasid.text import normalize_key

DATA = Path(__file__).parent / "data"
CASES: list[dict[str, Any]] = yaml.safe_load((DATA / "entities_cases.yaml").read_text("utf-8"))
DEV = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "dev"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb([str(DATA / "kb_fixture")], package=False)


def _doc(text: str, kb: KnowledgeBase, extra: tuple[Mention, ...] = ()) -> Doc:
    return find_mentions(segment(Article(id="t", text=text)), kb, extra)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] for c in CASES])
def test_names_by_context(kb: KnowledgeBase, case: dict[str, Any]) -> None:
    doc = _doc(case["text"], kb)
    found = {
        normalize_key(e.name_ar or e.name): e for e in doc.provisional.values() if e.provisional
    }
    for want in case["expect"]:
        key = normalize_key(want["name"])
        assert key in found, (want["name"], sorted(found))
        ent = found[key]
        assert ent.id == provisional_id(want["name"])
        assert ent.kind == want["kind"]
        if "role" in want:
            assert ent.role == want["role"]
        if "affiliation" in want:
            assert ent.affiliations[:1] == (want["affiliation"],)
        mentions = [m for m in doc.mentions if m.entity_id == ent.id]
        if "rule" in want:
            assert want["rule"] in {m.rule for m in mentions}
        if "mentions" in want:
            assert len(mentions) == want["mentions"]
    if not case["expect"]:
        assert found == {}, sorted(found)
    for name in case.get("reject") or ():
        assert normalize_key(name) not in found


def test_mentions_are_sorted_disjoint_and_in_original_offsets(kb: KnowledgeBase) -> None:
    paths = sorted(DEV.glob("*.txt"))
    if not paths:
        pytest.skip("no dev articles")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc = _doc(text, kb)
        assert doc.mentions
        for a, b in zip(doc.mentions, doc.mentions[1:], strict=False):
            assert a.end <= b.start
        for m in doc.mentions:
            assert text[m.start : m.end] == m.text
            assert m.entity_id in kb.entities or m.entity_id in doc.provisional
        for ent in doc.provisional.values():
            assert ent.provisional and ent.id.startswith("px:") and ent.name


def test_extra_spans_hook_adds_model_spans_where_nothing_else_did(kb: KnowledgeBase) -> None:
    text = "التقى زيد بن ثابت مع قاسم سليماني في بغداد"
    start = text.index("زيد")
    extra = (
        Mention(start, start + len("زيد بن ثابت"), "", "", "PERS", "crf", 0.6),
        Mention(text.index("قاسم"), text.index("قاسم") + 4, "", "", "PERS", "crf", 0.6),
    )
    doc = _doc(text, kb, extra)
    by_text = {m.text: m for m in doc.mentions}
    assert by_text["زيد بن ثابت"].rule == "crf"
    assert by_text["زيد بن ثابت"].entity_id == provisional_id("زيد بن ثابت")
    assert doc.provisional[provisional_id("زيد بن ثابت")].kind == "person"
    # the knowledge base keeps its own span
    assert by_text["قاسم سليماني"].entity_id == "ac:qasem_soleimani"


def test_provisional_names_have_a_latin_reading() -> None:
    assert provisional_id("أنيسة بصيري تبريزي") == "px:" + "_".join(
        normalize_key("أنيسة بصيري تبريزي").split()
    )
    assert transliterate("ريناد منصور").split()[1].startswith("M")
    assert transliterate("ريناد منصور").isascii()


# -- the CLI over a real store -----------------------------------------------------------------


@pytest.fixture
def stored_db(tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite store holding one article with its mentions, written the pipeline's way."""
    store_mod = pytest.importorskip("rasid.store.write", reason="store API pending")
    from rasid.pipeline import ArticleResult
    from rasid.store import open_store

    monkeypatch.setenv("RASID_KB_PATH", str(DATA / "kb_fixture"))
    path = str(tmp_path / "r.db")
    text = (
        "وقال الباحث في الشؤون الأمنية سامر العتيبي، إن كتائب حزب الله هاجمت مطار بغداد. "
        "وأضاف العتيبي أن كتائب حزب الله ستواصل الهجمات."
    )
    doc = _doc(text, kb)
    store = open_store(path)
    store_mod.save_result(store, ArticleResult(doc=doc, events=(), statements=(), figures=()))
    store.close()
    return path


def _cli(db: str, *args: str) -> str:
    from typer.testing import CliRunner

    from rasid.cli import _load_commands
    from rasid.cli.app import app

    _load_commands()
    result = CliRunner().invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_entities_counts_mentions(stored_db: str) -> None:
    import json

    rows = json.loads(_cli(stored_db, "entities", "--json"))
    counts = {r["id"]: r["mentions"] for r in rows}
    assert counts["ac:kataib_hezbollah"] == 2
    assert counts[provisional_id("سامر العتيبي")] == 2
    assert rows[0]["mentions"] >= rows[-1]["mentions"]
    people = json.loads(_cli(stored_db, "entities", "--kind", "PERS", "--json"))
    assert {r["id"] for r in people} == {provisional_id("سامر العتيبي")}
    groups = json.loads(_cli(stored_db, "entities", "--kind", "armed_group", "--json"))
    assert [r["id"] for r in groups] == ["ac:kataib_hezbollah"]
    assert json.loads(_cli(stored_db, "entities", "--article", "nope", "--json")) == []


def test_cli_entity_shows_aliases_affiliations_and_context(stored_db: str) -> None:
    import json

    data = json.loads(_cli(stored_db, "entity", "ac:kataib_hezbollah", "--json"))
    assert data["name"] == "Kata'ib Hezbollah"
    assert "كتائب حزب الله العراقية" in data["aliases"]
    assert [a["id"] for a in data["affiliations"]] == ["ac:pmf"]
    assert len(data["mentions"]) == 2
    assert all("كتائب حزب الله" in m["sentence"] for m in data["mentions"])
    person = json.loads(_cli(stored_db, "entity", provisional_id("سامر العتيبي"), "--json"))
    assert person["provisional"] is True and person["role"] == "researcher"
    text = _cli(stored_db, "entity", "ac:kataib_hezbollah")
    assert "ac:pmf" in text and "mentions: 2 shown" in text


def test_cli_unknown_entity_is_an_error(stored_db: str) -> None:
    from typer.testing import CliRunner

    from rasid.cli import _load_commands
    from rasid.cli.app import app
    from rasid.errors import CliError

    _load_commands()
    result = CliRunner().invoke(app, ["--db", stored_db, "entity", "ac:nobody"])
    assert result.exit_code != 0
    assert isinstance(result.exception, CliError)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        # a compound surname alone is the person named in full in the same article
        (
            "قال رئيس الوزراء اليمني سالم بن حبريش إن الحكومة ستدفع الرواتب. وأضاف رئيس"
            " الوزراء بن حبريش أن الأزمة ستنتهي.",
            True,
        ),
        # a given name first may be the father: "محمد صالح" is not "طارق محمد صالح"
        (
            "قال القائد طارق محمد صالح إن قواته تقدمت. وقال الوزير محمد صالح إن الوزارة تتابع.",
            False,
        ),
    ],
)
def test_a_shorter_name_joins_the_longer_one_in_the_article(text: str, joined: bool) -> None:
    from rasid.pipeline import annotate
    from rasid.records import Article

    doc = annotate(Article(id="t", text=text, published="2018-05-01"))
    persons = {k for k, e in doc.provisional.items() if e.kind == "person"}
    assert (len(persons) == 1) is joined, persons
