"""Figures: sentences written for the test, and every figure of the dev articles' gold."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from rasid.doc import Doc
from rasid.figures import find_figures
from rasid.pipeline import annotate
from rasid.records import Article, Figure
from rasid.text import normalize, split_sentences

DEV = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "dev"


def _doc(
    text: str, published: str | None = "2024-02-08", captions: tuple[tuple[int, int], ...] = ()
) -> Doc:
    article = Article(id="t1", text=text, published=published, captions=captions)
    norm = normalize(text)
    return Doc(article=article, norm=norm, sentences=split_sentences(norm))


def _only(text: str, published: str | None = "2024-02-08") -> Figure:
    found = find_figures(_doc(text, published))
    assert len(found) == 1, found
    return found[0]


def test_troop_level_with_nationality_place_and_as_of() -> None:
    f = _only("فيما يتمركز حوالي 2500 جندي أمريكي في العراق لتقديم المشورة.")
    assert (f.quantity, f.bound, f.approximate, f.unit) == (2500, "about", True, "troops")
    assert f.subject == "US troops in Iraq"
    assert f.place is not None and f.place.country == "IQ"
    assert (f.as_of, f.period) == ("2024-02-08", None)
    (src,) = f.sources
    assert src.article == "t1" and src.sentence.startswith("فيما يتمركز")
    assert f.rule == "figure.count"


def test_attack_count_since_start_of_year_is_a_period() -> None:
    f = _only(
        "تعرضت القوات الأمريكية في سوريا لأكثر من 60 هجوما منذ مطلع العام الحالي.", "2023-11-20"
    )
    assert (f.quantity, f.bound, f.unit) == (60, "more_than", "attacks")
    assert f.period == "2023-01/2023-11-20" and f.as_of is None
    assert f.place is not None and f.place.name == "Syria"


def test_attacks_on_target_until_a_date() -> None:
    f = _only(
        "بلغت الهجمات ضد القوات الأمريكية في العراق نحو 40 هجوما منذ مطلع العام حتى "
        "نهاية آذار الماضي.",
        "2021-05-03",
    )
    assert f.subject == "attacks on US forces in Iraq"
    assert f.period == "2021-01/2021-03-31"


def test_cumulative_killed_since_a_year() -> None:
    f = _only("قتل أكثر من 4500 جندي أمريكي منذ عام 2003 في العراق.", "2011-12-18")
    assert (f.quantity, f.bound, f.unit) == (4500, "more_than", "killed")
    assert f.subject.startswith("US troops killed")
    assert f.period == "2003/2011-12-18"


def test_initial_level_takes_nationality_from_the_clause() -> None:
    f = _only("غياب القوات الأمريكية التي كان عددها في البداية نحو 150 ألف جندي.")
    assert (f.quantity, f.bound, f.unit, f.subject) == (150000, "about", "troops", "US troops")


def test_count_of_with_change_target() -> None:
    f = _only("قررت الحكومة خفض عدد القوات الأمريكية في العراق من 5200 إلى 3000 بحلول نهاية العام.")
    assert (f.quantity, f.bound, f.unit) == (5200, "exact", "troops")
    assert f.subject == "US troops in Iraq, to 3000"
    assert f.as_of == "2024-02-08"  # "بحلول نهاية العام" is where it is going, not when
    assert f.rule == "figure.count_of"


def test_continued_figure_takes_the_noun_before() -> None:
    found = find_figures(
        _doc("حتى الآن، قتل أكثر من 200 عنصر من الحشد، وأصيب أكثر من 600 خلال المعارك.")
    )
    assert [(f.quantity, f.unit, f.bound) for f in found] == [
        (200, "killed", "more_than"),
        (600, "injured", "more_than"),
    ]
    assert found[1].subject == found[0].subject.replace("killed", "injured")
    assert found[1].rule == "figure.continued"


def test_deployment_with_nationality_and_place() -> None:
    f = _only("أعلنت لندن نشر 800 جندي بريطاني في الأردن.")
    assert f.subject == "British troops deployed in Jordan"
    assert f.place is not None and f.place.country == "JO"


def test_drones_two_word_unit() -> None:
    f = _only("أسقطت الدفاعات الجوية 15 طائرة مسيرة منذ بداية الشهر الجاري.")
    assert (f.quantity, f.unit) == (15, "drones")


@pytest.mark.parametrize(
    "text",
    [
        "خصصت واشنطن 500 مليون دولار لدعم الجيش العراقي.",
        "تراجعت الهجمات بنسبة 40 بالمئة خلال العام الماضي.",
        "قتل شاب يبلغ من العمر 25 عاما في الحادث.",
        "في عام 2014 سيطر التنظيم على الموصل.",
        "قتل ثلاثة جنود في هجوم على القاعدة أمس.",
        "نشرت القيادة آلاف الجنود على الحدود.",
        "بدأت الجولة الثالثة من الحوار بين البلدين.",
        "سقطت 3 صواريخ قرب السفارة مساء الأحد.",
        "استمرت المعركة 9 أشهر قبل تحرير المدينة.",
    ],
)
def test_not_figures(text: str) -> None:
    assert find_figures(_doc(text)) == ()


def test_captions_are_skipped() -> None:
    text = "جنود في القاعدة (أ.ب)\nيتمركز نحو 900 جندي أمريكي في سوريا."
    caption = (0, text.index("\n"))
    assert len(find_figures(_doc(text))) == 1
    capped = _doc("يتمركز نحو 900 جندي أمريكي في سوريا.\nنص آخر.", captions=((0, 37),))
    assert find_figures(capped) == ()
    assert caption[1] > 0


def test_no_publication_no_date() -> None:
    f = _only("يتمركز نحو 900 جندي أمريكي في سوريا.", None)
    assert f.as_of is None and f.period is None


def test_cumulative_civilian_toll() -> None:
    f = _only("قتل 120 مدنيا منذ بداية الشهر الجاري في المحافظة.", "2024-02-20")
    assert (f.quantity, f.unit) == (120, "killed")
    assert f.subject.startswith("civilians killed")
    assert f.period == "2024-02-01/2024-02-20"


# The bound each gold figure of the dev articles must carry.
GOLD_BOUNDS = {
    2500: "about",
    50: "about",
    150000: "about",
    3000: "exact",
    4500: "more_than",
    32000: "more_than",
}


def _dev_docs() -> dict[str, Doc]:
    docs = {}
    for line in (DEV / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        a = json.loads(line)
        article = Article(id=a["id"], text=a["text"], published=a.get("published"))
        norm = normalize(article.text)
        docs[a["id"]] = Doc(article=article, norm=norm, sentences=split_sentences(norm))
    return docs


def test_dev_gold_figures_found_with_bounds() -> None:
    gold = json.loads((DEV / "gold.json").read_text(encoding="utf-8"))
    docs = _dev_docs()
    for entry in gold:
        found = find_figures(docs[entry["doc"]])
        for g in entry["figures"]:
            match = [f for f in found if f.quantity == g["quantity"] and f.unit == g["unit"]]
            assert match, (entry["doc"], g, found)
            assert match[0].bound == GOLD_BOUNDS[g["quantity"]]
            if "as_of" in g:
                assert match[0].as_of == g["as_of"]


def test_place_from_a_linked_mention() -> None:
    from rasid.pipeline import annotate

    doc = annotate(
        Article(
            id="t2",
            text="يتمركز نحو 900 جندي أمريكي في الحسكة شمال شرقي سوريا.",
            published="2024-02-08",
        )
    )
    (f,) = find_figures(doc)
    assert f.place is not None and f.place.country == "SY"
    assert f.place.precision == "city" and f.place.entity_id
    assert f.subject == f"US troops in {f.place.name}"


def test_layers_of_an_annotated_document_are_not_searched_again() -> None:
    text = "فيما يتمركز حوالي 2500 جندي أمريكي في العراق لتقديم المشورة."
    doc = annotate(Article(id="t1", text=text, published="2024-02-08"))
    assert doc.annotated and len(doc.quantities) == 1
    assert [f.quantity for f in find_figures(doc)] == [2500]
    # an annotated document with no quantities has none: the text is not read for them again
    assert find_figures(dataclasses.replace(doc, quantities=())) == ()
    # a document made by hand has no layers yet: figures find its numbers themselves
    assert [f.quantity for f in find_figures(_doc(text))] == [2500]
