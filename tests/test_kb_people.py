"""The people and bodies of world news 2014-2019 in the shipped knowledge base: heads of state and
government, ministers, envoys, spokesmen, international bodies, courts, parliaments and news
agencies are found in sentences, their offices date their acts, and their bare family names need
the full name or a title nearby (and never take a relative or a common word)."""

from __future__ import annotations

import datetime as dt

import pytest

from rasid.kb import KnowledgeBase, load_kb, match_kb
from rasid.text import normalize


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb()


def _found(kb: KnowledgeBase, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entity_id) for m in match_kb(normalize(text), kb)]


@pytest.mark.parametrize(
    ("sentence", "surface", "entity_id"),
    [
        (
            "قال وزير الخزانة الأمريكي ستيفن منوتشين إن العقوبات ستشتد.",
            "ستيفن منوتشين",
            "ac:steven_mnuchin",
        ),
        ("وأعلن منوشين فرض عقوبات جديدة على طهران.", "منوشين", "ac:steven_mnuchin"),
        ("صوت مجلس الشيوخ على تعيين بريت كافانو قاضيا.", "بريت كافانو", "ac:brett_kavanaugh"),
        (
            "وقالت المندوبة الأمريكية نيكي هايلي إن واشنطن ستستخدم الفيتو.",
            "نيكي هايلي",
            "ac:nikki_haley",
        ),
        ("أكد مستشار الأمن القومي جون بولتن أن الضغط سيستمر.", "جون بولتن", "ac:john_bolton"),
        ("التقى كوشنر ولي العهد السعودي في الرياض.", "كوشنر", "ac:jared_kushner"),
        (
            "قالت المستشارة الألمانية أنجيلا ميركل إن برلين تدعم الاتفاق.",
            "أنجيلا ميركل",
            "ac:angela_merkel",
        ),
        (
            "دعا المبعوث الأممي إلى اليمن مارتن غريفيث إلى وقف القتال في الحديدة.",
            "مارتن غريفيث",
            "ac:martin_griffiths",
        ),
        (
            "وصل إسماعيل ولد الشيخ أحمد إلى صنعاء.",
            "إسماعيل ولد الشيخ أحمد",
            "ac:ismail_ould_cheikh_ahmed",
        ),
        ("قدم غسان سلامة إحاطته إلى مجلس الأمن حول ليبيا.", "غسان سلامة", "ac:ghassan_salame"),
        ("أعلن المشير خليفة حفتر بدء الهجوم على طرابلس.", "المشير خليفة حفتر", "ac:khalifa_haftar"),
        ("التقى فائز السراج رئيس الحكومة الإيطالية في روما.", "فائز السراج", "ac:fayez_al_sarraj"),
        (
            "قال المتحدث باسم الخارجية الإيرانية بهرام قاسمي إن طهران لن تفاوض.",
            "بهرام قاسمي",
            "ac:bahram_ghasemi",
        ),
        (
            "هدد وزير الدفاع الإسرائيلي أفيغدور ليبرمان بضرب غزة.",
            "أفيغدور ليبرمان",
            "ac:avigdor_lieberman",
        ),
        (
            "قال رئيس المكتب السياسي لحركة حماس خالد مشعل إن الحركة لن تعترف.",
            "خالد مشعل",
            "ac:khaled_meshaal",
        ),
        (
            "أعلن المجلس السياسي الأعلى في صنعاء أن صالح الصماد قتل في غارة.",
            "صالح الصماد",
            "ac:saleh_al_sammad",
        ),
        (
            "قال وزير الخارجية السعودي عادل الجبير إن المملكة لن تسمح بذلك.",
            "عادل الجبير",
            "ac:adel_al_jubeir",
        ),
        ("قال الرئيس الفلسطيني محمود عباس إن القدس ليست للبيع.", "محمود عباس", "ac:mahmoud_abbas"),
        (
            "التقى رئيس الوزراء الهندي ناريندرا مودي بالرئيس الصيني.",
            "ناريندرا مودي",
            "ac:narendra_modi",
        ),
        ("أطلقت كوريا الشمالية صاروخا بأمر من كيم جونغ أون.", "كيم جونغ أون", "ac:kim_jong_un"),
        (
            "قالت محكمة العدل الدولية إن على ميانمار حماية الروهينغا.",
            "محكمة العدل الدولية",
            "ac:icj",
        ),
        (
            "نددت منظمة مراسلون بلا حدود باعتقال الصحفيين.",
            "منظمة مراسلون بلا حدود",
            "ac:reporters_without_borders",
        ),
        (
            "وقالت صحفيون بلا حدود إن الصحفي قتل في اليمن.",
            "صحفيون بلا حدود",
            "ac:reporters_without_borders",
        ),
        ("قالت منظمة أطباء بلا حدود إن مستشفاها قصف.", "منظمة أطباء بلا حدود", "ac:msf"),
        ("حذرت منظمة الصحة العالمية من تفشي الكوليرا.", "منظمة الصحة العالمية", "ac:who"),
        (
            "أكدت منظمة حظر الأسلحة الكيميائية استخدام غاز السارين.",
            "منظمة حظر الأسلحة الكيميائية",
            "ac:opcw",
        ),
        (
            "قالت المفوضية العليا لشؤون اللاجئين إن الآلاف فروا.",
            "المفوضية العليا لشؤون اللاجئين",
            "ac:unhcr",
        ),
        ("علقت الأونروا برامجها في غزة.", "الأونروا", "ac:unrwa"),
        ("دعا الاتحاد الأفريقي إلى وقف القتال في السودان.", "الاتحاد الأفريقي", "ac:african_union"),
        ("صوت مجلس النواب الأمريكي على القرار.", "مجلس النواب الأمريكي", "ac:us_house"),
        ("صادق الكنيست على قانون القومية.", "الكنيست", "ac:knesset"),
        ("هاجمت حركة طالبان نقطة تفتيش في قندهار.", "حركة طالبان", "ac:taliban"),
        ("خطفت جماعة بوكو حرام عشرات الطالبات.", "جماعة بوكو حرام", "ac:boko_haram"),
        ("قصفت قوات حفتر مطار معيتيقة.", "قوات حفتر", "ac:libyan_national_army"),
        (
            "سيطرت قوات المجلس الانتقالي الجنوبي على عدن.",
            "قوات المجلس الانتقالي الجنوبي",
            "ac:southern_transitional_council",
        ),
        (
            "ذكرت وكالة الأنباء السعودية (واس) أن الملك استقبل الوزير.",
            "وكالة الأنباء السعودية",
            "ac:spa",
        ),
        (
            "نقلت وكالة الأنباء الكويتية عن الوزير قوله إن الوساطة مستمرة.",
            "وكالة الأنباء الكويتية",
            "ac:kuna",
        ),
        (
            "قالت قناة المسيرة التابعة للحوثيين إن غارة أصابت سوقا.",
            "قناة المسيرة التابعة للحوثيين",
            "ac:al_masirah",
        ),
    ],
)
def test_people_and_bodies_are_found(
    kb: KnowledgeBase, sentence: str, surface: str, entity_id: str
) -> None:
    assert (surface, entity_id) in _found(kb, sentence), _found(kb, sentence)


