"""One root error for Rasid, one subclass per boundary.

The CLI prints ``str(error)`` as one line and exits non-zero; the API turns the same errors into
its one JSON error shape. Messages name the file, the line and the reason, and say how to fix it
where that is known.
"""

from __future__ import annotations


class RasidError(Exception):
    """Root of every error Rasid raises on purpose."""


class IngestError(RasidError):
    """An input could not be read as articles (file, line, reason)."""

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class StoreError(RasidError):
    """The store could not be opened, migrated or written."""


class ApiError(RasidError):
    """A request the HTTP API refuses; carries the HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        self.status = status
        self.code = code
        super().__init__(message)


class CliError(RasidError):
    """A command-line usage problem."""


class EvalError(RasidError):
    """Gold or system records that cannot be scored."""
