"""The /sparql endpoint through real clients (SPARQLWrapper, rdflib's SPARQLStore, requests).

Expected answers are computed from the same store directly (``gold_store``), never written
down: the endpoint must return what the store holds, in every format.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import warnings
from urllib.parse import quote

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.fixtures_server import SAMPLE_DOC, SAMPLE_ORG, start_server

ORGS = "PREFIX org: <http://www.w3.org/ns/org#> SELECT DISTINCT ?o WHERE { ?o a org:Organization } ORDER BY ?o"
ORG_GRAPH = "PREFIX org: <http://www.w3.org/ns/org#> CONSTRUCT { ?o a org:Organization } WHERE { ?o a org:Organization }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def expected_orgs(gold_store) -> list[str]:
    orgs = [row["o"] for row in gold_store.select(ORGS)]
    assert len(orgs) >= 3, "the gold store should hold several organizations"
    return orgs


def _parse(data, rdflib_format: str) -> rdflib.Graph:
    """Parse with rdflib; its own JSON-LD parser warns about its internal ConjunctiveGraph use."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=rdflib_format)


def _wrapper(url: str, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def test_sparqlwrapper_select_json(live_server, expected_orgs):
    results = _wrapper(live_server, ORGS, JSON).queryAndConvert()
    assert [b["o"]["value"] for b in results["results"]["bindings"]] == expected_orgs


def test_sparqlwrapper_select_xml(live_server, expected_orgs):
    document = _wrapper(live_server, ORGS, XML).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == expected_orgs


@pytest.mark.parametrize("return_format,delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_tsv(live_server, expected_orgs, return_format, delimiter):
    text = _wrapper(live_server, ORGS, return_format).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows[0] == (["o"] if delimiter == "," else ["?o"])
    values = [row[0] for row in rows[1:]]
    assert values == (expected_orgs if delimiter == "," else [f"<{iri}>" for iri in expected_orgs])


@pytest.mark.parametrize("return_format,rdflib_format", [
    (TURTLE, "turtle"), (N3, "turtle"), (RDFXML, "xml"), (JSONLD, "json-ld")])
def test_sparqlwrapper_construct_formats(live_server, expected_orgs, return_format, rdflib_format):
    client = _wrapper(live_server, ORG_GRAPH, return_format)
    raw = client.query().response.read()
    graph = _parse(raw, rdflib_format)
    org = rdflib.URIRef("http://www.w3.org/ns/org#Organization")
    assert sorted(str(s) for s in graph.subjects(rdflib.RDF.type, org)) == sorted(expected_orgs)
    assert len(graph) == len(expected_orgs)


def test_construct_ntriples_by_accept_equals_turtle(live_server):
    answers = [requests.get(live_server + "/sparql", params={"query": ORG_GRAPH}, headers={"Accept": media})
               for media in ("application/n-triples", "text/turtle")]
    assert [a.headers["Content-Type"].split(";")[0] for a in answers] == ["application/n-triples", "text/turtle"]
    graphs = [rdflib.Graph().parse(data=answers[0].text, format="nt"),
              rdflib.Graph().parse(data=answers[1].text, format="turtle")]
    assert len(graphs[0]) > 0 and isomorphic(*graphs)


def test_rdflib_sparqlstore(live_server, expected_orgs):
    graph = rdflib.Graph(store=SPARQLStore(live_server + "/sparql", returnFormat="json"))
    assert [str(row.o) for row in graph.query(ORGS)] == expected_orgs
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def test_post_form_and_direct_agree_with_get(live_server, expected_orgs):
    form = requests.post(live_server + "/sparql", data={"query": ORGS}, headers={"Accept": "application/json"})
    direct = requests.post(live_server + "/sparql", data=ORGS.encode(),
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    for answer in (form, direct):
        assert answer.status_code == 200
        assert [b["o"]["value"] for b in answer.json()["results"]["bindings"]] == expected_orgs


def test_default_graph_uri_replaces_the_union(live_server, gold_store):
    graph = gold_store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                              "GROUP BY ?g ORDER BY DESC(?n) LIMIT 1")[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    scoped = requests.get(live_server + "/sparql", params={"query": count, "default-graph-uri": graph["g"]},
                          headers={"Accept": "application/sparql-results+json"}).json()
    union = requests.get(live_server + "/sparql", params={"query": count}, headers={"Accept": "application/json"}).json()
    assert int(scoped["results"]["bindings"][0]["n"]["value"]) == graph["n"]
    assert int(union["results"]["bindings"][0]["n"]["value"]) == gold_store.count_triples() > graph["n"]


def test_malformed_query_is_400_with_the_parser_message(live_server):
    import pyoxigraph

    broken = "SELECT * WHERE { ?s ?p "
    with pytest.raises(SyntaxError) as parser:
        pyoxigraph.Store().query(broken)
    answer = requests.get(live_server + "/sparql", params={"query": broken}, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json() == {"ok": False, "error": str(parser.value), "status": 400}


@pytest.mark.parametrize("method,headers,body,status", [
    ("PUT", {"Content-Type": "application/sparql-query"}, "ASK {}", 405),
    ("DELETE", {}, "", 405),
    ("POST", {"Content-Type": "text/plain"}, "ASK {}", 415),
    ("POST", {}, "query=ASK%20%7B%7D", 415),
    ("POST", {"Content-Type": "application/sparql-query; charset=UTF-16"}, "ASK {}", 415),
])
def test_protocol_errors(live_server, method, headers, body, status):
    answer = requests.request(method, live_server + "/sparql", headers={"Accept": "application/json", **headers},
                              data=body.encode("utf-8"))
    assert answer.status_code == status
    assert answer.json()["status"] == status and answer.json()["ok"] is False


def test_two_queries_are_400(live_server):
    answer = requests.get(live_server + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert answer.status_code == 400


def test_update_refused_on_a_read_only_server(live_server, gold_store):
    before = gold_store.count_triples()
    for request in ({"data": {"update": "CLEAR ALL"}},
                    {"data": b"CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}):
        answer = requests.post(live_server + "/sparql", **request)
        assert answer.status_code == 403
    assert requests.get(live_server + "/sparql?update=CLEAR%20ALL").status_code == 405
    assert requests.delete(live_server + "/rdf-graph-store?default").status_code == 403
    assert gold_store.count_triples() == before


def test_update_needs_the_admin_token(admin_live_server):
    url, token = admin_live_server.url, admin_live_server.token
    insert = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 7 } }"
    ask = {"query": "ASK { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 7 } }"}
    assert requests.post(url + "/sparql", data={"update": insert}).status_code == 401
    wrong = requests.post(url + "/sparql", data={"update": insert}, headers={"Authorization": "Bearer " + token[:-1]})
    assert wrong.status_code == 403
    assert requests.get(url + "/sparql", params=ask, headers={"Accept": "application/json"}).json()["boolean"] is False
    good = requests.post(url + "/sparql", data={"update": insert}, headers={"Authorization": "Bearer " + token})
    assert good.status_code == 204
    assert requests.get(url + "/sparql", params=ask, headers={"Accept": "application/json"}).json()["boolean"] is True
    cleared = requests.post(url + "/sparql", data=b"DROP GRAPH <http://example.org/g>",
                            headers={"Authorization": "Bearer " + token, "Content-Type": "application/sparql-update"})
    assert cleared.status_code == 204
    assert requests.get(url + "/sparql", params=ask, headers={"Accept": "application/json"}).json()["boolean"] is False


def test_graph_store_protocol_round_trip(admin_live_server):
    url, auth = admin_live_server.url + "/rdf-graph-store", {"Authorization": "Bearer " + admin_live_server.token}
    graph = "http://example.org/gsp-test"
    turtle = "<http://example.org/a> <http://example.org/b> \"c\"@en , 2 ."
    headers = {**auth, "Content-Type": "text/turtle"}
    assert requests.put(url, params={"graph": graph}, data=turtle.encode(), headers={"Content-Type": "text/turtle"}
                        ).status_code == 401
    assert requests.put(url, params={"graph": graph}, data=turtle.encode(), headers=headers).status_code == 201
    assert requests.put(url, params={"graph": graph}, data=turtle.encode(), headers=headers).status_code == 204
    back = requests.get(url, params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert isomorphic(rdflib.Graph().parse(data=back.text, format="nt"), rdflib.Graph().parse(data=turtle, format="turtle"))
    assert requests.put(url, params={"graph": graph}, data=b"not turtle <", headers=headers).status_code == 400
    assert requests.delete(url, params={"graph": graph}, headers=auth).status_code == 204
    assert requests.get(url, params={"graph": graph}).status_code == 404
    assert requests.delete(url, params={"graph": graph}, headers=auth).status_code == 404


def test_cors_preflight_and_headers(live_server):
    preflight = requests.options(live_server + "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" not in preflight.headers["Access-Control-Allow-Headers"].lower()
    answer = requests.get(live_server + "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/sparql?query=ASK%7B", "/id/org/no-such-thing-00000000"])
def test_security_headers_on_every_response(live_server, path):
    answer = requests.get(live_server + path)
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_request_size_limit(tmp_path):
    from tests.fixtures_server import write_sample_store

    store = write_sample_store(tmp_path / "store")
    for server in start_server({"store": str(store), "max_document_bytes": 1000, "workers": 1}):
        big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 2000
        answer = requests.post(server.url + "/sparql", data=big.encode(),
                               headers={"Content-Type": "application/sparql-query"})
        assert answer.status_code == 413
        small = requests.post(server.url + "/sparql", data=b"ASK {}", headers={"Content-Type": "application/sparql-query"})
        assert small.status_code == 200


def test_runaway_query_stops_while_others_are_served(limited_server):
    url = limited_server.url + "/sparql"
    outcome = {}

    def runaway():
        started = time.monotonic()
        answer = requests.get(url, params={"query": RUNAWAY}, headers={"Accept": "application/json"})
        outcome.update(status=answer.status_code, body=answer.json(), seconds=time.monotonic() - started)

    for _ in range(2):  # both workers up (start-up is not counted against queries, but would delay them)
        assert requests.get(url, params={"query": "ASK {}"}).status_code == 200
    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    quick = requests.get(url, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    quick_seconds = time.monotonic() - started
    thread.join(30)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert quick_seconds < 1.5, f"a simple query waited {quick_seconds:.2f}s behind a runaway one"
    assert outcome["status"] == 503 and "limit" in outcome["body"]["error"]
    assert 2.0 <= outcome["seconds"] < 20
    after = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/json"})
    assert after.status_code == 200 and after.json()["results"]["bindings"][0]["n"]["value"] == "400"


@pytest.mark.parametrize("query,kind", [("SELECT * WHERE { ?s ?p ?o }", "select"),
                                        ("CONSTRUCT WHERE { ?s ?p ?o }", "construct")])
def test_result_cap(limited_server, query, kind):
    answer = requests.get(limited_server.url + "/sparql", params={"query": query},
                          headers={"Accept": "application/sparql-results+json, application/n-triples"})
    assert answer.status_code == 200
    assert answer.headers["X-Result-Truncated"] == "true" and answer.headers["X-Result-Limit"] == "25"
    count = (len(answer.json()["results"]["bindings"]) if kind == "select"
             else len(rdflib.Graph().parse(data=answer.text, format="nt")))
    assert count == 25
    small = requests.get(limited_server.url + "/sparql", params={"query": query.replace("}", "} LIMIT 5", 1)
                                                                 if kind == "select" else query + " LIMIT 5"})
    assert small.headers["X-Result-Count"] == "5" and "X-Result-Truncated" not in small.headers


def test_service_refused(live_server):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    answer = requests.get(live_server + "/sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and "SERVICE" in answer.json()["error"]


def test_service_description_and_browser_redirect(live_server):
    answer = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (rdflib.URIRef(live_server + "/sparql"), rdflib.RDF.type, sd.Service) in graph
    assert (None, sd.resultFormat, rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph
    browser = requests.get(live_server + "/sparql", headers={"Accept": "text/html,*/*;q=0.8"}, allow_redirects=False)
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/query")


@pytest.mark.parametrize("suffix,accept,rdflib_format", [
    (".ttl", None, "turtle"), (".nt", None, "nt"), (".jsonld", None, "json-ld"),
    ("", "text/turtle", "turtle"), ("", "application/ld+json", "json-ld"), ("", "application/n-triples", "nt")])
def test_linked_data_content_negotiation(sample_server, suffix, accept, rdflib_format):
    path = SAMPLE_ORG.split("/sinoeu-kg/")[1]
    answer = requests.get(f"{sample_server}/{path}{suffix}", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200
    graph = _parse(answer.text, rdflib_format)
    org, oa = rdflib.URIRef(SAMPLE_ORG), rdflib.Namespace("http://www.w3.org/ns/oa#")
    assert (org, rdflib.SKOS.prefLabel, rdflib.Literal("Test Harbour Authority", lang="en")) in graph
    annotation = graph.value(predicate=oa.hasBody, object=org)
    selector = graph.value(graph.value(annotation, oa.hasTarget), oa.hasSelector)
    assert int(graph.value(selector, oa.start)) == 12 and int(graph.value(selector, oa.end)) == 40


def test_linked_data_html_and_unknown(sample_server):
    path = SAMPLE_ORG.split("/sinoeu-kg/")[1]
    page = requests.get(f"{sample_server}/{path}", headers={"Accept": "text/html"}, allow_redirects=False)
    assert page.status_code == 303 and page.headers["Location"] == "/entity?iri=" + quote(SAMPLE_ORG, safe="")
    missing = requests.get(f"{sample_server}/id/org/nothing-here-00000000.ttl")
    assert missing.status_code == 404 and missing.json()["status"] == 404


def test_generic_exceptions_stay_500(tmp_path):
    from server import close_app, create_app
    from tests.fixtures_server import write_sample_store

    app = create_app({"store": str(write_sample_store(tmp_path / "store")), "workers": 1})

    def boom():
        raise RuntimeError("secret detail")

    app.add_url_rule("/boom", view_func=boom)
    answer = app.test_client().get("/boom", headers={"Accept": "application/json"})
    close_app(app)
    assert answer.status_code == 500
    assert answer.json["status"] == 500 and "secret detail" not in answer.get_data(as_text=True)


def test_production_app_is_not_in_debug_mode_and_static_refuses_traversal(live_server):
    from server import create_app

    assert create_app.__module__ == "server"
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py"):
        answer = requests.get(live_server + path)
        assert answer.status_code == 404, path
        assert "create_app" not in answer.text
    broken = requests.get(live_server + "/sparql", params={"query": "ASK {"})
    assert "Traceback" not in broken.text and "werkzeug" not in broken.text.lower()


def test_writes_by_another_process_become_visible(tmp_path):
    """An ingest beside a running read-only server: the next query sees it, no restart."""
    import pyoxigraph as ox

    from tests.fixtures_server import write_filler_store

    path = write_filler_store(tmp_path / "store", 10)
    count = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}
    for server in start_server({"store": str(path), "workers": 1}):
        def counted() -> int:
            answer = requests.get(server.url + "/sparql", params=count, headers={"Accept": "application/json"})
            return int(answer.json()["results"]["bindings"][0]["n"]["value"])

        assert counted() == 10
        writer = ox.Store(str(path))
        node = ox.NamedNode("http://example.org/added")
        writer.add(ox.Quad(node, node, node, ox.NamedNode("http://example.org/filler")))
        writer.flush()
        del writer
        assert counted() == 11


def test_linked_data_for_percent_encoded_iris(sample_server):
    """A document id with spaces, quotes, angle brackets and a slash: its IRI resolves as written."""
    assert "%20" in SAMPLE_DOC and "%2F" in SAMPLE_DOC
    answer = requests.get(sample_server + "/id/" + SAMPLE_DOC.split("/id/", 1)[1] + ".nt")
    assert answer.status_code == 200, answer.text
    graph = _parse(answer.text, "nt")
    assert graph.value(rdflib.URIRef(SAMPLE_DOC), rdflib.DCTERMS.title) == rdflib.Literal("A <b>sample</b> release")
