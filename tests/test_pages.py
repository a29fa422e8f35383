"""The browsing UI through Flask's test client, over a real on-disk store.

The store holds the five gold records plus one hostile extracted record written
here (markup, ``javascript:`` links and quotes in its names, title, source and text),
ingested by the graph layer. Expected values are read from the store with SPARQL,
never hard-coded, and links are checked as exact hrefs (datasette's test_html style).
"""

from __future__ import annotations

import doctest
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from bs4 import BeautifulSoup

from extract.records import ExtractionRecord, NoiseSpan, Organization, Event, RoleFact, Span
from graph.store import open_store
from tests.fixtures_store import load_gold_records
from web.pages import text_segments

PREFIXES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
"""
HOSTILE_ID = "hostile_release"
HOSTILE_ORG = '<script>alert("org")</script> Harbour Office'
HOSTILE_PARTNER = 'Agence "Quote" & <b>Bold</b>'


def hostile_record() -> ExtractionRecord:
    """An extracted record whose every string tries to become markup or a script link."""
    sentences = [
        f'The {HOSTILE_ORG} (HOX) and the {HOSTILE_PARTNER} signed a memorandum in Lyon.',
        "Details: javascript:alert(3) <img src=x onerror=alert(2)>.",
        "Accept cookies <script>alert(4)</script> and share this page.",
    ]
    text = " ".join(sentences)
    starts = [text.index(s) for s in sentences]
    org_at, partner_at, noise_at = text.index(HOSTILE_ORG), text.index(HOSTILE_PARTNER), starts[2]
    return ExtractionRecord(
        id=HOSTILE_ID, lang="en", date="2024-05-02", method="rules",
        source="javascript:alert('source')", title='<img src=x onerror=alert("title")> Hostile release',
        text=text, sentences=[Span(s, s + len(t)) for s, t in zip(starts, sentences)],
        organizations=[
            Organization(HOSTILE_ORG, acronym="HOX", kind="other", aliases=["javascript:alert(1)"],
                         spans=[Span(org_at, org_at + len(HOSTILE_ORG))], confidence=0.8),
            Organization(HOSTILE_PARTNER, kind="company", spans=[Span(partner_at, partner_at + len(HOSTILE_PARTNER))],
                         confidence=0.7),
        ],
        events=[Event('Memorandum <svg onload=alert("event")>', type="signing", date="2024-05-02", place="Lyon",
                      spans=[Span(text.index("signed"), text.index("signed") + len("signed a memorandum"))],
                      roles=[RoleFact(HOSTILE_ORG, "signatory", Span(starts[0], starts[0] + len(sentences[0])), 0.6),
                             RoleFact(HOSTILE_PARTNER, "signatory", None, 0.6)])],
        noise=[NoiseSpan(noise_at, noise_at + len(sentences[2]), "cookie banner <script>")],
    )


def build_pages_store(path: Path) -> Path:
    """Gold records plus the hostile record, ingested by the graph layer; closed afterwards."""
    store = open_store(path)
    result = store.ingest_records([*load_gold_records(), hostile_record()])
    assert not result.failed, result.failed
    store.close()
    return path


@pytest.fixture(scope="module")
def pages_store_path(tmp_path_factory) -> str:
    return str(build_pages_store(tmp_path_factory.mktemp("pages-store") / "store"))


@pytest.fixture(scope="module")
def app(pages_store_path):
    from server import close_app, create_app

    application = create_app({"store": pages_store_path, "workers": 1})
    application.config["TESTING"] = True
    yield application
    close_app(application)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def reader(pages_store_path):
    store = open_store(pages_store_path, read_only=True)
    yield store
    store.close()


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200, response.data[:500]
    assert response.content_type.startswith("text/html")
    return BeautifulSoup(response.data, "html.parser")


def entity_href(iri: str) -> str:
    """The href the pages write for an entity (werkzeug keeps ':' and '/' unescaped in a query)."""
    return "/entity?" + urlencode({"iri": iri}, safe=":/")


def iri_of_acronym(reader, acronym: str) -> str:
    rows = reader.select(PREFIXES + f'SELECT DISTINCT ?o WHERE {{ ?o sino:acronym "{acronym}" }}')
    assert len(rows) == 1, rows
    return rows[0]["o"]


def test_doctests_of_the_page_helpers():
    import web.page_queries
    import web.pages

    for module in (web.pages, web.page_queries):
        assert doctest.testmod(module).failed == 0


def test_home_counts_match_the_store_and_link_to_lists(client, reader):
    soup = soup_of(client.get("/"))
    orgs = reader.select(PREFIXES + "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }")[0]["n"]
    card = soup.select_one('a.card[href="/orgs"]')
    assert card.select_one(".count").get_text() == str(orgs)
    nav = [a["href"] for a in soup.select("header nav a")]
    assert nav == ["/", "/search", "/orgs", "/events", "/projects", "/network", "/query", "/partners", "/match"]
    assert soup.select_one('form[action="/search"] input[name="q"]') is not None
    twin = client.get("/index.json").get_json()
    assert twin["summary"]["counts"]["orgs"]["count"] == orgs
    assert {row["lang"] for row in twin["summary"]["languages"]} == {"en", "de", "pl", "zh"}
    latest = [e["date"] for e in twin["summary"]["latest_events"]]
    assert latest == sorted(latest, reverse=True) and latest[0] == "2024-05-02"


@pytest.mark.parametrize("q", ["Biuro Współpracy Chińsko-Unijnej na Rzecz Neutralności Węglowej",
                               "biuro wspolpracy", "Wspolpracy Chinsko-Unijnej", "cecco", "CECCO",
                               "BIURO WSPÓŁPRACY"])
def test_search_finds_cecco_by_any_name_accent_and_case_insensitively(client, reader, q):
    cecco = iri_of_acronym(reader, "CECCO")
    soup = soup_of(client.get("/search?" + urlencode({"q": q})))
    hrefs = [a["href"] for a in soup.select("ol.results a.entity")]
    assert entity_href(cecco) in hrefs
    if q.lower() == "cecco" or q.startswith("Biuro Współpracy Chińsko"):
        assert hrefs[0] == entity_href(cecco)


def test_search_json_twin_and_kind_filter(client, reader):
    cecco = iri_of_acronym(reader, "CECCO")
    hits = client.get("/search.json?q=cecco").get_json()["results"]
    assert hits[0]["iri"] == cecco and hits[0]["kind"] == "org" and hits[0]["matched"] == "CECCO"
    events = client.get("/search?format=json&q=cecco&kind=event").get_json()["results"]
    assert events and all(h["kind"] == "event" for h in events)
    assert client.get("/search.json?q=zzqxnotaname").get_json()["results"] == []


def test_org_page_shows_events_with_roles_dates_and_evidence(client, reader):
    cecco = iri_of_acronym(reader, "CECCO")
    expected = reader.select(PREFIXES + f"""SELECT DISTINCT ?e ?role ?doc WHERE {{
        GRAPH ?g {{ ?e prov:qualifiedAssociation ?p . ?p prov:agent <{cecco}> ; prov:hadRole ?role }}
        BIND(IRI(REPLACE(STR(?g), "/graph/doc/", "/id/doc/")) AS ?doc) }}""")
    assert expected
    soup = soup_of(client.get(entity_href(cecco)))
    items = soup.select("#events ol.timeline > li")
    found = set()
    for li in items:
        event = li.find("a", class_="entity")["href"]
        for role_item in li.select("ul.roles > li"):
            role = role_item.select_one(".role a")["href"]
            docs = [a["href"] for a in role_item.select("ul.evidence a")]
            found |= {(event, role, doc) for doc in docs}
    assert len({li.find("a", class_="entity")["href"] for li in items}) == len(items)
    dates = [li.find("time").get_text() for li in items]
    assert dates == sorted(dates)
    assert found == {(entity_href(r["e"]), entity_href(r["role"]), entity_href(r["doc"])) for r in expected}
    names = {td.get_text() for td in soup.select("table.names td:first-child")}
    assert "Biuro Współpracy Chińsko-Unijnej na Rzecz Neutralności Węglowej" in names and "CECCO" in names
    langs = {td.get_text(strip=True) for td in soup.select("table.names td:nth-of-type(2)")}
    assert {"en", "pl", "de"} <= langs
    twin = client.get(entity_href(cecco).replace("/entity?", "/entity.json?")).get_json()
    assert twin["entity"]["kind"] == "org"
    assert len(twin["details"]["events"]) == len(items)
    partners = [a["href"] for a in soup.select("#partners a.entity")]
    assert partners and entity_href(cecco) not in partners


def test_evidence_sentence_highlights_the_mention(client, reader):
    hox = iri_of_acronym(reader, "HOX")
    soup = soup_of(client.get(entity_href(hox)))
    marks = [m.get_text() for m in soup.select("#names ul.evidence q.sentence mark")]
    assert marks == [HOSTILE_ORG]
    doc = reader.select(PREFIXES + f'SELECT ?d WHERE {{ ?d <http://purl.org/dc/terms/identifier> "{HOSTILE_ID}" }}')
    assert soup.select_one("#names ul.evidence .source a")["href"] == entity_href(doc[0]["d"])


def test_document_page_highlights_mentions_and_greys_noise(client, reader):
    record = hostile_record()
    doc = reader.select(PREFIXES + f'SELECT ?d WHERE {{ ?d <http://purl.org/dc/terms/identifier> "{HOSTILE_ID}" }}')[0]["d"]
    soup = soup_of(client.get(entity_href(doc)))
    text_box = soup.select_one(".doc-text")
    assert text_box.get_text() == record.text
    mentions = {a.get_text(): a["href"] for a in text_box.select("a.m")}
    hox = iri_of_acronym(reader, "HOX")
    assert mentions[HOSTILE_ORG] == entity_href(hox)
    assert HOSTILE_PARTNER in mentions
    noise = text_box.select(".noise")
    assert [n.get_text() for n in noise] == [record.text[record.noise[0].start:record.noise[0].end]]
    assert noise[0]["title"] == "cookie banner <script>"
    twin = client.get("/entity.json?" + urlencode({"iri": doc})).get_json()
    assert "".join(s["text"] for s in twin["details"]["segments"]) == record.text


def test_hostile_strings_render_as_inert_text(client, reader):
    record = hostile_record()
    doc = reader.select(PREFIXES + f'SELECT ?d WHERE {{ ?d <http://purl.org/dc/terms/identifier> "{HOSTILE_ID}" }}')[0]["d"]
    hox = iri_of_acronym(reader, "HOX")
    events = reader.select(PREFIXES + f"SELECT ?e WHERE {{ ?e prov:wasAssociatedWith <{hox}> }}")
    pages = [entity_href(doc), entity_href(hox), entity_href(events[0]["e"]), "/search?q=harbour",
             "/orgs?size=500", "/", "/network", "/documents"]
    for page in pages:
        response = client.get(page)
        soup = soup_of(response)
        assert soup.find_all("script", src=False) == [], page
        assert soup.find("img") is None and soup.find("b") is None and soup.select("svg[onload]") == [], page
        for tag in soup.find_all(True):
            assert not any(name.startswith("on") for name in tag.attrs), (page, tag)
            for name in ("href", "src", "action"):
                value = tag.get(name)
                assert value is None or value.startswith(("/", "?", "http://", "https://", "#")), (page, tag)
        assert b"<script>alert" not in response.data, page
    soup = soup_of(client.get(entity_href(doc)))
    assert record.title in soup.find("h1").get_text()
    assert soup.find("code", string=record.source) is not None
    assert HOSTILE_ORG in soup_of(client.get(entity_href(hox))).find("h1").get_text()


def test_gold_document_says_it_has_no_text(client, reader):
    doc = reader.select(PREFIXES + """SELECT ?d WHERE { ?d a sino:Document ; sino:method "manual" } LIMIT 1""")[0]["d"]
    soup = soup_of(client.get(entity_href(doc)))
    assert soup.select_one(".doc-text") is None
    assert "no text" in soup.select_one("#text").get_text()
    stated = [a["href"] for a in soup.select("ul.stated a.entity")]
    expected = reader.select(PREFIXES + f"""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        GRAPH <{doc.replace('/id/doc/', '/graph/doc/')}> {{ ?x a ?t VALUES ?t {{ org:Organization schema:Person
        schema:Event sino:Project schema:Place }} }} }}""")[0]["n"]
    assert len(stated) == expected > 0
    doc_id = doc.rsplit("/", 1)[1]
    gold = next(r for r in load_gold_records() if r.id == doc_id)
    notes = next(dd for dt, dd in zip(soup.select("dl.facts dt"), soup.select("dl.facts dd"))
                 if dt.get_text() == "Ignored passages")
    assert notes.get_text() == "; ".join(sorted(n for n in gold.noise if isinstance(n, str)))


@pytest.mark.parametrize("iri", ["https://w3id.org/sinoeu-kg/id/org/nobody-00000000", "x> } DROP ALL", ""])
def test_unknown_entity_is_404_in_html_and_json(client, iri):
    response = client.get("/entity?" + urlencode({"iri": iri}), headers={"Accept": "text/html"})
    assert response.status_code == 404
    twin = client.get("/entity.json?" + urlencode({"iri": iri}), headers={"Accept": "application/json"})
    assert twin.status_code == 404 and twin.get_json()["ok"] is False


def test_every_kind_of_entity_has_a_page_and_a_twin(client, reader):
    classes = {"org": "org:Organization", "person": "schema:Person", "event": "schema:Event",
               "project": "sino:Project", "place": "schema:Place", "concept": "sino:Sector"}
    for kind, cls in classes.items():
        iri = reader.select(PREFIXES + f"SELECT ?x WHERE {{ ?x a {cls} }} ORDER BY ?x LIMIT 1")[0]["x"]
        soup = soup_of(client.get(entity_href(iri)))
        assert soup.select_one(".entity-head .badge")["class"] == ["badge", f"kind-{kind}"]
        assert client.get("/entity.json?" + urlencode({"iri": iri})).get_json()["entity"]["kind"] == kind
    post = reader.select(PREFIXES + "SELECT ?p ?person WHERE { ?p a org:Post ; org:heldBy ?person } LIMIT 1")[0]
    soup = soup_of(client.get(entity_href(post["p"])))
    assert entity_href(post["person"]) in [a["href"] for a in soup.select("table a.entity")]


def test_lists_are_paged_without_gaps_or_repeats(client, reader):
    total = reader.select(PREFIXES + "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }")[0]["n"]
    seen: list[str] = []
    url = "/orgs?size=7"
    pages = 0
    while url:
        soup = soup_of(client.get(url))
        rows = [a["href"] for a in soup.select("table.list td:first-child a.entity")]
        assert 0 < len(rows) <= 7
        seen += rows
        pages += 1
        following = soup.select_one('.pager a[rel="next"]')
        url = following["href"] if following else None
        if url:
            assert parse_qs(urlsplit(url).query) == {"size": ["7"], "page": [str(pages + 1)]}
    assert pages == -(-total // 7)
    assert len(seen) == len(set(seen)) == total
    twin = client.get("/orgs.json?size=7&page=2").get_json()
    assert twin["paging"]["page"] == 2 and twin["total"] == total and len(twin["items"]) == 7


def test_network_svg_links_organizations_by_shared_events(client, reader):
    soup = soup_of(client.get("/network"))
    svg = soup.select_one("svg#network-svg")
    twin = client.get("/network.json").get_json()["network"]
    assert len(svg.select("circle")) == len(twin["nodes"]) > 0
    assert len(svg.select("line")) == len(twin["edges"])
    pairs = reader.select(PREFIXES + """SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e prov:wasAssociatedWith ?a, ?b FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b""")
    assert {(p["a"], p["b"], p["n"]) for p in pairs} == {(e["a"], e["b"], e["weight"]) for e in twin["edges"]}
    hrefs = {a["href"] for a in svg.select("a.node")}
    assert hrefs == {entity_href(n["iri"]) for n in twin["nodes"]}
    for node in twin["nodes"]:
        assert 0 < node["x"] < twin["width"] and 0 < node["y"] < twin["height"]


def test_query_page_offers_the_competency_queries_as_examples(client):
    import ontology

    soup = soup_of(client.get("/query"))
    buttons = soup.select("button.example")
    files = ontology.query_files()
    assert [b["data-name"] for b in buttons] == list(files)
    assert [b["data-query"] for b in buttons] == [p.read_text(encoding="utf-8") for p in files.values()]
    assert soup.find_all("script", src=False) == []
    assert [s["src"] for s in soup.find_all("script")] == ["/static/query.js"]
    form = soup.select_one("form#query-form")
    assert form["data-endpoint"] == "/sparql" and form["data-entity"] == "/entity"
    csv_link = soup.select_one("a#download-csv")["href"]
    assert urlsplit(csv_link).path == "/sparql" and parse_qs(urlsplit(csv_link).query)["format"] == ["csv"]
    with client.get(csv_link) as csv:
        assert csv.status_code == 200 and csv.content_type.startswith("text/csv")


def test_pages_send_a_csp_without_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]
    for path in ("/static/query.js", "/static/style.css"):
        with client.get(path) as static:
            assert static.status_code == 200


def test_linked_data_iri_sends_browsers_to_the_entity_page(client, reader):
    cecco = iri_of_acronym(reader, "CECCO")
    path = "/" + cecco.split("/", 3)[3].removeprefix("sinoeu-kg/")
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.path == "/entity" and parse_qs(location.query) == {"iri": [cecco]}
    assert soup_of(client.get(response.headers["Location"])).find("h1").get_text() == \
        client.get("/entity.json?" + urlencode({"iri": cecco})).get_json()["entity"]["label"]


def test_many_mentions_in_one_document_are_folded_into_a_link(app):
    from flask import render_template_string

    doc = {"iri": "https://w3id.org/sinoeu-kg/id/doc/d1", "label": "d1", "kind": "document"}
    evidence = [{"document": doc, "sentence": f"Sentence {i} names ACME.", "mention": "ACME", "before": None, "start": i * 10,
                 "end": i * 10 + 4, "method": "rules", "confidence": 0.9} for i in range(5)]
    with app.test_request_context("/"):
        html = render_template_string('{% from "_macros.html" import evidence_list %}{{ evidence_list(ev) }}', ev=evidence)
    soup = BeautifulSoup(html, "html.parser")
    assert [m.get_text() for m in soup.select("q.sentence mark")] == ["ACME", "ACME"]
    more = soup.select_one("li.more a")
    assert more.get_text() == "3 more mentions in this document" and more["href"] == entity_href(doc["iri"]) + "#text"


@settings(deadline=None)
@given(st.text(max_size=80), st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90), st.booleans()), max_size=8),
       st.lists(st.tuples(st.integers(0, 90), st.integers(0, 90)), max_size=3))
def test_text_segments_cover_the_text_exactly_once(text, mentions, noise):
    spans = [{"start": min(a, b), "end": max(a, b), "role_trigger": role,
              "entity": {"iri": f"urn:x:{a}-{b}", "label": "x", "kind": "org"}} for a, b, role in mentions]
    noisy = [{"start": min(a, b), "end": max(a, b), "reason": "r"} for a, b in noise]
    pieces = text_segments(text, noisy, spans)
    assert "".join(p["text"] for p in pieces) == text
    position = 0
    for piece in pieces:
        end = position + len(piece["text"])
        inside = [m for m in spans if not m["role_trigger"] and m["start"] <= position and end <= m["end"]]
        if piece["entity"] is not None:
            assert piece["entity"] in [m["entity"] for m in inside]
            assert min(m["end"] - m["start"] for m in inside) == \
                next(m["end"] - m["start"] for m in inside if m["entity"] == piece["entity"])
        else:
            assert not inside or not piece["text"]
        assert (piece["noise"] is not None) == any(n["start"] <= position and end <= n["end"] for n in noisy) \
            or not piece["text"]
        position = end


def test_long_parts_of_entity_pages_are_paged(client, reader):
    cecco = iri_of_acronym(reader, "CECCO")
    full = client.get("/entity.json?" + urlencode({"iri": cecco})).get_json()
    everything = [e["event"]["iri"] for e in full["details"]["events"]]
    assert len(everything) >= 2 and full["paging"]["total"] == len(everything)
    seen, url = [], entity_href(cecco) + "&size=1"
    while url:
        soup = soup_of(client.get(url))
        seen += [li.find("a", class_="entity")["href"] for li in soup.select("#events ol.timeline > li")]
        following = soup.select_one('#events .pager a[rel="next"]')
        url = following["href"] if following else None
    assert seen == [entity_href(iri) for iri in everything]
