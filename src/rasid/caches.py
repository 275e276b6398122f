"""Per-word caches of the pipeline: look-ups at the speed of an unbounded ``functools.cache``
(a bounded LRU also reorders its list on every hit, and the pipeline hits these caches a
hundred times an article), memory bounded by emptying them, which ``trim`` does between articles.

Two bounds. A cache is emptied once it holds ``maxsize`` entries (30 to 350 bytes each: a word,
its result, the dictionary's slot). And every cache is emptied once a round of ``ROUND``
articles: a cache then never holds more than the words of one round, whatever its ``maxsize``.
Without the round, a cache of rare words (a few new entries an article) took tens of thousands
of articles to reach its size, and a server posting articles rose all that time (bench/soak.py:
+27 MB, 7.4 MB a minute, in the 210 s after the warm-up). With it, every cache has been through
its largest state after the first round, and memory after that stays where the first round left
it (with the server's trims of freed memory, rasid.web.memory: +1.8 MB). The common words an
emptied cache loses are back after a few articles: over the first 4,000 ANT articles, 20.8% of
the look-ups missed against 17.4% without rounds.

The round also empties the ``functools.lru_cache`` caches of words and names that other modules
declare with their own bound (``LRU_CACHES``): full only after tens of thousands of articles,
they grew in the same way. A module is looked up only once it is imported, never imported here
(the pipeline's modules import this one).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

_F = TypeVar("_F", bound=Callable[..., Any])
# (the cached function, its maxsize): the caches ``word_cache`` made
_CACHES: list[tuple[Any, int]] = []

# Articles between two emptyings of every cache: the first 1,000 ANT articles fill them to about
# 116,000 entries in all; a server posting 15 articles a second goes round every minute or so.
ROUND = 1000

# Caches of words and names declared with functools.lru_cache elsewhere: (module, function)
LRU_CACHES: tuple[tuple[str, str], ...] = (
    ("rasid.names", "_package_word"),
    ("rasid.names", "romanize_name"),
    ("rasid.names_latin", "_gap_cost"),
    ("rasid.names_latin", "read_latin"),
    ("rasid.entity_merge", "name_words"),
    ("rasid.entity_merge", "skeleton_word"),
    ("rasid.entity_merge", "english_word"),
    ("rasid.merge_model", "content_words"),
    ("rasid.ner.features", "_view_token"),
)


class _Round:
    articles = 0  # trimmed since the round began


def word_cache(maxsize: int) -> Callable[[_F], _F]:
    """Cache a function of words, holding at most about ``maxsize`` results."""

    def wrap(fn: _F) -> _F:
        cached = functools.cache(fn)
        _CACHES.append((cached, maxsize))
        return cast(_F, cached)

    return wrap


def lru_caches() -> list[Any]:
    """The caches of ``LRU_CACHES`` whose module is imported."""
    found = []
    for module_name, name in LRU_CACHES:
        module = sys.modules.get(module_name)
        cached = getattr(module, name, None) if module is not None else None
        if cached is not None and hasattr(cached, "cache_clear"):
            found.append(cached)
    return found


def trim() -> None:
    """Between two articles: empty the caches that have filled, and every cache once a round."""
    _Round.articles += 1
    if _Round.articles >= ROUND:
        clear()
        return
    empty_full()


def empty_full() -> None:
    """Empty the caches that have filled. What the store's writer calls after each batch: it
    runs no pipeline, so nothing trims for it, and the names it keys would fill them without
    end (it does not count a round: in a process that runs the pipeline, that is the
    pipeline's)."""
    for cached, maxsize in _CACHES:
        if cached.cache_info().currsize > maxsize:
            cached.cache_clear()


def clear() -> None:
    """Empty every cache now, and start a new round."""
    _Round.articles = 0
    for cached, _maxsize in _CACHES:
        cached.cache_clear()
    for cached in lru_caches():
        cached.cache_clear()


def sizes() -> dict[str, int]:
    """Entries held by each cache, by its qualified name."""
    return {
        f"{cached.__module__}.{cached.__qualname__}": cached.cache_info().currsize
        for cached in [c for c, _ in _CACHES] + lru_caches()
    }
