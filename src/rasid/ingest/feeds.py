"""RSS and Atom feed files: every item an article with its link, title, date and content.

The content is the item's full content when the feed carries it, else its summary; HTML in it is
reduced to text (captions kept and marked). The date is the item's published date, else its
updated date, as an ISO date-time in UTC. feedparser reads the bytes and their encoding itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from rasid.ingest.assemble import Found, build_article, first_text
from rasid.ingest.dateline import parse_date
from rasid.ingest.html import extract_html
from rasid.ingest.problem import IngestProblem
from rasid.records import Article

_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf", b"<rdf")


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of a file open an RSS, RDF or Atom document."""
    sample = head[:2048].lower()
    return any(root in sample for root in _FEED_ROOTS)


def read_feed(data: bytes, path: str) -> Iterator[Article | IngestProblem]:
    """Articles from the bytes of an RSS 2.0, RSS 1.0 (RDF) or Atom file."""
    import feedparser

    parsed = feedparser.parse(data)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            error = parsed.get("bozo_exception")
            yield IngestProblem(path, None, f"not a readable RSS or Atom feed ({error})")
        else:
            yield IngestProblem(path, None, "feed has no items")
        return
    source = first_text([parsed.get("feed", {}).get("title")])
    for index, entry in enumerate(entries, start=1):
        yield _read_entry(entry, path, index, source)


def _read_entry(entry: Any, path: str, index: int, source: str | None) -> Article | IngestProblem:
    body, is_html = _entry_body(entry)
    captions: tuple[str, ...] = ()
    text = body
    if body and is_html:
        page = extract_html(body, fragment=True)
        text, captions = page.text, page.captions
    if not text or not text.strip():
        return IngestProblem(path, None, f"item {index}: no content or summary")
    title = first_text([entry.get("title")])
    if title and "<" in title:
        title = extract_html(title, fragment=True).text or title
    return build_article(
        Found(
            text=text,
            origin=f"{path}#{index}",
            title=title,
            url=first_text([entry.get("link")]),
            source=source,
            published=_entry_date(entry),
            caption_texts=captions,
        )
    )


def _entry_body(entry: Any) -> tuple[str | None, bool]:
    contents = [c for c in entry.get("content") or [] if isinstance(c.get("value"), str)]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return best["value"], _is_html(best.get("type"), best["value"])
    detail = entry.get("summary_detail") or {}
    summary = first_text([entry.get("summary")])
    return summary, _is_html(detail.get("type"), summary or "")


def _is_html(kind: str | None, value: str) -> bool:
    return kind in {"text/html", "application/xhtml+xml"} or ("<" in value and ">" in value)


def _entry_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return datetime(*value[:6], tzinfo=UTC).isoformat()
    raw = first_text([entry.get("published"), entry.get("updated")])
    return parse_date(raw) if raw else None
