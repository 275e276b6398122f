from __future__ import annotations

import pytest

from rasid.text import normalize, split_sentences


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
