"""Named-entity recognition with a CRF trained on ANERcorp (PERS, LOC, ORG, MISC)."""

from rasid.ner.crf import find_entities, tag_sentences, tag_tokens
from rasid.ner.evaluate import extract_spans, score_entities

__all__ = ["extract_spans", "find_entities", "score_entities", "tag_sentences", "tag_tokens"]
