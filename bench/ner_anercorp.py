"""ANERcorp test-split scores of the NER CRF, as JSON on stdout.

Scores are entity-level exact match (start, end and type), micro-averaged over PERS, LOC, ORG
and MISC as CoNLL's conlleval counts them, on both test files: ``asfound`` (the CAMeL-split test
file as published copies have it) and ``restored`` (its garbled sentence-initial tokens restored
from the original corpus). See /work/shared/corpora/anercorp/SOURCE.md.

    .venv/bin/python bench/ner_anercorp.py [--model PATH] [--no-gazetteer] [--speed 2000]

``--speed N`` also times ``find_entities`` (normalize, sentences, tokens, both CRF passes) on the
first N articles of the ANT multi-source corpus, on one core, after one warm-up article.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from rasid.ner.crf import find_entities, tag_sentences
from rasid.ner.evaluate import score_entities
from rasid.ner.features import Gazetteer
from rasid.ner.train import CORPUS_DIR, read_conll
from rasid.text import normalize, split_sentences

ANT = Path("/work/shared/corpora/ant-multisource/ant_v2.1_multisource.jsonl")

TEST_FILES = {
    "asfound": CORPUS_DIR / "ANERCorp_CamelLab_test.asfound.txt",
    "restored": CORPUS_DIR / "ANERCorp_CamelLab_test.restored.txt",
}


def evaluate_file(path: Path, model: Path | None, gazetteer: Gazetteer | None) -> dict[str, object]:
    sentences = read_conll(path)
    gold = [[tag for _, tag in s] for s in sentences]
    started = time.perf_counter()
    # The test file keeps its sentences in corpus order, so nearby sentences are the document.
    pred = tag_sentences([[t for t, _ in s] for s in sentences], model, gazetteer)
    seconds = time.perf_counter() - started
    scores = score_entities(gold, pred)
    tokens = sum(len(s) for s in sentences)
    return {
        "sentences": len(sentences),
        "tokens": tokens,
        "tokens_per_second": round(tokens / seconds),
        "scores": {
            label: {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(s).items()}
            for label, s in scores.items()
        },
    }


def time_articles(count: int, model: Path | None) -> dict[str, object]:
    texts: list[str] = []
    with ANT.open(encoding="utf-8") as fh:
        for line in fh:
            if len(texts) >= count:
                break
            record = json.loads(line)
            texts.append((record.get("title") or "") + "\n" + (record.get("text") or ""))
    warm = normalize(texts[0])
    find_entities(warm, split_sentences(warm), model)
    started = time.perf_counter()
    entities = 0
    for text in texts:
        norm = normalize(text)
        entities += len(find_entities(norm, split_sentences(norm), model))
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t in texts)
    return {
        "articles": len(texts),
        "seconds": round(seconds, 2),
        "articles_per_second": round(len(texts) / seconds, 1),
        "ms_per_article": round(1000 * seconds / len(texts), 2),
        "ms_per_5kb": round(1000 * seconds / chars * 5000, 2),
        "entities": entities,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--no-gazetteer", action="store_true")
    parser.add_argument("--speed", type=int, default=0, metavar="N")
    args = parser.parse_args()
    gazetteer = Gazetteer() if args.no_gazetteer else None
    result = {name: evaluate_file(p, args.model, gazetteer) for name, p in TEST_FILES.items()}
    if args.speed:
        result["speed"] = time_articles(args.speed, args.model)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
