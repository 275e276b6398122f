"""Bytes to text: byte-order marks, UTF-16 without a BOM, UTF-8, Windows-1256, binary files.

What it catches: UTF-8 with or without BOM; UTF-16/32 with a BOM; UTF-16 without a BOM, sniffed
from where the NUL bytes fall (ASCII characters such as spaces and digits have a NUL high byte,
Arabic letters a 0x06 high byte); single-byte encodings (Windows-1256 first, as Arabic sites
use it, then ISO-8859-6 and Windows-1252) through charset-normalizer; binary files by magic
number or stray NUL bytes.

Guards: strict decoding only, so a wrong guess fails instead of producing mojibake; a
single-byte guess is refused when the bytes are full of valid UTF-8 Arabic pairs (a file that
mixes UTF-8 and Windows-1256 would otherwise decode as the telltale "ط§ظ„" garbage); decoded text
with control characters is refused.

Risky: a short file in an unusual single-byte encoding may be guessed wrong by
charset-normalizer; a declared HTML charset is trusted when it decodes strictly.
"""

from __future__ import annotations

import codecs
import re

BINARY_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG",
    b"%PDF",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"SQLite format 3\x00",
    b"\xd0\xcf\x11\xe0",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
    b"wOFF",
    b"\x28\xb5\x2f\xfd",
)
# RIFF containers (WebP, WAV, AVI) and ISO media (MP4, HEIC) carry their type at an offset.
_RIFF = b"RIFF"
_FTYP = b"ftyp"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Single-byte encodings worth trying on Arabic and English news, most likely first.
SINGLE_BYTE_CANDIDATES: tuple[str, ...] = ("cp1256", "iso8859_6", "cp1252")

_SNIFF_BYTES = 65_536
DECODE_SLICE = 1 << 20
_UTF8_ARABIC_PAIR = re.compile(rb"[\xd8-\xdb][\x80-\xbf]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DECLARED = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)


class UndecodableError(Exception):
    """Bytes that are not text Rasid can read; ``reason`` is the one-line explanation."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def detect_bom(head: bytes) -> str | None:
    """The codec a byte-order mark announces, or None."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return None


def is_binary_magic(head: bytes) -> bool:
    """True when ``head`` starts like an image, archive, PDF, executable or other binary."""
    if head.startswith(BINARY_MAGIC):
        return True
    if head.startswith(_RIFF) and len(head) >= 12:
        return True
    return head[4:8] == _FTYP


def sniff_utf16(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when BOM-less bytes look like UTF-16, else None.

    In UTF-16 every ASCII character (spaces, digits, newlines) has a NUL byte on one side and
    every Arabic letter a 0x06 byte on the same side; in a binary file NULs fall on both sides.
    """
    sample = head[: _SNIFF_BYTES - (_SNIFF_BYTES % 2)]
    if len(sample) < 2:
        return None
    if len(sample) % 2:
        sample = sample[:-1]
    even, odd = sample[0::2], sample[1::2]
    half = len(even)
    for high, low, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        marks = high.count(0) + high.count(6)
        if low.count(0) <= 0.01 * half and marks >= 0.6 * half and _decodes(sample, codec):
            return codec
    return None


def _decodes(data: bytes, codec: str) -> bool:
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return looks_textual(text)


def looks_textual(text: str) -> bool:
    """True unless control characters make up more than 0.5% of ``text`` (a stray one is
    common in scraped text; many mean the bytes were not text in this codec)."""
    sample = text[:_SNIFF_BYTES]
    bad = len(_BAD_CONTROL.findall(sample))
    return bad <= 0.005 * len(sample)


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML or XML head declares (``<meta charset>``, ``encoding=``), or None."""
    match = _DECLARED.search(head[:4096])
    if match is None:
        match = re.search(rb"""encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""", head[:200])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect_encoding(data: bytes, *, declared: str | None = None) -> str:
    """The codec that decodes ``data`` cleanly; raises UndecodableError when there is none."""
    codec = _detect_wide(data)
    if codec is not None:
        return codec
    if _decodes_utf8(data):
        return "utf-8"
    return _detect_narrow(data, declared)


def _detect_wide(data: bytes) -> str | None:
    # BOMs, binary signatures and UTF-16 without a BOM: everything decided by the head alone.
    if not data:
        raise UndecodableError("empty file")
    bom = detect_bom(data)
    if bom is not None:
        return bom
    if is_binary_magic(data):
        raise UndecodableError("binary file, not text")
    if b"\x00" in data[:_SNIFF_BYTES]:
        utf16 = sniff_utf16(data)
        if utf16 is None:
            raise UndecodableError("binary file, not text")
        return utf16
    return None


def _detect_narrow(data: bytes, declared: str | None) -> str:
    if declared and declared not in {"utf-8", "ascii"} and _decodes(data[:_SNIFF_BYTES], declared):
        return declared
    return _guess_single_byte(data)


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """The text of ``data`` in its detected encoding; raises UndecodableError when not text.

    UTF-8 is tried first by decoding (one pass, which is also the check); other encodings are
    chosen on a sample and then decoded strictly.
    """
    codec = _detect_wide(data)
    text = None
    if codec is None:
        try:
            text = _decode_in_slices(data, "utf-8")
        except UnicodeDecodeError:
            codec = _detect_narrow(data, declared)
    if text is None:
        assert codec is not None
        try:
            text = _decode_in_slices(data, codec)
        except UnicodeDecodeError as error:
            raise UndecodableError(
                f"cannot determine text encoding (not valid {codec} at byte {error.start}); "
                "convert the file to UTF-8"
            ) from None
    if not looks_textual(text):
        raise UndecodableError("binary file, not text")
    return text


def _decode_in_slices(data: bytes, codec: str) -> str:
    """``data.decode(codec)``; large inputs slice by slice.

    One bytes.decode of a large non-ASCII input builds a wide intermediate buffer (about three
    times the input); slices keep the peak near input + output. Error offsets are absolute.
    """
    if len(data) <= DECODE_SLICE:
        return data.decode(codec)
    decoder = codecs.getincrementaldecoder(codec)("strict")
    view = memoryview(data)
    pieces: list[str] = []
    for start in range(0, len(data), DECODE_SLICE):
        try:
            pieces.append(decoder.decode(view[start : start + DECODE_SLICE]))
        except UnicodeDecodeError as error:
            raise UnicodeDecodeError(
                error.encoding, data, start + error.start, start + error.end, error.reason
            ) from None
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces)


def _decodes_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of a sniffed head is not an error.
        return error.start >= len(data) - 3 and error.reason == "unexpected end of data"
    return True


def _guess_single_byte(data: bytes) -> str:
    sample = data[:_SNIFF_BYTES]
    high = len(_HIGH_BYTE.findall(sample))
    pairs = len(_UTF8_ARABIC_PAIR.findall(sample))
    if high and 2 * pairs >= 0.5 * high:
        raise UndecodableError(
            "cannot determine text encoding (valid UTF-8 mixed with another encoding); "
            "convert the file to UTF-8"
        )
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=list(SINGLE_BYTE_CANDIDATES)).best()
    if best is None or not _decodes(sample, best.encoding):
        raise UndecodableError("cannot determine text encoding; convert the file to UTF-8")
    return str(best.encoding)
