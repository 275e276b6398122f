"""Byte streams with a sniffed head: files, stdin given as bytes or as text."""

from __future__ import annotations

import io
from typing import BinaryIO, Protocol, TextIO

HEAD_BYTES = 8192
READ_CHUNK = 1 << 20


class ByteStream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def readline(self, size: int = -1, /) -> bytes: ...


class EncodedText:
    """A text stream seen as UTF-8 bytes (sizes count characters, which is close enough for
    limits and sniffing)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def read(self, size: int = -1, /) -> bytes:
        return self._stream.read(size).encode("utf-8", "surrogatepass")

    def readline(self, size: int = -1, /) -> bytes:
        return self._stream.readline(size).encode("utf-8", "surrogatepass")


def as_byte_stream(stream: TextIO | BinaryIO) -> ByteStream:
    """``stream`` as bytes, whether it was opened in text or binary mode."""
    if isinstance(stream, io.TextIOBase):
        return EncodedText(stream)  # type: ignore[arg-type]
    return stream  # type: ignore[return-value]


class HeadedStream:
    """A byte stream whose first bytes were read ahead to sniff its kind, read on from the start.

    ``readline(limit)`` returns at most ``limit`` bytes: a longer line comes back cut, without
    its newline, and the caller skips the rest with ``skip_line``.
    """

    def __init__(self, stream: ByteStream, head: bytes, size: int | None = None) -> None:
        self._stream = stream
        self._head = head
        self.head = head
        self._size = size

    def readline(self, limit: int) -> bytes:
        if not self._head:
            return self._stream.readline(limit)
        cut = self._head.find(b"\n", 0, limit)
        if cut >= 0:
            line, self._head = self._head[: cut + 1], self._head[cut + 1 :]
            return line
        if len(self._head) >= limit:
            line, self._head = self._head[:limit], self._head[limit:]
            return line
        line, self._head = self._head, b""
        return line + self._stream.readline(limit - len(line))

    def skip_line(self) -> None:
        """Discard bytes up to and including the next newline."""
        while True:
            chunk = self.readline(1 << 16)
            if not chunk or chunk.endswith(b"\n"):
                return

    def read_all(self, limit: int) -> bytes:
        """Everything from the start, up to ``limit`` bytes (one more when there is more).

        A regular file of known size is read again from its start in one call of the right
        size: no buffer of ``limit`` bytes and no copy joining head and rest.
        """
        head, self._head = self._head, b""
        if len(head) > limit:
            return head[: limit + 1]
        seek = getattr(self._stream, "seek", None)
        if self._size is not None and seek is not None:
            seek(0)
            return self._stream.read(min(limit, self._size) + 1)
        buffer = io.BytesIO()
        buffer.write(head)
        while buffer.tell() <= limit:
            chunk = self._stream.read(min(READ_CHUNK, limit + 1 - buffer.tell()))
            if not chunk:
                break
            buffer.write(chunk)
        return buffer.getvalue()


def open_headed(stream: ByteStream, size: int | None = None) -> HeadedStream:
    """Read the head of ``stream`` for sniffing and hand back a stream that starts over.

    ``size``: the stream's total size when it is a regular file read from its start.
    """
    return HeadedStream(stream, stream.read(HEAD_BYTES), size)
