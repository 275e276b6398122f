"""The HTTP API and pages through real HTTP: a uvicorn server on a loopback port over a real
SQLite file built from tests/data/web_store.yaml."""

from __future__ import annotations

import csv
import io
import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from rasid.export.acled import ACLED_COLUMNS
from rasid.web.app import create_app
from test_query import build_store

TOKEN = "test-token-7c1f"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving one app on a free loopback port, in a thread of this process."""

    def __init__(self, db: str, token: str | None = None) -> None:
        self.port = _free_port()
        config = uvicorn.Config(
            create_app(db, api_token=token),
            host="127.0.0.1",
            port=self.port,
            log_level="critical",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_store(tmp_path_factory.mktemp("api") / "rasid.sqlite")


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[httpx.Client]:
    with LiveServer(db) as server, httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def _error(resp: httpx.Response) -> dict[str, Any]:
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "status"}
    assert body["error"]["status"] == resp.status_code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return dict(body["error"])


def test_openapi_and_offline_docs(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    for path in (
        "/api/events",
        "/api/events/{event_id}",
        "/api/entities",
        "/api/articles",
        "/api/statements",
        "/api/figures",
        "/api/search",
        "/api/stats",
        "/api/export",
    ):
        assert path in schema["paths"], path
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_events_are_filtered_sorted_and_paged(client: httpx.Client) -> None:
    first = client.get("/api/events", params={"type": "ASSAULT", "limit": 2}).json()
    second = client.get("/api/events", params={"type": "ASSAULT", "limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 6
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert len(set(ids)) == 4
    dates = [e["date"] for e in first["items"] + second["items"]]
    assert dates == sorted(dates, reverse=True)
    found = client.get("/api/events", params={"place": "الأنبار", "text": "صواريخ"}).json()
    assert [e["id"] for e in found["items"]] == ["ev-asad-rockets"]
    empty_fields = client.get("/api/events", params={"since": "", "actor": ""}).json()
    assert empty_fields["total"] == 11  # empty form fields are no filter


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/nothing-here", 404, "not_found"),
        ("GET", "/api/events/no-such-event", 404, "not_found"),
        ("GET", "/api/entities/ac:nobody", 404, "not_found"),
        ("GET", "/api/articles/missing", 404, "not_found"),
        ("GET", "/api/events?limit=0", 422, "invalid_request"),
        ("GET", "/api/events?since=last-week", 422, "invalid_request"),
        ("GET", "/api/events?since=2024-13-01", 422, "invalid_request"),
        ("GET", "/api/stats?by=colour", 422, "invalid_request"),
        ("GET", "/api/search", 422, "invalid_request"),
        ("GET", "/api/export?format=xlsx", 422, "invalid_request"),
        ("DELETE", "/api/events", 405, "method_not_allowed"),
        ("POST", "/api/articles", 403, "read_only"),
    ],
)
def test_every_error_has_one_shape(
    client: httpx.Client, method: str, path: str, status: int, code: str
) -> None:
    resp = client.request(method, path, json={"text": "نص"} if method == "POST" else None)
    assert resp.status_code == status
    assert resp.headers["content-type"].startswith("application/json")
    assert _error(resp)["code"] == code


def test_internal_errors_keep_the_shape_and_hide_details(tmp_path: Path) -> None:
    db = build_store(tmp_path / "broken.sqlite")
    with sqlite3.connect(db) as conn:  # a row damaged outside Rasid
        conn.execute("UPDATE events SET data = '{not json' WHERE id = 'ev-tower22'")
    with LiveServer(db) as server, httpx.Client(base_url=server.url) as c:
        resp = c.get("/api/events/ev-tower22")
        assert resp.status_code == 500
        err = _error(resp)
        assert err["code"] == "internal_error"
        assert "json" not in err["message"].lower()  # no internals leak
        assert c.get("/api/events/ev-baghdad-strike").status_code == 200


def test_event_has_every_source(client: httpx.Client) -> None:
    ev = client.get("/api/events/ev-baghdad-strike").json()
    assert ev["type"] == "ASSAULT" and ev["figures_disputed"] is True
    assert [(s["outlet"], s["fatalities"]) for s in ev["sources"]] == [
        ("الجزيرة نت", 1),
        ("روداو", 2),
    ]


def test_article_carries_evidence_spans(client: httpx.Client) -> None:
    art = client.get("/api/articles/jz-2024-02-08-strike").json()
    text = art["text"]
    events = [h for h in art["highlights"] if h["kind"] == "event"]
    assert {h["ref"] for h in events} == {
        "ev-baghdad-strike",
        "ev-sudani-accuses",
        "ev-threat-undated",
    }
    strike = next(h for h in events if h["ref"] == "ev-baghdad-strike")
    assert text[strike["start"] : strike["end"]].startswith("أدت ضربة أمريكية")
    listing = client.get("/api/articles", params={"limit": 2}).json()
    assert listing["total"] == 6 and len(listing["items"]) == 2


def test_search_is_insensitive_to_arabic_spelling(client: httpx.Client) -> None:
    for q in ("قاعدة حرير", "قاعده حرير", "قَاعِدَةُ حرير"):
        page = client.get("/api/search", params={"q": q}).json()
        assert [it["id"] for it in page["items"]] == ["rudaw-2024-02-09"], q
        assert page["events"] == 1


def test_stats_entities_statements_figures(client: httpx.Client) -> None:
    weeks = client.get("/api/stats", params={"by": "week", "type": "ASSAULT"}).json()
    assert sum(b["count"] for b in weeks["items"]) == 5  # one ASSAULT is dated to a month
    by_type = client.get("/api/stats", params={"by": "type"}).json()
    assert by_type["items"][0] == {"key": "ASSAULT", "label": "ASSAULT", "count": 6}
    ents = client.get("/api/entities", params={"q": "القوات الأمريكية"}).json()
    assert [e["id"] for e in ents["items"]] == ["ac:us_forces"]
    actor = client.get("/api/entities/ac:us_forces").json()
    assert (actor["as_actor"], actor["as_target"]) == (1, 3)
    assert "الجيش الأمريكي" in actor["aliases"]  # from the knowledge base
    sts = client.get("/api/statements", params={"speaker": "السوداني"}).json()
    assert [s["id"] for s in sts["items"]] == ["st-sudani"]
    series = client.get("/api/figures/series", params={"unit": "troops", "subject": "Iraq"}).json()
    assert [p["quantity"] for p in series] == [2500, 2000, 2500]
    assert client.get("/api/figures", params={"unit": "troops"}).json()["total"] == 4


def test_exports_stream_every_format(client: httpx.Client) -> None:
    acled = client.get("/api/export", params={"format": "acled", "country": "IQ"})
    assert acled.headers["content-type"].startswith("text/csv")
    assert "attachment" in acled.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(acled.text)))
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert {r["event_id_cnty"] for r in rows} >= {"IRQ-ev-baghdad-strike", "IRQ-ev-harir-intercept"}
    geo = client.get("/api/export", params={"format": "geojson", "type": "ASSAULT"}).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 6
    lines = client.get("/api/export", params={"format": "jsonl"}).text.splitlines()
    kinds = [json.loads(line)["record"] for line in lines]
    assert (kinds.count("event"), kinds.count("statement"), kinds.count("figure")) == (11, 1, 4)
    bad = client.get("/api/export", params={"format": "plover", "sort": "-colour"})
    assert bad.status_code == 422  # refused before any byte of the stream


def test_pages_are_html_with_language_and_security_headers(client: httpx.Client) -> None:
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'dir="ltr"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    arabic = client.get("/?lang=ar", headers={"Accept": "text/html"})
    assert 'dir="rtl"' in arabic.text and arabic.cookies.get("rasid_lang") == "ar"
    again = httpx.get(f"{client.base_url}/events/ev-tower22", cookies={"rasid_lang": "ar"})
    assert 'lang="ar" dir="rtl"' in again.text
    missing = client.get("/events/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text
    for path in (
        "/map",
        "/actors",
        "/actors/ac:kataib_hezbollah",
        "/search?q=بغداد",
        "/figures",
        "/articles/rudaw-2024-02-09?q=حرير",
    ):
        assert client.get(path).status_code == 200, path


def test_article_text_is_escaped_in_every_page(client: httpx.Client) -> None:
    pages = [
        client.get(p).text
        for p in (
            "/articles/evil-2024-02-10",
            "/events/ev-evil",
            "/?text=كورمور",
            "/search?q=كورمور",
        )
    ]
    for html in pages:
        assert "<script>window" not in html
        assert 'onerror="window' not in html
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;window.__pwned=&#39;script&#39;&lt;/script&gt;" in pages[0]
    assert "&lt;img src=x onerror=" in pages[1]


def test_ingest_needs_the_token(tmp_path: Path) -> None:
    db = str(tmp_path / "ingest.sqlite")
    article = {
        "id": "api-1",
        "source": "وكالة الأنباء",
        "published": "2024-03-02",
        "text": "بغداد - استهدف هجوم بطائرة مسيرة قاعدة عين الأسد الجوية في محافظة الأنبار "
        "غربي العراق فجر السبت، دون أن يسفر عن إصابات.",
    }
    with LiveServer(db, token=TOKEN) as server, httpx.Client(base_url=server.url) as c:
        assert _error(c.post("/api/articles", json=article))["code"] == "unauthorized"
        wrong = c.post("/api/articles", json=article, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert _error(c.post("/api/articles", json={"id": "x"}, headers=auth))["status"] == 422
        first = c.post("/api/articles", json=article, headers=auth)
        assert first.status_code == 201, first.text
        assert first.json()["stored"] is True
        assert c.post("/api/articles", json=article, headers=auth).json()["stored"] is False
        stored = c.get("/api/articles/api-1").json()
        assert stored["text"] == article["text"]
        assert c.get("/api/meta").json()["ingest"] is True


def _records(client: httpx.Client, **params: str) -> list[dict[str, Any]]:
    resp = client.get("/api/export", params={"format": "jsonl", **params})
    assert resp.status_code == 200, resp.text
    return [json.loads(line) for line in resp.text.splitlines()]


def _articles_of(record: dict[str, Any]) -> set[str]:
    return {src["article"] for src in record.get("sources") or ()}


@pytest.mark.parametrize(
    ("filters", "fewer"),
    [({"type": "ASSAULT"}, False), ({"country": "SY"}, True), ({"type": "PROTEST"}, True)],
)
def test_jsonl_export_filters_every_record_kind(
    client: httpx.Client, filters: dict[str, str], fewer: bool
) -> None:
    records = _records(client, **filters)
    events = [r for r in records if r["record"] == "event"]
    others = [r for r in records if r["record"] != "event"]
    reporting = set().union(*(_articles_of(e) for e in events))
    # each statement and figure comes from an article that reports a matching event
    assert all(_articles_of(r) <= reporting for r in others)
    everything = _records(client)
    if not events:
        assert others == []
    if fewer:  # before, every statement and figure was exported whatever the filters
        assert len(others) < len([r for r in everything if r["record"] != "event"])


def test_impossible_dates_are_refused_by_the_api(client: httpx.Client) -> None:
    for path in ("/api/events", "/api/export", "/api/articles", "/api/statements"):
        err = _error(client.get(path, params={"since": "2024-02-30"}))
        assert err["status"] == 422
        assert "February 2024 has 29 days" in err["message"]


def test_a_changed_article_under_a_known_id_is_a_new_version(tmp_path: Path) -> None:
    db = str(tmp_path / "versions.sqlite")
    first = {
        "id": "api-v",
        "published": "2024-03-02",
        "text": "بغداد - استهدف هجوم بطائرة مسيرة قاعدة عين الأسد الجوية في محافظة الأنبار "
        "غربي العراق فجر السبت، دون أن يسفر عن إصابات.",
    }
    changed = {**first, "text": first["text"].replace("دون أن يسفر عن إصابات", "وقتل جنديان")}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with LiveServer(db, token=TOKEN) as server, httpx.Client(base_url=server.url) as c:
        one = c.post("/api/articles", json=first, headers=auth)
        assert one.status_code == 201 and one.json()["outcome"] == "stored"
        two = c.post("/api/articles", json=changed, headers=auth)
        assert two.status_code == 201, two.text
        body = two.json()
        assert (body["id"], body["stored"], body["outcome"]) == ("api-v~v2", True, "new_version")
        assert (body["version_of"], body["version"]) == ("api-v", 2)
        assert body["events"]
        for event_id in body["events"] + one.json()["events"]:
            assert c.get(f"/api/events/{event_id}").status_code == 200
        assert c.get("/api/articles/api-v~v2").json()["text"] == changed["text"]
        assert c.get("/api/articles/api-v").json()["text"] == first["text"]
        # the same text again, under any id: already there, with the ids it is stored under
        again = c.post("/api/articles", json={**changed, "id": "other"}, headers=auth)
        assert again.status_code == 200
        assert (again.json()["id"], again.json()["outcome"]) == ("api-v~v2", "already_there")
        assert again.json()["events"] == body["events"]
        third = {**first, "text": first["text"] + " وأعلنت فصائل مسؤوليتها."}
        refused = c.post("/api/articles?on_conflict=skip", json=third, headers=auth)
        assert _error(refused)["code"] == "id_conflict" and refused.status_code == 409
        assert c.get("/api/articles/api-v~v3").status_code == 404


def test_min_confidence_keeps_the_events_trusted_enough(client: httpx.Client) -> None:
    every = client.get("/api/events", params={"limit": 200}).json()
    trusted = client.get("/api/events", params={"limit": 200, "min_confidence": 0.85}).json()
    assert 0 < trusted["total"] < every["total"]
    assert all(e["confidence"] >= 0.85 for e in trusted["items"])
    low = [e for e in every["items"] if e["confidence"] < 0.85]
    assert len(low) == every["total"] - trusted["total"]
    bad = client.get("/api/events", params={"min_confidence": 2})
    assert bad.status_code == 422


def test_sources_mean_articles_and_outlets(client: httpx.Client) -> None:
    for sort in ("-sources", "-articles", "-outlets", "-mentions"):
        res = client.get("/api/events", params={"sort": sort, "limit": 50})
        assert res.status_code == 200, res.text
        items = res.json()["items"]
        assert items and all(e["n_articles"] >= 1 and e["n_outlets"] >= 1 for e in items)
    by_articles = client.get("/api/events", params={"sort": "-sources", "limit": 50}).json()
    counts = [e["n_articles"] for e in by_articles["items"]]
    assert counts == sorted(counts, reverse=True)


def _raw_post(port: int, headers: dict[str, str], first_bytes: bytes) -> tuple[int, bytes]:
    """Send a POST's headers and the first bytes of its body only; read what comes back."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"POST /api/articles HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode() + first_bytes)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 10:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def test_a_write_without_the_token_is_refused_before_its_body_is_read(tmp_path: Path) -> None:
    db = str(tmp_path / "guard.sqlite")
    huge = {"content-type": "application/json", "content-length": str(150 * 2**20)}
    with LiveServer(db, token=TOKEN) as server:
        # the server answers from the headers: it never waits for the 150 MB announced
        status, body = _raw_post(server.port, huge, b'{"id": "a",')
        assert status == 401
        assert json.loads(body)["error"]["code"] == "unauthorized"
        status, _ = _raw_post(server.port, {**huge, "authorization": "Bearer nope"}, b"{")
        assert status == 401
    with LiveServer(db) as server:  # no token: read-only, refused the same way
        status, body = _raw_post(server.port, huge, b"{")
        assert status == 403 and json.loads(body)["error"]["code"] == "read_only"


def test_a_body_over_the_limit_is_413(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASID_MAX_BODY_BYTES", "2000")
    db = str(tmp_path / "limit.sqlite")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = {"id": "big", "text": "قصفت طائرات مواقع في الموصل. " * 200}
    with LiveServer(db, token=TOKEN) as server, httpx.Client(base_url=server.url) as c:
        announced = c.post("/api/articles", json=big, headers=auth)
        assert announced.status_code == 413
        assert announced.json()["error"]["code"] == "too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
            payload = json.dumps(big, ensure_ascii=False).encode()
            for i in range(0, len(payload), 500):
                yield payload[i : i + 500]

        streamed = c.post("/api/articles", content=chunks(), headers=auth)
        assert streamed.status_code == 413
        small = c.post(
            "/api/articles", json={"id": "s", "text": "قصفت طائرات الموصل."}, headers=auth
        )
        assert small.status_code == 201, small.text
