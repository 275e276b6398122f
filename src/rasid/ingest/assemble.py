"""One Article from what a reader found: id, content hash, language, date and captions.

The id is the caller's when given, else derived from the url, else from the content hash, so the
same input always gets the same id. The content hash is the SHA-256 of the text with whitespace
runs collapsed to one space and the ends trimmed: the same article read twice, from a file or
from a JSON line, hashes the same. It is computed in slices so a very long article needs no
second full copy of itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rasid.ingest.captions import find_captions
from rasid.ingest.dateline import find_dateline, parse_date
from rasid.ingest.lang import detect_language
from rasid.records import Article

HASH_SLICE = 1 << 20
ID_HASH_CHARS = 16
LANGS = frozenset({"ar", "en"})


@dataclass(frozen=True, slots=True)
class Found:
    """The fields a reader found for one article, before anything is derived."""

    text: str
    origin: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    lang: str | None = None
    caption_texts: tuple[str, ...] = ()


def content_hash(text: str, slice_chars: int = HASH_SLICE) -> str:
    """SHA-256 hex of ``" ".join(text.split())``, computed slice by slice."""
    digest = hashlib.sha256()
    started = False
    pending_space = False
    for offset in range(0, len(text), slice_chars):
        piece = text[offset : offset + slice_chars]
        core = " ".join(piece.split())
        if not core:
            pending_space = pending_space or started
            continue
        if started and (pending_space or piece[0].isspace()):
            digest.update(b" ")
        digest.update(core.encode("utf-8", "surrogatepass"))
        started = True
        pending_space = piece[-1].isspace()
    return digest.hexdigest()


def derive_id(url: str | None, text_hash: str) -> str:
    """A stable id: from the url when there is one, else from the content hash."""
    if url:
        return "u" + hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:ID_HASH_CHARS]
    return "h" + text_hash[:ID_HASH_CHARS]


def normalize_lang(value: str) -> str:
    """A record's language tag ("ar", "ar-IQ", "English" ...) as "ar", "en" or "other"."""
    tag = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    if tag in LANGS:
        return tag
    return {"arabic": "ar", "ara": "ar", "english": "en", "eng": "en"}.get(tag, "other")


def build_article(found: Found) -> Article:
    """The Article for ``found``: derived id, hash, language, publication date and captions."""
    text = found.text
    text_hash = content_hash(text)
    published, published_from = _resolve_published(found.published, text)
    lang = normalize_lang(found.lang) if found.lang else detect_language(text)
    title = _clean(found.title)
    return Article(
        id=_clean(found.id) or derive_id(found.url, text_hash),
        text=text,
        title=title,
        url=_clean(found.url),
        source=_clean(found.source),
        published=published,
        published_from=published_from,
        lang=lang,
        captions=find_captions(text, title=title, caption_texts=found.caption_texts),
        origin=found.origin,
        content_hash=text_hash,
    )


def _resolve_published(given: str | None, text: str) -> tuple[str | None, str | None]:
    if given:
        value = parse_date(given)
        if value is not None:
            return value, "record"
    value = find_dateline(text)
    if value is not None:
        return value, "dateline"
    return None, None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def first_text(values: Iterable[object]) -> str | None:
    """The first non-blank string among ``values``."""
    for value in values:
        if isinstance(value, str) and value.strip():
            return value
    return None
