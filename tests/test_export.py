"""Exports on a real store: ACLED CSV (columns, type mapping), PLOVER, GeoJSON, JSON Lines, and
``rasid export`` writing a file."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rasid.export import FORMATS, export_chunks
from rasid.export.acled import ACLED_COLUMNS, acled_row, classify, iter_acled
from rasid.export.geojson import iter_geojson
from rasid.records import VERBAL_TYPES, ActorRef, Event, Location, Source, record_from_json
from rasid.store import open_store
from rasid.store.lookups import iter_records
from rasid.store.query import EventQuery, iter_events
from test_query import build_store, load_spec

ARMED = ActorRef(name="Kata'ib Hezbollah", name_ar="", kind="armed_group", country="IQ")
FORCES = ActorRef(name="United States Armed Forces", name_ar="", kind="military", country="US")
CIVILIANS = ActorRef(name="civilians", name_ar="", kind="civilians")
IRAQI_ARMY = ActorRef(name="Iraqi Army", name_ar="", kind="military", country="IQ")
ISIS = ActorRef(name="Islamic State", name_ar="", kind="armed_group", wikidata="Q2429253")
BAGHDAD = Location("Baghdad", "بغداد", "IQ", "Baghdad", 33.3, 44.4, "city")


def _event(**changes: Any) -> Event:
    base = Event(
        id="e1",
        type="ASSAULT",
        mode=None,
        date="2024-02-07",
        date_end=None,
        location=BAGHDAD,
        actors=(FORCES,),
        targets=(ARMED,),
        claimed_by=(),
        fatalities=None,
        injuries=None,
        fatalities_bound=None,
        injuries_bound=None,
        disrupted=False,
        status="occurred",
        figures_disputed=False,
        summary="s",
        confidence=0.5,
        sources=(
            Source(
                article="a1", published="2024-02-08", sentence="x", start=0, end=1, source="Outlet"
            ),
        ),
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"mode": "drone"},
            ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
        ),
        (
            {"mode": "aerial"},
            ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
        ),
        (
            {"mode": "rocket"},
            (
                "Political violence",
                "Explosions/Remote violence",
                "Shelling/artillery/missile attack",
            ),
        ),
        (
            {"mode": "missile"},
            (
                "Political violence",
                "Explosions/Remote violence",
                "Shelling/artillery/missile attack",
            ),
        ),
        (
            {"mode": "artillery"},
            (
                "Political violence",
                "Explosions/Remote violence",
                "Shelling/artillery/missile attack",
            ),
        ),
        (
            {"mode": "explosive"},
            ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ),
        ({"mode": "suicide"}, ("Political violence", "Explosions/Remote violence", "Suicide bomb")),
        ({"mode": "firearms"}, ("Political violence", "Battles", "Armed clash")),
        (
            {"mode": "firearms", "targets": (CIVILIANS,)},
            ("Political violence", "Violence against civilians", "Attack"),
        ),
        (
            {"mode": None, "targets": (CIVILIANS,)},
            ("Political violence", "Violence against civilians", "Attack"),
        ),
        (
            {"mode": "drone", "disrupted": True},
            ("Strategic developments", "Strategic developments", "Disrupted weapons use"),
        ),
        ({"type": "PROTEST"}, ("Demonstrations", "Protests", "Peaceful protest")),
        ({"type": "PROTEST", "mode": "riot"}, ("Demonstrations", "Riots", "Violent demonstration")),
        (
            {"type": "MOBILIZE", "mode": "troops"},
            ("Strategic developments", "Strategic developments", "Change to group/activity"),
        ),
        (
            {"type": "RETREAT", "location": dataclasses.replace(BAGHDAD, precision="site")},
            (
                "Strategic developments",
                "Strategic developments",
                "Non-violent transfer of territory",
            ),
        ),
        ({"type": "AGREE"}, ("Strategic developments", "Strategic developments", "Agreement")),
        (
            {"type": "COERCE", "mode": "arrest"},
            ("Strategic developments", "Strategic developments", "Arrests"),
        ),
        (
            {"type": "COERCE", "mode": "abduct"},
            ("Political violence", "Violence against civilians", "Abduction/forced disappearance"),
        ),
        ({"mode": "drone", "status": "planned"}, None),
        *[({"type": t}, None) for t in sorted(VERBAL_TYPES - {"AGREE"})],
        ({"type": "SANCTION"}, None),
    ],
)
def test_plover_to_acled_types(changes: dict[str, Any], expected: tuple[str, ...] | None) -> None:
    got = classify(_event(**changes))
    assert (tuple(got) if got else None) == expected


@pytest.mark.parametrize(
    ("changes", "column", "value"),
    [
        ({}, "inter1", "8"),  # US forces in Iraq are not Iraq's state forces: external (8)
        ({"actors": (IRAQI_ARMY,)}, "inter1", "1"),
        ({}, "inter2", "3"),
        ({"actors": (ISIS,)}, "inter1", "2"),
        ({"actors": (), "targets": ()}, "interaction", "30"),  # an actor alone: X0
        ({"actors": ()}, "actor1", "Unidentified Armed Group (Iraq)"),
        ({"targets": (CIVILIANS,)}, "actor2", "Civilians (Iraq)"),
        ({"targets": (CIVILIANS,)}, "civilian_targeting", "Civilian targeting"),
        ({}, "interaction", "38"),  # ACLED's joint code: the lower code first
        ({"actors": (ISIS,), "targets": (FORCES,)}, "interaction", "28"),
        ({"actors": (FORCES,), "targets": (ISIS,)}, "interaction", "28"),
        ({"actors": ()}, "actor1", "Unidentified Armed Group (Iraq)"),
        (
            {"location": dataclasses.replace(BAGHDAD, country="FR")},
            "actor1",
            "Military Forces of the United States",
        ),
        (
            {"location": dataclasses.replace(BAGHDAD, country="BE"), "actors": ()},
            "actor1",
            "Unidentified Armed Group (Belgium)",
        ),
        ({"location": dataclasses.replace(BAGHDAD, country="FR")}, "iso", "250"),
        ({"location": dataclasses.replace(BAGHDAD, country="FR")}, "region", "Europe"),
        ({"location": dataclasses.replace(BAGHDAD, country="FR")}, "country", "France"),
        ({"date_end": "2024-02-20"}, "time_precision", "3"),
        ({"date": "2024-02"}, "event_date", "2024-02-01"),
        ({"date": "2024-02"}, "time_precision", "3"),
        ({"date_end": "2024-02-09"}, "time_precision", "2"),
        ({}, "iso", "368"),
        ({}, "region", "Middle East"),
        ({}, "geo_precision", "1"),
        ({"location": dataclasses.replace(BAGHDAD, precision="admin1")}, "geo_precision", "3"),
        ({"fatalities": None}, "fatalities", "0"),
        ({"fatalities": 7}, "fatalities", "7"),
        ({}, "source", "Outlet"),
        (
            {
                "figures_disputed": True,
                "sources": (
                    Source("a1", None, "x", 0, 1, fatalities=1),
                    Source("a2", None, "y", 0, 1, fatalities=2),
                ),
            },
            "tags",
            "fatalities disputed: 1, 2",
        ),
    ],
)
def test_acled_row_fields(changes: dict[str, Any], column: str, value: str) -> None:
    row = acled_row(_event(mode="drone", **changes), timestamp=0)
    assert row is not None
    assert set(row) == set(ACLED_COLUMNS)
    assert row[column] == value


def test_acled_needs_a_date_and_a_country() -> None:
    assert acled_row(_event(mode="drone", date=None)) is None
    assert acled_row(_event(mode="drone", location=None)) is None


def test_acled_cells_never_become_formulas() -> None:
    text = "".join(
        iter_acled([_event(mode="drone", summary='=HYPERLINK("http://x")')], timestamp=0)
    )
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["notes"].startswith("'=HYPERLINK")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    st = open_store(build_store(tmp_path_factory.mktemp("export") / "rasid.sqlite"))
    yield st
    st.close()


def test_acled_export_of_a_store(store: Any) -> None:
    text = "".join(export_chunks("acled", iter_events(store, EventQuery())))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == ACLED_COLUMNS
    spec = {e["id"]: e for e in load_spec()["events"]}
    exported = {r["event_id_cnty"].split("-", 1)[1] for r in rows}
    # verbal and planned events are not ACLED events; everything dated and located is
    assert exported == {
        i
        for i, e in spec.items()
        if e["type"] not in VERBAL_TYPES
        and e.get("status") != "planned"
        and e.get("date")
        and e.get("location")
    }
    strike = next(r for r in rows if r["event_id_cnty"] == "IRQ-ev-baghdad-strike")
    assert (strike["sub_event_type"], strike["fatalities"], strike["country"]) == (
        "Air/drone strike",
        "2",
        "Iraq",
    )
    assert strike["source"] == "الجزيرة نت; روداو"
    tower = next(r for r in rows if r["event_id_cnty"] == "JOR-ev-tower22")
    assert tower["actor2"] == "Military Forces of the United States"
    assert tower["inter2"] == "8"


def test_geojson_opens_as_one_point_layer(store: Any) -> None:
    data = json.loads("".join(iter_geojson(iter_events(store, EventQuery()))))
    assert data["type"] == "FeatureCollection"
    located = [e for e in load_spec()["events"] if (e.get("location") or {}).get("lat")]
    assert len(data["features"]) == len(located)
    keys = None
    for f in data["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert 25 < lon < 60 and 12 < lat < 42  # longitude first, as RFC 7946 says
        assert all(
            v is None or isinstance(v, str | int | float | bool) for v in f["properties"].values()
        )
        keys = keys or set(f["properties"])
        assert set(f["properties"]) == keys  # one attribute table for every feature
    strike = next(f for f in data["features"] if f["id"] == "ev-baghdad-strike")
    assert strike["geometry"]["coordinates"] == [44.366, 33.315]
    assert strike["properties"]["outlets"] == "الجزيرة نت; روداو"


def test_plover_and_jsonl_read_back(store: Any) -> None:
    events = list(iter_events(store, EventQuery()))
    lines = "".join(export_chunks("plover", events)).splitlines()
    # Rasid's own record travels under PLOVER's extension key
    back = [record_from_json(json.loads(line)["x_rasid"]) for line in lines]
    assert back == [e for e in events if e.date]
    records = list(iter_records(store, EventQuery()))
    text = "".join(export_chunks("jsonl", records))
    back = [record_from_json(json.loads(line)) for line in text.splitlines()]
    assert back == records
    assert {json.loads(line)["record"] for line in text.splitlines()} == {
        "event",
        "statement",
        "figure",
    }


def _rasid(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", "from rasid.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_export_writes_a_file(store: Any, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    res = _rasid("--db", store.url, "export", "--format", fmt, "--country", "IQ", "-o", str(out))
    assert res.returncode == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    if fmt == "acled":
        assert all(r["country"] == "Iraq" for r in csv.DictReader(io.StringIO(text)))
    elif fmt == "geojson":
        assert {f["properties"]["country"] for f in json.loads(text)["features"]} == {"IQ"}
    else:
        assert text.strip() and all(json.loads(line) for line in text.splitlines())


def test_cli_export_to_stdout_and_bad_filters(store: Any) -> None:
    res = _rasid("--db", store.url, "export", "--format", "plover", "--type", "PROTEST")
    assert res.returncode == 0, res.stderr
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == ["ev-tahrir-protest"]
    bad = _rasid("--db", store.url, "export", "--format", "acled", "--since", "2024-99")
    assert bad.returncode == 1 and "since" in bad.stderr and "Traceback" not in bad.stderr
    unknown = _rasid("--db", store.url, "export", "--format", "xlsx")
    assert unknown.returncode == 2 and "acled" in unknown.stderr


def test_cli_events_and_event(store: Any) -> None:
    res = _rasid("--db", store.url, "events", "--place", "بغداد", "--json")
    assert res.returncode == 0, res.stderr
    page = json.loads(res.stdout)
    assert {e["id"] for e in page["items"]} == {"ev-baghdad-strike", "ev-tahrir-protest"}
    table = _rasid("--db", store.url, "events", "--type", "ASSAULT", "--limit", "2", "--page", "2")
    assert table.returncode == 0 and "of 6" in table.stdout
    one = _rasid("--db", store.url, "event", "ev-baghdad-strike")
    assert one.returncode == 0, one.stderr
    for text in ("الجزيرة نت", "روداو", "2 sources", "disagree"):
        assert text in one.stdout, text
    missing = _rasid("--db", store.url, "event", "nope")
    assert missing.returncode == 1 and "no event" in missing.stderr
