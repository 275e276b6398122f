"""Nothing lost at the edges of ingest: binary bytes in JSON Lines, paths that cannot be read,
links out of a folder or in a loop, and the option the size-limit messages name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers_fs import can_lock_out, shared_dir, unprivileged
from rasid.ingest import IngestProblem, read_articles
from rasid.ingest.problem import RAISE_LIMIT
from rasid.records import Article


def read_all(paths: list[str], **kwargs: object) -> tuple[list[Article], list[IngestProblem]]:
    articles: list[Article] = []
    problems: list[IngestProblem] = []
    for item in read_articles(paths, **kwargs):  # type: ignore[arg-type]
        (problems if isinstance(item, IngestProblem) else articles).append(item)  # type: ignore[arg-type]
    return articles, problems


def line(n: int) -> bytes:
    record = {"id": f"a{n}", "text": f"قصفت طائرة مسيرة موقعا قرب الحدود في اليوم {n}."}
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


# -- binary bytes in JSON Lines ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".data"])
def test_a_nul_byte_in_the_head_loses_one_line_not_the_file(tmp_path: Path, suffix: str) -> None:
    # 5,000 articles and a damaged third line: the whole file was "binary", every one lost
    body = line(1) + line(2) + b'{"id": "x", "text": "\x00\x00\xff\x00"}\n'
    body += b"".join(line(n) for n in range(3, 5001))
    path = tmp_path / f"big{suffix}"
    path.write_bytes(body)
    articles, problems = read_all([str(path)])
    assert len(articles) == 5000
    assert [str(p) for p in problems] == [
        f"{path}:3: binary data (NUL bytes) in the line, not text"
    ]


def test_a_damaged_first_line_loses_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "first.jsonl"
    path.write_bytes(b"\x00\x01\x02\x00garbage\n" + line(1) + line(2))
    articles, problems = read_all([str(path)])
    assert [a.id for a in articles] == ["a1", "a2"]
    assert [(p.line, p.reason) for p in problems] == [
        (1, "binary data (NUL bytes) in the line, not text")
    ]


def test_a_line_not_utf8_and_not_an_encoding_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(line(1) + b'{"id": "b", "text": "\x81\x8d\x8f\x90\x9d"}\n' + line(2))
    articles, problems = read_all([str(path)])
    assert [a.id for a in articles] == ["a1", "a2"]
    assert [p.line for p in problems] == [2]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("archive.jsonl", b"PK\x03\x04" + bytes(range(200))),
        ("noise.data", bytes(range(256)) * 8),
    ],
)
def test_a_file_that_cannot_be_text_is_still_one_binary_file(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    articles, problems = read_all([str(path)])
    assert articles == []
    assert [p.reason for p in problems] == ["binary file, not text"]


def test_utf16_without_bom_is_still_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_bytes((line(1) + line(2)).decode("utf-8").encode("utf-16-le"))
    articles, problems = read_all([str(path)])
    assert problems == []
    assert [a.id for a in articles] == ["a1", "a2"]


# -- paths not read ---------------------------------------------------------------------------


@pytest.mark.skipif(not can_lock_out(), reason="no unprivileged user to read as")
def test_an_unreadable_folder_is_reported() -> None:
    with shared_dir() as base:
        tree = base / "tree"
        (tree / "locked").mkdir(parents=True)
        (tree / "locked" / "in.jsonl").write_bytes(line(1))
        (tree / "open.jsonl").write_bytes(line(2))
        (tree / "locked").chmod(0)
        with unprivileged():
            articles, problems = read_all([str(tree)])
    assert [a.id for a in articles] == ["a2"]
    assert [(p.path, p.reason, p.unread) for p in problems] == [
        (str(tree / "locked"), "folder not read: permission denied", True)
    ]


@pytest.mark.skipif(not can_lock_out(), reason="no unprivileged user to read as")
def test_an_unreadable_file_in_a_folder_is_reported() -> None:
    with shared_dir() as base:
        (base / "locked.jsonl").write_bytes(line(1))
        (base / "locked.jsonl").chmod(0)
        with unprivileged():
            articles, problems = read_all([str(base)])
    assert articles == []
    assert [(p.reason, p.unread) for p in problems] == [("permission denied", True)]


def test_links_out_of_the_folder_are_not_followed_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    (outside / "more").mkdir()
    (outside / "more" / "b.jsonl").write_bytes(line(2))
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.jsonl").write_bytes(line(1))
    (tree / "system.txt").symlink_to(outside / "passwd.txt")
    (tree / "folder").symlink_to(outside / "more")
    articles, problems = read_all([str(tree)])
    assert [a.id for a in articles] == ["a1"]
    assert sorted((Path(p.path).name, p.unread) for p in problems) == [
        ("folder", True),
        ("system.txt", True),
    ]
    assert all("outside the folder; not followed (--follow-links)" in p.reason for p in problems)
    followed, problems = read_all([str(tree)], follow_links=True)
    assert problems == []
    assert sorted(a.id for a in followed) == ["a1", "a2", "system"]


def test_links_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.jsonl").write_bytes(line(1))
    (tmp_path / "again.jsonl").symlink_to(tmp_path / "real" / "a.jsonl")
    (tmp_path / "view").symlink_to(tmp_path / "real")
    articles, problems = read_all([str(tmp_path)])
    # a file link is read (its text is then already there); a folder link is read in place
    assert [a.id for a in articles] == ["a1", "a1"]
    assert [(Path(p.path).name, p.reason) for p in problems] == [
        ("view", "symbolic link to a folder inside the folder; not followed (read in place)")
    ]


def test_link_loops_and_broken_links_say_what_they_are(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "loop.jsonl").symlink_to(tree / "loop.jsonl")
    (tree / "ping.jsonl").symlink_to(tree / "pong.jsonl")
    (tree / "pong.jsonl").symlink_to(tree / "ping.jsonl")
    (tree / "gone.jsonl").symlink_to(tree / "missing.jsonl")
    (tree / "up").symlink_to(tree)
    articles, problems = read_all([str(tree)], follow_links=True)
    assert articles == []
    assert sorted((Path(p.path).name, p.reason) for p in problems) == [
        ("gone.jsonl", "broken symbolic link (its target does not exist); not read"),
        ("loop.jsonl", "symbolic link loop; not read"),
        ("ping.jsonl", "symbolic link loop; not read"),
        ("pong.jsonl", "symbolic link loop; not read"),
        ("up", "folder already read through another path; not read again"),
    ]
    assert all(p.unread for p in problems)
    # named on the command line, a loop is a loop, not "no such file"
    _, named = read_all([str(tree / "loop.jsonl")])
    assert [p.reason for p in named] == ["symbolic link loop; not read"]


def test_a_pipe_in_a_folder_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "feed.jsonl")
    (tmp_path / "ok.jsonl").write_bytes(line(1))
    articles, problems = read_all([str(tmp_path)])
    assert [a.id for a in articles] == ["a1"]
    assert [(p.reason, p.unread) for p in problems] == [
        ("not a regular file but a named pipe; not read", True)
    ]


# -- limits -----------------------------------------------------------------------------------


def test_size_limit_messages_name_the_real_option(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(line(1) + b'{"text": "' + b"x" * 5000 + b'"}\n' + line(2))
    articles, problems = read_all([str(path)], max_bytes=1000)
    assert [a.id for a in articles] == ["a1", "a2"]
    assert [str(p) for p in problems] == [
        f"{path}:2: line longer than 1,000 bytes; skipped ({RAISE_LIMIT})"
    ]
    assert "--max-bytes" in RAISE_LIMIT


def test_json_lines_starting_with_a_list_line_lose_only_that_line(tmp_path: Path) -> None:
    # found by the accounting property: the file was read as one JSON array, all lines lost
    path = tmp_path / "list_first.jsonl"
    path.write_bytes(b'["a", "list"]\n' + line(1) + line(2))
    articles, problems = read_all([str(path)])
    assert [a.id for a in articles] == ["a1", "a2"]
    assert [str(p) for p in problems] == [f"{path}:1: not a JSON object but a list"]
    array = tmp_path / "array.json"
    array.write_bytes(b"[\n" + line(1).strip() + b",\n" + line(2).strip() + b"\n]\n")
    assert [a.id for a in read_all([str(array)])[0]] == ["a1", "a2"]
