"""Per-word caches: cached results, and memory bounded by emptying a full cache and every cache
once a round of articles."""

from __future__ import annotations

import functools
import gc
import itertools
import random
import sys
import tracemalloc
from collections.abc import Iterator

import pytest

import rasid.caches
from rasid.caches import empty_full, trim, word_cache
from rasid.records import Article

calls: list[str] = []


@word_cache(3)
def _shout(word: str) -> str:
    calls.append(word)
    return word.upper()


@functools.lru_cache(maxsize=100)
def _whisper(word: str) -> str:
    return word.lower()


@pytest.fixture(autouse=True)
def _fresh_round() -> Iterator[None]:
    rasid.caches.clear()
    yield
    rasid.caches.clear()


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


def test_every_cache_and_the_named_lru_caches_are_emptied_once_a_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rasid.caches, "ROUND", 3)
    monkeypatch.setattr(rasid.caches, "LRU_CACHES", ((__name__, "_whisper"), ("no.such", "x")))
    _shout("a")
    _whisper("A")
    trim()
    trim()
    assert _shout.cache_info().currsize == 1  # type: ignore[attr-defined]
    assert _whisper.cache_info().currsize == 1
    assert rasid.caches.sizes()[f"{__name__}._whisper"] == 1
    trim()  # the third article: a new round
    assert _shout.cache_info().currsize == 0  # type: ignore[attr-defined]
    assert _whisper.cache_info().currsize == 0


def test_the_writer_empties_full_caches_without_counting_a_round(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the store's writer runs no pipeline: it empties the caches that filled after each batch,
    # and leaves the rounds to the pipeline of its process, if any
    monkeypatch.setattr(rasid.caches, "ROUND", 2)
    for w in "abcd":
        _shout(w)
    empty_full()
    assert _shout.cache_info().currsize == 0  # type: ignore[attr-defined]
    _shout("a")
    empty_full()
    empty_full()
    assert _shout.cache_info().currsize == 1  # type: ignore[attr-defined]
    assert rasid.caches._Round.articles == 0


def test_passages_stay_out_of_the_word_cache() -> None:
    from rasid.text.normalize import normalize_key, normalize_passage

    text = "قُتِلَ  خمسةُ مدنيين في الموصلِ "
    before = normalize_key.cache_info().currsize  # type: ignore[attr-defined]
    assert normalize_passage(text) == normalize_key(text) == "قتل خمسه مدنيين في الموصل"
    assert normalize_key.cache_info().currsize == before + 1  # type: ignore[attr-defined]
    normalize_passage(text + "!")
    assert normalize_key.cache_info().currsize == before + 1  # type: ignore[attr-defined]


def test_every_word_cache_of_the_pipeline_stays_small() -> None:
    # a server posting articles for days must not grow: an entry costs up to ~350 bytes, and a
    # cache fills with the new words of a few thousand articles before it is emptied
    from rasid.jobs import YOUNG_COLLECTION, warm

    warm()
    # a warmed process collects its youngest generation seldom (the articles leave few cycles)
    assert gc.get_threshold()[0] == YOUNG_COLLECTION
    sizes = [maxsize for cached, maxsize in rasid.caches._CACHES if cached is not _shout]
    assert sizes and max(sizes) <= 65_536
    assert rasid.caches.ROUND <= 2_000
    # every named LRU cache is one: a name misspelt in the table would never be emptied
    for module_name, name in rasid.caches.LRU_CACHES:
        module = sys.modules.get(module_name)
        if module is not None:
            assert hasattr(getattr(module, name), "cache_clear"), (module_name, name)
    assert len(rasid.caches.lru_caches()) >= len(rasid.caches.LRU_CACHES) - 1


# made-up words: every article brings names, places and organizations no cache has seen
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _articles(rng: random.Random) -> Iterator[Article]:
    def word() -> str:
        return "".join(rng.choice(_LETTERS) for _ in range(rng.randint(4, 7)))

    k = 0
    while True:
        k += 1
        text = (
            f"{word()} (وكالات) - قال المتحدث باسم منظمة {word()} {word()} إن مسلحين من جماعة "
            f"{word()} هاجموا قرية {word()} قرب مدينة الموصل يوم الثلاثاء وقتلوا خمسة مدنيين. "
            f"وأضاف العقيد {word()} {word()} أن قوات الأمن اعتقلت {word()} {word()} في حي "
            f"{word()}، وأن {word()} {word()} أصيب بجروح."
        )
        yield Article(id=f"m{k}", text=text, published="2024-03-05", source="rasid-test")


def test_the_pipelines_memory_stops_rising_after_a_round_of_new_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A caching mistake (a cache the rounds do not empty, a list that keeps every article)
    makes the Python heap rise with every round of articles of new words. Without the rounds
    it rose 1.2 to 1.5 MB a round of these 120 articles (5.3 MB over four); with them 0.05 to
    0.12 MB (the Latin names' table parsed lazily, bounded by its size)."""
    from rasid.jobs import warm
    from rasid.pipeline import process_article

    per_round = 120
    monkeypatch.setattr(rasid.caches, "ROUND", per_round)
    warm()
    feed = _articles(random.Random(7))
    ends: list[float] = []
    tracemalloc.start()
    try:
        for _ in range(5):
            for _ in range(per_round):
                process_article(next(feed))
            gc.collect()
            ends.append(tracemalloc.get_traced_memory()[0] / 2**20)
    finally:
        tracemalloc.stop()
    rise = [round(b - a, 3) for a, b in itertools.pairwise(ends[1:])]
    assert max(rise) < 0.4, (ends, rise)
    assert ends[-1] - ends[1] < 0.8, (ends, rise)
