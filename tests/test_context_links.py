"""Bare names linked by what the article is about (kb/rules/context_links.yaml): "التحالف"
with Yemen and the Houthis is the Saudi-led coalition; with Iraq or Syria and ISIS, the
coalition against ISIS; with both, or with neither, no link."""

from __future__ import annotations

import pytest

from rasid.kb.context_links import context_links
from rasid.pipeline import annotate
from rasid.records import Article

SAUDI, OIR = "ac:saudi_led_coalition", "ac:cjtf_oir"


def _coalitions(text: str) -> list[tuple[str, str, str]]:
    doc = annotate(Article(id="t", text=text, published="2018-05-01"))
    return [(m.text, m.entity_id, m.rule) for m in doc.mentions if "تحالف" in m.text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "صنعاء - شن طيران التحالف غارات على مواقع للحوثيين في محافظة صعدة شمالي اليمن، وقال"
            " متحدث باسم التحالف إن الغارات دمرت منصات صواريخ وللتحالف أهداف أخرى.",
            {SAUDI},
        ),
        (
            "قال التحالف العربي إن الحوثيين أطلقوا صاروخا من اليمن، وأضاف التحالف أن الصاروخ"
            " اعترض.",
            {SAUDI},
        ),
        (
            "بغداد - قال مسؤول عراقي إن طيران التحالف قصف مواقع لتنظيم داعش قرب الموصل، وإن"
            " التحالف قدم دعما جويا للقوات العراقية.",
            {OIR},
        ),
        (
            "دمشق - قالت مصادر إن التحالف قصف مواقع داعش في دير الزور شرقي سوريا.",
            {OIR},
        ),
    ],
)
def test_the_coalition_is_the_one_the_story_is_about(text: str, expected: set[str]) -> None:
    found = _coalitions(text)
    assert found and {eid for _, eid, _ in found} == expected, found
    assert any(surface.endswith("لتحالف") for surface, _, _ in found)  # the bare name too


@pytest.mark.parametrize(
    "text",
    [
        # an Iraqi political bloc, no war: nothing to decide
        "بغداد - قال قيادي في التحالف الوطني إن الكتل السياسية ستتفق على رئيس الوزراء.",
        # both wars in one story: no side is taken
        "قال مسؤول إن التحالف قصف مواقع الحوثيين في صنعاء، فيما قصف طيران آخر مواقع داعش في"
        " الموصل بالعراق.",
        # neither war
        "قال التحالف في بيان إن الاجتماع المقبل سيعقد في جنيف.",
    ],
)
def test_no_coalition_without_one_clear_context(text: str) -> None:
    assert not [m for m in _coalitions(text) if m[2] == "kb.context.coalition"]


def test_every_choice_of_the_rules_file_is_a_knowledge_base_entry() -> None:
    from rasid.kb import load_kb

    kb = load_kb()
    for link in context_links():
        for choice in link.choices:
            assert kb.get(choice.entity_id) is not None, choice.entity_id
            for entities, _countries in choice.needs:
                assert all(kb.get(e) is not None for e in entities), entities


EMBASSY = "ac:us_embassy_baghdad"


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        # a story on Iraq: the embassy in Baghdad, the nisba alone gives way to the whole name
        ("قال مسؤول عراقي إن صاروخا سقط قرب السفارة الأمريكية فجر اليوم.", True),
        ("سقط صاروخ قرب السفارة الأميركية في المنطقة الخضراء ببغداد.", True),
        # the embassy opened in Jerusalem (AL-internationalNews-1171-20180515 tells of it) is not
        ("شهدت غزة الاثنين احتجاجات بالتزامن مع افتتاح السفارة الأمريكية في القدس.", False),
    ],
)
def test_the_us_embassy_is_baghdads_only_in_a_story_on_iraq(text: str, linked: bool) -> None:
    doc = annotate(Article(id="t", text=text, published="2018-05-01"))
    ids = {m.entity_id for m in doc.mentions}
    assert (EMBASSY in ids) is linked, [(m.text, m.entity_id) for m in doc.mentions]
    assert "pl:us_embassy_baghdad" not in ids
