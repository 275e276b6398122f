"""The accounting of an ingest adds up, over generated trees of good, bad, duplicate, changed,
binary-in-the-middle and unreadable inputs: read = stored + already there + new versions (or
id conflicts) + with problems, and each path not read is counted, each count equal to what the
tree holds. Real files, a real SQLite store, the real pipeline; unreadable folders are met as
an unprivileged user (helpers_fs), pipes, loops and links as themselves."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers_fs import can_lock_out, shared_dir, unprivileged
from rasid.jobs import ReadOptions, ingest, warm

LINE_KINDS = ("good", "duplicate", "changed", "bad_json", "not_object", "binary")
PATH_KINDS = ("empty_file", "locked_folder", "pipe", "link_out", "link_loop", "broken_link")
BASE = "استهدف هجوم بطائرة مسيرة قاعدة عسكرية قرب الحدود"


@dataclass
class Expected:
    stored: int = 0
    already: int = 0
    versions: int = 0
    problems: int = 0
    not_read: int = 0
    texts: dict[str, list[str]] = field(default_factory=dict)  # id -> texts given


def _record(aid: str, text: str) -> bytes:
    return json.dumps({"id": aid, "text": text}, ensure_ascii=False).encode("utf-8") + b"\n"


def build_tree(
    root: Path, outside: Path, lines: list[tuple[str, int]], paths: list[str]
) -> Expected:
    """Write the tree; what an ingest of it must count (the first text of an id is stored,
    each other text of it a new version, each repeated text already there)."""
    exp = Expected()
    files: dict[int, list[bytes]] = {}
    goods: list[tuple[str, str]] = []
    for n, (kind, where) in enumerate(lines):
        if kind == "good" or (kind in ("duplicate", "changed") and not goods):
            aid, text = f"g{n}", f"{BASE} رقم {n}"
            goods.append((aid, text))
            exp.texts.setdefault(aid, []).append(text)
            raw = _record(aid, text)
        elif kind == "duplicate":
            aid, text = goods[n % len(goods)]
            raw = _record(aid, text)
        elif kind == "changed":
            aid = goods[n % len(goods)][0]
            text = f"{BASE} نص معدل رقم {n}"
            exp.texts[aid].append(text)
            raw = _record(aid, text)
        else:  # not an article: a broken line, a list, binary bytes in the middle of a file
            raw = {
                "bad_json": b'{"id": "broken", "text": \n',
                "not_object": b'["a", "list"]\n',
                "binary": b'{"id": "bin", "text": "\x00\x9f\x00\x01"}\n',
            }[kind]
            exp.problems += 1
        files.setdefault(where, []).append(raw)
    given_texts = [_texts_in(raw) for part in files.values() for raw in part]
    stored_texts = {t for texts in exp.texts.values() for t in texts}
    exp.already = sum(1 for t in given_texts if t is not None) - len(stored_texts)
    exp.stored = len(exp.texts)
    exp.versions = len(stored_texts) - exp.stored
    for where, raws in files.items():
        folder = root / f"d{where % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{where}.jsonl").write_bytes(b"".join(raws))
    for n, kind in enumerate(paths):
        target = root / f"p{n}"
        if kind == "empty_file":
            target.with_suffix(".txt").write_bytes(b"")
            exp.problems += 1
            continue
        exp.not_read += 1
        if kind == "locked_folder":
            target.mkdir()
            (target / "inside.jsonl").write_bytes(_record(f"locked{n}", f"{BASE} مقفل {n}"))
            target.chmod(0)
        elif kind == "pipe":
            os.mkfifo(target.with_suffix(".jsonl"))
        elif kind == "link_out":
            (outside / f"o{n}.jsonl").write_bytes(_record(f"out{n}", f"{BASE} خارج {n}"))
            target.with_suffix(".jsonl").symlink_to(outside / f"o{n}.jsonl")
        elif kind == "link_loop":
            target.with_suffix(".jsonl").symlink_to(target.with_suffix(".jsonl"))
        else:
            target.with_suffix(".jsonl").symlink_to(root / f"missing{n}.jsonl")
    return exp


def _texts_in(raw: bytes) -> str | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record.get("text") if isinstance(record, dict) else None


_SUMMARY = re.compile(
    r"^(\d+) read = (\d+) stored \+ (\d+) already there \+ (\d+) new versions? \+ (\d+) with "
    r"problems(?: \+ (\d+) id conflicts? not stored)?; (\d+) paths? not read$"
)

_WARMED: list[bool] = []


@settings(
    max_examples=int(os.environ.get("RASID_ACCOUNTING_EXAMPLES", "20")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    lines=st.lists(
        st.tuples(st.sampled_from(LINE_KINDS), st.integers(0, 3)), min_size=0, max_size=14
    ),
    paths=st.lists(st.sampled_from(PATH_KINDS), max_size=3),
    policy=st.sampled_from(("version", "skip")),
)
@example(  # every kind at once, whatever the generator draws
    lines=[(kind, n % 4) for n, kind in enumerate(LINE_KINDS * 2)],
    paths=list(PATH_KINDS),
    policy="version",
)
@example(lines=[("good", 0), ("changed", 1), ("binary", 0), ("good", 0)], paths=[], policy="skip")
def test_the_accounting_line_adds_up(
    lines: list[tuple[str, int]], paths: list[str], policy: str
) -> None:
    if not can_lock_out():
        paths = [p for p in paths if p != "locked_folder"]
    if not _WARMED:
        warm()  # every module and table the pipeline loads, before any run as another user
        _WARMED.append(True)
    with shared_dir() as base:
        root, outside, db = base / "tree", base / "outside", base / "store"
        root.mkdir()
        outside.mkdir()
        db.mkdir(mode=0o777)
        db.chmod(0o777)
        exp = build_tree(root, outside, lines, paths)
        with unprivileged():
            report = ingest(
                [str(root)], str(db / "r.sqlite"), options=ReadOptions(on_conflict=policy)
            )
    conflicts = exp.versions if policy == "skip" else 0
    versions = 0 if policy == "skip" else exp.versions
    assert report.total == report.accounted
    assert (report.stored, report.skipped, report.versions, report.conflicts) == (
        exp.stored,
        exp.already,
        versions,
        conflicts,
    )
    assert (report.failed, report.not_read) == (exp.problems, exp.not_read)
    assert len(report.problems) == exp.problems + exp.not_read + conflicts
    assert len(report.notes) == versions
    # the line the CLI prints says the same, and its parts add up to its total
    match = _SUMMARY.match(report.summary())
    assert match is not None, report.summary()
    numbers = [int(g or 0) for g in match.groups()]
    assert numbers[0] == sum(numbers[1:6])
    assert numbers[0] == len(lines) + sum(p == "empty_file" for p in paths)
    assert numbers[6] == exp.not_read
