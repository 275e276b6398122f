"""Arabic text: normalization with an offset map, sentences and tokens."""

from rasid.text.normalize import NormalizedText, normalize, normalize_key
from rasid.text.segment import split_sentences, tokenize

__all__ = ["NormalizedText", "normalize", "normalize_key", "split_sentences", "tokenize"]
