"""The syllable rules for an Arabic name word no dictionary knows (rasid.names.spell_arabic_word)."""

from __future__ import annotations

import pytest

from rasid.kb.morph import read_rules_text
from rasid.names import is_readable_name, spell_arabic_word
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
