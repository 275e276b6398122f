"""Plain-text and HTML articles: one file, one article, id from the file name.

A .txt file's text is kept exactly as decoded (offsets point into it); its publication date
comes from a dateline near the top. An .html page is reduced to its main text (html.py) with
title and date from its metadata, falling back to a dateline in the text.
"""

from __future__ import annotations

from pathlib import PurePath

from rasid.ingest.assemble import Found, build_article
from rasid.ingest.html import extract_html
from rasid.ingest.problem import IngestProblem
from rasid.records import Article


def file_id(path: str) -> str:
    """The article id a file gives: its name without the extension."""
    return PurePath(path).stem or PurePath(path).name


def read_plain_text(
    text: str, path: str, *, article_id: str | None = None
) -> Article | IngestProblem:
    """The article of a plain-text file's decoded text."""
    if not text.strip():
        return IngestProblem(path, None, "empty file")
    return build_article(Found(text=text, origin=path, id=article_id))


def read_html_text(
    html: str, path: str, *, article_id: str | None = None
) -> Article | IngestProblem:
    """The article of an HTML page's decoded text."""
    if not html.strip():
        return IngestProblem(path, None, "empty file")
    page = extract_html(html)
    if not page.text:
        return IngestProblem(path, None, "no article text found in the page")
    return build_article(
        Found(
            text=page.text,
            origin=path,
            id=article_id,
            title=page.title,
            published=page.published,
            caption_texts=page.captions,
        )
    )
