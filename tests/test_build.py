"""Record -> quads: the modelling of the brief's graph design."""

import pytest
from pyoxigraph import Store

from extract.records import record_from_dict
from graph.build import build_document_graph, content_hash
from graph.errors import RecordError

BASE = "https://w3id.org/sinoeu-kg/"
PREFIXES = {"org": "http://www.w3.org/ns/org#", "skos": "http://www.w3.org/2004/02/skos/core#",
            "prov": "http://www.w3.org/ns/prov#", "schema": "https://schema.org/", "oa": "http://www.w3.org/ns/oa#",
            "sino": "https://w3id.org/sinoeu-kg/ontology#", "dcterms": "http://purl.org/dc/terms/",
            "xsd": "http://www.w3.org/2001/XMLSchema#"}
TEXT = "Intro. The Forum was hosted by Acme Energy GmbH in Hamburg. Anna Keller, CEO of Acme Energy GmbH, spoke."


def record(**extra):
    data = {
        "id": "doc-1", "lang": "de", "date": "2023-10", "method": "rules", "text": TEXT,
        "sentences": [{"start": 0, "end": 6}, {"start": 7, "end": 59}, {"start": 60, "end": len(TEXT)}],
        "organizations": [{"name": "Acme Energy GmbH", "aliases": ["Acme"], "acronym": "AEG", "country": "de",
                           "kind": "company", "spans": [{"start": 31, "end": 47}], "confidence": 0.8}],
        "persons": [{"name": "Anna Keller", "post": "CEO", "organization": "Acme Energy GmbH",
                     "spans": [{"start": 60, "end": 71}]}],
        "events": [{"name": "Forum", "type": "forum", "date": "2023-10-17", "place": "Hamburg",
                    "roles": [{"organization": "Acme", "role": "host", "span": {"start": 11, "end": 30}}],
                    "spans": [{"start": 11, "end": 16}]}],
        "projects": [{"name": "Hydrogen Hub", "place": "Hamburg", "sectors": ["energy", "space mining"],
                      "partners": ["Acme Energy GmbH", "Unlisted Partner AG"],
                      "targets": {"neutrality_year": 2040, "population": 150000}}],
        "places": ["Hamburg"], "sectors": ["energy"],
        "noise": [{"start": 0, "end": 6, "reason": "chrome"}],
    }
    data.update(extra)
    return record_from_dict(data)


def graph_of(rec):
    store = Store()
    store.extend(build_document_graph(rec, base_iri=BASE, identity=None, generated_at="2026-01-01T00:00:00+00:00"))
    return store


def ask(store, where):
    prefixes = "".join(f"PREFIX {k}: <{v}> " for k, v in PREFIXES.items())
    return bool(store.query(prefixes + "ASK { " + where + " }", use_default_graph_as_union=True))


def test_everything_lands_in_the_documents_named_graph():
    store = graph_of(record())
    assert {g.value for g in store.named_graphs()} == {BASE + "graph/doc/doc-1"}


