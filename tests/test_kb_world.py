"""World coverage of the shipped knowledge base: every country is a place and a state, the new
places and actors are found in sentences, and country names that are ordinary words are not
found in their common sense."""

from __future__ import annotations

import pytest

from rasid.kb import KnowledgeBase, load_kb, match_kb
from rasid.text import normalize


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def _found(kb: KnowledgeBase, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in match_kb(normalize(text), kb)]


def _countries(kb: KnowledgeBase) -> list[str]:
    return [e.id for e in kb.entities.values() if e.kind == "place" and e.place_type == "country"]


def test_every_un_member_and_the_others_are_countries(kb: KnowledgeBase) -> None:
    codes = {kb.entities[i].country for i in _countries(kb)}
    assert len(codes) >= 198  # 193 UN members, Palestine, Kosovo, Taiwan, Western Sahara, Vatican
    assert {"NG", "ML", "NE", "BF", "TD", "ET", "KE", "ER", "SS", "MR", "BR", "MX", "VE", "NI",
            "PH", "MM", "BD", "MY", "LK", "ID", "XK", "TW", "EH", "PS"} <= codes  # fmt: skip


def test_every_country_is_complete(kb: KnowledgeBase) -> None:
    problems = []
    for pid in _countries(kb):
        place = kb.entities[pid]
        if not place.country or len(place.country) != 2 or not place.country.isupper():
            problems.append(f"{pid}: ISO code {place.country!r}")
        if place.lat is None or place.lon is None:
            problems.append(f"{pid}: no coordinates")
        elif not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
            problems.append(f"{pid}: coordinates out of range")
        if not place.name_ar:
            problems.append(f"{pid}: no Arabic name")
        if not place.wikidata:
            problems.append(f"{pid}: no Wikidata id")
        state = kb.state_of_place(pid)
        if state is None or state.country != place.country:
            problems.append(f"{pid}: no state actor")
    assert not problems, "\n".join(problems)


def test_every_country_has_a_city(kb: KnowledgeBase) -> None:
    has_city = {
        e.country for e in kb.entities.values() if e.kind == "place" and e.place_type == "city"
    }
    city_states = {"SG", "VA", "EH"}  # the state is its own city, or its seat is disputed
    missing = {kb.entities[i].country for i in _countries(kb)} - has_city - city_states
    assert not missing, sorted(c for c in missing if c)


