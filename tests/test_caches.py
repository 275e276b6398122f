"""Per-word caches: cached results, and memory bounded by emptying a full cache."""

from __future__ import annotations

from rasid.caches import trim, word_cache

calls: list[str] = []


@word_cache(3)
def _shout(word: str) -> str:
    calls.append(word)
    return word.upper()


def test_a_full_cache_is_emptied_between_articles_and_results_stay_right() -> None:
    calls.clear()
    assert [_shout(w) for w in ("a", "b", "a", "c")] == ["A", "B", "A", "C"]
    assert calls == ["a", "b", "c"]  # "a" came from the cache
    trim()
    assert _shout.cache_info().currsize == 3  # type: ignore[attr-defined]
    _shout("d")
    trim()  # four entries are more than three: emptied
    assert _shout.cache_info().currsize == 0  # type: ignore[attr-defined]
    assert _shout("a") == "A" and calls[-1] == "a"


def test_every_word_cache_of_the_pipeline_stays_small() -> None:
    # a server posting articles for days must not grow: an entry costs up to ~350 bytes, and a
    # cache fills with the new words of a few thousand articles before it is emptied
    import rasid.caches
    from rasid.jobs import warm

    warm()
    sizes = [maxsize for cached, maxsize in rasid.caches._CACHES if cached is not _shout]
    assert sizes and max(sizes) <= 65_536
