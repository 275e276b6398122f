"""File-system helpers for tests of paths Rasid cannot read.

Tests run as root in CI, and root reads a folder whatever its mode: ``unprivileged`` runs a
block as the user ``nobody`` (the effective uid only, given back after), so the kernel really
refuses what the mode refuses; modules the block imports must be imported before it, as the
interpreter may live where only root may enter. ``shared_dir`` makes a folder that user can
reach and write (a pytest tmp_path lies under a folder only root may enter).
``without_privileges`` is the command prefix that runs a program as root without the
capabilities that let root read any file (setpriv), so a command's own run meets the mode.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def nobody_uid() -> int | None:
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return None


def without_privileges() -> list[str] | None:
    """A command prefix that makes a program meet file modes, or None when none can."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all"]


def can_lock_out() -> bool:
    """True when a folder of mode 0 can be made unreadable to the code under test."""
    return os.geteuid() != 0 or nobody_uid() is not None


@contextmanager
def unprivileged() -> Iterator[None]:
    """Run the block with permissions enforced: as ``nobody`` when this process is root."""
    if os.geteuid() != 0:
        yield
        return
    uid = nobody_uid()
    assert uid is not None, "check can_lock_out() first"
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)


@contextmanager
def shared_dir() -> Iterator[Path]:
    """A fresh folder anyone may enter and write, removed afterwards (modes restored first)."""
    base = Path(tempfile.mkdtemp(prefix="rasid-fs-"))
    base.chmod(0o777)
    try:
        yield base
    finally:
        for folder, dirs, _files in os.walk(base):
            for d in dirs:
                path = Path(folder, d)
                if not path.is_symlink():
                    path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
