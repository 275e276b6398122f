"""The server's hold on freed memory (rasid.web.memory): malloc kept to a few arenas, freed pages
handed back after POSTs at most once in a while. bench/soak.py and tests/test_soak.py measure
what it does to the server's resident memory."""

from __future__ import annotations

import ctypes
import sys

import pytest

from rasid.web import memory

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or memory._glibc() is None, reason="glibc's malloc"
)


@glibc
def test_freed_memory_is_handed_back_at_most_once_in_a_while(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memory._Trims, "last", float("-inf"))
    big = [ctypes.create_string_buffer(4096) for _ in range(5000)]  # 20 MB in malloc's heap
    del big
    assert memory.release_freed(every=60) is True
    assert memory.release_freed(every=60) is False  # too soon: nothing done
    assert memory.release_freed(every=0) is True


@glibc
def test_the_arenas_are_limited_unless_the_environment_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.limit_arenas() is False  # the operator's setting wins
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    assert memory.limit_arenas() is True


def test_without_glibc_both_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.limit_arenas() is False
    assert memory.release_freed(every=0) is False
