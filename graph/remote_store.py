"""A store behind a SPARQL 1.1 service (Oxigraph server, Fuseki, GraphDB, Virtuoso, Neptune).

:class:`RemoteStore` is a :class:`graph.store.GraphStore` whose backend primitives
go over HTTP, so ingest, identity resolution, removal and re-resolution are the
very same code as the embedded store's; only these differ:

- reads: the SPARQL 1.1 Protocol (POST ``query=``), answers parsed by pyoxigraph
  into the same ``QuerySolutions`` / ``QueryBoolean`` / ``QueryTriples`` objects
  the embedded store returns, so the server and UI run unchanged on top;
- writes: each graph is replaced with the Graph Store Protocol (``PUT`` replaces
  the graph) when a GSP URL is given, else with SPARQL Update
  (``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }``), a batch of
  graphs per request (one transaction on stores that apply an update request
  atomically, as Oxigraph does).

The default graph is the union of all graphs, as in the embedded store: the
``union-default-graph`` request parameter asks Oxigraph for it; other stores
ignore it and must be configured so (Fuseki ``tdb2:unionDefaultGraph``,
GraphDB/Virtuoso do it by default). Connection failures and HTTP errors become
:class:`StoreError` / :class:`QueryError` naming the URL and what to do.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterable
from urllib.parse import quote

import requests
from pyoxigraph import (DefaultGraph, NamedNode, Quad, QueryResultsFormat, RdfFormat, Store, parse,
                        parse_query_results, serialize)

from graph.errors import QueryError, QueryTimeout, StoreError
from graph.iris import DEFAULT_BASE_IRI, doc_id_from_graph
from graph.store import WRITE_BATCH, GraphStore, _triples

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
ACCEPT = f"{RESULTS_JSON}, {N_TRIPLES};q=0.9, text/turtle;q=0.5"
SPARQL_QUERY_TIMEOUT = 60.0  # seconds an HTTP query may take (the server's own limit usually comes first)
_sessions = threading.local()


def _session() -> requests.Session:
    """One keep-alive HTTP session per thread (the server's request threads each get theirs)."""
    if not hasattr(_sessions, "session"):
        _sessions.session = requests.Session()
    return _sessions.session


class RemoteStore(GraphStore):
    """The project's graph layout in a SPARQL 1.1 service; same public API as :class:`GraphStore`."""

    def __init__(self, query_url: str, *, update_url: str | None = None, gsp_url: str | None = None,
                 read_only: bool = False, base_iri: str = DEFAULT_BASE_IRI, timeout: float = SPARQL_QUERY_TIMEOUT):
        self._store = None
        self.path = None  # no directory: per-directory caches (analytics) stay off
        self.url = query_url
        self.update_url = update_url
        self.gsp_url = gsp_url
        self.read_only = read_only
        self.base_iri = base_iri
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r}, update_url={self.update_url!r}, gsp_url={self.gsp_url!r})"

    # --- HTTP --------------------------------------------------------------------------------------
    def _request(self, method: str, url: str, *, what: str, allow_missing: bool = False,
                 **kwargs) -> requests.Response:
        """One HTTP request; connection problems -> StoreError, 4xx -> QueryError, 5xx -> StoreError."""
        try:
            response = _session().request(method, url, timeout=(5.0, self.timeout), **kwargs)
        except requests.Timeout:
            raise QueryTimeout(f"the SPARQL service at {url} did not answer the {what} within {self.timeout:g} s; "
                               "make the query more selective (LIMIT) or raise the timeout") from None
        except requests.ConnectionError as exc:
            raise StoreError(f"cannot reach the SPARQL service at {url} ({type(exc).__name__}): is the server "
                             "running and the URL right? (e.g. `oxigraph serve --location DIR` and "
                             "--store http://127.0.0.1:7878/query --update-url http://127.0.0.1:7878/update)") from None
        if response.status_code >= 500:
            raise StoreError(f"the SPARQL service at {url} failed the {what}: HTTP {response.status_code}: "
                             f"{response.text[:500]}")
        if response.status_code in (401, 403):
            raise StoreError(f"the SPARQL service at {url} refused the {what} (HTTP {response.status_code}): "
                             "check its credentials and write permissions")
        if response.status_code == 404 and not allow_missing:
            raise StoreError(f"no SPARQL service at {url} (HTTP 404): check the endpoint URL "
                             "(Oxigraph: /query, /update, /store)")
        if response.status_code >= 400 and response.status_code != 404:
            raise QueryError(f"the SPARQL service at {url} rejected the {what}: HTTP {response.status_code}: "
                             f"{response.text[:500]}")
        return response

    # --- queries -----------------------------------------------------------------------------------
    def query(self, sparql: str, *, default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              union_default_graph: bool = True, substitutions: dict | None = None, base_iri: str | None = None,
              use_default_graph_as_union: bool | None = None):
        """Run a query over HTTP; returns pyoxigraph result objects like :meth:`GraphStore.query`.

        Also takes pyoxigraph ``Store.query``'s keywords (``use_default_graph_as_union``,
        ``base_iri``, graphs as terms), so code written against a raw store runs too.
        """
        if substitutions:
            raise QueryError("substitutions are not supported by a remote store; bind with VALUES instead")
        if use_default_graph_as_union is not None:
            union_default_graph = use_default_graph_as_union
        if base_iri:
            sparql = f"BASE <{base_iri}>\n{sparql}"
        params: list[tuple[str, str]] = [("query", sparql)]
        params += [("default-graph-uri", _iri(g)) for g in default_graph or [] if not isinstance(g, DefaultGraph)]
        params += [("named-graph-uri", _iri(g)) for g in named_graphs or []]
        if default_graph is None and named_graphs is None and union_default_graph:
            params.append(("union-default-graph", ""))
        response = self._request("POST", self.url, what="query", data=params, headers={"Accept": ACCEPT})
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind in (RESULTS_JSON, "application/json"):
            return parse_query_results(response.content, format=QueryResultsFormat.JSON)
        formats = {N_TRIPLES: RdfFormat.N_TRIPLES, "text/turtle": RdfFormat.TURTLE, "text/plain": RdfFormat.N_TRIPLES}
        if kind not in formats:
            raise StoreError(f"the SPARQL service at {self.url} answered in {kind or 'an unnamed format'}; "
                             f"it must offer {RESULTS_JSON} and {N_TRIPLES}")
        return _as_query_triples(parse(response.content, format=formats[kind]))

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request (one transaction on Oxigraph and most stores)."""
        if self.read_only:
            raise StoreError(f"the store at {self.url} is open read-only; updates need a writable store")
        if not self.update_url:
            raise StoreError(f"no update URL for the SPARQL service at {self.url}: pass --update-url "
                             "(Oxigraph: http://HOST:PORT/update) or set SINOEU_KG_UPDATE_URL")
        self._request("POST", self.update_url, what="update", data={"update": sparql})

    # --- backend primitives of GraphStore ------------------------------------------------------------
    def _has_graph(self, graph: str) -> bool:
        return bool(self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union_default_graph=False))

    def _graph_quads(self, graph: str) -> list[Quad]:
        node = NamedNode(graph)
        rows = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union_default_graph=False)
        return [Quad(row["s"], row["p"], row["o"], node) for row in rows]

    def _replace_graphs(self, graphs: dict[str, Iterable[Quad]]) -> None:
        """Make each graph hold exactly its quads: GSP PUT per graph, else batched DROP + INSERT DATA."""
        if self.gsp_url and not self.read_only:
            for graph, quads in graphs.items():
                self._put_graph(graph, list(quads))
            return
        ops: list[str] = []
        for graph, quads in graphs.items():
            ops.append(f"DROP SILENT GRAPH <{graph}>")
            body = _triples(quads)
            if body:
                ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
            if len(ops) >= WRITE_BATCH:
                self.update(" ;\n".join(ops))
                ops = []
        if ops:
            self.update(" ;\n".join(ops))

    def _put_graph(self, graph: str, quads: list[Quad]) -> None:
        url = f"{self.gsp_url}?graph={quote(graph, safe='')}"
        if not quads:
            self._request("DELETE", url, what="graph deletion", allow_missing=True)
            return
        body = serialize([q.triple for q in quads], format=RdfFormat.N_TRIPLES)
        self._request("PUT", url, what="graph write", data=body, headers={"Content-Type": N_TRIPLES})

    # --- the rest of the public API ----------------------------------------------------------------
    def document_ids(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?doc a <https://w3id.org/sinoeu-kg/ontology#Document> } }",
                          union_default_graph=False)
        ids = (doc_id_from_graph(self.base_iri, row["g"].value) for row in rows)
        return sorted(i for i in ids if i is not None)

    def count_triples(self) -> int:
        """Quads in all graphs and the default graph (the ontology included)."""
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                          union_default_graph=False)
        return int(next(iter(rows))["n"].value)

    def dump(self, format: RdfFormat, *, graph: str | None = None) -> bytes:
        if graph is not None:
            return serialize([q.triple for q in self._graph_quads(graph)], format=format)
        if format in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML):
            return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize(format=format)
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                          union_default_graph=False)
        quads = [Quad(r["s"], r["p"], r["o"], r["g"] if r["g"] is not None else DefaultGraph()) for r in rows]
        return serialize(quads, format=format)

    def close(self) -> None:
        """Nothing to flush: every write was committed by the service when its request returned."""


def is_remote(location: str | Path | None) -> bool:
    """Whether a ``--store`` value names a SPARQL service rather than a directory."""
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def _iri(graph) -> str:
    return graph.value if isinstance(graph, NamedNode) else str(graph)


def _as_query_triples(triples: Iterable):
    """Parsed triples as a pyoxigraph ``QueryTriples`` (what a CONSTRUCT on the embedded store returns)."""
    scratch = Store()
    scratch.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples)
    return scratch.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
