"""The ontology files: they parse, agree with graph.namespaces.SINO and the record vocabularies,
label every concept in seven languages, cover the gold sectors, and their SHACL shapes tell
conforming from broken graphs."""

from __future__ import annotations

import json

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from extract.records import EVENT_TYPES, ORG_KINDS, ROLES
from graph.iris import concept_iri, slugify
from graph.namespaces import DCTERMS, OA, ORG, PROV, SDO, SINO, XSD
from ontology import load_query, ontology_dir, ontology_files, query_files, shapes_file

LANGUAGES = ("en", "de", "fr", "it", "pl", "es", "zh")
SCHEME_BASE = "https://w3id.org/sinoeu-kg/id/scheme/"
SCHEMES = {  # file -> (scheme IRI, IRI kind segment, concept class, the vocabulary it must equal or None)
    "sectors.ttl": (SCHEME_BASE + "sectors", "sector", SINO.Sector, None),
    "roles.ttl": (SCHEME_BASE + "roles", "role", SINO.EventRole, ROLES),
    "kinds.ttl": (SCHEME_BASE + "kinds", "kind", SINO.OrganizationKind, ORG_KINDS),
    "event-types.ttl": (SCHEME_BASE + "event-types", "event-type", SINO.EventType, EVENT_TYPES),
}
REUSED = ("http://www.w3.org/", "https://schema.org/", "http://purl.org/dc/terms/", "http://xmlns.com/foaf/")


