"""The analyst's screen in Chromium: hostile text, page numbers, filters, the timeline's range and
bars, the clustered world map, the fully Arabic UI and the phone layout.

The store is web_store.yaml's plus 130 generated attacks in Iraq and Syria (enough for three
pages and for clusters), one misdated in 1957, and an article whose title carries a
right-to-left override and whose sentence is one 3,000-letter word. Screenshots go to
docs/screenshots/.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rasid.records import Article, event_from_json
from rasid.store import open_store
from rasid.store.driver import Cursor
from rasid.store.events import import_event
from rasid.text.normalize import normalize
from test_api import LiveServer
from test_query import _place_sources, build_store
from test_web_browser import ARGS, CHROMIUM

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
RLO_TITLE = "تقرير \u202egnp.exe"
LONG_WORD = "ب" * 3000
PLACES = [
    ("pl:baghdad", "Baghdad", "بغداد", "IQ", 33.315, 44.366),
    ("pl:mosul", "Mosul", "الموصل", "IQ", 36.34, 43.13),
    ("pl:basra", "Basra", "البصرة", "IQ", 30.51, 47.78),
    ("pl:deir_ez_zor", "Deir ez-Zor", "دير الزور", "SY", 35.33, 40.14),
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]


def _add_records(db: str) -> None:
    store = open_store(db)
    text = "خبر عاجل. " + LONG_WORD + ". سقطت قذائف على قاعدة في بغداد."
    with store.begin() as conn:
        store.insert_article(
            conn,
            Article(
                id="hostile-1",
                text=text,
                title=RLO_TITLE,
                url="https://example.org/hostile",
                source="Example",
                published="2024-02-01",
                published_from="record",
                lang="ar",
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            ),
            normalize(text).text,
        )
        texts, dates = {"hostile-1": text}, {"hostile-1": "2024-02-01"}
        base = {
            "type": "ASSAULT",
            "mode": "rocket",
            "actors": [
                {
                    "name": "Islamic Resistance in Iraq",
                    "name_ar": "المقاومة الإسلامية في العراق",
                    "kind": "armed_group",
                    "entity_id": "ac:islamic_resistance_iraq",
                }
            ],
            "targets": [
                {
                    "name": "United States Armed Forces",
                    "name_ar": "القوات المسلحة الأمريكية",
                    "kind": "military",
                    "entity_id": "ac:us_forces",
                }
            ],
            "confidence": 0.8,
        }
        for i in range(131):
            pid, name, name_ar, cc, lat, lon = PLACES[i % len(PLACES)]
            rec = copy.deepcopy(base)
            day = 1 + i % 28
            rec["id"] = f"ev-gen-{i:03d}"
            rec["date"] = "1957-05-01" if i == 0 else f"2023-{1 + i % 12:02d}-{day:02d}"
            rec["fatalities"] = i % 4
            rec["location"] = {
                "name": name,
                "name_ar": name_ar,
                "country": cc,
                "lat": lat + (i % 7) * 0.01,
                "lon": lon,
                "precision": "city",
                "entity_id": pid,
            }
            rec["summary"] = f"Islamic Resistance in Iraq rocket attack on US forces in {name}"
            rec["sources"] = [
                {"article": "hostile-1", "sentence": "سقطت قذائف على قاعدة في بغداد."}
            ]
            if i == 1:
                rec["summary"] = LONG_WORD
                rec["sources"] = [{"article": "hostile-1", "sentence": LONG_WORD}]
            _place_sources(rec, texts, dates)
            import_event(Cursor(conn), event_from_json(rec))
        _add_loose_figures(store, conn)
    store.close()


# Three counts of "fighters" from three unrelated stories: their subject is the noun alone.
LOOSE = [
    ("fg-indicted", 12, "2023-03-01", "وجهت المحكمة الاتهام إلى 12 مقاتلا."),
    ("fg-crowd", 3000, "2023-06-01", "وتجمع نحو 3000 مقاتل في الساحة."),
    ("fg-afghan", 400, "2023-09-01", "وانسحب 400 مقاتل من ولاية هلمند."),
]


def _add_loose_figures(store: Any, conn: Any) -> None:
    from rasid.records import figure_from_json, record_to_json
    from rasid.store import schema as s

    text = " ".join(sentence for *_, sentence in LOOSE)
    store.insert_article(
        conn,
        Article(
            id="fighters-1",
            text=text,
            title="أعداد",
            url="https://example.org/fighters",
            source="Example",
            published="2023-09-02",
            published_from="record",
            lang="ar",
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
        ),
        normalize(text).text,
    )
    for fid, quantity, as_of, sentence in LOOSE:
        start = text.index(sentence)
        fg = figure_from_json(
            {
                "id": fid,
                "quantity": quantity,
                "approximate": False,
                "bound": "exact",
                "unit": "fighters",
                "subject": "fighters",
                "as_of": as_of,
                "sources": [
                    {
                        "article": "fighters-1",
                        "sentence": sentence,
                        "start": start,
                        "end": start + len(sentence),
                        "published": "2023-09-02",
                    }
                ],
            }
        )
        conn.execute(
            s.figures.insert(),
            {
                "id": fg.id,
                "article_id": "fighters-1",
                "unit": fg.unit,
                "subject": fg.subject,
                "quantity": fg.quantity,
                "as_of": fg.as_of,
                "data": json.dumps(record_to_json(fg), ensure_ascii=False),
            },
        )


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_store(tmp_path_factory.mktemp("analyst") / "rasid.sqlite")
    _add_records(db)
    with LiveServer(db) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser: Any, width: int = 1280, locale: str = "en-US") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    return context.new_page()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _overflow(page: Any) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_hostile_text_is_neutralized_and_wraps(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    pg.goto(f"{base_url}/events/ev-gen-001?lang=ar")
    assert _overflow(pg) <= 1  # a 3,000-letter word wraps
    link = pg.locator(".source header a[href^='/articles/']").first
    assert link.inner_text() == "تقرير gnp.exe"  # no override left to reverse it
    pg.goto(f"{base_url}/articles/hostile-1")
    assert "\u202e" not in pg.locator("h1").inner_text()
    assert _overflow(pg) <= 1
    pg.set_viewport_size({"width": 390, "height": 844})
    pg.goto(f"{base_url}/events/ev-gen-001")
    assert _overflow(pg) <= 1
    pg.context.close()
    # the stored text keeps the character
    import urllib.request

    with urllib.request.urlopen(f"{base_url}/api/articles/hostile-1") as r:
        assert json.loads(r.read())["title"] == RLO_TITLE


def test_pager_numbers_and_past_the_last_page(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    pg.goto(f"{base_url}/?lang=en")
    numbers = pg.locator(".pager .pages a[data-page]")
    assert numbers.count() >= 2
    pg.locator(".pager .pages a[data-page='3']").click()
    pg.wait_for_url("**page=3*")
    assert pg.locator(".pager .current").inner_text() == "3"
    response = pg.goto(f"{base_url}/?page=999&lang=en")
    assert response.status == 404
    note = pg.locator(".past-last")
    assert "There is no page 999" in note.inner_text()
    note.locator("a").click()
    pg.wait_for_url("**page=3*")
    pg.context.close()


def test_filters_several_types_kind_fatalities_complete(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    pg.goto(f"{base_url}/?lang=en")
    total = int(pg.locator("#event-count").inner_text().split()[0])
    assert pg.locator("input[name=complete][type=checkbox]").is_checked()
    pg.check("input[name=type][value=ACCUSE]")
    pg.check("input[name=type][value=PROTEST]")
    pg.select_option("select[name=actor_kind]", ["state", "person", "armed_group"])
    pg.uncheck("input[name=complete][type=checkbox]")
    pg.click("form.filters button[type=submit]")
    pg.wait_for_url("**type=ACCUSE*")
    assert "type=PROTEST" in pg.url and "actor_kind=state" in pg.url
    assert pg.locator("#event-count").inner_text() == "1 events"  # Sudani accuses, no place
    assert not pg.locator("input[name=complete][type=checkbox]").is_checked()
    pg.goto(f"{base_url}/?lang=en&min_fatalities=3&since=2023-01-01&until=2023-12-31")
    n = int(pg.locator("#event-count").inner_text().split()[0])
    assert 0 < n < total
    assert pg.locator("input[name=min_fatalities]").input_value() == "3"
    pg.context.close()


def test_timeline_range_bars_and_fatalities(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    pg.goto(f"{base_url}/?lang=en")
    labels = [t.text_content() for t in pg.locator("figure.chart text.tick").all()]
    assert not any("1957" in x for x in labels)  # the outlier does not stretch the axis
    assert "1 events dated outside" in pg.locator("#outside-note").inner_text()
    assert "killed" in pg.locator("#killed-total").inner_text()
    assert "killed" in pg.locator("figure.chart a.bar-link title").first.text_content() or (
        pg.locator("figure.chart circle.killed-dot").count() > 0
    )
    shot(pg, "timeline-en")
    before = pg.locator("#event-count").inner_text()
    pg.locator("figure.chart a.bar-link").nth(3).click(force=True)
    pg.wait_for_url("**since=*")
    assert "until=" in pg.url
    assert pg.locator("#event-count").inner_text() != before
    pg.context.close()


def test_world_map_clusters_every_event_and_keeps_filters(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    requests: list[str] = []
    pg.on("request", lambda req: requests.append(req.url))
    pg.goto(f"{base_url}/?lang=en&type=ASSAULT")
    pg.click("#to-map")
    pg.wait_for_url("**/map?*type=ASSAULT*")
    pg.wait_for_selector("#map[data-events]")
    assert all(u.startswith(base_url) for u in requests)
    assert any("world.geojson" in u for u in requests)
    assert pg.locator("#map .marker-cluster").count() >= 1
    n = int(pg.get_attribute("#map", "data-events") or 0)
    assert n >= 130  # every located event, not the first thousand only
    shot(pg, "map-en")
    pg.click("#to-timeline")
    pg.wait_for_url("**/?*type=ASSAULT*")
    pg.context.close()


LATIN = re.compile(r"[A-Za-z]")
ARABIC_OR_LATIN = re.compile(r"[A-Za-z\u0600-\u06ff]")
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script, style, [translate="no"], .ext, code')) continue;
    if (!el.getClientRects().length) continue;
    out.push(node.textContent);
  }
  return out.join(' ');
}"""


