"""Per-word caches of the pipeline: look-ups at the speed of an unbounded ``functools.cache``
(a bounded LRU also reorders its list on every hit, and the pipeline hits these caches a
hundred times an article), memory bounded by emptying a cache once it holds ``maxsize``
entries, which ``trim`` checks between articles.

An entry costs 30 to 350 bytes (a word, its result, the dictionary's slot). A cache of words
fills with the new words of every article, so each is sized to the words of a few thousand
articles, about 10 MB at most: a server that ingests for days stays near the memory it had after
its first thousands of articles (bench/soak.py), and the common words an emptied cache loses are
back after a few articles."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

_F = TypeVar("_F", bound=Callable[..., Any])
_CACHES: list[tuple[Any, int]] = []


def word_cache(maxsize: int) -> Callable[[_F], _F]:
    """Cache a function of words, holding at most about ``maxsize`` results."""

    def wrap(fn: _F) -> _F:
        cached = functools.cache(fn)
        _CACHES.append((cached, maxsize))
        return cast(_F, cached)

    return wrap


def trim() -> None:
    """Empty the caches that have filled (once an article: a look at each one's size)."""
    for cached, maxsize in _CACHES:
        if cached.cache_info().currsize > maxsize:
            cached.cache_clear()
