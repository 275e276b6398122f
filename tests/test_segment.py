from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasid.pipeline import annotate
from rasid.records import Article
from rasid.text import normalize, split_sentences
from rasid.text.segment import split_words


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(normalize(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "قال الوزير، في بيان، إن القوات انسحبت؛ ثم عادت.",
            ["قال الوزير، في بيان، إن القوات انسحبت؛ ثم عادت."],
        ),
        (
            "انفجرت عبوة. قتل جنديان! هل انتهى؟ نعم",
            ["انفجرت عبوة.", "قتل جنديان!", "هل انتهى؟", "نعم"],
        ),
        (
            "وقع الهجوم في 03/05/2021 وأسفر عن 2.5 مليون دولار.",
            ["وقع الهجوم في 03/05/2021 وأسفر عن 2.5 مليون دولار."],
        ),
        ("السيارة المستهدفة (أ.ب) في بغداد.", ["السيارة المستهدفة (أ.ب) في بغداد."]),
        ("قال د. أحمد أنور إن الحوار مهم.", ["قال د. أحمد أنور إن الحوار مهم."]),
        ("قتل ثلاثة مسلحين. (رويترز)", ["قتل ثلاثة مسلحين. (رويترز)"]),
        ("الفقرة الأولى\nالفقرة الثانية", ["الفقرة الأولى", "الفقرة الثانية"]),
        ("للانسحاب..ينظر اللاعبون", ["للانسحاب..", "ينظر اللاعبون"]),
        ('قال: "لن نرحل." ثم غادر.', ['قال: "لن نرحل."', "ثم غادر."]),
        ("The U.S. forces left. They returned.", ["The U.S. forces left.", "They returned."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_offsets_are_original() -> None:
    text = "قُتِلَ جنديّان.\n\nوأُصيب آخرون."
    spans = split_sentences(normalize(text))
    assert [text[s.start : s.end] for s in spans] == ["قُتِلَ جنديّان.", "وأُصيب آخرون."]
    assert spans[1].paragraph == 1


_WORD_OR_MARK = re.compile(r"[^\W_]+|[^\w\s]|\n")


@pytest.mark.parametrize(
    "text",
    ["", "  ", "a_b", "__x  \n\n y_ ", "قال: «لا»، و2,500 جندي\nثم.", "x\u00a0y\t(ا ف ب)"],
)
def test_split_words_table(text: str) -> None:
    words = split_words(text)
    found = list(_WORD_OR_MARK.finditer(text))
    assert words.texts == [m.group() for m in found]
    assert (words.starts, words.ends) == ([m.start() for m in found], [m.end() for m in found])
    assert len(words) == len(found)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('اب ج_\n\t،.1٢x\u00a0\u200f("')), max_size=60))
def test_split_words_offsets_point_at_their_words(text: str) -> None:
    words = split_words(text)
    assert [text[a:b] for a, b in zip(words.starts, words.ends, strict=True)] == words.texts
    assert words.texts == _WORD_OR_MARK.findall(text)
    # nothing but spaces (the line break is a word) and underscores between words
    gaps = [text[b:a] for b, a in zip([0, *words.ends], [*words.starts, len(text)], strict=True)]
    assert all(not g.strip("_ \t\u00a0") for g in gaps)


def test_pipeline_document_carries_its_words() -> None:
    text = "قال الوزير: «انسحبت القوات»،\nثم عادت (رويترز)."
    doc = annotate(Article(id="t1", text=text, published="2024-02-08"))
    assert doc.words is not None
    assert doc.words == split_words(doc.norm.text)
    assert [doc.norm.text[a:b] for a, b in zip(doc.words.starts, doc.words.ends, strict=True)] == (
        doc.words.texts
    )


def test_a_heading_is_a_short_line_of_its_own() -> None:
    text = (
        "قصفت طائرات التحالف مواقع في صعدة يوم الأحد.\n"
        "للمزيد: اليمن.. غارات جديدة على صعدة\n"
        "وقال المتحدث إن الغارات أصابت أهدافها. وقد دعت موسكو المجلس إلى إدانة القصف\n"
        "قصفت الميليشيات قرية في تعز"
    )
    doc = annotate(Article(id="h", text=text, published="2018-05-01"))
    kinds = [(text[s.start : s.end].strip()[:12], s.kind) for s in doc.sentences]
    assert [k for _, k in kinds] == ["body", "heading", "heading", "body", "body", "body"], kinds
