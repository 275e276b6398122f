"""A problem with one input (a file, a line, a feed item), reported instead of raised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestProblem:
    """One input Rasid could not read as an article: where it is and why, on one line."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"