@pytest.mark.parametrize("pattern", [
    '?o a org:Organization ; skos:prefLabel "Acme Energy GmbH"@de ; skos:altLabel "Acme"@de, "AEG" ; '
    'sino:acronym "AEG" ; schema:addressCountry "DE" ; org:classification <https://w3id.org/sinoeu-kg/id/kind/company>',
    '?p a schema:Person, foaf:Person ; schema:name "Anna Keller" ; org:holds ?post . '
    '?post a org:Post ; skos:prefLabel "CEO"@de ; org:heldBy ?p ; org:postIn ?o . ?o skos:prefLabel "Acme Energy GmbH"@de',
    '?e a schema:Event, prov:Activity ; schema:name "Forum"@de ; '
    'sino:eventType <https://w3id.org/sinoeu-kg/id/event-type/forum> ; schema:startDate "2023-10-17"^^xsd:date ; '
    'schema:location [ a schema:Place ; schema:name "Hamburg"@de ] ; prov:wasAssociatedWith ?o ; '
    'prov:qualifiedAssociation [ a prov:Association ; prov:agent ?o ; prov:hadRole <https://w3id.org/sinoeu-kg/id/role/host> ] . '
    '?o skos:prefLabel "Acme Energy GmbH"@de',
    '?j a sino:Project ; schema:name "Hydrogen Hub"@de ; sino:sector <https://w3id.org/sinoeu-kg/id/sector/energy> ; '
    'sino:sector ?minted ; sino:partner ?o, ?unlisted ; sino:neutralityYear "2040"^^xsd:gYear ; '
    'sino:targetPopulation 150000 . ?minted a sino:Sector ; skos:prefLabel "space mining"@en . '
    '?unlisted a org:Organization ; skos:prefLabel "Unlisted Partner AG"@de',
    '?d a sino:Document ; dcterms:identifier "doc-1" ; dcterms:language "de" ; dcterms:date "2023-10"^^xsd:gYearMonth ; '
    'sino:text ?t ; sino:method "rules" ; sino:contentHash ?h ; sino:record ?r ; '
    'prov:generatedAtTime "2026-01-01T00:00:00+00:00"^^xsd:dateTime ; sino:sector ?s ; '
    'sino:noise [ a sino:NoiseSpan ; sino:reason "chrome" ; oa:start 0 ; oa:end 6 ]',
    '?a a oa:Annotation ; oa:hasBody ?part ; sino:method "rules" ; '
    'sino:sentence "The Forum was hosted by Acme Energy GmbH in Hamburg." ; oa:hasTarget ?t . '
    '?t oa:hasSource ?d ; oa:hasSelector [ a oa:TextPositionSelector ; oa:start 11 ; oa:end 30 ] . ?part a prov:Association',
    '?a a oa:Annotation ; oa:hasBody ?o ; sino:confidence 0.8 . ?o a org:Organization',
])
def test_modelling(pattern):
    assert ask(graph_of(record()), pattern.replace("foaf:Person", "<http://xmlns.com/foaf/0.1/Person>"))


def test_gold_records_get_whole_document_evidence(gold_records):
    store = graph_of(gold_records[0])
    assert ask(store, '?a a oa:Annotation ; oa:hasTarget ?d ; sino:method "manual" ; sino:confidence 1.0 . '
                      '?d a sino:Document')
    assert not ask(store, "?s a oa:TextPositionSelector")


@pytest.mark.parametrize("change,message", [
    ({"events": [{"name": "E", "roles": [{"organization": "X", "role": "boss"}]}]}, "role 'boss'"),
    ({"date": "2023-13-45"}, "date '2023-13-45'"),
    ({"date": "last year"}, "not YYYY-MM-DD"),
    ({"lang": "not a tag!"}, "BCP 47"),
    ({"organizations": [{"name": "X", "kind": "church"}]}, "kind 'church'"),
    ({"organizations": [{"name": "X", "confidence": "high"}]}, "confidence 'high' is not a number"),
    ({"projects": [{"name": "P", "targets": {"population": "many"}}]}, "population 'many' is not a number"),
])
def test_bad_values_are_record_errors(change, message):
    with pytest.raises(RecordError, match=message):
        graph_of(record(**change))


def test_nasty_names_still_give_a_valid_graph():
    nasty = 'Acme "<Energy>" \u200b\u202eGmbH'
    rec = record(id="a b/<c>", organizations=[{"name": nasty}], persons=[], events=[], projects=[])
    assert ask(graph_of(rec), f"?o skos:prefLabel {_literal(nasty)}")


def _literal(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@de'


def test_content_hash_changes_with_the_record_only():
    assert content_hash(record()) == content_hash(record())
    assert content_hash(record()) != content_hash(record(date="2023-11"))


def test_build_is_deterministic_given_the_time():
    assert set(build_document_graph(record(), base_iri=BASE, generated_at="2026-01-01T00:00:00+00:00")) == \
        set(build_document_graph(record(), base_iri=BASE, generated_at="2026-01-01T00:00:00+00:00"))
