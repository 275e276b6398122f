from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasid.text import normalize, normalize_key, tokenize
from rasid.text.normalize import normalize_text

ARABIC_CHARS = (
    list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
    + list("أإآٱءؤئىة")
    + ["\u064b", "\u064e", "\u0650", "\u0651", "\u0652", "\u0640", "\u200f", "\u200c"]
    + list("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
    + list("،؛؟.!«» \n\t-")
    + ["\ufefb", "\ufe8d", "\ufdf2", "\ufb8a"]
    + list("ABCabc019")
)
ARABIC_ALPHABET = st.text(alphabet=st.sampled_from(ARABIC_CHARS), max_size=80)
# with the characters the normalization maps to several or none (separators, fractions, numerals)
WIDER_TEXT = st.text(
    alphabet=st.sampled_from([*ARABIC_CHARS, "_", "\u2028", "\xa0", "\u00bd", "\u2163"]),
    max_size=80,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),
        ("مصطفى القاضي", "مصطفي القاضي"),
        ("مدرسة", "مدرسه"),
        ("قُتِلَ جُنْدِيّانِ", "قتل جنديان"),
        ("جـــنـــود", "جنود"),
        ("٢٠٢٤ و۱۴۰۲", "2024 و1402"),
        ("\ufefb\u200f", "لا"),
        ("مسئول مسؤول", "مسءول مسءول"),
        ("نعم، لا؛ لماذا؟", "نعم, لا; لماذا?"),
        ("«هجوم» – قال", '"هجوم" - قال'),
        ("Kata'ib HEZBOLLAH", "kata'ib hezbollah"),
        ("ی ک", "ي ك"),
    ],
)
def test_normalize_table(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_offset_map_points_back() -> None:
    raw = "قُتِلَ «جنديان» ـ في ﻻ مكان"
    n = normalize(raw)
    i = n.text.index("جنديان")
    a, b = n.to_original_span(i, i + len("جنديان"))
    assert raw[a:b] == "جنديان"
    j = n.text.index("لا")
    a, b = n.to_original_span(j, j + 2)
    assert raw[a:b] == "\ufefb"


@settings(max_examples=300, deadline=None)
@given(ARABIC_ALPHABET)
def test_normalize_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@settings(max_examples=300, deadline=None)
@given(ARABIC_ALPHABET)
def test_offset_map_monotonic_and_in_range(text: str) -> None:
    n = normalize(text)
    prev = 0
    for i in range(len(n.text) + 1):
        o = n.to_original(i)
        assert prev <= o <= len(text)
        prev = o


@settings(max_examples=300, deadline=None)
@given(ARABIC_ALPHABET)
def test_tokens_map_to_non_empty_original_slices(text: str) -> None:
    n = normalize(text)
    for tok in tokenize(n):
        assert tok.end > tok.start
        piece = text[tok.start : tok.end]
        assert piece
        assert normalize_key(piece).replace(" ", "") or tok.norm


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_is_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once
    for i in range(len(once)):
        assert 0 <= normalize(text).to_original(i) < max(1, len(text))


def test_normalize_key_collapses_space() -> None:
    assert normalize_key("  عين   الأسد ") == "عين الاسد"


@settings(max_examples=300, deadline=None)
@given(WIDER_TEXT, st.lists(st.integers(min_value=0, max_value=200), max_size=30))
def test_spans_map_back_in_one_walk_as_one_by_one(text: str, cuts: list[int]) -> None:
    n = normalize(text)
    # spans in text order that do not overlap, one ending where the next starts, with gaps
    # where a third is left out
    points = sorted({c % (len(n.text) + 1) for c in cuts})
    spans = [span for k, span in enumerate(itertools.pairwise(points)) if k % 3 != 2]
    assert n.to_original_spans(spans) == [n.to_original_span(a, b) for a, b in spans]


@settings(max_examples=300, deadline=None)
@given(ARABIC_ALPHABET)
def test_to_normalized_inverts_to_original(text: str) -> None:
    n = normalize(text)
    for o in range(len(text) + 1):
        i = n.to_normalized(o)
        assert 0 <= i <= len(n.text)
        # the first normalized offset at or after o: everything before it maps before o
        if i > 0:
            assert n.to_original(i - 1) < o
        if i < len(n.text):
            assert n.to_original(i) >= o


@settings(max_examples=300, deadline=None)
@given(ARABIC_ALPHABET)
def test_to_normalized_looks_back_only_after_an_expansion(text: str) -> None:
    n = normalize(text)
    # the look-back over plateaus, forced: the same offsets whether or not a ligature expanded
    looked_back = dataclasses.replace(n, _expanded=True)
    offsets = range(len(text) + 1)
    assert [n.to_normalized(o) for o in offsets] == [looked_back.to_normalized(o) for o in offsets]


def test_expansion_is_recorded() -> None:
    assert normalize("\ufefbجئ")._expanded  # lam-alef: two characters
    assert not normalize("قُتِلَ جُنْدِيّانِ")._expanded


@settings(max_examples=500, deadline=None)
@given(WIDER_TEXT)
def test_normalize_text_is_the_text_of_normalize(text: str) -> None:
    assert normalize_text(text) == normalize(text).text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_normalize_text_agrees_on_any_unicode(text: str) -> None:
    assert normalize_text(text) == normalize(text).text


def test_normalize_key_of_a_ligature_and_marks() -> None:
    assert normalize_key(" \ufefb  قُتِلَ\u0640 ") == "لا قتل"


@settings(max_examples=300, deadline=None)
@given(WIDER_TEXT, st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_words_of_a_span_are_its_key_words(text: str, a: int, b: int) -> None:
    n = normalize(text)
    start, end = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    assert n.words_of(start, end) == normalize_key(text[start:end]).split()
