"""Tagging with the shipped NER CRFs: BIO tags for tokens, and PERS/LOC/ORG/MISC spans for text.

Two models, both trained on ANERcorp by ``rasid.ner.train``: a first pass over each sentence
(``ner_crf_first.crfsuite``), and the final model (``ner_crf.crfsuite``) that also sees what the
first pass found for the same word in the nearby sentences of the document. They, and the
optional knowledge-base gazetteer, load once on first use.

ANERcorp is mid-2000s newswire, so names of that period and region are its strength; names that
appear only in recent text depend on context cues, word clusters and the gazetteer.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rasid.errors import RasidError
from rasid.ner.evaluate import extract_spans, to_bio
from rasid.ner.features import (
    Gazetteer,
    add_context_features,
    extract_features,
    load_gazetteer,
)
from rasid.records import Sentence
from rasid.text import NormalizedText, tokenize

MODEL_NAME = "ner_crf.crfsuite"
_lock = threading.Lock()


class ModelMissingError(RasidError):
    """An NER model file is not where it should be."""


def model_path() -> Path:
    """Where the shipped (final) model lives."""
    return Path(str(resources.files("rasid").joinpath("models", MODEL_NAME)))


def first_pass_path(model: Path) -> Path:
    """The first-pass model that goes with a final model: ``<name>_first<suffix>`` beside it."""
    return model.with_name(model.stem + "_first" + model.suffix)


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    kb = Path(str(resources.files("rasid").joinpath("kb", "data")))
    return load_gazetteer(kb)


@lru_cache(maxsize=8)
def load_tagger(path: Path) -> Any:
    """A crfsuite tagger for the model at ``path``, opened once."""
    import pycrfsuite

    if not path.is_file():
        raise ModelMissingError(
            f"NER model not found at {path}; build it with "
            "`python -m rasid.ner.train --out src/rasid/models/ner_crf.crfsuite`"
        )
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger


def tag_sentences(
    sentences: Sequence[Sequence[str]],
    model: Path | None = None,
    gazetteer: Gazetteer | None = None,
) -> list[list[str]]:
    """BIO tags for the token lists of one document's sentences, in document order."""
    final = model or model_path()
    first = load_tagger(first_pass_path(final))
    second = load_tagger(final)
    gaz = _default_gazetteer() if gazetteer is None else gazetteer
    base = [extract_features(tokens, gaz) if tokens else [] for tokens in sentences]
    # A crfsuite Tagger keeps state between setting a sequence and decoding it.
    with _lock:
        first_tags = [list(first.tag(f)) if f else [] for f in base]
        stacked = add_context_features(sentences, base, first_tags)
        return [to_bio(second.tag(f)) if f else [] for f in stacked]


def tag_tokens(
    tokens: Sequence[str], model: Path | None = None, gazetteer: Gazetteer | None = None
) -> list[str]:
    """BIO tags (B-PERS, I-LOC, O, ...) for one sentence's tokens, seen on its own."""
    return tag_sentences([tokens], model, gazetteer)[0]


def find_entities(
    norm: NormalizedText, sentences: Sequence[Sentence], model: Path | None = None
) -> list[tuple[int, int, str]]:
    """Named entities of a document as (original start, original end, PERS/LOC/ORG/MISC)."""
    token_lists = [
        tokenize(norm, norm.to_normalized(s.start), norm.to_normalized(s.end)) for s in sentences
    ]
    tags = tag_sentences([[t.norm for t in tokens] for tokens in token_lists], model)
    found: list[tuple[int, int, str]] = []
    for tokens, sent_tags in zip(token_lists, tags, strict=True):
        for first, end, label in extract_spans(sent_tags):
            found.append((tokens[first].start, tokens[end - 1].end, label))
    return found
