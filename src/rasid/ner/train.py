"""Training the NER CRF on ANERcorp: ``python -m rasid.ner.train --out <model>``.

The training data is the original ANERcorp (Benajiba & Rosso, one ``token TAG`` a line, no
sentence breaks) cut before the region the CAMeL Lab split uses as its test (from line 125,307
on; see the corpus's SOURCE.md). Sentences are cut after ".", "!" and "?" (Arabic or Latin).
As a second guard, any training sentence whose tokens also occur as a run in a test file is
dropped, so no test sentence is seen in training. Parameters are fixed, so the same corpus and
knowledge base give the same model.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rasid.ner.crf import first_pass_path
from rasid.ner.features import (
    Gazetteer,
    add_context_features,
    extract_features,
    load_gazetteer,
)
from rasid.text import normalize_key

log = logging.getLogger(__name__)

CORPUS_DIR = Path("/work/shared/corpora/anercorp")
DEFAULT_CORPUS = CORPUS_DIR / "ANERCorp_original_Benajiba.txt"
DEFAULT_TESTS = (
    CORPUS_DIR / "ANERCorp_CamelLab_test.asfound.txt",
    CORPUS_DIR / "ANERCorp_CamelLab_test.restored.txt",
)
# First line (1-based) of the test region in the original file. The line before it is a stray
# "الصالحية ونايفة" that duplicates the test's first words, so the cut is made one line earlier.
TEST_REGION_LINE = 125_307
DEFAULT_KB_DIR = Path(__file__).resolve().parent.parent / "kb" / "data"
_SENTENCE_ENDS = frozenset({".", "!", "?"})
_MIN_CONTAINED = 5  # a training sentence this long found inside a test file is dropped

Sentence = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class TrainParams:
    """Training parameters: L-BFGS with elastic-net regularization (L1 ``c1`` prunes features,
    keeping the model small), and the folds used to jackknife first-pass tags."""

    c1: float = 0.1
    c2: float = 0.01
    max_iterations: int = 300
    min_freq: int = 1
    folds: int = 4
    fold_iterations: int = 150


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """The sentences kept for training and what was dropped, for the record."""

    sentences: list[Sentence]
    lines_read: int
    dropped_as_test: int


def parse_tagged_line(line: str) -> tuple[str, str] | None:
    """``token TAG`` → (token, tag); a line without a token gives None."""
    token, _, tag = line.rstrip("\n").rpartition(" ")
    token = token.strip()
    if not token or not tag:
        return None
    return token, tag.strip()


def split_tagged_sentences(pairs: Iterable[tuple[str, str]]) -> list[Sentence]:
    """Cut a stream of (token, tag) after each sentence-ending punctuation token."""
    sentences: list[Sentence] = []
    current: Sentence = []
    for token, tag in pairs:
        current.append((token, tag))
        if normalize_key(token) in _SENTENCE_ENDS:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of a ``token TAG`` file with blank lines between sentences."""
    sentences: list[Sentence] = []
    current: Sentence = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            pair = parse_tagged_line(line)
            if pair is not None:
                current.append(pair)
    if current:
        sentences.append(current)
    return sentences


def _test_index(test_paths: Sequence[Path]) -> tuple[set[tuple[str, ...]], str]:
    """Exact test sentences, and all test text as one string for run containment checks."""
    exact: set[tuple[str, ...]] = set()
    runs: list[str] = []
    for path in test_paths:
        for sent in read_conll(path):
            tokens = tuple(t for t, _ in sent)
            exact.add(tokens)
            runs.append(" ".join(tokens))
    return exact, "\n" + " \n ".join(runs) + "\n"


def _is_test_sentence(tokens: tuple[str, ...], exact: set[tuple[str, ...]], text: str) -> bool:
    if tokens in exact:
        return True
    if len(tokens) < _MIN_CONTAINED:
        return False
    return (" " + " ".join(tokens) + " ") in text


def select_training_sentences(
    corpus: Path,
    test_paths: Sequence[Path] = DEFAULT_TESTS,
    test_region_line: int = TEST_REGION_LINE,
) -> TrainingSet:
    """Training sentences from the original ANERcorp with every test sentence excluded."""
    pairs: list[tuple[str, str]] = []
    lines_read = 0
    with corpus.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if number >= test_region_line - 1:
                break
            lines_read += 1
            pair = parse_tagged_line(line)
            if pair is not None:
                pairs.append(pair)
    exact, text = _test_index([p for p in test_paths if p.is_file()])
    kept: list[Sentence] = []
    dropped = 0
    for sent in split_tagged_sentences(pairs):
        if _is_test_sentence(tuple(t for t, _ in sent), exact, text):
            dropped += 1
        else:
            kept.append(sent)
    return TrainingSet(sentences=kept, lines_read=lines_read, dropped_as_test=dropped)


