"""Modes the exports need and the event stage does not give: PROTEST and COERCE read from the
evidence sentences with the cues of ``data/mode_cues.yaml``.

An event's own mode always wins; a mode found here is a reading of the same sentences, recorded
with the rule that found it (``export.mode_cue``) so a wrong sub-event type is traced in one
step. No cue, no mode: the caller then uses the type's default.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml

from rasid.records import Event
from rasid.text.normalize import normalize_key

MODE_RULE = "export.mode_cue"


@functools.cache
def _cues() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    text = resources.files("rasid.export").joinpath("data/mode_cues.yaml").read_text("utf-8")
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for event_type, modes in yaml.safe_load(text).items():
        for mode, words in modes.items():
            forms = sorted({normalize_key(w) for w in words}, key=len, reverse=True)
            # a cue may carry the article, a proclitic (و، ف، ب، ل) and a suffix
            pattern = r"(?<!\w)(?:[وفبل]?(?:ال)?)(?:" + "|".join(map(re.escape, forms)) + r")"
            table.setdefault(event_type, []).append((mode, re.compile(pattern)))
    return table


def read_mode(event: Event) -> str | None:
    """The event's mode, or one its evidence sentences give by cue, or None."""
    if event.mode:
        return event.mode
    cues = _cues().get(event.type)
    if not cues:
        return None
    text = " ".join(normalize_key(s.sentence) for s in event.sources)
    for mode, pattern in cues:
        if pattern.search(text):
            return mode
    return None
