"""The browsing UI in a real Chromium (Playwright) against real servers on 127.0.0.1.

``live_server`` serves the gold store; a second server here adds the hostile record of
``tests/test_pages.py`` for the inert-markup check. Screenshots of the main pages go to
``test-artifacts/screenshots/``. Chromium is the system one (``/usr/bin/chromium``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.test_pages import HOSTILE_ID, HOSTILE_ORG, build_pages_store, hostile_record

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
POLISH_NAME = "Biuro Współpracy Chińsko-Unijnej na Rzecz Neutralności Węglowej"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (.ci/run installs it with apt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records any dialog (alert/confirm) a script manages to open."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from tests.fixtures_server import start_server

    path = build_pages_store(tmp_path_factory.mktemp("browser-store") / "store")
    yield from (server.url for server in start_server({"store": str(path), "workers": 1}))


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 5_000
    return target


def search_for_cecco(page, live_server: str):
    page.goto(live_server + "/")
    shoot(page, "home")
    page.fill("#home-search", POLISH_NAME)
    page.press("#home-search", "Enter")
    page.wait_for_selector("ol.results a.entity")
    return page.locator("ol.results li").first


def test_search_finds_cecco_by_its_polish_name(page, live_server):
    first = search_for_cecco(page, live_server)
    assert "CECCO" in page.locator("ol.results").inner_text() or "Carbon Neutrality" in first.inner_text()
    assert first.locator(".badge").inner_text().lower() == "organization"
    shoot(page, "search")
    page.goto(live_server + "/search?" + urlencode({"q": "wspolpracy chinsko"}))
    assert page.locator("ol.results li").count() >= 1
    assert POLISH_NAME in page.locator("ol.results").inner_text()


def test_organization_page_shows_events_and_evidence(page, live_server):
    search_for_cecco(page, live_server).locator("a.entity").click()
    page.wait_for_selector("#events ol.timeline")
    assert page.locator("h1").inner_text()
    events = page.locator("#events ol.timeline > li")
    assert events.count() >= 2
    assert page.locator("#events ul.roles > li").count() >= 3
    for i in range(events.count()):
        item = events.nth(i)
        assert item.locator(".role").first.inner_text().strip()
        assert item.locator("ul.evidence a.entity").count() >= 1
    assert POLISH_NAME in page.locator("table.names").inner_text()
    shoot(page, "organization")
    events.first.locator("a.entity").first.click()
    page.wait_for_selector("#participants")
    assert page.locator("#participants tbody tr").count() >= 2
    shoot(page, "event")


def test_query_page_runs_an_example_and_shows_rows(page, live_server):
    page.goto(live_server + "/query")
    examples = page.locator("button.example")
    assert examples.count() >= 1
    examples.first.click()
    page.wait_for_selector("#query-results tbody tr")
    rows = page.locator("#query-results tbody tr").count()
    assert page.locator("#query-status").inner_text() == f"{rows} row{'s' if rows != 1 else ''}"
    assert page.locator("#query-results a").count() >= 1
    href = page.locator("#query-results a").first.get_attribute("href")
    assert href.startswith("/entity?")
    assert page.input_value("#query-text") == examples.first.get_attribute("data-query")
    assert "format=csv" in page.locator("#download-csv").get_attribute("href")
    shoot(page, "query")
    page.fill("#query-text", "SELECT ?x WHERE { ?x ?y }")
    page.click("#run-query")
    page.wait_for_selector("#query-results p.error")
    assert page.locator("#query-status").inner_text() == "Error"


def test_network_view_renders_an_svg(page, live_server):
    page.goto(live_server + "/network")
    svg = page.locator("svg#network-svg")
    svg.wait_for()
    assert svg.locator("circle").count() >= 10
    assert svg.locator("line").count() >= 10
    box = svg.bounding_box()
    assert box["width"] > 600 and box["height"] > 300
    shoot(page, "network")


def test_hostile_document_markup_is_inert(page, hostile_server):
    record = hostile_record()
    page.goto(hostile_server + "/search?" + urlencode({"q": "harbour office"}))
    page.locator("ol.results a.entity").first.click()
    page.wait_for_selector("h1")
    assert HOSTILE_ORG in page.locator("h1").inner_text()
    page.locator("ul.evidence .source a.entity").first.click()
    page.wait_for_selector(".doc-text")
    assert HOSTILE_ID in page.locator("dl.facts").inner_text()
    assert page.locator(".doc-text").inner_text() == record.text
    assert page.locator(".doc-text script, .doc-text img, .doc-text b, h1 img").count() == 0
    assert page.locator(".doc-text .noise").inner_text() == record.text[record.noise[0].start:record.noise[0].end]
    assert page.locator("script").count() == 0
    shoot(page, "document-hostile")
    page.goto(hostile_server + "/")
    page.goto(hostile_server + "/network")
    page.wait_for_timeout(300)
    assert page.dialogs == []
