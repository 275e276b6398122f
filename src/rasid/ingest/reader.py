"""read_articles: files, directories and stdin to Articles, with a problem for each bad input.

Dispatch by extension (.jsonl/.ndjson, .json, .txt, .html/.htm, .xml/.rss/.atom), by content
for anything else given by name or on stdin. A directory is walked recursively in sorted order,
hidden entries skipped, only files with known extensions read, links out of it not followed
unless asked (walk.py); every path not read is a problem marked ``unread``. A file is read once,
capped at ``max_bytes`` (per line for JSON Lines, which is streamed), so memory stays bounded by
the size of one article. A JSON Lines file is read line by line even with binary bytes in it: a
line that is not text is one problem, the lines around it are kept.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

import orjson

from rasid.ingest.charsets import (
    UndecodableError,
    declared_charset,
    decode_bytes,
    detect_bom,
    is_binary_magic,
    sniff_utf16,
)
from rasid.ingest.feeds import looks_like_feed, read_feed
from rasid.ingest.files import file_id, read_html_text, read_plain_text
from rasid.ingest.jsonl import RawLine, read_json_array, read_jsonl
from rasid.ingest.problem import DEFAULT_MAX_BYTES, RAISE_LIMIT, IngestProblem
from rasid.ingest.streams import HEAD_BYTES, HeadedStream, as_byte_stream, open_headed
from rasid.ingest.walk import link_reason, os_reason, unread, walk_directory
from rasid.records import Article

log = logging.getLogger(__name__)

STDIN = "-"
STDIN_LABEL = "<stdin>"
KINDS_BY_SUFFIX = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".json": "json",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_HTML_OPENINGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<p", b"<div")


def read_articles(
    paths: Sequence[str],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_links: bool = False,
) -> Iterator[Article | IngestProblem]:
    """Every article in ``paths`` ("-" is stdin), and a problem for every input that fails.

    Never raises for bad input: a missing path, an empty, binary or undecodable file, a bad JSON
    line each yield an IngestProblem naming the file (and line), and reading goes on.
    ``follow_links``: follow symbolic links out of a directory given in ``paths``.
    """
    for item in read_items(paths, stdin=stdin, max_bytes=max_bytes, follow_links=follow_links):
        yield item.parse() if isinstance(item, RawLine) else item


def read_items(
    paths: Sequence[str],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    unparsed: bool = False,
    follow_links: bool = False,
) -> Iterator[Article | IngestProblem | RawLine]:
    """``read_articles``, with JSON lines left unparsed (RawLine) when ``unparsed``."""
    for path in paths:
        if path == STDIN:
            source = stdin if stdin is not None else sys.stdin.buffer
            yield from read_stream(as_byte_stream(source), STDIN_LABEL, max_bytes, unparsed)
            continue
        target = Path(path)
        try:
            mode = os.stat(target).st_mode
        except OSError as error:
            # a path named by the user is followed wherever it leads; a loop says so
            reason = "no such file or directory" if error.errno == errno.ENOENT else ""
            yield unread(path, reason or link_reason(error))
            continue
        if stat.S_ISDIR(mode):
            for file in walk_directory(target, KINDS_BY_SUFFIX, follow_links=follow_links):
                if isinstance(file, IngestProblem):
                    yield file
                else:
                    kind = _kind_of(file)
                    yield from read_file(str(file), max_bytes, kind=kind, unparsed=unparsed)
        else:
            yield from read_file(path, max_bytes, kind=_kind_of(target), unparsed=unparsed)


def _kind_of(path: Path) -> str | None:
    return KINDS_BY_SUFFIX.get(path.suffix.lower())


def read_file(
    path: str, max_bytes: int, *, kind: str | None = None, unparsed: bool = False
) -> Iterator[Article | IngestProblem | RawLine]:
    """The articles of one file; ``kind`` ("jsonl", "json", "text", "html", "feed") or sniffed."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- closed below, after a generator's last read
    except OSError as error:
        yield unread(path, os_reason(error))
        return
    try:
        size = os.fstat(handle.fileno()).st_size if os.path.isfile(path) else None
        headed = open_headed(handle, size)
        yield from _read_opened(headed, path, max_bytes, kind, file_id(path), unparsed)
    except OSError as error:
        yield IngestProblem(path, None, os_reason(error))
    finally:
        handle.close()


def read_stream(
    stream: BinaryIO | TextIO | object, label: str, max_bytes: int, unparsed: bool = False
) -> Iterator[Article | IngestProblem | RawLine]:
    """The articles of a stream such as stdin: JSON Lines when it looks like them, else one
    text, HTML or feed document."""
    try:
        headed = open_headed(stream)  # type: ignore[arg-type]
        yield from _read_opened(headed, label, max_bytes, None, None, unparsed)
    except OSError as error:
        yield IngestProblem(label, None, os_reason(error))


