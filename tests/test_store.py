"""The on-disk store: idempotent and order-independent ingest, removal, merging, persistence, errors."""

import subprocess
import sys

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import PROV

from extract.records import ROLES, record_from_dict
from graph.errors import QueryError, StoreError
from graph.store import open_store

BASE = "https://w3id.org/sinoeu-kg/"
PREFIXES = ("PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX schema: <https://schema.org/> "
            "PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> ")


def graphs_without_timestamps(store) -> dict:
    """Named graph IRI -> rdflib graph, with prov:generatedAtTime dropped."""
    out = {}
    for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
        graph = Graph().parse(data=store.dump(RdfFormat.N_TRIPLES, graph=row["g"]), format="nt")
        graph.remove((None, PROV.generatedAtTime, None))
        out[row["g"]] = graph
    return out


def assert_isomorphic_datasets(a, b):
    ga, gb = graphs_without_timestamps(a), graphs_without_timestamps(b)
    assert sorted(ga) == sorted(gb)
    for name in ga:
        assert isomorphic(ga[name], gb[name]), f"graph {name} differs"


def test_ingesting_twice_changes_nothing(store, gold_records):
    first = store.ingest_records(gold_records)
    assert len(first.ok) == 5 and not first.failed
    second = store.ingest_records(gold_records)
    assert second.ok == [] and sorted(second.unchanged) == sorted(r.id for r in gold_records)
    assert second.triples == first.triples == store.count_triples()


def test_ingest_order_does_not_matter(tmp_path, gold_records):
    one_by_one = open_store(tmp_path / "a")
    for record in gold_records:
        one_by_one.ingest_records([record])
    reversed_batches = open_store(tmp_path / "b")
    reversed_batches.ingest_records(gold_records[::-1][:2])
    reversed_batches.ingest_records(gold_records[::-1][2:])
    assert_isomorphic_datasets(one_by_one, reversed_batches)
    assert one_by_one.count_triples() == reversed_batches.count_triples()


def test_removing_a_document_removes_its_facts_and_nothing_else(tmp_path, gold_records):
    full = open_store(tmp_path / "full")
    full.ingest_records(gold_records)
    german = next(r.id for r in gold_records if r.lang == "de")
    assert full.remove_document(german) is True
    assert full.remove_document(german) is False
    without = open_store(tmp_path / "without")
    without.ingest_records([r for r in gold_records if r.id != german])
    assert_isomorphic_datasets(full, without)
    assert german not in full.document_ids()
    assert not full.select(PREFIXES + "SELECT ?d WHERE { ?m prov:wasDerivedFrom ?d }", d=f"{BASE}id/doc/{german}")


def test_a_bad_record_fails_alone(store, gold_records):
    bad = record_from_dict({"id": "bad", "events": [{"name": "X", "roles": [{"organization": "A", "role": "king"}]}]})
    result = store.ingest_records([*gold_records[:2], bad])
    assert result.failed == [("bad", "role 'king' is not one of " + ", ".join(ROLES))]
    assert sorted(store.document_ids()) == sorted(r.id for r in gold_records[:2])


def test_cecco_is_one_node_with_its_polish_name(gold_store):
    rows = gold_store.select(PREFIXES + 'SELECT DISTINCT ?o WHERE { ?o sino:acronym "CECCO" }')
    assert len(rows) == 1
    labels = {r["l"] for r in gold_store.select(PREFIXES + "SELECT ?l WHERE { ?o skos:prefLabel|skos:altLabel ?l }",
                                                o=rows[0]["o"])}
    assert "Biuro Współpracy Chińsko-Unijnej na Rzecz Neutralności Węglowej" in labels
    assert "China-EU Carbon Neutrality Cooperation Office" in labels


def test_taicang_government_is_one_node(gold_store):
    rows = gold_store.select(PREFIXES + """SELECT DISTINCT ?o WHERE { ?o skos:prefLabel|skos:altLabel ?l
        FILTER(STR(?l) IN ("Taicang Municipal Government", "Stadtverwaltung von Taicang", "Urząd Miasta Taicang")) }""")
    assert len(rows) == 1


