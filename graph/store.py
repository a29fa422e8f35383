"""The on-disk graph store: pyoxigraph behind a small API (the only module opening a pyoxigraph Store).

Queries see the default graph as the UNION of all named graphs, so plain
queries need no ``GRAPH`` clause. Each document lives in its own named graph
and is replaced in one SPARQL Update (one transaction). Ingest is
incremental: unchanged records (same ``sino:contentHash``) are skipped,
identity is re-resolved over the set of all stored records (read back from
``sino:record``, so the store is self-contained), and only document graphs
whose identity changed are rewritten, plus the merge graph.

pyoxigraph's documented errors (``SyntaxError``, ``ValueError``, ``OSError``)
become :class:`QueryError` / :class:`StoreError` with messages saying what to do.
The builder and resolver (and with them rdflib and the record contract) are
imported only by the writing methods, so opening a store to query stays light.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from pyoxigraph import (BlankNode, DefaultGraph, Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Store,
                        parse)

from graph.errors import QueryError, RecordError, StoreError
from graph.iris import (DEFAULT_BASE_IRI, norm, curation_graph_iri, doc_graph_iri, doc_id_from_graph, merge_graph_iri,
                        ontology_graph_iri)

if TYPE_CHECKING:
    from extract.records import ExtractionRecord
    from graph.merge import IdentityMap

PROJECT_DIR = Path(__file__).resolve().parent.parent
WRITE_BATCH = 200  # document graphs per SPARQL Update (one transaction each)
_NUMERIC = {"integer": int, "int": int, "long": int, "nonNegativeInteger": int, "positiveInteger": int,
            "decimal": float, "double": float, "float": float}


@dataclass
class IngestResult:
    """What one ingest did: documents written, skipped as unchanged, rejected (id, reason)."""

    ok: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)  # other documents whose identity changed
    triples: int = 0


@dataclass
class _StoredDocument:
    record: ExtractionRecord
    hash: str
    generated_at: str | None


def open_store(path: str | Path, *, read_only: bool = False, base_iri: str = DEFAULT_BASE_IRI,
               update_url: str | None = None, gsp_url: str | None = None) -> "GraphStore":
    """Open (or create, unless ``read_only``) the store in directory ``path``.

    An ``http(s)://`` string is a SPARQL 1.1 query service instead: a
    :class:`graph.remote_store.RemoteStore` (writes through ``update_url`` /
    ``gsp_url``). Raises :class:`StoreError` when the store is missing, locked
    by another process, or unreadable.
    """
    if isinstance(path, str) and path.startswith(("http://", "https://")):
        from graph.remote_store import RemoteStore

        return RemoteStore(path, update_url=update_url, gsp_url=gsp_url, read_only=read_only, base_iri=base_iri)
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store directory; pass --store DIR (or SINOEU_KG_STORE)")
    if read_only and not (path / "CURRENT").exists():
        raise StoreError(f"no store at {path}; create one with `sinoeu-kg --store {path} ingest FILES...`")
    try:
        if read_only:
            store = Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            store = Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(f"the store at {path} is locked by another process (a running `sinoeu-kg serve` "
                             f"or ingest?); stop it, or open the store read-only ({exc})") from None
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
    return GraphStore(store, path, read_only=read_only, base_iri=base_iri)


class GraphStore:
    """A pyoxigraph store on disk with the project's graph layout."""

    def __init__(self, store: Store, path: Path, *, read_only: bool, base_iri: str):
        self._store = store
        self.path = path
        self.read_only = read_only
        self.base_iri = base_iri

    # --- queries -------------------------------------------------------------------------------
    def query(self, sparql: str, *, default_graph: list[str] | None = None, named_graphs: list[str] | None = None,
              union_default_graph: bool = True, substitutions: dict | None = None):
        """Run a SPARQL query; the default graph is the union of all graphs unless ``default_graph`` is given."""
        options: dict = {"use_default_graph_as_union": union_default_graph and default_graph is None}
        if default_graph is not None:
            options["default_graph"] = [NamedNode(g) for g in default_graph]
        if named_graphs is not None:
            options["named_graphs"] = [NamedNode(g) for g in named_graphs]
        if substitutions:
            options["substitutions"] = substitutions
        try:
            return self._store.query(sparql, **options)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL query: {exc}") from None
        except ValueError as exc:
            raise QueryError(f"cannot run the query: {exc}") from None
        except OSError as exc:
            raise StoreError(f"the store at {self.path} could not be read: {exc}") from None

    def select(self, sparql: str, **bindings) -> list[dict[str, object]]:
        """Rows of a SELECT as dicts of Python values (IRIs as ``str``, unbound as ``None``).

        Keyword arguments pre-bind variables: strings that look like IRIs
        (``http(s)://``, ``urn:``) bind as IRIs, other values as literals.
        """
        if bindings:  # a trailing VALUES joins before projection, so unprojected variables bind too
            names = " ".join(f"?{name}" for name in bindings)
            terms = " ".join(str(_term(value)) for value in bindings.values())
            sparql = f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"
        result = self.query(sparql)
        if not isinstance(result, QuerySolutions):
            raise QueryError("select() needs a SELECT query; use query() for ASK/CONSTRUCT/DESCRIBE")
        names = [v.value for v in result.variables]
        return [{name: to_python(row[name]) for name in names} for row in result]

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update (one transaction)."""
        if self.read_only:
            raise StoreError(f"the store at {self.path} is open read-only; updates need a writable store")
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL update: {exc}") from None
        except ValueError as exc:
            raise QueryError(f"cannot run the update: {exc}") from None
        except OSError as exc:
            raise StoreError(f"the store at {self.path} could not be written (disk full? locked?): {exc}") from None

    # --- graphs ------------------------------------------------------------------------------------
    def replace_document(self, doc_id: str, quads: Iterable[Quad]) -> None:
        """Drop the document's named graph and add ``quads`` to it, in one transaction."""
        self._replace_graphs({doc_graph_iri(self.base_iri, doc_id): quads})

    def _replace_graphs(self, graphs: dict[str, Iterable[Quad]]) -> None:
        """Make each graph hold exactly its quads, writing only the difference (batched transactions).

        Disk writes dominate ingest time, so a graph rebuilt because a few
        IRIs changed costs a few deletions and insertions, not a full rewrite.
        Graphs with blank nodes (the ontology) are dropped and re-inserted.
        """
        ops: list[str] = []
        for graph, quads in graphs.items():
            node = NamedNode(graph)
            new = set(quads)
            old = set(self._store.quads_for_pattern(None, None, None, node))
            if any(isinstance(t, BlankNode) for q in old | new for t in (q.subject, q.object)):
                ops.append(f"DROP SILENT GRAPH <{graph}>")
                old = set()
            if old - new:
                ops.append(f"DELETE DATA {{ GRAPH <{graph}> {{\n{_triples(old - new)}\n}} }}")
            if new - old:
                ops.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{_triples(new - old)}\n}} }}")
            if not new:
                ops.append(f"DROP SILENT GRAPH <{graph}>")
            if len(ops) >= WRITE_BATCH:
                self.update(" ;\n".join(ops))
                ops = []
        if ops:
            self.update(" ;\n".join(ops))

    def _has_graph(self, graph: str) -> bool:
        """Whether the named graph exists (backend primitive; RemoteStore asks its service)."""
        return self._store.contains_named_graph(NamedNode(graph))

    def _graph_quads(self, graph: str) -> list[Quad]:
        """The quads of one named graph (backend primitive; RemoteStore asks its service)."""
        return list(self._store.quads_for_pattern(None, None, None, NamedNode(graph)))

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document's graph; identity and the merge graph are recomputed without it."""
        stored = self._stored_documents()
        if doc_id not in stored:
            return False
        before = self._resolve([d.record for d in stored.values()])
        remaining = {k: v for k, v in stored.items() if k != doc_id}
        after = self._resolve([d.record for d in remaining.values()])
        self.update(f"DROP SILENT GRAPH <{doc_graph_iri(self.base_iri, doc_id)}>")
        self._rewrite(remaining, {}, before, after)
        return True

    def document_ids(self) -> list[str]:
        """Ids of the documents in the store, sorted."""
        ids = (doc_id_from_graph(self.base_iri, g.value) for g in self._store.named_graphs()
               if isinstance(g, NamedNode))
        return sorted(i for i in ids if i is not None)

    def count_triples(self) -> int:
        """Quads in all graphs (the ontology included)."""
        return len(self._store)

    def load_ontology(self) -> None:
        """(Re)load ``ontology/*.ttl`` (not the shapes) into ``{base}graph/ontology``."""
        graph = NamedNode(ontology_graph_iri(self.base_iri))
        quads = [Quad(q.subject, q.predicate, q.object, graph) for path in ontology_files()
                 for q in parse(path=str(path), format=RdfFormat.TURTLE)]
        self._replace_graphs({graph.value: quads})

    def dump(self, format: RdfFormat, *, graph: str | None = None) -> bytes:
        """Serialise the whole dataset (or one graph) in ``format``."""
        try:
            if graph is not None:
                return self._store.dump(format=format, from_graph=NamedNode(graph))
            if format in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML):
                return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize(format=format)
            return self._store.dump(format=format)
        except OSError as exc:
            raise StoreError(f"the store at {self.path} could not be read: {exc}") from None

    def import_dataset(self, path: str | Path) -> int:
        """Load a TriG / N-Quads file (an ``export``), replacing each graph it contains; returns quads read."""
        path = Path(path)
        fmt = RdfFormat.N_QUADS if path.suffix in (".nq", ".nquads") else RdfFormat.TRIG
        try:
            quads = list(parse(path=str(path), format=fmt))
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{path} is not valid {fmt.name}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc}") from None
        graphs: dict[str, list[Quad]] = {}
        for q in quads:
            if isinstance(q.graph_name, DefaultGraph):
                raise StoreError(f"{path} has triples outside named graphs; import takes an `export` (TriG/N-Quads)")
            graphs.setdefault(q.graph_name.value, []).append(q)
        self._replace_graphs(graphs)
        return len(quads)

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Flush and release the store (the lock of a writable store is freed when it is collected)."""
        store, self._store = self._store, None
        if store is not None and not self.read_only:
            try:
                store.flush()
            except OSError as exc:
                raise StoreError(f"the store at {self.path} could not be flushed to disk (disk full?): {exc}") from None

    # --- ingest ------------------------------------------------------------------------------------
    def ingest_records(self, records: Iterable[ExtractionRecord], *, generated_at: str | None = None,
                       progress: Callable[[int], None] | None = None) -> IngestResult:
        """Add or replace documents; re-resolve identity over all stored records; rewrite what changed."""
        from graph.build import content_hash

        result = IngestResult()
        stored = self._stored_documents()
        new: dict[str, ExtractionRecord] = {}
        for record in records:
            if record.id in stored and stored[record.id].hash == content_hash(record):
                result.unchanged.append(record.id)
                new.pop(record.id, None)
            else:
                new[record.id] = record
        if not self._has_graph(ontology_graph_iri(self.base_iri)):
            self.load_ontology()
        if new:
            before = self._resolve([d.record for d in stored.values()])
            while True:
                everything = {**{k: v.record for k, v in stored.items()}, **new}
                after = self._resolve(everything.values())
                built, failed = self._build_new(new, after, generated_at)
                if not failed:
                    break
                result.failed += failed
                for doc_id, _ in failed:
                    new.pop(doc_id)
            result.rewritten = self._rewrite(stored, built, before, after, progress)
            result.ok = sorted(built)
        result.triples = self.count_triples()
        return result

    def refresh_identity(self) -> bool:
        """Re-resolve identity (e.g. after editing the curation graph); rewrite everything if it changed."""
        from graph.build import build_document_graph, build_merge_graph

        stored = self._stored_documents()
        identity = self._resolve([d.record for d in stored.values()])
        merge = merge_graph_iri(self.base_iri)
        if set(build_merge_graph(identity)) == set(self._graph_quads(merge)):
            return False
        graphs = {doc_graph_iri(self.base_iri, doc_id): build_document_graph(
            doc.record, base_iri=self.base_iri, identity=identity, generated_at=doc.generated_at)
            for doc_id, doc in stored.items()}
        graphs[merge] = build_merge_graph(identity)
        self._replace_graphs(graphs)
        return True

    def _build_new(self, new, identity, generated_at):
        from graph.build import build_document_graph

        built, failed = {}, []
        for doc_id, record in new.items():
            try:
                built[doc_id] = build_document_graph(record, base_iri=self.base_iri, identity=identity,
                                                     generated_at=generated_at)
            except RecordError as exc:
                failed.append((doc_id, exc.reason if hasattr(exc, "reason") else str(exc)))
        return built, failed

    def _rewrite(self, stored: dict[str, _StoredDocument], built: dict[str, list[Quad]],
                 before: IdentityMap, after: IdentityMap, progress=None) -> list[str]:
        """Write new graphs, rebuild stored ones whose identity changed, rewrite the merge graph."""
        from graph.build import build_document_graph, build_merge_graph

        rewritten = [doc_id for doc_id in sorted(stored)
                     if doc_id not in built and before.signature(doc_id) != after.signature(doc_id)]
        graphs = {doc_graph_iri(self.base_iri, doc_id): quads for doc_id, quads in built.items()}
        for doc_id in rewritten:
            doc = stored[doc_id]
            graphs[doc_graph_iri(self.base_iri, doc_id)] = build_document_graph(
                doc.record, base_iri=self.base_iri, identity=after, generated_at=doc.generated_at)
        graphs[merge_graph_iri(self.base_iri)] = build_merge_graph(after)
        items = list(graphs.items())
        for start in range(0, len(items), WRITE_BATCH):
            chunk = dict(items[start:start + WRITE_BATCH])
            self._replace_graphs(chunk)
            if progress:
                progress(len(chunk))
        return rewritten

    def _resolve(self, records) -> IdentityMap:
        from graph.merge import resolve_identity

        return resolve_identity(records, base_iri=self.base_iri, not_same_as=self.not_same_as())

    def _stored_documents(self) -> dict[str, _StoredDocument]:
        from extract.records import record_from_dict

        rows = self.query(
            "PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
            "SELECT ?g ?hash ?record ?time WHERE { GRAPH ?g { ?doc a sino:Document ; sino:contentHash ?hash ; "
            "sino:record ?record . OPTIONAL { ?doc prov:generatedAtTime ?time } } }")
        out = {}
        for row in rows:
            doc_id = doc_id_from_graph(self.base_iri, row["g"].value)
            if doc_id is None:
                continue
            record = record_from_dict(json.loads(row["record"].value), f"store graph {row['g'].value}")
            time = row["time"].value if row["time"] is not None else None
            out[doc_id] = _StoredDocument(record, row["hash"].value, time)
        return out

    def not_same_as(self) -> list[tuple[str, str]]:
        """Curated ``sino:notSameAs`` pairs (curation graph) as name pairs.

        ``?x sino:notSameAs ?y``: the names of a node are its skos:prefLabel /
        altLabel / schema:name in any graph; a literal ``?y`` is a name itself.
        """
        rows = self.query(
            "PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX schema: <https://schema.org/> "
            f"SELECT ?a ?b WHERE {{ GRAPH <{curation_graph_iri(self.base_iri)}> {{ ?x sino:notSameAs ?y }} "
            "?x skos:prefLabel|skos:altLabel|schema:name ?a . "
            "OPTIONAL { ?y skos:prefLabel|skos:altLabel|schema:name ?label } "
            "BIND(IF(isLiteral(?y), ?y, ?label) AS ?b) FILTER(BOUND(?b)) }")
        pairs = {(row["a"].value, row["b"].value) for row in rows}
        return sorted((a, b) for a, b in pairs if norm(a) != norm(b))


def ontology_files() -> list[Path]:
    """The ontology's Turtle files (``ontology.ontology_files()`` when the ontology package offers it)."""
    import ontology

    if hasattr(ontology, "ontology_files"):
        return [Path(p) for p in ontology.ontology_files()]
    return sorted(p for p in (PROJECT_DIR / "ontology").glob("*.ttl") if p.name != "shapes.ttl")


def _triples(quads: Iterable[Quad]) -> str:
    return "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _term(value):
    if isinstance(value, (NamedNode, Literal, BlankNode)):
        return value
    if isinstance(value, str) and (value.startswith(("http://", "https://", "urn:"))):
        return NamedNode(value)
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    return Literal(value)


def to_python(term) -> object:
    """An RDF term as a Python value: IRI -> str, numeric literal -> int/float, other literal -> str."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        local = term.datatype.value.rsplit("#", 1)[-1]
        if local == "boolean":
            return term.value in ("true", "1")
        if local in _NUMERIC:
            try:
                return _NUMERIC[local](term.value)
            except ValueError:
                return term.value
        return term.value
    return str(term)
