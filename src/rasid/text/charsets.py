"""Arabic character classes, defined once as named sets (code points, not literals)."""

from __future__ import annotations

ALEF = "\u0627"
ALEF_FORMS = frozenset("\u0622\u0623\u0625\u0671\u0672\u0673\u0675")  # آ أ إ ٱ ٲ ٳ ٵ
HAMZA = "\u0621"
HAMZA_CARRIERS = frozenset("\u0624\u0626")  # ؤ ئ
ALEF_MAQSURA = "\u0649"
YEH = "\u064a"
FARSI_YEH_FORMS = frozenset("\u06cc\u06d0\u06d2")  # ی ې ے
TEH_MARBUTA = "\u0629"
HEH = "\u0647"
HEH_FORMS = frozenset("\u06c0\u06c1\u06d5")  # ۀ ہ ە
KAF = "\u0643"
KAF_FORMS = frozenset("\u06a9\u06aa")  # ک ڪ
TATWEEL = "\u0640"

# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks.
DIACRITICS = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + [chr(c) for c in range(0x06E7, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)

# Bidi controls, zero-width characters and the byte-order mark.
INVISIBLE_CONTROLS = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u061c\u00ad"
)

ARABIC_INDIC_DIGITS = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
PERSIAN_DIGITS = "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"

ARABIC_COMMA = "\u060c"
ARABIC_SEMICOLON = "\u061b"
ARABIC_QUESTION = "\u061f"
ARABIC_PERCENT = "\u066a"
ARABIC_DECIMAL_SEP = "\u066b"
ARABIC_THOUSANDS_SEP = "\u066c"
ARABIC_FULL_STOP = "\u06d4"

DOUBLE_QUOTES = frozenset("\u00ab\u00bb\u201c\u201d\u201e\u201f\u2033\u301d\u301e")
SINGLE_QUOTES = frozenset("\u2018\u2019\u201a\u201b\u2032\u2039\u203a")
DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
SPACES = frozenset(
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)

# Presentation forms: NFKC turns them back into ordinary letters (sometimes several).
PRESENTATION_RANGES = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

ARABIC_LETTER_RANGE = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06fa-\u06fc"

# Proclitics a word may carry before a name: wa-, fa-, bi-, li-, ka-; and the article forms.
PROCLITIC_LETTERS = frozenset("\u0648\u0641\u0628\u0644\u0643")  # و ف ب ل ك
ARTICLE = "\u0627\u0644"  # ال
LIL = "\u0644\u0644"  # لل
