"""The web UI in real headless Chromium (Debian's /usr/bin/chromium driven by playwright).

Screenshots go to artifacts/screenshots/ so a person can look at what a user sees.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_api import LiveServer
from test_query import build_store

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_store(tmp_path_factory.mktemp("browser") / "rasid.sqlite")
    with LiveServer(db) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield pg
    context.close()
    assert errors == []  # no script errors, no blocked resources


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_timeline_filter_and_event_evidence(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/?lang=en")
    assert page.locator("#event-count").inner_text() == "8 events"  # named and placed only
    page.goto(f"{base_url}/?lang=en&complete=0")
    assert page.locator("#event-count").inner_text() == "11 events"
    assert page.locator("figure.chart svg rect[fill^='#']").count() >= 6
    shot(page, "timeline-en")
    page.check("input[name=type][value=ASSAULT]")
    page.fill("input[name=text]", "مسيرة")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?*type=ASSAULT*")
    assert page.locator("#event-count").inner_text() == "3 events"
    page.click("text=United States drone strike kills")
    page.wait_for_url("**/events/ev-baghdad-strike")
    focus = page.locator("details[open] mark.hl-focus")
    assert focus.is_visible()
    assert focus.inner_text().startswith("أدت ضربة أمريكية بطائرة مسيرة")
    assert page.locator(".figures-by-source .badge").is_visible()  # the tolls disagree
    shot(page, "event-en")


def test_map_draws_the_offline_basemap_and_events(page: Any, base_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(f"{base_url}/map?lang=en")
    page.wait_for_selector("#map[data-markers]")
    assert int(page.get_attribute("#map", "data-markers") or 0) == 8  # 9 events, 8 places
    assert page.locator("#map path.leaflet-interactive").count() >= 8
    assert page.locator("#map svg path").count() > 20  # basemap outlines
    assert all(url.startswith(base_url) for url in requests)  # nothing fetched elsewhere
    popup = open_popup(page)
    assert popup.locator("a[href^='/events/']").count() >= 1
    shot(page, "map-en")


def test_map_speaks_arabic_on_arabic_pages(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/map?lang=ar")
    page.wait_for_selector("#map[data-markers]")
    status = page.locator("#map-status").inner_text()
    assert re.search("[\u0660-\u0669]", status) and not re.search("[0-9]", status)
    places = set()
    for i in range(page.locator("#map path.event-marker").count()):
        popup = open_popup(page, i)
        place = popup.locator(".popup-place").inner_text()
        places.add(place)
        assert not re.search("[A-Za-z0-9]", popup.inner_text()), place  # names, dates, counts
        # dates as an Arabic reader writes them ("٢٨ يناير ٢٠٢٤"), not ISO in other digits
        assert not re.search("[\u0660-\u0669]{4}-", popup.inner_text())
        close_popup(page, popup)
    assert {"بغداد", "البرج ٢٢"} <= places
    shot(page, "map-ar-popup")
    page.goto(f"{base_url}/?lang=ar")
    ticks = " ".join(page.locator("svg text.tick").all_text_contents())
    assert ticks and not re.search("[0-9]", ticks)  # chart axes in Arabic-Indic digits


def close_popup(page: Any, popup: Any) -> None:
    """Click the popup's close button until it hides (a popup still panning the map into view
    can move its button from under the first click)."""
    for _ in range(5):
        if popup.is_hidden():
            return
        page.locator(".leaflet-popup-close-button").click(force=True)
        try:
            popup.wait_for(state="hidden", timeout=4000)
            return
        except Exception:  # playwright's TimeoutError: try the click again
            page.wait_for_timeout(500)
    popup.wait_for(state="hidden", timeout=4000)


def open_popup(page: Any, nth: int = 0) -> Any:
    """Click an event marker until its popup shows (the map may still be settling)."""
    popup = page.locator(".leaflet-popup-content")
    for _ in range(5):
        page.locator("#map path.event-marker").nth(nth).click(force=True)
        try:
            popup.wait_for(timeout=4000)
            return popup
        except Exception:  # playwright's TimeoutError: try the click again
            page.wait_for_timeout(500)
    popup.wait_for(timeout=4000)
    return popup


def test_search_in_arabic(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/search?lang=ar")
    page.fill("input[name=q]", "قاعده حرير")  # written with heh, stored with ta marbuta
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits")
    marks = page.locator("ol.hits mark")
    assert marks.first.inner_text() == "قاعدة حرير"
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "search-ar")
    page.click("ol.hits a.hit-title")
    page.wait_for_selector(".article-text mark.hl-hit")
    assert page.locator(".article-text mark.hl-hit").first.inner_text() == "قاعدة حرير"


def test_language_switch_persists(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/?lang=en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "الخط الزمني للأحداث"
    shot(page, "timeline-ar")
    page.goto(f"{base_url}/actors/ac:us_forces")  # the choice is kept across pages
    assert page.locator("html").get_attribute("dir") == "rtl"
    shot(page, "actor-ar")
    page.goto(f"{base_url}/events/ev-tower22")
    shot(page, "event-ar")
    page.goto(f"{base_url}/figures")
    assert page.locator("figure.chart > svg circle").count() == 3
    shot(page, "figures-ar")
    page.goto(f"{base_url}/map")
    page.wait_for_selector("#map[data-markers]")
    shot(page, "map-ar")
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_narrow_screen_has_no_sideways_scroll(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar")
    pg = context.new_page()
    for path in ("/?lang=ar", "/events/ev-baghdad-strike", "/search?q=بغداد"):
        pg.goto(base_url + path)
        overflow = pg.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, path
    shot(pg, "search-ar-phone")
    context.close()


def test_untrusted_article_text_never_runs(browser: Any, base_url: str) -> None:
    # With the Content-Security-Policy bypassed, only the escaping stands between the
    # article's markup and the page: nothing may run all the same.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in (
        "/articles/evil-2024-02-10",
        "/events/ev-evil",
        "/?text=كورمور",
        "/search?q=كورمور",
        "/actors/px:evil%3Cscript%3E",
        "/map?text=كورمور",
    ):
        pg.goto(base_url + path)
        if path.startswith("/map"):
            pg.wait_for_selector("#map[data-markers='1']")
            open_popup(pg).locator("a").first.wait_for()
        assert pg.evaluate("typeof window.__pwned") == "undefined", path
        assert pg.locator("[onerror], [onload], a[href^='javascript:']").count() == 0, path
        inline = pg.locator("script:not([src]):not([type='application/json'])")
        assert inline.count() == 0, path
    pg.goto(base_url + "/articles/evil-2024-02-10")
    assert pg.title() == "<script>window.__pwned='title'</script>عنوان · Rasid"  # as text
    assert "<script>window.__pwned='script'</script>" in pg.locator(".article-text").inner_text()
    html = pg.content()
    assert "&lt;script&gt;window.__pwned='script'&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    shot(pg, "untrusted-article")
    assert dialogs == []
    context.close()
