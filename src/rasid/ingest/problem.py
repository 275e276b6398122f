"""A problem with one input (a file, a line, a feed item), reported instead of raised."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 50_000_000
# how to read a larger file or line, said wherever the size limit turns one away
RAISE_LIMIT = "rasid ingest --max-bytes N reads larger ones"


@dataclass(frozen=True, slots=True)
class IngestProblem:
    """One input Rasid could not read as an article: where it is and why, on one line.

    ``unread``: the path itself was not read (a folder that cannot be listed, a link not
    followed, a file that cannot be opened), as opposed to one read and found bad.
    """

    path: str
    line: int | None
    reason: str
    unread: bool = False

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"
