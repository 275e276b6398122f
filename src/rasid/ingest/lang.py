"""Language of an article: "ar", "en" or "other".

What it catches: Arabic-script text by a cheap script count (almost every article Rasid sees,
decided without a model); everything else by lingua restricted to the languages of the region's
press (Arabic, English, French, Persian, Urdu, Turkish, Hebrew, Russian, Spanish, German).

Guards: Persian and Urdu are written in Arabic script, so Arabic-script text that uses their
own letters (پ چ ژ گ ی ے ...) goes to lingua instead of being called Arabic outright; only the
first few thousand characters are looked at, so a long article costs the same as a short one.

Risky: very short texts (a headline, a single word) are decided by script alone; an Arabic
article typed with a Persian keyboard layout reaches lingua, which still reads it as Arabic.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

SAMPLE_CHARS = 3000
ARABIC_SCRIPT_SHARE = 0.6
LATIN_SCRIPT_SHARE = 0.6
FOREIGN_LETTER_SHARE = 0.01
_SHORT = 20
# Letters of Persian, Urdu and Kurdish that Arabic does not use (as code points).
_NON_ARABIC_LETTERS = (
    "\u067e\u0686\u0698\u06af\u06cc\u06d2\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d5\u06ce"
    "\u06c6\u06b5\u0695\u06a4"
)
# The script count works on UTF-8 bytes, where C-level byte counting is far cheaper than a regex
# over characters: U+0600-U+06FF start with bytes D8-DB, every other non-ASCII character with
# another lead byte, and ASCII letters are themselves.
_ARABIC_LEADS = (0xD8, 0xD9, 0xDA, 0xDB)
_KEEP_LEADS = bytes(b for b in range(256) if not 0xC2 <= b <= 0xF4)
_KEEP_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())


def count_scripts(sample: str) -> tuple[int, int, int]:
    """(Arabic-block characters, ASCII letters, all letters) of ``sample``, approximately.

    Arabic punctuation and digits count as Arabic and every non-ASCII character as a letter:
    close enough to tell which script a text is written in.
    """
    data = sample.encode("utf-8", "surrogatepass")
    arabic = sum(data.count(lead) for lead in _ARABIC_LEADS)
    latin = len(data.translate(None, _KEEP_ASCII_LETTERS))
    non_ascii = len(data.translate(None, _KEEP_LEADS))
    return arabic, latin, latin + non_ascii


def detect_language(text: str) -> str:
    """ "ar", "en" or "other" for ``text`` (empty or letterless text is "other")."""
    sample = text[:SAMPLE_CHARS]
    arabic, latin, letters = count_scripts(sample)
    if letters == 0:
        return "other"
    if arabic >= ARABIC_SCRIPT_SHARE * letters:
        foreign = sum(sample.count(ch) for ch in _NON_ARABIC_LETTERS)
        if foreign <= FOREIGN_LETTER_SHARE * arabic:
            return "ar"
    if letters < _SHORT:
        return _language_by_script(arabic, latin, letters)
    found = _detect_with_lingua(sample)
    if found is None:
        return _language_by_script(arabic, latin, letters)
    return found


def _language_by_script(arabic: int, latin: int, letters: int) -> str:
    # Too little text for a model: the dominant script is the best guess there is.
    if arabic >= ARABIC_SCRIPT_SHARE * letters:
        return "ar"
    if latin >= LATIN_SCRIPT_SHARE * letters:
        return "en"
    return "other"


def _detect_with_lingua(sample: str) -> str | None:
    from lingua import Language

    language = _detector().detect_language_of(sample)
    if language is None:
        return None
    if language == Language.ARABIC:
        return "ar"
    if language == Language.ENGLISH:
        return "en"
    return "other"


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ARABIC,
        Language.ENGLISH,
        Language.FRENCH,
        Language.PERSIAN,
        Language.URDU,
        Language.TURKISH,
        Language.HEBREW,
        Language.RUSSIAN,
        Language.SPANISH,
        Language.GERMAN,
    ]
    # Low-accuracy mode loads trigram models only: a fraction of the start-up time and memory,
    # and as good as the full models on paragraph-length text, which is what articles are.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
