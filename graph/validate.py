"""SHACL validation of the store's data against ``ontology/shapes.ttl`` (pyshacl).

The data graph is the union of every graph except the ontology graph; the
ontology files are passed as pyshacl's ``ont_graph`` so subclass links and
SKOS concepts are known while shapes are checked.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat
from rdflib import Graph

from graph.errors import SinoeuError
from graph.iris import ontology_graph_iri
from graph.store import PROJECT_DIR, GraphStore, ontology_files

SHAPES = PROJECT_DIR / "ontology" / "shapes.ttl"


def data_graph(store: GraphStore) -> Graph:
    """Every data triple of the store (documents, merge, curation) as one rdflib graph."""
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                          f"FILTER(?g != <{ontology_graph_iri(store.base_iri)}>) }}")
    return Graph().parse(data=triples.serialize(format=RdfFormat.N_TRIPLES), format="nt")


def validate_store(store: GraphStore, shapes: Path = SHAPES) -> tuple[bool, str]:
    """``(conforms, report text)`` of the store's data against the SHACL shapes."""
    from pyshacl import validate

    if not shapes.is_file():
        raise SinoeuError(f"no SHACL shapes at {shapes}; the ontology's shapes.ttl is needed to validate")
    ontology = Graph()
    for path in ontology_files():
        ontology.parse(path, format="turtle")
    conforms, _, text = validate(data_graph(store), shacl_graph=Graph().parse(shapes, format="turtle"),
                                 ont_graph=ontology, inference="none", allow_warnings=True)
    return bool(conforms), text
