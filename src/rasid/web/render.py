"""Rendering helpers for the pages: templates, languages, highlighted text, safe links.

Article text is untrusted. Templates autoescape everything; the only HTML built in Python is the
highlighting, which escapes every piece of text (``markupsafe.escape``) before wrapping it in
``<mark>``, and never passes article text through ``|safe``. Links to articles' own URLs are kept
only for http(s) URLs, so a ``javascript:`` URL is shown as text, not made a link.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request

from rasid.web.display import neutralize_bidi, safe_url

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"
LANGS = ("en", "ar")
LANG_COOKIE = "rasid_lang"

TYPE_COLORS: dict[str, str] = {
    "ASSAULT": "#c0392b",
    "COERCE": "#e67e22",
    "THREATEN": "#d4a017",
    "MOBILIZE": "#8e44ad",
    "RETREAT": "#c39bd3",
    "PROTEST": "#f1c40f",
    "SANCTION": "#5d6d7e",
    "ACCUSE": "#2471a3",
    "REJECT": "#5dade2",
    "REQUEST": "#48c9b0",
    "CONSULT": "#27ae60",
    "AGREE": "#1e8449",
    "SUPPORT": "#82e0aa",
    "CONCEDE": "#a9cce3",
    "COOPERATE": "#138d75",
    "AID": "#f1948a",
}


@lru_cache(maxsize=1)
def strings() -> dict[str, dict[str, str]]:
    """The UI strings of every language (static/i18n.json, also read by the page scripts)."""
    data: dict[str, dict[str, str]] = json.loads(
        (STATIC_DIR / "i18n.json").read_text(encoding="utf-8")
    )
    return data


def translate(lang: str, key: str, **values: Any) -> str:
    table = strings()
    text = table.get(lang, {}).get(key) or table["en"].get(key) or key
    return text.format(**values) if values else text


def optional_label(lang: str, prefix: str, value: str | None) -> str:
    """The translated label of a value from data (a mode, a unit), or the value itself."""
    if not value:
        return ""
    key = f"{prefix}.{value}"
    table = strings()
    return table.get(lang, {}).get(key) or table["en"].get(key) or value


def pick_lang(request: Request) -> tuple[str, bool]:
    """The page language and whether it was chosen now (query parameter) and must be saved."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked, True
    saved = request.cookies.get(LANG_COOKIE)
    if saved in LANGS:
        return saved, False
    accept = request.headers.get("accept-language", "").lower()
    return ("ar" if accept.startswith("ar") else "en"), False


def highlight(text: str, spans: Sequence[Mapping[str, Any]]) -> Markup:
    """``text`` escaped, with each span wrapped in <mark>. Overlapping spans are split into
    pieces that carry every kind covering them; a span with ``focus`` also gets ``hl-focus``."""
    n = len(text)
    good = [sp for sp in spans if 0 <= int(sp["start"]) < int(sp["end"]) <= n]
    bounds = sorted({0, n, *(int(sp["start"]) for sp in good), *(int(sp["end"]) for sp in good)})
    out: list[Markup] = []
    for a, b in itertools.pairwise(bounds):
        piece = text[a:b]
        active = [sp for sp in good if int(sp["start"]) <= a and b <= int(sp["end"])]
        piece = neutralize_bidi(piece)
        if not active:
            out.append(escape(piece))
            continue
        classes = {f"hl-{sp.get('kind', 'span')}" for sp in active}
        if any(sp.get("focus") for sp in active):
            classes.add("hl-focus")
        refs = " ".join(dict.fromkeys(str(sp.get("ref", "")) for sp in active))
        out.append(
            Markup('<mark class="{}" data-refs="{}">{}</mark>').format(
                " ".join(sorted(classes)), refs, piece
            )
        )
    return Markup("").join(out)


def snippet_html(snippet: Mapping[str, Any]) -> Markup:
    """A search snippet with its hits marked, and ellipses where the text was cut."""
    spans = [{"start": a, "end": b, "kind": "hit"} for a, b in snippet.get("marks", [])]
    body = highlight(snippet["text"], spans)
    pre = Markup("… ") if snippet.get("prefix") else Markup("")
    post = Markup(" …") if snippet.get("suffix") else Markup("")
    return pre + body + post


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` of every template: text loses its bidirectional controls (Markup was
    built from neutralized pieces)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return neutralize_bidi(value)
    return value


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["highlight"] = highlight
    env.filters["snippet"] = snippet_html
    env.filters["safe_url"] = safe_url
    env.globals["TYPE_COLORS"] = TYPE_COLORS
    return env
