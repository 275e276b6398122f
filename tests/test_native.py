"""Compiled modules: the install in use is not stale, and a stale one is named."""

from __future__ import annotations

import os
from pathlib import Path

from rasid._native import stale_modules


def test_the_installed_package_has_no_stale_compiled_module() -> None:
    assert stale_modules() == []


def test_a_source_edited_after_compiling_is_named(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    for name in ("fresh", "sub/edited"):
        (pkg / f"{name}.py").write_text("x = 1\n")
        (pkg / f"{name}.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (pkg / "plain.py").write_text("x = 1\n")  # never compiled: not stale
    os.utime(pkg / "sub" / "edited.cpython-311-x86_64-linux-gnu.so", (1, 1))
    assert stale_modules(pkg) == ["pkg/sub/edited.py"]
