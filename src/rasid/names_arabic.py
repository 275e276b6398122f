"""Arabic name words no dictionary knows, spelled as the English-language press spells a name.

Arabic does not write a name's short vowels, and the press puts them back by how the name is
said: "الفهداوي" is "al-Fahdawi", "مكتوم" "Maktoum". A letter-for-letter transliteration
(Buckwalter: "mktwm") writes only the letters, and arabic-name-romanizer's rules put an "a"
between every two consonants ("Fahadaoui", "Habaji"): no library spells these words as the
press does, so this module holds the rules the press follows:

- the article as "al-" before every letter ("الشمراني": "al-Shamrani");
- the short vowels by syllable: a syllable opens on one consonant and closes on at most one
  ("Maktoum", "al-Habji", not "Makatoum", "Habaji"); a word of three consonants and no vowel
  letter is "CaCaC" ("Fahad"), of four "CaCCaC" ("Makram");
- alef a long "a"; waw and ya the vowels "ou" and "i", but consonants at a word's start, after
  alef and before a vowel letter ("Bayoumi", "Dawoud"); a first "او" or "اي" before a
  consonant one vowel ("Obama", "Ihab"); a last ha after a consonant, in a word of three
  letters or more, the feminine "a" ("نعمة": "Naama");
- the closing "e": a consonant pair that ends a word after a long vowel ("Asaker", "Khaled"),
  and the fa'il pattern before a nisba ("al-Hashemi");
- ain an "a" beside an "a" ("Saad", "al-Zaabi"), silent elsewhere ("Masoud", "Said");
- a compound with Allah as one word, the stem's last consonant opening its vowel
  ("Saadallah", "Jarallah").

Guards: only a word that the project dictionary, the token table and the romanizer's dictionary
all lack reaches these rules, and of a foreign name only a word with the article or a letter
foreign names do not use (rasid.names spells the others with rasid.names_latin); the article
comes off only when three letters or more are left, "Allah" when two are; three "a"s in a row
are two. Every word of the token table spelled by these rules is readable: no apostrophe, no
consonant skeleton (tests/test_names_rules.py).

Risky: "a" is the only short vowel the rules put back ("محمد": "Mahmad", "عمر": "Amar",
"مطهر": "Mathar"); a doubled letter, marked only by a shadda the folding drops, comes out single
("عكاوي": "Akawi", not "Akkawi"); ya between consonants is always "i" ("الشيخ": "al-Shikh", not
"al-Sheikh"); a last alef maqsura, folded to ya, reads "i" ("سلمى": "Salmi"). Such words belong
in the token table (kb/rules/name_tokens.tsv) or the project dictionary (names_en.tsv), which
are asked first.
"""

from __future__ import annotations

import re

from rasid.text import normalize_key
from rasid.text.charsets import ALEF, ARTICLE, HEH, YEH

# Arabic letters (as normalize_key leaves them) to the press's Latin for a name's consonants
_CONSONANT_LATIN = {
    "\u0628": "b", "\u062a": "t", "\u062b": "th", "\u062c": "j", "\u062d": "h", "\u062e": "kh",
    "\u062f": "d", "\u0630": "dh", "\u0631": "r", "\u0632": "z", "\u0633": "s", "\u0634": "sh",
    "\u0635": "s", "\u0636": "d", "\u0637": "t", "\u0638": "z", "\u063a": "gh", "\u0641": "f",
    "\u0642": "q", "\u0643": "k", "\u0644": "l", "\u0645": "m", "\u0646": "n", "\u0647": "h",
    "\u0621": "", "\u0639": "",
}  # fmt: skip
_WAW = "\u0648"
_AIN = "\u0639"
_ALLAH = normalize_key("\u0627\u0644\u0644\u0647")


def _sounds(word: str) -> list[tuple[str, str]]:
    """A word's letters as ("C", consonant) and ("V", vowel): alef a long "a"; waw and ya a
    consonant at the start, after alef and before a vowel letter, else the vowels "ou" and
    "i"; a last ha the vowel of the feminine ending ("a")."""
    out: list[tuple[str, str]] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i < last else ""
        prev = out[-1] if out else ("", "")
        if ch == ALEF:
            out.append(("V", "a"))
        elif (
            ch in (_WAW, YEH)
            and i == 1 < last - 1
            and prev == ("V", "a")
            and nxt in _CONSONANT_LATIN
        ):
            out[-1] = ("V", "o" if ch == _WAW else "i")  # a first "او", "اي": "Obama", "Ihab"
        elif ch in (_WAW, YEH):
            if i == 0 or prev == ("V", "a") or (nxt in (ALEF, _WAW, YEH) and i < last):
                out.append(("C", "w" if ch == _WAW else "y"))
            else:
                out.append(("V", "ou" if ch == _WAW else "i"))
        elif ch == HEH and i == last and i > 1 and prev[0] == "C":
            out.append(("V", "a"))
        elif ch in _CONSONANT_LATIN:
            out.append(("C", ch))
    return out


