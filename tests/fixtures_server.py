"""Fixtures that start a real HTTP server on 127.0.0.1 (owned by the server work).

- ``live_server``: the app over a store of sinoeu-kg data (the gold
  records through the graph layer's ``gold_store`` when it exists, else a small store
  written here), returning its base URL. Shared by the SPARQL, page and matcher tests.
- ``sample_server``: the same over a tiny store written here, whose content the
  linked-data tests know.
- ``limited_server``: a server with a short time limit and a small result cap over a
  store of filler triples, for the runaway-query and cap tests.
- ``admin_live_server``: an empty store, writes enabled with an admin token, the
  store's own default graph (not the union): what the W3C suites need.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pyoxigraph as ox
import pytest

BASE_IRI = "https://w3id.org/sinoeu-kg/"
OA = "http://www.w3.org/ns/oa#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SAMPLE_ORG = BASE_IRI + "id/org/test-harbour-authority-0a1b2c3d"
SAMPLE_DOC = BASE_IRI + "id/doc/" + quote('sample release "2024" <draft>/1', safe="-._~")


@dataclass(frozen=True)
class LiveServer:
    """A running server: its base URL (no trailing slash) and admin token (None: read-only)."""

    url: str
    token: str | None = None
    store_path: str = ""


def start_server(settings: dict[str, Any]) -> Iterator[LiveServer]:
    """Serve ``create_app(settings)`` on 127.0.0.1:0 in a thread until the generator closes.

    werkzeug's threaded server (not waitress) because it shuts down cleanly from another
    thread; ``bench/`` measures the production path under waitress.
    """
    from werkzeug.serving import make_server

    from server import close_app, create_app

    app = create_app({"host": "127.0.0.1", "port": 0, **settings})
    wsgi = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=wsgi.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{wsgi.server_port}", settings.get("admin_token"), settings["store"])
    finally:
        wsgi.shutdown()
        thread.join(5)
        wsgi.server_close()
        close_app(app)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def write_sample_store(path: Path) -> Path:
    """A small store in the project's model: one document graph with an organization and its evidence."""
    store = ox.Store(str(path))
    graph = _n(BASE_IRI + "graph/doc/sample-release")
    org, doc = _n(SAMPLE_ORG), _n(SAMPLE_DOC)
    annotation, target, selector = (_n(BASE_IRI + "id/evidence/sample-1"), ox.BlankNode("t1"), ox.BlankNode("s1"))
    quads = [
        (org, RDF_TYPE, _n("http://www.w3.org/ns/org#Organization")),
        (org, _n(SKOS + "prefLabel"), ox.Literal("Test Harbour Authority", language="en")),
        (org, _n(SKOS + "altLabel"), ox.Literal("Testowy Urząd Portowy", language="pl")),
        (org, _n("http://schema.org/addressCountry"), ox.Literal("PL")),
        (doc, RDF_TYPE, _n("https://w3id.org/sinoeu-kg/ontology#Document")),
        (doc, _n("http://purl.org/dc/terms/title"), ox.Literal("A <b>sample</b> release")),
        (annotation, RDF_TYPE, _n(OA + "Annotation")),
        (annotation, _n(OA + "hasBody"), org),
        (annotation, _n(OA + "hasTarget"), target),
        (target, _n(OA + "hasSource"), doc),
        (target, _n(OA + "hasSelector"), selector),
        (selector, RDF_TYPE, _n(OA + "TextPositionSelector")),
        (selector, _n(OA + "start"), ox.Literal("12", datatype=_n("http://www.w3.org/2001/XMLSchema#integer"))),
        (selector, _n(OA + "end"), ox.Literal("40", datatype=_n("http://www.w3.org/2001/XMLSchema#integer"))),
    ]
    store.extend(ox.Quad(s, p, o, graph) for s, p, o in quads)
    store.flush()
    del store
    return path


def write_filler_store(path: Path, size: int) -> Path:
    """``size`` simple triples in one named graph: enough for caps and slow cartesian products."""
    store = ox.Store(str(path))
    graph = _n("http://example.org/filler")
    value = _n("http://example.org/value")
    store.extend(ox.Quad(_n(f"http://example.org/n{i}"), value, ox.Literal(str(i)), graph) for i in range(size))
    store.flush()
    del store
    return path


@pytest.fixture(scope="session")
def live_store_path(gold_store) -> str:
    """Path of the store behind ``live_server``: the gold records ingested by the graph layer."""
    return str(gold_store.path)


@pytest.fixture(scope="session")
def sample_server(tmp_path_factory) -> Iterator[str]:
    """Base URL of a read-only server over a tiny store written here (one organization with evidence)."""
    path = write_sample_store(tmp_path_factory.mktemp("sample-store") / "store")
    yield from (server.url for server in start_server({"store": str(path)}))


@pytest.fixture(scope="session")
def live_server(live_store_path) -> Iterator[str]:
    """Base URL of a read-only server over ``live_store_path``."""
    yield from (server.url for server in start_server({"store": live_store_path, "query_timeout": 10.0}))


@pytest.fixture(scope="session")
def limited_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A server with a 2 s time limit and a 25-row cap over 400 filler triples."""
    path = write_filler_store(tmp_path_factory.mktemp("limited-store") / "store", 400)
    yield from start_server({"store": str(path), "query_timeout": 2.0, "max_results": 25, "workers": 2})


@pytest.fixture(scope="session")
def admin_live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A writable server (admin token) over a fresh empty store whose default graph is its own."""
    path = tmp_path_factory.mktemp("admin-store") / "store"
    ox.Store(str(path)).flush()
    yield from start_server({"store": str(path), "admin_token": secrets.token_urlsafe(24),
                             "union_default_graph": False, "query_timeout": 10.0, "workers": 2})
