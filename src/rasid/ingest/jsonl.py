"""JSON Lines of Article records (spec/RECORDS.md), streamed one line at a time.

A line that is not JSON, not an object, or has neither ``text`` nor ``html`` becomes a problem
naming the file and line; the other lines are read on. ``html`` instead of ``text`` goes through
main-text extraction. Lines are UTF-8 (a BOM on the first is dropped); a line in another
encoding (Windows-1256) is detected on its own, UTF-16 files are decoded whole (within the
size limit). A JSON array file (``[{...}, ...]``) is read too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, NamedTuple

import orjson

from rasid.ingest.assemble import Found, build_article
from rasid.ingest.charsets import UndecodableError, decode_bytes, detect_bom, sniff_utf16
from rasid.ingest.html import extract_html
from rasid.ingest.problem import RAISE_LIMIT, IngestProblem
from rasid.ingest.streams import HeadedStream
from rasid.records import Article

_UTF8_BOM = b"\xef\xbb\xbf"
HUGE_LINE_BYTES = 1 << 20
_FIELDS = ("title", "url", "source", "published", "lang")


class RawLine(NamedTuple):
    """A JSON line read but not parsed yet: a cluster's workers parse it (``parse``), so the
    ingesting process only moves bytes. (A tuple: it crosses to the workers as one.)"""

    path: str
    number: int
    raw: bytes

    def parse(self) -> Article | IngestProblem:
        return read_record_line(self.raw, self.path, self.number)


def read_jsonl(
    stream: HeadedStream, path: str, max_bytes: int, *, unparsed: bool = False
) -> Iterator[Article | IngestProblem | RawLine]:
    """Articles from a JSON Lines stream; ``max_bytes`` bounds one line. With ``unparsed``,
    UTF-8 lines come as RawLines, to be parsed elsewhere."""
    if is_wide(stream.head):
        yield from _read_wide(stream, path, max_bytes)
        return
    number = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if number == 1 and raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM) :]
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            stream.skip_line()
            yield IngestProblem(
                path, number, f"line longer than {max_bytes:,} bytes; skipped ({RAISE_LIMIT})"
            )
            continue
        if raw.isspace():
            continue
        yield RawLine(path, number, raw) if unparsed else read_record_line(raw, path, number)


def is_wide(head: bytes) -> bool:
    """True when a file starting with ``head`` is UTF-16 or UTF-32 (a BOM says so, or where
    its NUL bytes fall): its lines cannot be split on newline bytes. NUL bytes elsewhere are
    binary data in some lines, and only those lines are lost."""
    bom = detect_bom(head)
    if bom is not None:
        return bom != "utf-8-sig"
    return b"\x00" in head and sniff_utf16(head) is not None


def _read_wide(
    stream: HeadedStream, path: str, max_bytes: int
) -> Iterator[Article | IngestProblem]:
    # UTF-16/32 lines cannot be split on b"\n" safely: decode the whole file, then split.
    data = stream.read_all(max_bytes)
    if len(data) > max_bytes:
        yield IngestProblem(path, None, f"file larger than {max_bytes:,} bytes ({RAISE_LIMIT})")
        return
    try:
        text = decode_bytes(data)
    except UndecodableError as problem:
        yield IngestProblem(path, None, problem.reason)
        return
    del data
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield read_record_line(line.encode("utf-8", "surrogatepass"), path, number)


def read_record_line(raw: bytes, path: str, number: int) -> Article | IngestProblem:
    """The Article of one JSON line, or the problem with it."""
    if b"\x00" in raw:
        # no JSON text holds a raw NUL byte: binary data, perhaps a damaged block of the file
        return IngestProblem(path, number, "binary data (NUL bytes) in the line, not text")
    try:
        record = _loads(raw)
    except ValueError as error:
        record = _retry_decoded(raw)
        if record is None:
            return IngestProblem(path, number, f"not valid JSON ({_short(error)})")
    if not isinstance(record, dict):
        return IngestProblem(path, number, f"not a JSON object but a {_json_kind(record)}")
    return article_from_record(record, f"{path}:{number}", path, number)


def _loads(raw: bytes) -> Any:
    # orjson is several times faster on ordinary lines, but on a line of many megabytes of
    # non-ASCII text its peak memory is over ten times the line; the standard parser's is three.
    if len(raw) > HUGE_LINE_BYTES:
        return json.loads(raw)
    return orjson.loads(raw)


def _retry_decoded(raw: bytes) -> Any:
    # orjson reads UTF-8 only: a line in another encoding gets one more chance once decoded.
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return orjson.loads(decode_bytes(raw))
        except (UndecodableError, ValueError):
            return None
    return None


def read_json_array(data: bytes, path: str) -> Iterator[Article | IngestProblem]:
    """Articles from a JSON file holding one record or a list of records."""
    try:
        records = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        yield IngestProblem(path, None, f"not valid JSON ({_short(error)})")
        return
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list):
        yield IngestProblem(path, None, f"not a JSON list of articles but a {_json_kind(records)}")
        return
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            yield IngestProblem(path, None, f"item {index}: not a JSON object")
            continue
        result = article_from_record(record, f"{path}#{index}", path, None)
        if isinstance(result, IngestProblem):
            result = IngestProblem(path, None, f"item {index}: {result.reason}")
        yield result


def article_from_record(
    record: dict[str, Any], origin: str, path: str, line: int | None
) -> Article | IngestProblem:
    """The Article of one Article-format record, or the problem with it."""
    fields = {name: _string(record.get(name)) for name in _FIELDS}
    identifier = record.get("id")
    record_id = str(identifier) if isinstance(identifier, str | int) else None
    text = _string(record.get("text"))
    captions: tuple[str, ...] = ()
    if text is None or not text.strip():
        html = _string(record.get("html"))
        if html is None or not html.strip():
            reason = "text is empty" if text is not None else "no text or html field"
            return IngestProblem(path, line, reason)
        page = extract_html(html)
        if not page.text:
            return IngestProblem(path, line, "html holds no article text")
        text, captions = page.text, page.captions
        fields["title"] = fields["title"] or page.title
        fields["published"] = fields["published"] or page.published
    return build_article(
        Found(
            text=text,
            origin=origin,
            id=record_id,
            title=fields["title"],
            url=fields["url"],
            source=fields["source"],
            published=fields["published"],
            lang=fields["lang"],
            caption_texts=captions,
        )
    )


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _json_kind(value: object) -> str:
    kinds = {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def _short(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8"
    return str(error).split(":", 1)[0][:80]