def _syllables(sounds: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The short vowels Arabic does not write, put back as the press does: a name's syllable
    opens on one consonant and closes on at most one ("Habji", "Malmoun", "Makram", "Fahdawi",
    not "Habaji", "Malamoun"); a consonant run that ends the word after a long vowel takes
    an "e" ("Asaker", "Dayem", the press's "Khaled")."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(sounds):
        if sounds[i][0] == "V":
            out.append(sounds[i])
            i += 1
            continue
        j = i
        while j < len(sounds) and sounds[j][0] == "C":
            j += 1
        run = [c for _k, c in sounds[i:j]]
        start, end = not out, j == len(sounds)
        long_before = bool(out) and out[-1][1] in ("a", "ou", "i")
        if start and len(run) == 1:
            pieces = run
        elif start:
            # the first syllable opens on one consonant; a word of three consonants and no
            # vowel letter is "CaCaC" ("Hamad"), of four "CaCCaC" ("Makram")
            pieces = [run[0], "a", *_middle(run[1:], end, whole=end and len(run) <= 3)]
        elif len(run) == 2 and long_before and (end or _fail_nisba(sounds[j:], out[-1])):
            pieces = [run[0], "e", run[1]]
        else:
            pieces = _middle(run, end, whole=False)
        out += [("V", p) if p in ("a", "e") else ("C", p) for p in pieces]
        i = j
    return out


def _fail_nisba(rest: list[tuple[str, str]], before: tuple[str, str]) -> bool:
    """The pattern "CaCeCi" of a family name from a fa'il word ("Hashemi", "Kazemi", "Salehi"):
    alef, two consonants, the last "i"."""
    return before == ("V", "a") and rest == [("V", "i")]


def _middle(run: list[str], end: bool, whole: bool) -> list[str]:
    """A consonant run after a vowel: the first closes that syllable, each later one opens a
    syllable with "a", the last opens the next written vowel (or ends the word)."""
    if not run:
        return []
    if whole:
        return [run[0], *[p for c in run[1:] for p in ("a", c)]]
    if end:  # "Makram": the last two consonants of a word's end open and close a syllable
        rest = run[1:]
        if len(rest) <= 1:
            return run[:1] + [p for c in rest for p in ("a", c)]
        return [run[0], rest[0], *[p for c in rest[1:] for p in ("a", c)]]
    pieces = run[:1]
    for c in run[1:-1]:
        pieces += [c, "a"] if pieces[-1] != "a" else [c]
    return pieces + run[-1:] if len(run) > 1 else pieces


def spell_arabic_word(word: str) -> str:
    """An Arabic name word (normalized) by rules, as the press spells a name it has not seen:
    the article as "al-", a compound with "Allah" ("Hamdallah"), short vowels by syllable,
    ain as an "a" beside an "a" ("Saad", "Samaani") and silent elsewhere ("Masoud")."""
    prefix = ""
    if word.startswith(ARTICLE) and len(word) > len(ARTICLE) + 2:
        prefix, word = "al-", word[len(ARTICLE) :]
    suffix = ""
    opens: list[tuple[str, str]] = []
    if word.endswith(_ALLAH) and len(word) > len(_ALLAH) + 1:
        # the stem's last consonant opens "Allah"'s vowel: "Hamdallah", "Jarallah"
        word, suffix, opens = word[: -len(_ALLAH)], "llah", [("V", "a")]
    sounds = _syllables(_sounds(word) + opens)
    letters: list[str] = []
    for k, (kind, value) in enumerate(sounds):
        if kind == "V":
            letters.append(value)
            continue
        if value != _AIN:
            letters.append(_CONSONANT_LATIN.get(value, value))
            continue
        before = sounds[k - 1] if k > 0 else ("", "")
        after = sounds[k + 1] if k + 1 < len(sounds) else ("", "")
        # "Saad", "Samaani", "Zaraa"; "Masoud", "Said"
        if (before == ("V", "a") and after[1] != "i") or (before[0] == "C" and after == ("V", "a")):
            letters.append("a")
    spelled = "".join(letters) + suffix
    spelled = re.sub("aaa+", "aa", spelled)
    if not spelled:
        return prefix.rstrip("-")
    return prefix + spelled[:1].upper() + spelled[1:]
