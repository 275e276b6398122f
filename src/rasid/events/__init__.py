"""Events of one article, in four steps, each a module:

1. propose (``propose``, with ``rules``, ``arguments``, ``setting``, ``speech``): the rules
   propose an event mention for every trigger and clause they accept, with its arguments and
   the rule that set each field (high recall, cheap);
2. features (``features``): each mention as named features;
3. decide (``decide``): a model trained on annotated real text (``train``, ``rasid train``)
   keeps the mentions it trusts, its probability as their confidence;
4. assemble (``rasid.merge``): the kept mentions of one event within the article become one
   record; across articles, the merge of the whole run (or the store) joins them further.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasid.doc import Doc
from rasid.events.decide import decide_events
from rasid.events.propose import propose_events
from rasid.merge import merge_events
from rasid.records import Event, Statement

__all__ = ["decide_events", "find_events", "keep_events", "propose_events"]


def find_events(doc: Doc) -> tuple[tuple[Event, ...], tuple[Statement, ...]]:
    """Events (proposed, decided, then merged within the article) and statements of one
    analysed article."""
    proposed, statements = propose_events(doc)
    return keep_events(doc, proposed), statements


def keep_events(doc: Doc, proposed: Sequence[Event]) -> tuple[Event, ...]:
    """The proposals the decider keeps, merged within the article."""
    return tuple(merge_events(decide_events(doc, proposed), same_article=True))
