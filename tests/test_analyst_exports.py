"""Exports as analysts read them, on a store of a few hundred real ANT articles: the ACLED CSV
through pandas (every row checked against ACLED's codebook), PLOVER records against the JSON
Schema of the PLOVER manual's fields, GeoJSON through pyogrio (GDAL)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rasid.export.countries import country
from rasid.schemas import load_schema

SHARED = Path(__file__).resolve().parents[2] / "shared"
ANT = SHARED / "corpora" / "ant-multisource" / "ant_v2.1_multisource.jsonl"
RESERVED = SHARED / "corpora" / "ant-multisource" / "RESERVED.txt"
GOLD_TEST = Path(__file__).resolve().parents[1] / "eval" / "gold" / "ant-test.json"
N_ARTICLES = 300

# ACLED's event types and their sub-event types (codebook)
ACLED_TYPES: dict[tuple[str, str], frozenset[str]] = {
    ("Political violence", "Battles"): frozenset(
        {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}
    ),
    ("Political violence", "Explosions/Remote violence"): frozenset(
        {
            "Chemical weapon",
            "Air/drone strike",
            "Suicide bomb",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Grenade",
        }
    ),
    ("Political violence", "Violence against civilians"): frozenset(
        {"Sexual violence", "Attack", "Abduction/forced disappearance"}
    ),
    ("Demonstrations", "Protests"): frozenset(
        {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"}
    ),
    ("Demonstrations", "Riots"): frozenset({"Violent demonstration", "Mob violence"}),
    ("Political violence", "Riots"): frozenset({"Violent demonstration", "Mob violence"}),
    ("Strategic developments", "Strategic developments"): frozenset(
        {
            "Agreement",
            "Arrests",
            "Change to group/activity",
            "Disrupted weapons use",
            "Headquarters or base established",
            "Looting/property destruction",
            "Non-violent transfer of territory",
            "Other",
        }
    ),
}
ACLED_REGIONS = frozenset(
    {
        "Middle East",
        "Northern Africa",
        "Eastern Africa",
        "Middle Africa",
        "Southern Africa",
        "Western Africa",
        "South Asia",
        "Southeast Asia",
        "East Asia",
        "Caucasus and Central Asia",
        "Europe",
        "North America",
        "Central America",
        "South America",
        "Caribbean",
        "Oceania",
    }
)


def _held_out() -> set[str]:
    ids = {line.strip() for line in RESERVED.read_text().splitlines() if line.strip()}
    ids |= {g["doc"] for g in json.loads(GOLD_TEST.read_text(encoding="utf-8"))}
    return {i for i in ids if not i.startswith("#")}


def _rasid(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def ant_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not ANT.exists():
        pytest.skip("the ANT corpus is not beside the checkout (shared/corpora)")
    held_out = _held_out()
    tmp = tmp_path_factory.mktemp("ant")
    picked = []
    with ANT.open(encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            if "middleEast" in art["id"] and art["id"] not in held_out:
                picked.append(line)
            if len(picked) == N_ARTICLES:
                break
    corpus = tmp / "ant.jsonl"
    corpus.write_text("".join(picked), encoding="utf-8")
    db = str(tmp / "ant.sqlite")
    res = _rasid("ingest", str(corpus), "--db", db, "-q")
    assert res.returncode == 0, res.stderr
    return db


def _export(db: str, fmt: str, tmp: Path, *extra: str) -> tuple[str, str]:
    out = tmp / f"out.{fmt}"
    res = _rasid("--db", db, "export", "--format", fmt, "-o", str(out), *extra)
    assert res.returncode == 0, res.stderr
    return out.read_text(encoding="utf-8"), res.stderr


def test_acled_csv_rows_follow_the_codebook(ant_store: str, tmp_path: Path) -> None:
    import pandas as pd

    text, summary = _export(ant_store, "acled", tmp_path)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert len(frame) >= 20, "too few rows to judge the export"
    assert "written" in summary and "left out" in summary
    written = int(summary.split("acled to ")[1].split(": ")[1].split(" written")[0])
    assert written == len(frame)
    for row in frame.to_dict("records"):
        where = row["event_id_cnty"]
        place = country(where.split("-", 1)[0])
        assert place is not None, where
        assert row["iso"] == str(place.numeric) and row["country"] == place.name, where
        assert row["region"] in ACLED_REGIONS, where
        pair = (row["disorder_type"], row["event_type"])
        assert row["sub_event_type"] in ACLED_TYPES[pair], where
        assert row["actor1"].strip(), where
        assert "(" + place.alpha2 + ")" not in row["actor1"], where  # a code is no name
        inter1 = int(row["inter1"])
        assert 1 <= inter1 <= 8, where
        if row["actor2"]:
            inter2 = int(row["inter2"])
            assert row["interaction"] == f"{min(inter1, inter2)}{max(inter1, inter2)}", where
        else:
            assert row["inter2"] == "" and row["interaction"] == f"{inter1}0", where
        assert row["time_precision"] in {"1", "2", "3"}, where
        assert row["geo_precision"] in {"1", "2", "3"}, where
        assert row["event_date"][:4] == row["year"], where
        stamp = pd.Timestamp(int(row["timestamp"]), unit="s")
        # the record's last change is the latest article that reports it: never long before
        # the event it reports, never a run's clock
        assert stamp >= pd.Timestamp(row["event_date"]) - pd.Timedelta(days=1), where
        assert stamp.year <= 2025, where


def test_plover_records_validate_against_the_manuals_fields(ant_store: str, tmp_path: Path) -> None:
    import jsonschema

    text, _ = _export(ant_store, "plover", tmp_path)
    schema = load_schema("plover")
    validator = jsonschema.Draft202012Validator(schema)
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) >= 50
    failures = [(r["id"], e.message) for r in records for e in validator.iter_errors(r)]
    assert failures == []
    assert any(r.get("mode") for r in records)
    assert all("x_rasid" in r and r["x_rasid"]["type"] == r["event"][0] for r in records)


def test_the_plover_schema_refuses_a_mode_outside_the_manual() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema("plover"))
    good = {"id": "x", "date": "2024-01-02", "actor": [], "event": ["ASSAULT"]}
    assert validator.is_valid({**good, "mode": ["firearms"]})
    assert not validator.is_valid({**good, "mode": ["drone"]})
    assert not validator.is_valid({**good, "source": [{"code": "USA"}]})


def test_geojson_reads_in_gdal_with_iso_dates(ant_store: str, tmp_path: Path) -> None:
    import pandas as pd
    from pyogrio.raw import read

    text, summary = _export(ant_store, "geojson", tmp_path)
    path = tmp_path / "events.geojson"
    path.write_text(text, encoding="utf-8")
    meta, _, geometry, fields = read(path)  # GDAL's GeoJSON driver
    frame = pd.DataFrame(dict(zip(meta["fields"], fields, strict=True)))
    assert len(frame) > 10
    assert all(g is not None for g in geometry)
    types = dict(zip(meta["fields"], meta["dtypes"], strict=True))
    # GDAL reads whole ISO days as dates, not as mixed text
    assert str(types["date_start"]).startswith("datetime64"), types["date_start"]
    assert {"date_end", "date_precision"} <= set(frame.columns)
    assert set(frame["date_precision"].dropna()) <= {"day", "month", "year"}
    # "the region", "the Middle East": no point for a vague region
    assert not (frame["precision"] == "region").any()
    all_text, all_summary = _export(ant_store, "geojson", tmp_path, "--include-unplaced")
    every = json.loads(all_text)["features"]
    unplaced = [f for f in every if f["geometry"] is None]
    assert unplaced and len(every) == len(frame) + len(unplaced)
    assert f"{len(every)} written, 0 left out" in all_summary
    assert f"{len(frame)} written, {len(unplaced)} left out" in summary


def test_acled_rows_leave_nothing_uncounted(ant_store: str, tmp_path: Path) -> None:
    text, summary = _export(ant_store, "acled", tmp_path)
    rows = list(csv.DictReader(io.StringIO(text)))
    events = _rasid("--db", ant_store, "events", "--json", "--limit", "1")
    total = json.loads(events.stdout)["total"]
    left = int(summary.split(" written, ")[1].split(" left out")[0])
    assert len(rows) + left == total


def _event_json_records(ant_store: str) -> list[dict[str, Any]]:
    res = _rasid("--db", ant_store, "export", "--format", "jsonl")
    return [json.loads(line) for line in res.stdout.splitlines()]
