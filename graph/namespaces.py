"""RDF namespaces: W3C vocabularies reused, plus the project's own small ontology.

Our own terms are a ``DefinedNamespace`` with ``_fail = True`` so a typo raises
at import time instead of minting a silent new IRI. Each term is declared in
``ontology/sinoeu.ttl`` too; ``tests/test_ontology.py`` checks the two agree.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

OA = Namespace("http://www.w3.org/ns/oa#")
SH = Namespace("http://www.w3.org/ns/shacl#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")

ONTOLOGY_IRI = "https://w3id.org/sinoeu-kg/ontology"


class SINO(DefinedNamespace):
    """The sinoeu-kg ontology (``ontology/sinoeu.ttl``)."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    # Classes
    Document: URIRef  # a source document (press release) as ingested
    Project: URIRef  # a pilot or cooperation project / initiative
    Sector: URIRef  # a SKOS concept of the sector scheme
    EventType: URIRef  # a SKOS concept of the event-type scheme
    EventRole: URIRef  # a SKOS concept of the event-role scheme (also a prov:Role)
    OrganizationKind: URIRef  # a SKOS concept of the organization-kind scheme
    MergeDecision: URIRef  # a recorded identity decision of the resolver
    NoiseSpan: URIRef  # a boilerplate passage of a document

    # Properties
    acronym: URIRef  # an acronym of an organization (sub-property of skos:altLabel)
    eventType: URIRef  # event -> sino:EventType
    sector: URIRef  # organization / project / event -> sino:Sector
    partner: URIRef  # project -> organization working on it
    neutralityYear: URIRef  # project target: carbon-neutral by this year (xsd:gYear)
    targetPopulation: URIRef  # project target: population covered (xsd:integer)
    confidence: URIRef  # annotation -> confidence of the extraction in [0, 1]
    method: URIRef  # annotation / document -> "manual" (gold) or extractor method, e.g. "rules"
    sentence: URIRef  # annotation -> the sentence the evidence span lies in (plain text)
    text: URIRef  # document -> the cleaned text the extractor read (spans index into it)
    contentHash: URIRef  # document -> sha256 of the record, to skip unchanged re-ingests
    record: URIRef  # document -> the extraction record as JSON (for re-resolution, export)
    noise: URIRef  # document -> sino:NoiseSpan
    reason: URIRef  # noise span -> why it is noise
    mergedEntity: URIRef  # merge decision -> the resulting node
    mergedName: URIRef  # merge decision -> a surface name that was merged (language-tagged)
    mergeRule: URIRef  # merge decision -> the rule that fired (literal)
    mergeKey: URIRef  # merge decision -> the shared key (acronym, pattern key, ...)
    notSameAs: URIRef  # curation: two names that must never be merged


__all__ = [
    "DCTERMS", "FOAF", "OA", "ORG", "OWL", "PROV", "RDF", "RDFS", "SDO", "SH", "SINO", "SKOS", "XSD",
    "ONTOLOGY_IRI",
]
