"""The CLI follows click's conventions: global options before or after the command, usage
errors print the usage and exit 2, filters check their values, --version, machine-readable
list output; and ``rasid extract`` output keeps to the JSON Schemas of docs/records.md."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rasid import __version__
from rasid.cli import hoist_global_options
from rasid.schemas import load_schema
from test_cli import DEV, rasid


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("conv") / "dev.sqlite")
    res = rasid("ingest", "--db", db, str(DEV / "articles.jsonl"))  # --db after the command
    assert res.returncode == 0, res.stderr
    return db


def test_db_before_or_after_the_command(store: str, tmp_path: Path) -> None:
    other = str(tmp_path / "other.sqlite")
    res = rasid("--db", other, "ingest", str(DEV / "articles.jsonl"))
    assert res.returncode == 0, res.stderr
    before = rasid("--db", store, "articles", "--json")
    after = rasid("articles", "--json", "--db", store)
    assert before.returncode == after.returncode == 0
    assert json.loads(before.stdout) == json.loads(after.stdout) != []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest", "--db", "x", "f"], ["--db", "x", "ingest", "f"]),
        (["events", "--db=x", "-q"], ["--db=x", "-q", "events"]),
        (["extract", "--", "--db"], ["extract", "--", "--db"]),
        (["events", "--text", "x"], ["events", "--text", "x"]),
    ],
)
def test_hoisting_global_options(args: list[str], expected: list[str]) -> None:
    assert hoist_global_options(args) == expected


def test_an_unknown_type_is_a_usage_error_naming_the_types(store: str) -> None:
    res = rasid("events", "--type", "FOO", db=store)
    assert res.returncode == 2
    assert "Usage: rasid events" in res.stderr
    assert "'FOO'" in res.stderr and "ASSAULT" in res.stderr and "COERCE" in res.stderr
    assert "internal error" not in res.stderr


@pytest.mark.parametrize(
    "args",
    [["events", "--bogus"], ["export"], ["export", "--format", "xlsx"], ["nosuchcommand"]],
)
def test_usage_errors_exit_2_with_the_usage(store: str, args: list[str]) -> None:
    res = rasid(*args, db=store)
    assert res.returncode == 2, res.stderr
    assert "Usage:" in res.stderr and "internal error" not in res.stderr


def test_a_missing_store_is_one_line_and_exit_1(tmp_path: Path) -> None:
    res = rasid("--db", str(tmp_path / "missing.sqlite"), "events")
    assert res.returncode == 1
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "missing.sqlite").exists()


def test_version() -> None:
    res = rasid("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"rasid {__version__}"


def test_list_commands_speak_csv_tsv_and_nl(store: str) -> None:
    page = json.loads(rasid("events", "--json", db=store).stdout)
    as_csv = rasid("events", "--csv", db=store)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["id"] for r in rows] == [e["id"] for e in page["items"]]
    tsv = rasid("articles", "--tsv", db=store).stdout.splitlines()
    assert tsv[0].split("\t")[:3] == ["id", "title", "published"] and len(tsv) == 4
    nl = rasid("entities", "--nl", db=store).stdout.splitlines()
    assert nl and all("id" in json.loads(line) for line in nl)
    both = rasid("events", "--csv", "--json", db=store)
    assert both.returncode == 2


def test_piped_tables_are_not_cut_at_80_columns(store: str) -> None:
    res = rasid("events", db=store)
    assert res.returncode == 0
    assert max(len(line) for line in res.stdout.splitlines()) > 80


def test_export_says_what_it_wrote_and_left_out(store: str) -> None:
    res = rasid("export", "--format", "acled", db=store)
    assert res.returncode == 0, res.stderr
    line = res.stderr.strip().splitlines()[-1]
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert line.startswith(f"rasid: acled: {len(rows)} written, ")
    assert "left out (" in line


def test_extract_output_keeps_to_the_record_schemas() -> None:
    import jsonschema

    res = rasid("extract", str(DEV / "articles.jsonl"))
    assert res.returncode == 0, res.stderr
    validators = {
        kind: jsonschema.Draft202012Validator(load_schema(kind))
        for kind in ("event", "statement", "figure")
    }
    records = [json.loads(line) for line in res.stdout.splitlines()]
    assert {r["record"] for r in records} == {"event", "statement", "figure"}
    failures = [
        (r["record"], r["id"], e.message)
        for r in records
        for e in validators[r["record"]].iter_errors(r)
    ]
    assert failures == []


def test_the_article_schema_reads_the_dev_articles() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema("article"))
    lines = (DEV / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(validator.is_valid(json.loads(line)) for line in lines if line.strip())
    assert not validator.is_valid({"id": "x", "title": "no text"})