def parse(path) -> Graph:
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def model() -> Graph:
    return parse(ontology_dir() / "sinoeu.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse(shapes_file())


def concepts(graph: Graph, scheme: str) -> set[URIRef]:
    return set(graph.subjects(SKOS.inScheme, URIRef(scheme)))


def english_index(graph: Graph, scheme: str) -> dict[str, set[URIRef]]:
    """Lower-cased English prefLabel/altLabel -> concepts of ``scheme``."""
    index: dict[str, set[URIRef]] = {}
    for concept in concepts(graph, scheme):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(concept, prop):
                if label.language == "en":
                    index.setdefault(str(label).lower(), set()).add(concept)
    return index


# --- files -----------------------------------------------------------------------------------

def test_helpers_list_the_files_the_store_loads():
    names = [p.name for p in ontology_files()]
    assert names == sorted(names)
    assert {"sinoeu.ttl", "sectors.ttl", "roles.ttl", "kinds.ttl", "event-types.ttl"} <= set(names)
    assert "shapes.ttl" not in names and shapes_file().name == "shapes.ttl" and shapes_file().is_file()


@pytest.mark.parametrize("path", [*ontology_files(), shapes_file()], ids=lambda p: p.name)
def test_every_turtle_file_parses_and_is_not_empty(path):
    assert len(parse(path)) > 50


def test_query_helpers_find_eight_competency_questions_in_order():
    names = list(query_files())
    assert [n.split("_", 1)[0] for n in names] == [f"cq0{i}" for i in range(1, 9)]
    assert load_query("cq03") == query_files()[names[2]].read_text(encoding="utf-8")
    assert load_query(names[0]).lstrip().startswith("#")
    with pytest.raises(KeyError, match="cq01"):
        load_query("cq99")


def test_queries_readme_lists_every_query():
    readme = (ontology_dir() / "queries" / "README.md").read_text(encoding="utf-8")
    missing = [name for name in query_files() if f"{name}.rq" not in readme]
    assert not missing


# --- the model and graph.namespaces.SINO agree --------------------------------------------------

def declared_terms(model: Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
    return {str(s)[len(str(SINO)):] for kind in kinds for s in model.subjects(RDF.type, kind)
            if str(s).startswith(str(SINO))}


def test_every_sino_term_is_declared_in_the_ontology_and_vice_versa(model):
    in_code = set(SINO.__annotations__)
    in_ttl = declared_terms(model)
    assert in_code - in_ttl == set(), "terms in graph/namespaces.py missing from ontology/sinoeu.ttl"
    assert in_ttl - in_code == set(), "terms in ontology/sinoeu.ttl missing from graph/namespaces.py"
    stray = {str(s) for s in model.subjects() if str(s).startswith(str(SINO))} - {str(SINO) + t for t in in_code}
    assert not stray


@pytest.mark.parametrize("term", list(SINO.__annotations__))
def test_every_term_is_documented_in_english_and_german(model, term):
    iri = URIRef(str(SINO) + term)
    labels = {label.language for label in model.objects(iri, RDFS.label)}
    assert {"en", "de"} <= labels
    comments = [c for c in model.objects(iri, RDFS.comment) if c.language == "en"]
    assert len(comments) == 1 and len(comments[0]) > 20


def test_every_class_extends_a_reused_vocabulary(model):
    for cls in model.subjects(RDF.type, OWL.Class):
        parents = [str(p) for p in model.objects(cls, RDFS.subClassOf)]
        assert any(p.startswith(REUSED) for p in parents), f"{cls} has no W3C/schema.org superclass"


def test_key_links_to_w3c_vocabularies(model):
    assert (SINO.EventRole, RDFS.subClassOf, PROV.Role) in model
    assert (SINO.Document, RDFS.subClassOf, PROV.Entity) in model
    assert (SINO.Project, RDFS.subClassOf, SDO.Project) in model
    assert (SINO.acronym, RDFS.subPropertyOf, SKOS.altLabel) in model
    assert (SINO.partner, RDFS.range, ORG.Organization) in model
    assert (SINO.confidence, RDFS.domain, OA.Annotation) in model


def test_object_and_datatype_properties_say_what_they_link(model):
    for prop in [*model.subjects(RDF.type, OWL.ObjectProperty), *model.subjects(RDF.type, OWL.DatatypeProperty)]:
        assert (prop, RDFS.domain, None) in model or (prop, SDO.domainIncludes, None) in model, prop
    for prop in model.subjects(RDF.type, OWL.DatatypeProperty):
        assert (prop, RDFS.range, None) in model, prop


# --- SKOS schemes -------------------------------------------------------------------------------

@pytest.mark.parametrize("file_name", SCHEMES)
def test_scheme_concepts_have_one_label_in_each_language(file_name):
    graph = parse(ontology_dir() / file_name)
    scheme, kind, cls, _ = SCHEMES[file_name]
    members = concepts(graph, scheme)
    assert len(members) >= 8
    for lang in LANGUAGES:
        assert [l for l in graph.objects(URIRef(scheme), SKOS.prefLabel) if l.language == lang], (scheme, lang)
    for concept in members:
        assert (concept, RDF.type, SKOS.Concept) in graph and (concept, RDF.type, cls) in graph
        langs = [label.language for label in graph.objects(concept, SKOS.prefLabel)]
        assert sorted(langs) == sorted(LANGUAGES), f"{concept}: prefLabels in {sorted(langs)}"
        for label in graph.objects(concept, SKOS.prefLabel):
            assert str(label).strip() == str(label) and str(label), (concept, label)


@pytest.mark.parametrize("file_name", SCHEMES)
def test_scheme_iris_slugs_and_top_concepts(file_name):
    graph = parse(ontology_dir() / file_name)
    scheme, kind, _, vocabulary = SCHEMES[file_name]
    members = concepts(graph, scheme)
    slugs = {str(c).rsplit("/", 1)[1] for c in members}
    for concept in members:
        slug = str(concept).rsplit("/", 1)[1]
        assert str(concept) == concept_iri(kind, slug), "concept IRIs must be those graph.iris mints"
        assert str(graph.value(concept, SKOS.notation)) == slug
    if vocabulary is not None:
        assert slugs == set(vocabulary)
    tops = set(graph.objects(URIRef(scheme), SKOS.hasTopConcept))
    assert tops == set(graph.subjects(SKOS.topConceptOf, URIRef(scheme)))
    assert tops == {c for c in members if (c, SKOS.broader, None) not in graph}


@pytest.mark.parametrize("file_name", SCHEMES)
def test_no_label_names_two_concepts_of_a_scheme(file_name):
    graph = parse(ontology_dir() / file_name)
    owners: dict[tuple[str, str], set] = {}
    for concept in concepts(graph, SCHEMES[file_name][0]):
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(concept, prop):
                owners.setdefault((str(label).casefold(), label.language), set()).add(concept)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize("file_name", SCHEMES)
def test_broader_links_stay_in_the_scheme_without_cycles(file_name):
    graph = parse(ontology_dir() / file_name)
    members = concepts(graph, SCHEMES[file_name][0])
    for concept in members:
        assert set(graph.objects(concept, SKOS.broader)) <= members
        seen, todo = set(), [concept]
        while todo:
            for parent in graph.objects(todo.pop(), SKOS.broader):
                assert parent != concept, f"skos:broader cycle through {concept}"
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)


def test_sector_slugs_are_the_english_label_with_hyphens():
    graph = parse(ontology_dir() / "sectors.ttl")
    for concept in concepts(graph, SCHEMES["sectors.ttl"][0]):
        english = [l for l in graph.objects(concept, SKOS.prefLabel) if l.language == "en"][0]
        assert str(english) == str(english).lower()
        assert str(concept).rsplit("/", 1)[1] == str(english).replace(" ", "-") == slugify(str(english))


@pytest.mark.parametrize("narrower, broader", [
    ("co-host", "host"), ("co-organizer", "organizer"),
])
def test_joint_roles_are_narrower_than_plain_roles(narrower, broader):
    graph = parse(ontology_dir() / "roles.ttl")
    assert (URIRef(concept_iri("role", narrower)), SKOS.broader, URIRef(concept_iri("role", broader))) in graph
    for role in ROLES:
        assert (URIRef(concept_iri("role", role)), RDF.type, PROV.Role) in graph


@pytest.mark.parametrize("narrower, broader", [
    ("renewable energy", "energy"), ("hydrogen", "energy"), ("fuel cell vehicles", "mobility"),
    ("mobility", "transportation"), ("resource recycling", "circular economy"),
    ("digital governance", "digitalization"), ("green finance", "finance"), ("biomedicine", "health"),
])
def test_sector_hierarchy(narrower, broader):
    graph = parse(ontology_dir() / "sectors.ttl")
    assert (URIRef(concept_iri("sector", narrower)), SKOS.broader, URIRef(concept_iri("sector", broader))) in graph


def gold_sector_labels(gold_dir) -> set[str]:
    labels = set()
    for path in gold_dir.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        labels.update(data.get("sectors") or [])
        for project in data.get("projects") or []:
            labels.update(project.get("sectors") or [])
    return labels


def test_every_gold_sector_resolves_to_exactly_one_concept_by_english_prefLabel(gold_dir):
    graph = parse(ontology_dir() / "sectors.ttl")
    labels = gold_sector_labels(gold_dir)
    assert len(labels) >= 20
    by_pref = {str(l): c for c, l in graph.subject_objects(SKOS.prefLabel) if l.language == "en"}
    missing = sorted(label for label in labels if label not in by_pref)
    assert not missing, f"gold sector labels without a concept: {missing}"
    index = english_index(graph, SCHEMES["sectors.ttl"][0])
    assert all(index[label] == {by_pref[label]} for label in labels)


@pytest.mark.parametrize("synonym, concept", [
    ("transport", "transportation"), ("digitalisation", "digitalization"), ("renewables", "renewable energy"),
    ("environment", "ecological environment"),
])
def test_english_synonyms_resolve_through_altLabels(synonym, concept):
    graph = parse(ontology_dir() / "sectors.ttl")
    assert english_index(graph, SCHEMES["sectors.ttl"][0])[synonym] == {URIRef(concept_iri("sector", concept))}


def test_graph_build_resolves_gold_sectors_to_the_shipped_concepts(gold_dir):
    from graph.build import sector_concepts

    known = sector_concepts()
    for label in gold_sector_labels(gold_dir):
        assert known[label] == concept_iri("sector", label)


# --- SHACL shapes -------------------------------------------------------------------------------

BASE = "https://w3id.org/sinoeu-kg/"
ID = Namespace(BASE + "id/")


def conforming_graph() -> Graph:
    """A tiny graph in the shape graph/build.py writes: one document, org, person, event, project."""
    g = Graph()
    doc, org, person, post = ID["doc/d1"], ID["org/acme-1"], ID["person/anna-1"], ID["post/ceo-1"]
    event, part, project, place = ID["event/forum-1"], ID["participation/p-1"], ID["project/hub-1"], ID["place/hh-1"]
    ann, target, selector = ID["evidence/e-1"], ID["evidence/e-1#target"], ID["evidence/e-1#selector"]
    g.add((doc, RDF.type, SINO.Document))
    g.add((doc, DCTERMS.identifier, Literal("d1")))
    g.add((doc, DCTERMS.language, Literal("de")))
    g.add((doc, DCTERMS.date, Literal("2023-10", datatype=XSD.gYearMonth)))
    g.add((doc, SINO.method, Literal("rules")))
    g.add((doc, SINO.contentHash, Literal("ab" * 32)))
    g.add((doc, PROV.generatedAtTime, Literal("2026-01-01T00:00:00+00:00", datatype=XSD.dateTime)))
    g.add((doc, SINO.sector, URIRef(concept_iri("sector", "energy"))))
    noise = URIRef(str(doc) + "#noise-0")
    g.add((doc, SINO.noise, noise))
    g.add((noise, RDF.type, SINO.NoiseSpan))
    g.add((noise, SINO.reason, Literal("cookie banner")))
    g.add((org, RDF.type, ORG.Organization))
    g.add((org, SKOS.prefLabel, Literal("Acme Energie GmbH", lang="de")))
    g.add((org, SKOS.altLabel, Literal("AEG")))
    g.add((org, SINO.acronym, Literal("AEG")))
    g.add((org, SDO.addressCountry, Literal("DE")))
    g.add((org, ORG.classification, URIRef(concept_iri("kind", "company"))))
    g.add((person, RDF.type, SDO.Person))
    g.add((person, SDO.name, Literal("Anna Keller")))
    g.add((person, ORG.holds, post))
    g.add((post, RDF.type, ORG.Post))
    g.add((post, SKOS.prefLabel, Literal("Geschäftsführerin", lang="de")))
    g.add((post, ORG.heldBy, person))
    g.add((post, ORG.postIn, org))
    g.add((place, RDF.type, SDO.Place))
    g.add((place, SDO.name, Literal("Hamburg", lang="de")))
    g.add((event, RDF.type, SDO.Event))
    g.add((event, RDF.type, PROV.Activity))
    g.add((event, SDO.name, Literal("Wasserstoff-Forum", lang="de")))
    g.add((event, SINO.eventType, URIRef(concept_iri("event-type", "forum"))))
    g.add((event, SDO.startDate, Literal("2023-10-17", datatype=XSD.date)))
    g.add((event, SDO.location, place))
    g.add((event, PROV.qualifiedAssociation, part))
    g.add((event, PROV.wasAssociatedWith, org))
    g.add((part, RDF.type, PROV.Association))
    g.add((part, PROV.agent, org))
    g.add((part, PROV.hadRole, URIRef(concept_iri("role", "co-host"))))
    g.add((project, RDF.type, SINO.Project))
    g.add((project, SDO.name, Literal("Wasserstoff-Hub", lang="de")))
    g.add((project, SINO.sector, URIRef(concept_iri("sector", "hydrogen"))))
    g.add((project, SINO.partner, org))
    g.add((project, SINO.neutralityYear, Literal("2040", datatype=XSD.gYear)))
    g.add((project, SINO.targetPopulation, Literal(150000)))
    g.add((ann, RDF.type, OA.Annotation))
    g.add((ann, OA.hasBody, part))
    g.add((ann, OA.hasTarget, target))
    g.add((ann, SINO.method, Literal("rules")))
    g.add((ann, SINO.confidence, Literal("0.8", datatype=XSD.decimal)))
    g.add((ann, SINO.sentence, Literal("Das Forum richtete Acme aus.")))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, doc))
    g.add((target, OA.hasSelector, selector))
    g.add((selector, RDF.type, OA.TextPositionSelector))
    g.add((selector, OA.start, Literal("11", datatype=XSD.nonNegativeInteger)))
    g.add((selector, OA.end, Literal("30", datatype=XSD.nonNegativeInteger)))
    gold_ann = ID["evidence/e-2"]  # a gold annotation: the whole document is the target
    g.add((gold_ann, RDF.type, OA.Annotation))
    g.add((gold_ann, OA.hasBody, org))
    g.add((gold_ann, OA.hasTarget, doc))
    g.add((gold_ann, SINO.method, Literal("manual")))
    g.add((gold_ann, SINO.confidence, Literal("1.0", datatype=XSD.decimal)))
    decision = ID["merge/m-1"]
    g.add((decision, RDF.type, SINO.MergeDecision))
    g.add((decision, SINO.mergedEntity, org))
    g.add((decision, SINO.mergedName, Literal("Acme Energie GmbH", lang="de")))
    g.add((decision, SINO.mergedName, Literal("Acme Energy GmbH", lang="en")))
    g.add((decision, SINO.mergeRule, Literal("acronym-corroborated")))
    g.add((decision, SINO.mergeKey, Literal("aeg")))
    g.add((decision, PROV.wasDerivedFrom, doc))
    return g


