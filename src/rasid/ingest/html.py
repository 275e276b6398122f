"""The main text of an HTML page (or of an HTML fragment from a feed), with title, date and
image captions.

What it does: parses the page once with lxml; reads the headline from og:title or <title> and
the publication date from the usual meta tags (article:published_time, date, datePublished ...)
or the first <time datetime>; turns every <figure>/<figcaption> into a plain paragraph so the
caption stays in place and is reported as a caption; removes page furniture (boilerplate.py);
then takes the main text with trafilatura (favor_recall, no comments, no tables, no links), with
a plain block-by-block text walk as the fallback when trafilatura finds nothing. Lines of
furniture that survive ("اقرأ أيضاً: ...", share buttons) are dropped from the text.

Risky: trafilatura may still keep a short list of teaser headlines; a page whose article sits in
a table loses it (tables are off to keep navigation tables out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rasid.ingest.boilerplate import drop_boilerplate_lines, remove_boilerplate_elements
from rasid.ingest.dateline import parse_date

if TYPE_CHECKING:
    from lxml.html import HtmlElement

DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publication_date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "nav", "menu",
)  # fmt: skip
# Dropped by the fallback walk unless inside the article, where a header holds its headline.
_FALLBACK_DROP = ("header", "footer", "aside")
_ARTICLE_TAGS = frozenset({"article", "main"})
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "aside", "header", "footer", "li", "ul", "ol",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br", "tr", "table", "figure",
        "figcaption", "pre", "dd", "dt", "dl", "hr", "address", "body",
    }
)  # fmt: skip
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What a page yields: its main text, headline, publication date and caption lines."""

    text: str
    title: str | None
    published: str | None
    captions: tuple[str, ...]


def extract_html(html: str, *, fragment: bool = False) -> HtmlText:
    """The main text of ``html``; ``fragment`` for a piece of HTML such as a feed item's content.

    Returns empty text when the page holds none.
    """
    root = _parse(html, fragment=fragment)
    if root is None:
        return HtmlText("", None, None, ())
    title = None if fragment else _read_title(root)
    published = None if fragment else _read_published(root)
    for el in list(root.iter(*_DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    captions = _inline_captions(root)
    remove_boilerplate_elements(root)
    text = None if fragment else _extract_with_trafilatura(root)
    if not text:
        text = tree_to_text(root)
    text = drop_boilerplate_lines(text).strip()
    return HtmlText(text, title, published, captions)


def _parse(html: str, *, fragment: bool) -> HtmlElement | None:
    import lxml.html
    from lxml.etree import ParserError

    html = _XML_DECLARATION.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        if fragment:
            return lxml.html.fragment_fromstring(html, create_parent="div")
        return lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None


def _meta(root: HtmlElement, names: tuple[str, ...]) -> str | None:
    wanted = {name: rank for rank, name in enumerate(names)}
    best: tuple[int, str] | None = None
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        rank = wanted.get(key)
        if rank is not None and content and (best is None or rank < best[0]):
            best = (rank, content)
    return best[1] if best else None


def _read_title(root: HtmlElement) -> str | None:
    title = _meta(root, ("og:title", "twitter:title"))
    if title is None:
        element = root.find(".//title")
        title = element.text_content() if element is not None else None
    if title is None:
        return None
    return " ".join(title.split()) or None


def _read_published(root: HtmlElement) -> str | None:
    value = _meta(root, DATE_META)
    if value is None:
        for time_el in root.iter("time"):
            value = time_el.get("datetime")
            if value:
                break
    return parse_date(value) if value else None


def _inline_captions(root: HtmlElement) -> tuple[str, ...]:
    """Replace each figure by a paragraph of its caption; return the caption texts."""
    from lxml.html import Element

    captions: list[str] = []
    for caption in list(root.iter("figcaption")):
        text = " ".join(caption.text_content().split())
        figure = caption
        parent = caption.getparent()
        while parent is not None and parent.tag != "figure" and parent.tag not in {"body"}:
            parent = parent.getparent()
        if parent is not None and parent.tag == "figure":
            figure = parent
        if figure.getparent() is None:
            continue
        paragraph = Element("p")
        paragraph.text = text
        paragraph.tail = figure.tail
        figure.getparent().replace(figure, paragraph)
        if text:
            captions.append(text)
    return tuple(captions)


def _extract_with_trafilatura(root: HtmlElement) -> str | None:
    import trafilatura

    result = trafilatura.extract(
        root,
        favor_recall=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
        output_format="txt",
    )
    return str(result) if result else None


def tree_to_text(root: HtmlElement) -> str:
    """Visible text of a parsed page or fragment, one block element per line."""
    from lxml import etree

    for el in list(root.iter(*_FALLBACK_DROP)):
        inside_article = any(a.tag in _ARTICLE_TAGS for a in el.iterancestors())
        if el.getparent() is not None and not inside_article:
            el.drop_tree()
    body = root.find(".//body")
    start = body if body is not None else root
    parts: list[str] = []
    for event, el in etree.iterwalk(start, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                parts.append("\n")
            if el.text and tag:
                parts.append(el.text)
        else:
            if tag in _BLOCKS:
                parts.append("\n")
            if el.tail and el is not start:
                parts.append(el.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
