"""Countries as export formats name them: ISO 3166 codes and names from pycountry, ACLED's
regions and spellings from ``data/acled_regions.yaml``.

Every ISO 3166-1 country is known, not a built-in handful; a code pycountry does not know
(a typo, a user's own place file) gives None, and the caller says what it leaves out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class Country:
    alpha2: str
    alpha3: str
    numeric: int
    name: str  # as ACLED writes it
    region: str  # ACLED's region, "" when ACLED has none for it


@functools.cache
def _acled_tables() -> tuple[dict[str, str], dict[str, str]]:
    text = resources.files("rasid.export").joinpath("data/acled_regions.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    regions = {code: region for region, codes in data["regions"].items() for code in codes}
    return regions, dict(data["names"])


@functools.cache
def country(code: str | None) -> Country | None:
    """The country of an ISO 3166-1 alpha-2 or alpha-3 code, or None when there is none."""
    if not code:
        return None
    import pycountry

    code = code.strip().upper()
    if code == "XK":  # Kosovo: a user-assigned code that ACLED and Wikidata use
        return Country("XK", "XKX", 0, "Kosovo", "Europe")
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if found is None and len(code) == 3:
        found = pycountry.countries.get(alpha_3=code)
    if found is None:
        return None
    regions, names = _acled_tables()
    name = names.get(found.alpha_2) or getattr(found, "common_name", None) or found.name
    return Country(
        found.alpha_2, found.alpha_3, int(found.numeric), name, regions.get(found.alpha_2, "")
    )