def _read_opened(
    stream: HeadedStream,
    path: str,
    max_bytes: int,
    kind: str | None,
    article_id: str | None,
    unparsed: bool = False,
) -> Iterator[Article | IngestProblem | RawLine]:
    head = stream.head
    if not head:
        yield IngestProblem(path, None, "empty file")
        return
    if kind is None or kind in {"json", "jsonl"}:
        try:
            sniffed = sniff_kind(head)
        except UndecodableError as problem:
            if kind != "jsonl" or is_binary_magic(head):
                yield IngestProblem(path, None, problem.reason)
                return
            # named JSON Lines and not a known binary format: whatever lines are text are read
            sniffed = "jsonl"
        if kind == "jsonl" and sniffed == "json" and _complete_first_line(head, alone=True):
            sniffed = "jsonl"  # named JSON Lines, and its first line is one JSON value
        if kind is None or sniffed in {"jsonl", "json"}:
            kind = sniffed
    if kind == "jsonl":
        yield from read_jsonl(stream, path, max_bytes, unparsed=unparsed)
        return
    if kind in {"json", "feed"}:
        data = stream.read_all(max_bytes)
        if len(data) > max_bytes:
            yield _too_large(path, max_bytes)
        elif kind == "json":
            yield from read_json_array(data, path)
        else:
            yield from _read_feed_bytes(data, path)
        return
    declared = declared_charset(head) if kind == "html" else None
    text = _read_text(stream, path, max_bytes, declared)
    if isinstance(text, IngestProblem):
        yield text
    elif kind == "html":
        yield read_html_text(text, path, article_id=article_id)
    else:
        yield read_plain_text(text, path, article_id=article_id)


def _read_text(
    stream: HeadedStream, path: str, max_bytes: int, declared: str | None
) -> str | IngestProblem:
    # Reads and decodes in one frame so the bytes are freed before the article is built.
    data = stream.read_all(max_bytes)
    if len(data) > max_bytes:
        return _too_large(path, max_bytes)
    try:
        return decode_bytes(data, declared=declared)
    except UndecodableError as problem:
        return IngestProblem(path, None, problem.reason)


def _too_large(path: str, max_bytes: int) -> IngestProblem:
    return IngestProblem(
        path, None, f"file larger than {max_bytes:,} bytes; not read ({RAISE_LIMIT})"
    )


def _read_feed_bytes(data: bytes, path: str) -> Iterator[Article | IngestProblem]:
    if is_binary_magic(data) or (b"\x00" in data[:4096] and detect_bom(data) is None):
        yield IngestProblem(path, None, "binary file, not text")
        return
    if not looks_like_feed(_skip_bom(data)):
        yield IngestProblem(path, None, "not an RSS or Atom feed (no <rss>, <feed> or <rdf>)")
        return
    yield from read_feed(data, path)


def sniff_kind(head: bytes) -> str:
    """ "jsonl", "json", "feed", "html" or "text" from the first bytes of an input.

    Raises UndecodableError for binary input.
    """
    codec = detect_bom(head)
    if codec is None and is_binary_magic(head):
        raise UndecodableError("binary file, not text")
    if codec is None and b"\x00" in head:
        codec = sniff_utf16(head)
        if codec is None:
            if has_json_line(head):
                # JSON Lines with binary bytes in some lines: read line by line
                return "jsonl"
            raise UndecodableError("binary file, not text")
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        # Decode enough of the head to look at it as text.
        sample = head[:1024].decode(codec, "ignore").encode("utf-8")
    else:
        sample = _skip_bom(head)
    start = sample.lstrip()[:512]
    lowered = start.lower()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"["):
        return "jsonl" if _complete_first_line(sample) else "json"
    if start.startswith(b"<"):
        if looks_like_feed(lowered):
            return "feed"
        if lowered.startswith(_HTML_OPENINGS) or b"<html" in lowered:
            return "html"
    return "text"


def _complete_first_line(sample: bytes, *, alone: bool = False) -> bool:
    """True when the first line is a whole JSON value (and, unless ``alone``, more lines
    follow): JSON Lines whose first line is not an object (one problem), not a JSON array
    spread over lines."""
    first, _, rest = _skip_bom(sample).lstrip().partition(b"\n")
    if not alone and not rest.strip():
        return False
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return True


def has_json_line(head: bytes) -> bool:
    """True when a whole line of ``head`` is a JSON object in UTF-8 text: the file can be
    JSON Lines whatever binary bytes other lines hold."""
    lines = _skip_bom(head).split(b"\n")
    for raw in lines[:-1] if len(head) >= HEAD_BYTES else lines:
        line = raw.strip()
        if line.startswith(b"{") and line.endswith(b"}") and b"\x00" not in line:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


def _skip_bom(data: bytes) -> bytes:
    bom = detect_bom(data)
    if bom == "utf-8-sig":
        return data[3:]
    return data
