"""The partner finder and matcher pages and their JSON twins (Flask test client + a live server)."""

from __future__ import annotations

import pytest
import requests
from bs4 import BeautifulSoup

from tests.test_browser import browser  # noqa: F401  (the Chromium fixture)
from tests.test_matcher import GERMAN_ENERGY_COMPANY
from tests.test_partners import build_match_store


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from server import close_app, create_app

    path = tmp_path_factory.mktemp("match-web") / "store"
    build_match_store(path).close()
    app = create_app({"store": str(path), "workers": 1})
    app.config["TESTING"] = True
    yield app.test_client()
    close_app(app)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_partner_api_is_the_same_in_every_language(client):
    english = client.get("/api/partners?sector=energy").get_json()
    assert english["ok"] and english["results"]
    for word in ("Energie", "能源", "energetyka"):
        assert client.get("/api/partners", query_string={"sector": word}).get_json()["results"] == english["results"]
    assert client.get("/partners?sector=energy&format=json").get_json()["results"] == english["results"]


def test_partner_page_lists_results_with_their_evidence(client):
    api = client.get("/api/partners?sector=energy&country=DE,IT").get_json()["results"]
    response = client.get("/partners?sector=energy&country=DE,IT")
    assert response.status_code == 200
    page = soup(response)
    items = page.select("ol.partner-results > li.partner")
    assert [li.h2.a.get_text(strip=True) for li in items] == [r["name"] for r in api]
    first_sentences = [e["sentence"] for f in api[0]["facts"] for e in f["evidence"][:3] if e["sentence"]]
    quoted = [q.get_text() for q in items[0].select("ul.evidence q")]
    assert first_sentences and quoted == first_sentences
    assert items[0].h2.a["href"].startswith("/entity?iri=")
    assert not [s for s in page.find_all("script") if not s.get("src")]  # no inline scripts


def test_partner_errors_are_explained_and_escaped(client):
    response = client.get("/api/partners")
    assert response.status_code == 422 and response.get_json()["ok"] is False
    bad = client.get("/api/partners", query_string={"sector": "<b>nonsense</b>"})
    assert bad.status_code == 422 and "unknown sector" in bad.get_json()["error"]
    page = client.get("/partners", query_string={"sector": "<script>alert(1)</script>"})
    assert page.status_code == 422
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    assert "unknown sector" in soup(page).select_one(".error-message").get_text()
    assert client.get("/api/partners?sector=energy&since=soon").status_code == 422


def test_match_api_ranks_the_energy_pilot_first(client):
    response = client.post("/api/match", json={"text": GERMAN_ENERGY_COMPANY["text"], "lang": "de", "country": "de"})
    report = response.get_json()
    assert response.status_code == 200 and report["ok"]
    top = report["matches"][0]
    assert "Energie" in top["shared_sectors"] and top["breakdown"]["country"] > 0
    assert top["passages"] and top["passages"][0]["document"]
    form = client.post("/api/match", data={"text": GERMAN_ENERGY_COMPANY["text"], "lang": "de", "country": "DE"})
    assert form.get_json()["matches"] == report["matches"]


def test_match_page_shows_passages_side_by_side(client):
    form = soup(client.get("/match"))
    assert form.select_one("form.match-form textarea[name=text]") is not None
    assert "de" in [o["value"] for o in form.select("select[name=lang] option")]
    response = client.post("/match", data={"text": GERMAN_ENERGY_COMPANY["text"], "lang": "de"})
    assert response.status_code == 200
    first = soup(response).select_one("ol.match-results > li.match")
    rows = first.select("table.passages tbody tr")
    assert rows and len(rows[0].find_all("td")) == 3
    assert rows[0].find_all("td")[0].get_text(strip=True) in GERMAN_ENERGY_COMPANY["text"]


def test_match_errors(client):
    unknown = client.post("/api/match", json={"text": "Olemme suomalainen yritys.", "lang": "fi"})
    assert unknown.status_code == 422 and "unsupported" in unknown.get_json()["error"]
    empty = client.post("/api/match", json={"text": ""})
    assert empty.status_code == 422 and empty.get_json()["ok"] is False
    page = client.post("/match", data={"text": "Olemme suomalainen yritys.", "lang": "fi"})
    assert page.status_code == 422 and "unsupported" in soup(page).select_one(".error-message").get_text()
    plain = client.post("/api/match", json={"text": "Wir backen Brot in einer kleinen Bäckerei.", "lang": "de"})
    assert plain.status_code == 200 and plain.get_json()["no_sector_words"] is True


def test_empty_graph_is_reported(tmp_path):
    from graph.store import open_store
    from server import close_app, create_app

    open_store(tmp_path / "empty").close()
    app = create_app({"store": str(tmp_path / "empty"), "workers": 1})
    try:
        response = app.test_client().post("/api/match", json={"text": "We build wind farms.", "lang": "en"})
        assert response.status_code == 404 and "no pilots or projects" in response.get_json()["error"]
    finally:
        close_app(app)


def test_live_server_answers_partner_queries_over_http(live_server):
    response = requests.get(f"{live_server}/api/partners", params={"sector": "能源"}, timeout=30)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results and all(any(f["evidence"] for f in r["facts"]) for r in results[:3])


@pytest.mark.browser
def test_forms_work_in_a_real_browser(live_server, browser):
    """Chromium fills and submits both forms; results render, no script/CSP error, no failed load (bar favicon)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on("console", lambda message: message.type == "error" and "Failed to load resource" not in message.text
            and errors.append(message.text))  # CSP violations and script errors; failed loads are checked below
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and not response.url.endswith("/favicon.ico")
            and errors.append(f"{response.status} {response.url}"))
    try:
        page.goto(f"{live_server}/partners")
        page.fill("input[name=sector]", "能源")
        page.fill("input[name=country]", "DE,FR")
        page.click("form.partner-form button[type=submit]")
        page.wait_for_selector("ol.partner-results li.partner")
        names = page.locator("ol.partner-results li.partner h2 a").all_inner_texts()
        api = requests.get(f"{live_server}/api/partners", params={"sector": "energy", "country": "DE,FR"},
                           timeout=30).json()["results"]
        assert names == [r["name"] for r in api]
        page.goto(f"{live_server}/match")
        page.fill("textarea[name=text]", GERMAN_ENERGY_COMPANY["text"])
        page.select_option("select[name=lang]", "de")
        page.fill("input[name=country]", "DE")
        page.click("form.match-form button[type=submit]")
        page.wait_for_selector("ol.match-results li.match table.passages")
        first = page.locator("ol.match-results li.match").first
        assert "Energie" in first.locator(".shared-sectors").inner_text()
        assert "Taicang" in first.locator("h2").inner_text()
        assert errors == []
    finally:
        context.close()