@pytest.mark.parametrize(
    ("sentence", "surface"),
    [
        # a family name alone names no one without the full name or a title nearby
        ("وقال هيلي إن المباراة كانت صعبة.", "هيلي"),
        ("قال الحريري في مقابلة إن الوضع صعب.", "الحريري"),
        ("يزور وفد من ولايتي نيويورك وكونيتيكت المعرض.", "ولايتي"),
        # common words that are also names
        ("وصل الوفد فور انتهاء الاجتماع.", "فور"),
        ("زاد عدد القتلى إلى عشرة.", "زاد"),
        ("افتتح أفخم الفنادق في المدينة أمس.", "أفخم"),
        ("وتسلمت الشركة STC عقدا جديدا.", "STC"),
        # a relative's full name is not the one the family name stands for
        (
            "قال رئيس الحكومة سعد الحريري إن الانتخابات جرت، وشكر وسام الحريري على جهوده.",
            "وسام الحريري",
        ),
    ],
)
def test_family_names_and_common_words_are_not_people(
    kb: KnowledgeBase, sentence: str, surface: str
) -> None:
    found = _found(kb, sentence)
    assert not [f for f in found if f[0] in surface], found


def test_a_family_name_follows_the_full_name_in_the_article(kb: KnowledgeBase) -> None:
    text = "قالت المندوبة الأمريكية نيكي هيلي إن بلادها ستنسحب. وأضافت هيلي أن القرار نهائي."
    found = _found(kb, text)
    assert found.count(("هيلي", "ac:nikki_haley")) == 1, found
    text = "قال رئيس الحكومة اللبنانية سعد الحريري إن لبنان ملتزم. وأكد الحريري أن الدعم مهم."
    assert ("الحريري", "ac:saad_hariri") in _found(kb, text)