def _train_crf(
    features: Sequence[Sequence[Sequence[str]]],
    tags: Sequence[Sequence[str]],
    out: Path,
    params: TrainParams,
    max_iterations: int,
) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for feats, labels in zip(features, tags, strict=True):
        trainer.append([list(f) for f in feats], list(labels))
    trainer.set_params(
        {
            "c1": params.c1,
            "c2": params.c2,
            "max_iterations": max_iterations,
            "feature.minfreq": params.min_freq,
            "feature.possible_transitions": True,
        }
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))


def _tag_with(model: Path, features: Sequence[Sequence[Sequence[str]]]) -> list[list[str]]:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    try:
        return [list(tagger.tag([list(f) for f in feats])) for feats in features]
    finally:
        tagger.close()


def train_model(
    sentences: Sequence[Sentence],
    out: Path,
    params: TrainParams = TrainParams(),
    gazetteer: Gazetteer | None = None,
) -> None:
    """Train the two-pass tagger on tagged sentences (in document order).

    Writes the first-pass model beside ``out`` (``first_pass_path(out)``) and the final model to
    ``out``. The final model's context features need first-pass tags on the training sentences
    that the first pass did not learn from, so they come from ``params.folds`` models each
    trained without one contiguous block of sentences (jackknifing); otherwise the final model
    would learn to trust first-pass tags that are better than they are on new text.
    """
    tokens = [[t for t, _ in s] for s in sentences]
    tags = [[tag for _, tag in s] for s in sentences]
    base = [extract_features(t, gazetteer) for t in tokens]
    n = len(sentences)
    folds = max(2, min(params.folds, n))
    jackknifed: list[list[str]] = [[] for _ in range(n)]
    scratch = out.with_name(out.stem + ".fold.tmp")
    try:
        for k in range(folds):
            lo, hi = k * n // folds, (k + 1) * n // folds
            rest = [i for i in range(n) if not lo <= i < hi]
            _train_crf(
                [base[i] for i in rest],
                [tags[i] for i in rest],
                scratch,
                params,
                params.fold_iterations,
            )
            for i, predicted in zip(range(lo, hi), _tag_with(scratch, base[lo:hi]), strict=True):
                jackknifed[i] = predicted
            log.info("fold %d/%d done", k + 1, folds)
    finally:
        scratch.unlink(missing_ok=True)
    _train_crf(base, tags, first_pass_path(out), params, params.max_iterations)
    log.info("first pass trained")
    stacked = add_context_features(tokens, base, jackknifed)
    _train_crf(stacked, tags, out, params, params.max_iterations)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m rasid.ner.train", description="Train the ANERcorp NER CRF."
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write the model")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--test", type=Path, action="append", help="test files whose sentences are excluded"
    )
    parser.add_argument("--test-region-line", type=int, default=TEST_REGION_LINE)
    parser.add_argument("--kb-dir", type=Path, default=DEFAULT_KB_DIR)
    parser.add_argument("--no-gazetteer", action="store_true")
    defaults = TrainParams()
    parser.add_argument("--c1", type=float, default=defaults.c1)
    parser.add_argument("--c2", type=float, default=defaults.c2)
    parser.add_argument("--max-iterations", type=int, default=defaults.max_iterations)
    parser.add_argument("--min-freq", type=int, default=defaults.min_freq)
    parser.add_argument("--folds", type=int, default=defaults.folds)
    parser.add_argument("--fold-iterations", type=int, default=defaults.fold_iterations)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """The training command."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = _parse_args(argv)
    if not args.corpus.is_file():
        log.error("corpus not found: %s (pass --corpus)", args.corpus)
        return 2
    tests = tuple(args.test) if args.test else DEFAULT_TESTS
    data = select_training_sentences(args.corpus, tests, args.test_region_line)
    tokens = sum(len(s) for s in data.sentences)
    log.info(
        "corpus: %d lines read, %d sentences (%d tokens) kept, %d dropped as test sentences",
        data.lines_read,
        len(data.sentences),
        tokens,
        data.dropped_as_test,
    )
    gazetteer = None if args.no_gazetteer else load_gazetteer(args.kb_dir)
    log.info("gazetteer: %d names", len(gazetteer.names) if gazetteer else 0)
    params = TrainParams(
        args.c1, args.c2, args.max_iterations, args.min_freq, args.folds, args.fold_iterations
    )
    started = time.perf_counter()
    train_model(data.sentences, args.out, params, gazetteer)
    log.info(
        "trained in %.0f s -> %s (%.2f MB) and %s (%.2f MB)",
        time.perf_counter() - started,
        args.out,
        args.out.stat().st_size / 1e6,
        first_pass_path(args.out),
        first_pass_path(args.out).stat().st_size / 1e6,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