def test_launch_meeting_has_three_sources_and_both_role_statements(gold_store):
    rows = gold_store.select(PREFIXES + """SELECT ?e ?g ?role WHERE {
        ?cecco sino:acronym "CECCO" .
        GRAPH ?g { ?e sino:eventType <https://w3id.org/sinoeu-kg/id/event-type/launch> ;
                   prov:qualifiedAssociation [ prov:agent ?cecco ; prov:hadRole ?role ] } }""")
    assert len({r["e"] for r in rows}) == 1
    assert len({r["g"] for r in rows}) == 3
    roles = {r["role"].rsplit("/", 1)[1] for r in rows}
    assert roles == {"co-host", "co-organizer"}


def test_every_merge_decision_is_in_the_merge_graph(gold_store):
    decided = {r["e"] for r in gold_store.select(
        PREFIXES + f"SELECT ?e WHERE {{ GRAPH <{BASE}graph/merge> {{ ?m a sino:MergeDecision ; sino:mergedEntity ?e ; "
        "sino:mergeRule ?rule ; sino:mergeKey ?key ; sino:mergedName ?n ; prov:wasDerivedFrom ?d } }")}
    multi = {r["x"] for r in gold_store.select(PREFIXES + """SELECT ?x WHERE {
        GRAPH ?g1 { ?x a ?t } GRAPH ?g2 { ?x a ?t }
        FILTER(?g1 != ?g2 && STRSTARTS(STR(?g1), "https://w3id.org/sinoeu-kg/graph/doc/")
               && STRSTARTS(STR(?g2), "https://w3id.org/sinoeu-kg/graph/doc/")
               && ?t IN (org:Organization, schema:Event, sino:Project, schema:Person)) }""")}
    assert multi and multi <= decided


def test_persistence_reopen_read_only(tmp_path, gold_records):
    path = tmp_path / "persist"
    writable = open_store(path)
    triples = writable.ingest_records(gold_records).triples
    writable.close()
    del writable
    reopened = open_store(path, read_only=True)
    assert reopened.count_triples() == triples
    assert reopened.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?d a sino:Document }") == [{"n": 5}]
    with pytest.raises(StoreError, match="read-only"):
        reopened.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_a_locked_store_says_so(store):
    code = (f"from graph.store import open_store\nfrom graph.errors import StoreError\n"
            f"try:\n    open_store({str(store.path)!r})\nexcept StoreError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "locked by another process" in out


def test_missing_store_read_only_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "nothing", read_only=True)


def test_malformed_sparql_is_a_query_error(store):
    with pytest.raises(QueryError, match="malformed SPARQL query"):
        store.query("SELEKT ?x WHERE {}")
    with pytest.raises(QueryError, match="malformed SPARQL update"):
        store.update("INSERT NOTHING")


def test_replace_document_replaces_exactly_one_graph(store, gold_records):
    store.ingest_records(gold_records)
    doc = gold_records[0].id
    graph = NamedNode(f"{BASE}graph/doc/{doc}")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != ?doc) }"
    others = store.select(count, doc=graph.value)
    store.replace_document(doc, [Quad(NamedNode("urn:x"), NamedNode("urn:p"), Literal("v"), graph)])
    assert store.select(f"SELECT ?s WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}") == [{"s": "urn:x"}]
    assert store.select(count, doc=graph.value) == others


def test_curated_not_same_as_splits_an_entity(store, gold_records):
    store.ingest_records(gold_records)
    taicang = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT DISTINCT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> ; skos:prefLabel|skos:altLabel ?l FILTER(STR(?l) IN (\"Urząd Miasta Taicang\", \"Taicang Municipal Government\")) }"
    assert len(store.select(taicang)) == 1
    store.update(f"""PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        INSERT DATA {{ GRAPH <{BASE}graph/curation> {{ <urn:curation:1> skos:prefLabel "Urząd Miasta Taicang" ;
        sino:notSameAs "Taicang Municipal Government" }} }}""")
    assert store.refresh_identity() is True
    assert len(store.select(taicang)) == 2
    assert store.refresh_identity() is False
