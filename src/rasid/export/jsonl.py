"""Events, statements and figures, one JSON object per line, each naming its kind in "record"."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from rasid.records import Record, record_to_json

if TYPE_CHECKING:
    from rasid.export import ExportReport


def iter_jsonl(records: Iterable[Record], report: ExportReport | None = None) -> Iterator[str]:
    for record in records:
        yield json.dumps(record_to_json(record), ensure_ascii=False) + "\n"
        if report is not None:
            report.written += 1
