"""PLOVER event records (spec/RECORDS.md), one JSON object per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from rasid.records import Event, record_to_json


def iter_plover(events: Iterable[Event]) -> Iterator[str]:
    for event in events:
        yield json.dumps(record_to_json(event), ensure_ascii=False) + "\n"