@pytest.mark.parametrize(
    "path", ["/?lang=ar", "/map?lang=ar", "/events/ev-baghdad-strike?lang=ar", "/nowhere?lang=ar"]
)
def test_arabic_pages_are_arabic(browser: Any, base_url: str, path: str) -> None:
    pg = _page(browser, locale="ar")
    pg.goto(base_url + path)
    if path.startswith("/map"):
        pg.wait_for_selector("#map[data-events]")
    text = pg.evaluate(VISIBLE_TEXT)
    letters = ARABIC_OR_LATIN.findall(text)
    latin = [c for c in letters if LATIN.match(c)]
    share = len(latin) / max(1, len(letters))
    assert share < 0.02, (path, share, re.findall(r"[A-Za-z][A-Za-z'.-]*", text)[:40])
    pg.context.close()


def test_language_switch_keeps_page_and_filters(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    pg.goto(f"{base_url}/?lang=en&type=ASSAULT&type=ACCUSE&page=2")
    pg.click("#lang-switch")
    pg.wait_for_load_state()
    assert pg.locator("html").get_attribute("dir") == "rtl"
    assert "type=ASSAULT" in pg.url and "type=ACCUSE" in pg.url and "page=2" in pg.url
    pg.context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_screens_at_desktop_and_phone(browser: Any, base_url: str, lang: str) -> None:
    for width, suffix in ((1280, ""), (390, "-phone")):
        pg = _page(browser, width=width)
        pg.goto(f"{base_url}/?lang={lang}")
        shot(pg, f"timeline-{lang}{suffix}")
        assert _overflow(pg) <= 1
        if width == 390:
            assert not pg.locator("form.filters").is_visible()  # folded behind the button
            assert pg.locator("table.events thead").is_hidden()  # the list as cards
            pg.click("summary.filter-toggle")
            assert pg.locator("form.filters").is_visible()
        pg.goto(f"{base_url}/map?lang={lang}")
        pg.wait_for_selector("#map[data-events]")
        if width == 390:
            top = pg.evaluate("document.getElementById('map').getBoundingClientRect().top")
            assert top < 844 - 200  # the map is on the first screen
        shot(pg, f"map-{lang}{suffix}")
        pg.goto(f"{base_url}/events/ev-baghdad-strike?lang={lang}")
        assert _overflow(pg) <= 1
        shot(pg, f"event-{lang}{suffix}")
        pg.context.close()


def test_figures_one_series_per_subject_and_unit(browser: Any, base_url: str) -> None:
    pg = _page(browser)
    pg.goto(f"{base_url}/figures?lang=en")
    # the first series has a subject; the bare noun is not offered as one
    assert pg.locator("section h2").inner_text().startswith("US troops in Iraq")
    assert pg.locator("figure.chart > svg circle").count() == 3
    series = pg.locator("nav.kinds.series").inner_text()
    assert "US troops in Iraq" in series and "fighters" not in series
    loose = pg.locator("nav.kinds.loose a")
    assert loose.count() == 1 and loose.inner_text().startswith("fighters")
    loose.click()
    pg.wait_for_url("**subject=fighters*")
    # three unrelated counts: listed with their sentences, never joined into one line
    assert pg.locator(".loose-note").is_visible()
    assert pg.locator("figure.chart").count() == 0
    assert pg.locator("polyline").count() == 0
    assert pg.locator("table.points tbody tr").count() == 3
    pg.goto(f"{base_url}/figures?lang=ar")
    assert pg.locator("section h2").inner_text().startswith("جنود الولايات المتحدة في العراق")
    for where in ("nav.kinds.series", "nav.kinds.loose", "section h2"):
        assert not LATIN.search(pg.locator(where).inner_text()), where
    assert not re.search("[0-9]", pg.locator("table.points tbody td").first.inner_text())
    shot(pg, "figures-ar")
    pg.context.close()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_phone_map_first_filters_folded(browser: Any, base_url: str, lang: str) -> None:
    pg = _page(browser, width=390, locale=lang)
    pg.set_viewport_size({"width": 390, "height": 844})
    pg.goto(f"{base_url}/map?lang={lang}&type=ASSAULT")
    pg.wait_for_selector("#map[data-events]")
    assert not pg.locator("form.filters").is_visible()  # folded behind the button
    assert pg.locator("summary.filter-toggle .badge").is_visible()  # which says filters are on
    box = pg.locator("#map").bounding_box()
    assert box["y"] < 844 * 0.3  # the map near the top
    assert box["y"] + box["height"] <= 844  # and whole on the first screen
    assert _overflow(pg) <= 1
    pg.click("summary.filter-toggle")
    assert pg.locator("form.filters").is_visible()
    pg.context.close()