def test_the_word_after_a_particle_is_not_a_family_name(kb: KnowledgeBase) -> None:
    # "سلمان" alone is neither Khalid bin Salman nor his brother; "نهيان" is a house
    text = "التقى الأمير خالد بن سلمان السفير. وقال سلمان إن آل نهيان حضروا."
    found = _found(kb, text)
    assert ("سلمان", "ac:khalid_bin_salman") not in found, found
    assert not [f for f in found if f[0] == "نهيان"], found


def test_rafik_hariri_is_not_his_son(kb: KnowledgeBase) -> None:
    text = "قال سعد الحريري إنه يحمل إرث والده رفيق الحريري."
    found = _found(kb, text)
    assert ("رفيق الحريري", "ac:rafik_hariri") in found, found


@pytest.mark.parametrize(
    ("entity_id", "day", "body"),
    [
        ("ac:mohammed_bin_salman", "2015-03-01", "ac:saudi_government"),  # defence minister
        ("ac:avigdor_lieberman", "2017-03-01", "ac:israel_government"),
        ("ac:ghassan_salame", "2018-09-01", "ac:unsmil"),
        ("ac:martin_griffiths", "2019-01-10", "ac:un_secretariat"),
        ("ac:martin_griffiths", "2022-01-10", "ac:ocha"),
        ("ac:hulusi_akar", "2016-07-15", "ac:turkish_armed_forces"),
        ("ac:khalid_bin_salman", "2018-01-01", "ac:saudi_foreign_ministry"),
        ("ac:khalid_bin_salman", "2020-01-01", "ac:saudi_government"),
        ("ac:tedros_adhanom", "2019-06-01", "ac:who"),
        ("ac:abdrabbuh_mansur_hadi", "2018-06-01", "ac:yemen_government"),
        ("ac:mahdi_al_mashat", "2019-06-01", "ac:houthi_supreme_political_council"),
    ],
)
def test_offices_date_the_body_a_person_acts_for(
    kb: KnowledgeBase, entity_id: str, day: str, body: str
) -> None:
    assert kb.affiliation(entity_id, dt.date.fromisoformat(day)) == body


def test_world_coverage_counts(kb: KnowledgeBase) -> None:
    persons = [e for e in kb.entities.values() if e.kind == "person"]
    media = [e for e in kb.entities.values() if e.kind == "media"]
    assert len(persons) >= 650
    assert len(media) >= 110
    for eid in ("ac:icj", "ac:who", "ac:opcw", "ac:african_union", "ac:asean", "ac:unesco",
                "ac:msf", "ac:reporters_without_borders", "ac:us_supreme_court"):  # fmt: skip
        assert eid in kb.entities, eid
