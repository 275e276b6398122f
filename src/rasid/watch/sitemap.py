"""XML sitemaps (sitemaps.org 0.9): a ``<urlset>`` lists pages, a ``<sitemapindex>`` lists
other sitemaps, each entry with its ``<lastmod>``. Google News sitemaps add the page's title and
publication date (``<news:title>``, ``<news:publication_date>``), read when present.

Elements are found by their local name, so a sitemap that forgets or misspells its namespace is
still read. The parser resolves no entity and fetches nothing; a gzipped sitemap (``.xml.gz``)
is inflated up to ``MAX_BYTES``, the protocol's own limit.

Risky: a sitemap of a whole site lists years of pages; the caller keeps only recent ones
(``recent``) and a bounded number a poll.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_BYTES = 50 * 2**20
_ROOTS = (b"<urlset", b"<sitemapindex")


class SitemapError(ValueError):
    """The bytes are not a readable sitemap (the message says why)."""


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>`` or ``<sitemap>``: its location, last change, and a news page's title and
    publication date."""

    loc: str
    lastmod: str | None = None
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    is_index: bool
    entries: tuple[SitemapEntry, ...]


def inflate(body: bytes) -> bytes:
    """``body``, inflated when it is gzip; at most ``MAX_BYTES`` of it."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            data = f.read(MAX_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise SitemapError(f"broken gzip ({exc})") from exc
    if len(data) > MAX_BYTES:
        raise SitemapError(f"inflates past {MAX_BYTES // 2**20} MB")
    return data


def looks_like_sitemap(body: bytes) -> bool:
    """True when the first bytes (inflated) open a urlset or a sitemap index."""
    head = body[:4096]
    if head.startswith(b"\x1f\x8b"):
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(body)).read(4096)
        except (OSError, EOFError):
            return False
    return any(root in head.lower() for root in _ROOTS)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(el: Any, name: str, *, deep: bool = False) -> str | None:
    """The text of ``el``'s first child (any descendant when ``deep``) named ``name``."""
    for node in el.iter() if deep else el:
        if _local(node.tag) == name and node.text and node.text.strip():
            return str(node.text.strip())
    return None


def read_sitemap(body: bytes) -> Sitemap:
    """The entries of a urlset or a sitemap index; raises SitemapError on broken XML."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(inflate(body), parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"broken XML ({exc})") from exc
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap (root <{kind}>)")
    item = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    for el in root:
        if _local(el.tag) != item:
            continue
        loc = _text(el, "loc")
        if not loc or not loc.startswith(("http://", "https://")):
            continue
        entries.append(
            SitemapEntry(
                loc=loc,
                lastmod=_text(el, "lastmod"),
                title=_text(el, "title", deep=True),
                published=_text(el, "publication_date", deep=True),
            )
        )
    return Sitemap(kind == "sitemapindex", tuple(entries))


def _instant(value: str | None) -> datetime | None:
    """A W3C date-time (``2024-02-07``, ``2024-02-07T18:30:00+03:00``) in UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def recent(entry: SitemapEntry, days: float | None, now: datetime | None = None) -> bool:
    """True when the entry changed within ``days`` (or says nothing of when it changed)."""
    if days is None:
        return True
    moment = _instant(entry.lastmod) or _instant(entry.published)
    if moment is None:
        return True
    return moment >= (now or datetime.now(UTC)) - timedelta(days=days)
