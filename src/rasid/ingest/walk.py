"""Walking a directory of articles: every file read, and a reason for every path that is not.

What it yields: the files under a folder with a known article extension, recursively, in sorted
order (hidden entries skipped), and an IngestProblem marked ``unread`` for every path it does
not read: a folder it cannot list, a symbolic link out of the folder (followed only with
``follow_links``), a link to a folder inside it (its files are read where they are), a broken
link, a link loop, a folder reached a second time, and a named pipe, socket or device that has
an article's extension (opening one would block or read forever).

Guards: links are resolved strictly, so a loop or a missing target is a reason, not a crash;
folders are recognised by device and inode, so no walk goes round a loop even when links are
followed. Risky: a folder that changes while it is walked may be seen half old, half new.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from rasid.ingest.problem import IngestProblem

log = logging.getLogger(__name__)

FileKinds = dict[str, str]


def walk_directory(
    root: Path, suffixes: FileKinds | frozenset[str], *, follow_links: bool = False
) -> Iterator[Path | IngestProblem]:
    """Files under ``root`` whose suffix is one of ``suffixes``, and a problem for each path
    not read. ``follow_links`` follows links that lead out of ``root``."""
    try:
        top = root.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        yield unread(str(root), link_reason(error))
        return
    yield from _walk(root, top, set(suffixes), follow_links, set())


def unread(path: str, reason: str) -> IngestProblem:
    return IngestProblem(path, None, reason, unread=True)


def _walk(
    folder: Path,
    top: Path,
    suffixes: set[str],
    follow_links: bool,
    seen: set[tuple[int, int]],
) -> Iterator[Path | IngestProblem]:
    try:
        info = os.stat(folder)
        key = (info.st_dev, info.st_ino)
        if key in seen:
            yield unread(str(folder), "folder already read through another path; not read again")
            return
        seen.add(key)
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as error:
        yield unread(str(folder), f"folder not read: {os_reason(error)}")
        return
    folders: list[Path] = []  # a folder's own files first, then its subfolders
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                problem = _link_problem(path, top, follow_links)
                if problem is not None:
                    yield problem
                    continue
            mode = os.stat(path).st_mode
        except OSError as error:
            yield unread(str(path), f"not read: {os_reason(error)}")
            continue
        if stat.S_ISDIR(mode):
            folders.append(path)
        elif path.suffix.lower() not in suffixes:
            log.debug("skipped %s: not an article file type", path)
        elif not stat.S_ISREG(mode):
            yield unread(str(path), f"not a regular file but {_file_kind(mode)}; not read")
        else:
            yield path
    for path in folders:
        yield from _walk(path, top, suffixes, follow_links, seen)


def _link_problem(path: Path, top: Path, follow_links: bool) -> IngestProblem | None:
    """Why the link at ``path`` is not followed, or None when it is."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        return unread(str(path), link_reason(error))
    if follow_links:
        return None
    if not target.is_relative_to(top):
        return unread(
            str(path),
            f"symbolic link to {target}, outside the folder; not followed (--follow-links)",
        )
    if target.is_dir():
        return unread(
            str(path), "symbolic link to a folder inside the folder; not followed (read in place)"
        )
    return None


def link_reason(error: BaseException) -> str:
    """The reason a path could not be resolved: a loop, a missing target, or the system's."""
    if isinstance(error, RuntimeError) or (
        isinstance(error, OSError) and error.errno == errno.ELOOP
    ):
        return "symbolic link loop; not read"
    if isinstance(error, FileNotFoundError):
        return "broken symbolic link (its target does not exist); not read"
    assert isinstance(error, OSError)
    return f"not read: {os_reason(error)}"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def os_reason(error: OSError) -> str:
    """An operating-system error in a few words."""
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    return error.strerror or str(error)
