"""The server's query pool and writer when ``--store`` is a SPARQL service URL.

Same interface as :class:`web.query_pool.QueryPool` and
:class:`web.graph_store.StoreWriter`, so ``/sparql``, the Graph Store Protocol
and linked data run unchanged: queries go to the remote service through
:class:`graph.remote_store.RemoteStore` (which returns pyoxigraph result objects,
so ``run_job`` caps and serializes them exactly as for the embedded store), and
the HTTP timeout is the query time limit (the service stops or finishes the
query; no local worker process to kill). Writes are forwarded to the service's
update URL (the admin token is still checked by the views first).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph.errors import QueryError
from graph.remote_store import RemoteStore
from web.graph_store import RDF_UPLOAD_FORMATS
from web.query_pool import QueryAnswer, QueryJob, run_job


def _remote(settings: dict[str, Any], *, read_only: bool) -> RemoteStore:
    return RemoteStore(settings["store"], update_url=settings.get("update_url"), gsp_url=settings.get("gsp_url"),
                       read_only=read_only, base_iri=settings["base_iri"], timeout=settings["query_timeout"])


class RemoteQueryPool:
    """Answers query jobs over HTTP (threads of the server run them concurrently)."""

    def __init__(self, settings: dict[str, Any]):
        self.store_path = settings["store"]
        self.store = _remote(settings, read_only=True)
        self.generation = 0

    def run(self, job: QueryJob) -> QueryAnswer:
        """Run one job on the service. :raise QueryTimeout: the service took longer than the limit."""
        return run_job(self.store, job)

    def invalidate(self) -> None:
        """Nothing cached: every query reads the service's current state."""

    def close(self) -> None:
        """No workers to stop."""


class RemoteStoreWriter:
    """Forwards the server's writes (SPARQL Update, Graph Store Protocol) to the service's update URL."""

    def __init__(self, settings: dict[str, Any], pool: RemoteQueryPool):
        self.store = _remote(settings, read_only=False)
        self.pool = pool

    def update(self, sparql: str, base_iri: str | None) -> None:
        self.store.update(f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql)

    def write_graph(self, graph: str | None, data: bytes, media_type: str, *, replace: bool,
                    base_iri: str | None) -> bool:
        """Load RDF into a named graph (or the default graph); True if the graph was new."""
        try:
            triples = list(ox.parse(data, format=RDF_UPLOAD_FORMATS[media_type], base_iri=base_iri))
        except SyntaxError as error:
            raise QueryError(f"the {media_type} body does not parse: {error}") from None
        existed = graph is None or self._exists(graph)
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        ops = [f"DROP SILENT {target}"] if replace else []
        if body:
            ops.append(f"INSERT DATA {{ {body} }}" if graph is None else f"INSERT DATA {{ {target} {{ {body} }} }}")
        if ops:
            self.store.update(" ;\n".join(ops))
        return not existed

    def drop_graph(self, graph: str | None) -> bool:
        """Remove a named graph (or empty the default graph); False if there was nothing."""
        existed = graph is None or self._exists(graph)
        if existed:
            self.store.update("DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>")
        return existed

    def _exists(self, graph: str) -> bool:
        return bool(self.store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union_default_graph=False))

    def close(self) -> None:
        """Nothing held open."""

