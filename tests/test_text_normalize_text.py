"""``normalize_text``, the text of ``normalize`` without its offset map (for keys)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rasid.text import normalize, normalize_key
from rasid.text.normalize import normalize_text

ARABIC_TEXT = st.text(
    alphabet=st.sampled_from(
        list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
        + list("أإآٱءؤئىة")
        + ["\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0640", "\u200f", "\u200c"]
        + list("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
        + list("،؛؟.!«» \n\t-_")
        + ["\ufefb", "\ufe8d", "\ufdf2", "\ufb8a", "\u2028", "\xa0", "\u00bd", "\u2163"]
        + list("ABCabc019")
    ),
    max_size=80,
)


@settings(max_examples=500, deadline=None)
@given(ARABIC_TEXT)
def test_normalize_text_is_the_text_of_normalize(text: str) -> None:
    assert normalize_text(text) == normalize(text).text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_normalize_text_agrees_on_any_unicode(text: str) -> None:
    assert normalize_text(text) == normalize(text).text


def test_normalize_key_of_a_ligature_and_marks() -> None:
    assert normalize_key(" \ufefb  قُتِلَ\u0640 ") == "لا قتل"