@pytest.mark.parametrize(
    ("sentence", "surface", "entity_id"),
    [
        (
            "قتل عشرة جنود في هجوم شنته بوكو حرام قرب مايدوغوري في نيجيريا.",
            "مايدوغوري",
            "pl:maiduguri",
        ),
        ("قتل عشرة جنود في هجوم شنته بوكو حرام قرب مايدوغوري في نيجيريا.", "نيجيريا", "pl:nigeria"),
        ("أعلن الجيش النيجيري مقتل مسلحين في ولاية بورنو.", "النيجيري", "ac:nigeria"),
        ("أعلن الجيش النيجيري مقتل مسلحين في ولاية بورنو.", "ولاية بورنو", "pl:borno"),
        ("قتل جنديان في هجوم على قاعدة في شمال مالي.", "مالي", "pl:mali"),
        ("اتهمت حكومة مالي الجماعات المسلحة بالهجوم على تمبكتو.", "مالي", "ac:mali"),
        ("اتهمت حكومة مالي الجماعات المسلحة بالهجوم على تمبكتو.", "تمبكتو", "pl:timbuktu"),
        ("وصل الرئيس إلى النيجر ومالي في جولة إقليمية.", "مالي", "pl:mali"),
        ("قالت الخارجية الإثيوبية إن أديس أبابا لن تقبل بذلك.", "الإثيوبية", "ac:ethiopia"),
        ("فر آلاف الروهينغا من ولاية راخين إلى كوكس بازار.", "ولاية راخين", "pl:rakhine"),
        ("فر آلاف الروهينغا من ولاية راخين إلى كوكس بازار.", "كوكس بازار", "pl:coxs_bazar"),
        ("اندلعت اشتباكات في ماراوي جنوب الفلبين.", "ماراوي", "pl:marawi"),
        ("اندلعت اشتباكات في ماراوي جنوب الفلبين.", "الفلبين", "pl:philippines"),
        ("ندد الرئيس الفنزويلي بالعقوبات الأميركية.", "الفنزويلي", "ac:venezuela"),
        ("تظاهر الآلاف في ماناغوا عاصمة نيكاراغوا.", "ماناغوا", "pl:managua"),
        ("انفجرت قنبلة في كولومبو عاصمة سريلانكا.", "كولومبو", "pl:colombo"),
        ("وقع الانفجار في العاصمة الكينية نيروبي.", "العاصمة الكينية", "pl:nairobi"),
        ("يعيش اللاجئون في جنوب السودان وأوغندا.", "جنوب السودان", "pl:south_sudan"),
        ("قتل شرطي في هجوم في ولاية جورجيا الأميركية.", "ولاية جورجيا", "pl:georgia_us_state"),
        ("اتهمت جمهورية الكونغو الديمقراطية رواندا بدعم المتمردين قرب غوما.", "غوما", "pl:goma"),
        ("وقعت غينيا بيساو اتفاقا مع السنغال.", "غينيا بيساو", "ac:guinea_bissau"),
        ("قصفت الطائرات مواقع في بنغازي ودرنة.", "بنغازي", "pl:benghazi"),
        ("نقل المعتقل إلى معتقل غوانتانامو.", "معتقل غوانتانامو", "pl:guantanamo_bay"),
        ("التقى الوزير نظيره في المغرب.", "المغرب", "pl:morocco"),
    ],
)
def test_world_names_are_found(
    kb: KnowledgeBase, sentence: str, surface: str, entity_id: str
) -> None:
    assert (surface, entity_id) in _found(kb, sentence)


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        ("قدمت الحكومة دعم مالي كبير للمزارعين.", "مالي"),
        ("تعاني الشركة من عجز مالي ووزارة المالية تبحث الأمر.", "مالي"),
        ("تشاد المباني الجديدة على أطراف المدينة.", "تشاد"),
        ("افتتحت مدرسة بنين في الحي.", "بنين"),
        ("أدى المصلون صلاة المغرب في المسجد.", "المغرب"),
        ("اجتمع وزراء دول المغرب العربي.", "المغرب"),
        ("يحب الاستيقاظ باكراً كل يوم.", "باكراً"),
        ("لم يخطر على بالي أن يحدث ذلك.", "بالي"),
        ("تابع الجميع مجريات الأحداث.", "مجريات"),
        ("تسببت السيول في أضرار كبيرة.", "السيول"),
        ("حمل المسلح البندقية وأطلق النار.", "البندقية"),
        ("قال الأمين العام للأمم المتحدة إن الوضع خطير.", "الأمين"),
        ("قال المتحدث غاو فنغ إن بكين سترد.", "غاو"),
        ("كتب روسو عن العقد الاجتماعي.", "روسو"),
        ("زار كوريا وفد رسمي.", "كوريا"),
        ("رفض الحوثيون القبول بالحلول السلمية.", "السلمية"),
    ],
)
def test_common_words_are_not_places(kb: KnowledgeBase, sentence: str, surface: str) -> None:
    hits = [(t, e) for t, e in _found(kb, sentence) if t == surface]
    assert not hits, hits


def test_congo_and_guinea_are_kept_apart(kb: KnowledgeBase) -> None:
    assert ("الكونغو برازافيل", "ac:republic_of_congo") in _found(
        kb, "وقعت الكونغو برازافيل اتفاقا."
    )
    assert ("غينيا الاستوائية", "pl:equatorial_guinea") in _found(
        kb, "وصل الوزير إلى غينيا الاستوائية."
    )
    assert ("غينيا", "pl:guinea") in _found(kb, "وصل الوزير إلى غينيا.")


def test_a_hashtag_or_a_place_noun_makes_a_place_of_a_word(kb: KnowledgeBase) -> None:
    assert ("الحديدة", "pl:hodeidah") in _found(kb, "بدأت معركة تحرير مدينة وميناء #الحديدة.")
    assert ("السلمية", "pl:salamiyah") in _found(kb, "قصفت الطائرات مدينة السلمية.")
