"""Word clusters learned from unlabeled Arabic news, for the NER model's features.

    python -m rasid.ner.clusters --out src/rasid/ner/clusters.tsv  # --corpus: ANT v2.1 JSONL

Why: ANERcorp has 125k training tokens, so most names in new text were never seen in training.
Words that occur in the same contexts (transliterated foreign surnames, Arab given names, town
names) fall into the same cluster, and the model learns the cluster instead of the word.

How: every word of the most frequent ``vocab`` normalized words gets counts of the frequent words
right before and right after it; the counts become positive pointwise mutual information,
reduced to ``dims`` dimensions by a seeded randomized SVD, and k-means with a fixed seed groups
the rows at several granularities (coarse to fine), like the prefixes of Brown clusters. The
output is one TSV line a word: the word and its cluster id at each granularity. Only word forms
and cluster numbers are written, never text.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rasid.text import normalize, tokenize

log = logging.getLogger(__name__)

DEFAULT_CORPUS = Path("/work/shared/corpora/ant-multisource/ant_v2.1_multisource.jsonl")
DEFAULT_OUT = Path(__file__).resolve().parent / "clusters.tsv"
GRANULARITIES = (64, 256, 1024)
_SEED = 20240607


def iter_corpus_tokens(corpus: Path) -> Iterator[list[str]]:
    """Normalized tokens of each paragraph of each unique article of a JSONL news corpus."""
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("duplicate_of"):
                continue
            for paragraph in (record.get("title") or "", record.get("text") or ""):
                for part in paragraph.split("\n"):
                    if part.strip():
                        yield [t.norm for t in tokenize(normalize(part))]


def count_contexts(
    paragraphs: Iterable[Sequence[str]], vocab_size: int, context_size: int
) -> tuple[list[str], Any]:
    """The vocabulary and its (vocab x 2*context) matrix of left/right neighbour counts."""
    import numpy as np

    # Words become ids in one flat stream with -1 between paragraphs, so that neighbours never
    # cross a paragraph break and the counting is vectorized.
    ids: dict[str, int] = {}
    stream = array("i")
    for p in paragraphs:
        stream.extend(ids.setdefault(w, len(ids)) for w in p)
        stream.append(-1)
    flat_ids = np.frombuffer(stream, dtype=np.int32).astype(np.int64)
    words = list(ids)
    freq = np.bincount(flat_ids[flat_ids >= 0], minlength=len(words))
    order = sorted(range(len(words)), key=lambda i: (-int(freq[i]), words[i]))
    rank = np.full(len(words) + 1, -1, dtype=np.int64)  # last slot: the paragraph break
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
    ranks = rank[flat_ids]
    vocab = [words[i] for i in order[:vocab_size]]
    is_word = (ranks >= 0) & (ranks < vocab_size)
    is_ctx = (ranks >= 0) & (ranks < context_size)
    left = is_word[1:] & is_ctx[:-1]
    right = is_word[:-1] & is_ctx[1:]
    width = 2 * context_size
    cells = np.concatenate(
        [
            ranks[1:][left] * width + ranks[:-1][left],
            ranks[:-1][right] * width + context_size + ranks[1:][right],
        ]
    )
    counts = np.bincount(cells, minlength=len(vocab) * width)
    return vocab, counts.reshape(len(vocab), width).astype(np.float32)


def embed_rows(counts: Any, dims: int, seed: int = _SEED) -> Any:
    """PPMI of the counts, reduced by a seeded randomized SVD, rows scaled to unit length."""
    import numpy as np

    total = counts.sum()
    row = counts.sum(axis=1, keepdims=True)
    col = counts.sum(axis=0, keepdims=True) ** 0.75  # context smoothing as in word2vec
    col = col / col.sum() * total
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * total / (row * col))
    ppmi = np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0).astype(np.float32)
    rng = np.random.default_rng(seed)
    probe = rng.standard_normal((ppmi.shape[1], dims + 20)).astype(np.float32)
    basis = ppmi @ probe
    for _ in range(2):
        basis, _ = np.linalg.qr(ppmi @ (ppmi.T @ basis))
    small = basis.T @ ppmi
    u, s, _ = np.linalg.svd(small, full_matrices=False)
    vectors = (basis @ u[:, :dims]) * np.sqrt(s[:dims])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def cluster_rows(vectors: Any, k: int, seed: int = _SEED, iterations: int = 25) -> Any:
    """K-means (k-means++ start, fixed seed) on unit vectors; the cluster id of each row."""
    import numpy as np

    rng = np.random.default_rng(seed + k)
    n = vectors.shape[0]
    centers = [vectors[rng.integers(n)]]
    closest = np.full(n, np.inf, dtype=np.float64)
    for _ in range(1, k):
        d = 1.0 - vectors @ centers[-1]
        closest = np.minimum(closest, np.maximum(d, 0.0))
        probs = closest / closest.sum()
        centers.append(vectors[rng.choice(n, p=probs)])
    center = np.stack(centers)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        labels = np.argmax(vectors @ center.T, axis=1)
        for c in range(k):
            members = vectors[labels == c]
            if len(members):
                mean = members.mean(axis=0)
                center[c] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return labels


def build_clusters(
    corpus: Path, vocab_size: int = 60000, context_size: int = 2000, dims: int = 100
) -> list[tuple[str, list[int]]]:
    """Cluster ids at every granularity for each vocabulary word."""
    started = time.perf_counter()
    vocab, counts = count_contexts(iter_corpus_tokens(corpus), vocab_size, context_size)
    log.info("counted contexts for %d words in %.0f s", len(vocab), time.perf_counter() - started)
    vectors = embed_rows(counts, dims)
    log.info("embedded in %.0f s", time.perf_counter() - started)
    levels = []
    for k in GRANULARITIES:
        levels.append(cluster_rows(vectors, k))
        log.info("k=%d done at %.0f s", k, time.perf_counter() - started)
    return [(w, [int(level[i]) for level in levels]) for i, w in enumerate(vocab)]


def write_clusters(rows: Sequence[tuple[str, list[int]]], out: Path, corpus: Path) -> None:
    """Write the clusters TSV with a header saying how it was made."""
    with out.open("w", encoding="utf-8") as fh:
        fh.write(
            f"# word clusters for the NER features; built by `python -m rasid.ner.clusters` from "
            f"{corpus.name} (unique articles); granularities {','.join(map(str, GRANULARITIES))}\n"
        )
        fh.write("word\t" + "\t".join(f"k{k}" for k in GRANULARITIES) + "\n")
        for word, ids in rows:
            fh.write(word + "\t" + "\t".join(map(str, ids)) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """The clusters command."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m rasid.ner.clusters")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--vocab", type=int, default=60000)
    parser.add_argument("--context", type=int, default=2000)
    parser.add_argument("--dims", type=int, default=100)
    args = parser.parse_args(argv)
    rows = build_clusters(args.corpus, args.vocab, args.context, args.dims)
    write_clusters(rows, args.out, args.corpus)
    log.info("wrote %d words to %s", len(rows), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
