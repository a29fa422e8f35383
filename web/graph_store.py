"""Writes over HTTP: SPARQL Update and the SPARQL 1.1 Graph Store Protocol, admin only.

Writes are off unless the server has an ``admin_token``; every write request must
carry it as ``Authorization: Bearer <token>``, compared with ``hmac.compare_digest``
(constant time). No token configured -> 403; none sent -> 401; wrong -> 403.

All writes go through one :class:`StoreWriter` per app: a lock serialises them on
the server process' single read-write handle (opened on the first write, so a
read-only server never takes the store's lock), and after each write the query
pool is told to reopen its read-only handles (see ``web/query_pool.py``).
An update runs to completion: pyoxigraph cannot cancel it, and stopping a write
half-way is what the transaction exists to prevent.
"""

from __future__ import annotations

import hmac
import threading

import pyoxigraph as ox
from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, Unauthorized, UnsupportedMediaType

from graph.errors import QueryError, StoreError
from web.query_pool import QueryJob, QueryPool

RDF_UPLOAD_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
}


class StoreWriter:
    """The one read-write handle of a server process, used under a lock."""

    def __init__(self, store_path: str, pool: QueryPool):
        self.store_path = store_path
        self.pool = pool
        self._lock = threading.Lock()
        self._store: ox.Store | None = None

    def _open(self) -> ox.Store:
        if self._store is None:
            try:
                self._store = ox.Store(self.store_path)
            except OSError as error:
                raise StoreError(f"cannot open the store at {self.store_path} for writing ({error}); "
                                 "another process (an ingest?) may hold it") from None
        return self._store

    def update(self, sparql: str, base_iri: str | None) -> None:
        """Run a SPARQL Update. :raise QueryError: malformed update."""
        with self._lock:
            try:
                self._open().update(sparql, base_iri=base_iri)
            except SyntaxError as error:
                raise QueryError(str(error)) from None
            finally:
                self.pool.invalidate()

    def write_graph(self, graph: str | None, data: bytes, media_type: str, *, replace: bool,
                    base_iri: str | None) -> bool:
        """Load RDF into a named graph (or the default graph when ``graph`` is None); True if it was new."""
        with self._lock:
            store = self._open()
            target = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
            existed = graph is None or any(store.quads_for_pattern(None, None, None, target))
            parsed = self._parse(data, media_type, base_iri)
            if replace and graph is None:
                store.clear_graph(target)
            elif replace and existed:
                store.remove_graph(target)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in parsed)
            self.pool.invalidate()
            return not existed

    @staticmethod
    def _parse(data: bytes, media_type: str, base_iri: str | None) -> list:
        try:
            return list(ox.parse(data, format=RDF_UPLOAD_FORMATS[media_type], base_iri=base_iri))
        except SyntaxError as error:
            raise QueryError(f"the {media_type} body does not parse: {error}") from None

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph (or empty the default graph); False if there was nothing."""
        with self._lock:
            store = self._open()
            target = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
            existed = any(store.quads_for_pattern(None, None, None, target))
            if graph is None:
                store.clear_graph(target)
            elif existed:
                store.remove_graph(target)
            self.pool.invalidate()
            return existed

    def close(self) -> None:
        """Release the read-write handle (its lock) when the app shuts down."""
        with self._lock:
            self._store = None


def require_admin() -> None:
    """Allow the request only with the configured admin bearer token (:raise 401/403:)."""
    token = current_app.config["ADMIN_TOKEN"]
    if not token:
        raise Forbidden("this endpoint is read-only: writes need a server started with an admin token")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("writes need the header 'Authorization: Bearer <admin token>'")
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        raise Forbidden("the admin token is not valid")


def _target_graph() -> str | None:
    graph = request.args.get("graph")
    if graph is None and "default" not in request.args:
        raise BadRequest("name the graph: ?graph=<IRI> or ?default")
    if graph is not None and "default" in request.args:
        raise BadRequest("give either ?graph=<IRI> or ?default, not both")
    return graph


def graph_store_view(negotiate, answer) -> Response:
    """The Graph Store Protocol at ``/rdf-graph-store``: GET reads, PUT/POST/DELETE need the admin token."""
    graph = _target_graph()
    if request.method == "GET":
        _, graph_format = negotiate()
        where = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        job = QueryJob(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}", "json", graph_format,
                       current_app.config["MAX_RESULTS"], union_default_graph=False)
        result = current_app.extensions["sinoeu_query_pool"].run(job)
        if graph is not None and result.count == 0:
            raise NotFound(f"no graph named <{graph}> in the store")
        return answer(result)
    require_admin()
    writer: StoreWriter = current_app.extensions["sinoeu_writer"]
    if request.method == "DELETE":
        if not writer.drop_graph(graph) and graph is not None:
            raise NotFound(f"no graph named <{graph}> in the store")
        return Response(status=204)
    media_type = request.mimetype
    if media_type not in RDF_UPLOAD_FORMATS:
        raise UnsupportedMediaType(f"send RDF as one of: {', '.join(RDF_UPLOAD_FORMATS)}")
    created = writer.write_graph(graph, request.get_data(), media_type, replace=request.method == "PUT",
                                 base_iri=graph or request.base_url)
    return Response(status=201 if created else 204)
