"""The syllable rules for an Arabic name word no dictionary knows (rasid.names_arabic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasid.kb.morph import read_rules_text
from rasid.names import is_readable_name, name_tokens
from rasid.names_arabic import spell_arabic_word
from rasid.text import normalize_key


@pytest.mark.parametrize(
    ("arabic", "english"),
    [
        ("الحمداوي", "al-Hamdawi"),  # a nisba in -awi, not the French -aoui
        ("الزعبي", "al-Zaabi"),  # ain beside an "a" is written "a"
        ("مسعود", "Masoud"),  # ain before a long vowel is silent
        ("مكتوم", "Maktoum"),  # one consonant opens a syllable: not "Makatoum"
        ("الشمراني", "al-Shamrani"),
        ("مكرم", "Makram"),  # four consonants and no vowel letter
        ("فهد", "Fahad"),  # three: "CaCaC", never a skeleton
        ("سعدالله", "Saadallah"),  # a compound with Allah
        ("عساكر", "Asaker"),  # a last syllable after a long vowel takes "e"
        ("الهاشمي", "al-Hashemi"),  # fa'il with a nisba
        ("بيومي", "Bayoumi"),  # ya before a vowel letter is a consonant
        ("داوود", "Dawoud"),
        ("ايهاب", "Ihab"),  # a first "اي" or "او" before a consonant is one vowel
        ("اوباما", "Obama"),
    ],
)
def test_rules_put_back_the_short_vowels(arabic: str, english: str) -> None:
    assert spell_arabic_word(normalize_key(arabic)) == english


def test_rules_spell_every_table_word_readably() -> None:
    words = [line.split("\t")[0] for line in read_rules_text("name_tokens.tsv").splitlines()]
    words = [normalize_key(w) for w in words if w and not w.startswith("#")]
    assert len(words) > 300
    unreadable = [w for w in words if not is_readable_name(spell_arabic_word(w))]
    assert unreadable == []


def test_token_table_holds_no_family_name_of_the_names_tables() -> None:
    """The token table's family names are facts about names, not the tested people's: none of
    them is a word of tests/data/names (so bench/names_heldout.py measures spelling)."""
    data = Path(__file__).parent / "data" / "names"
    tested: set[str] = set()
    for table in ("person_names.tsv", "person_names_unfitted.tsv"):
        for line in (data / table).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith(("#", "arabic\t")):
                tested.update(normalize_key(line.split("\t")[0]).split())
    article = normalize_key("\u0627\u0644")
    families = [w for w in name_tokens().words if w.startswith(article) and len(w) > 4]
    assert len(families) >= 30
    assert sorted(set(families) & tested) == []