def shacl(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    return conforms, report


def test_hand_made_graph_conforms(shapes, ontology):
    conforms, report = shacl(conforming_graph(), shapes, ontology)
    assert conforms, report.serialize(format="turtle")


def _set(triple):
    def mutate(g):
        g.set(triple)
    return mutate


def _remove(s, p):
    def mutate(g):
        g.remove((s, p, None))
    return mutate


def _add(triple):
    def mutate(g):
        g.add(triple)
    return mutate


BROKEN = {  # name -> (mutation, the path the violation must be reported on)
    "participation-two-agents": (_add((ID["participation/p-1"], PROV.agent, ID["org/other"])), PROV.agent),
    "participation-agent-not-org": (_set((ID["participation/p-1"], PROV.agent, ID["person/anna-1"])), PROV.agent),
    "participation-role-outside-scheme": (_set((ID["participation/p-1"], PROV.hadRole, ID["role/chairman"])), PROV.hadRole),
    "participation-without-role": (_remove(ID["participation/p-1"], PROV.hadRole), PROV.hadRole),
    "event-without-name": (_remove(ID["event/forum-1"], SDO.name), SDO.name),
    "event-without-type": (_remove(ID["event/forum-1"], SINO.eventType), SINO.eventType),
    "event-date-as-string": (_set((ID["event/forum-1"], SDO.startDate, Literal("17 October 2023"))), SDO.startDate),
    "organization-without-prefLabel": (_remove(ID["org/acme-1"], SKOS.prefLabel), SKOS.prefLabel),
    "organization-two-prefLabels-one-language": (
        _add((ID["org/acme-1"], SKOS.prefLabel, Literal("Acme AG", lang="de"))), SKOS.prefLabel),
    "organization-country-not-iso": (_set((ID["org/acme-1"], SDO.addressCountry, Literal("Germany"))), SDO.addressCountry),
    "organization-unknown-kind": (_set((ID["org/acme-1"], ORG.classification, ID["kind/club"])), ORG.classification),
    "confidence-above-one": (_set((ID["evidence/e-1"], SINO.confidence, Literal("1.5", datatype=XSD.decimal))), SINO.confidence),
    "annotation-without-target": (_remove(ID["evidence/e-1"], OA.hasTarget), OA.hasTarget),
    "annotation-target-is-no-document": (_set((ID["evidence/e-2"], OA.hasTarget, ID["org/acme-1"])), OA.hasTarget),
    "selector-start-after-end": (
        _set((ID["evidence/e-1#selector"], OA.start, Literal("40", datatype=XSD.nonNegativeInteger))), OA.start),
    "document-without-language": (_remove(ID["doc/d1"], DCTERMS.language), DCTERMS.language),
    "document-without-identifier": (_remove(ID["doc/d1"], DCTERMS.identifier), DCTERMS.identifier),
    "post-held-by-nobody": (_remove(ID["post/ceo-1"], ORG.heldBy), ORG.heldBy),
    "project-partner-not-org": (_add((ID["project/hub-1"], SINO.partner, ID["place/hh-1"])), SINO.partner),
    "merge-decision-without-sources": (_remove(ID["merge/m-1"], PROV.wasDerivedFrom), PROV.wasDerivedFrom),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_graph_is_reported_on_the_right_path(name, shapes, ontology):
    mutate, path = BROKEN[name]
    graph = conforming_graph()
    mutate(graph)
    conforms, report = shacl(graph, shapes, ontology)
    assert not conforms
    SH = Namespace("http://www.w3.org/ns/shacl#")
    paths = set(report.objects(None, SH.resultPath))
    assert path in paths, f"{name}: violations on {sorted(map(str, paths))}"


def test_concept_without_labels_is_reported(shapes, ontology):
    graph = conforming_graph()
    minted = ID["sector/space-mining"]
    graph.add((minted, RDF.type, SINO.Sector))
    conforms, _ = shacl(graph, shapes, Graph())
    assert not conforms
    graph.add((minted, SKOS.prefLabel, Literal("space mining", lang="en")))
    conforms, report = shacl(graph, shapes, Graph())
    assert conforms, report.serialize(format="turtle")


def test_shipped_schemes_conform_to_the_concept_shape(shapes, ontology):
    conforms, report = shacl(ontology, shapes, Graph())
    assert conforms, report.serialize(format="turtle")


def test_blank_node_free_model():
    """Concept and term IRIs are stable identifiers; no scheme uses blank nodes."""
    for path in ontology_files():
        graph = parse(path)
        assert not [t for t in graph if any(isinstance(x, BNode) for x in t)], path.name


def test_graph_built_from_the_gold_records_conforms(gold_store):
    """The merged view of the five gold records satisfies every shape (what `sinoeu-kg validate` checks)."""
    from graph.validate import validate_store

    conforms, report = validate_store(gold_store)
    assert conforms, report


@pytest.mark.parametrize("name", list(query_files()))
def test_competency_queries_are_portable_sparql_11(name):
    """They parse with rdflib's SPARQL 1.1 parser too (not only Oxigraph), so they run on any endpoint."""
    from rdflib.plugins.sparql import prepareQuery

    query = prepareQuery(load_query(name))
    assert query.algebra.name == "SelectQuery"
