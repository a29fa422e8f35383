"""Record -> RDF quads of the document's named graph ``{base}graph/doc/{id}``.

Builds pyoxigraph quads directly (no rdflib on the ingest path). The graph
holds everything one document says: organizations, persons and posts, events
with PROV qualified associations (one per event, organization, role and
document, so disagreeing sources both stay), projects, places, the document
node itself and Web Annotation evidence for every fact. Entity IRIs come from
the identity map of :mod:`graph.merge`, so a graph depends only on its record,
the identity of its mentions and the ingestion time.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, parse, RdfFormat

from extract.records import EVENT_TYPES, ORG_KINDS, ROLES, ExtractionRecord, Span
from graph.errors import RecordError
from graph.iris import concept_iri, doc_graph_iri, doc_iri, entity_iri, merge_graph_iri, norm
from graph.merge import IdentityMap, resolve_identity
from graph.namespaces import DCTERMS, FOAF, OA, ORG, PROV, RDF, SDO, SINO, SKOS, XSD

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
_DATE_FORMS = ((re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date), (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
               (re.compile(r"^\d{4}$"), XSD.gYear))
_N = lru_cache(maxsize=None)(lambda iri: NamedNode(str(iri)))


def content_hash(record: ExtractionRecord) -> str:
    """SHA-256 of the record's canonical JSON: equal hashes mean an unchanged document."""
    return hashlib.sha256(record_json(record).encode("utf-8")).hexdigest()


def record_json(record: ExtractionRecord) -> str:
    """The record as canonical JSON (stored as ``sino:record``, re-read for re-resolution)."""
    return json.dumps(record.to_dict(), ensure_ascii=False, sort_keys=True)


def typed_date(value: str, where: str) -> Literal:
    """``YYYY-MM-DD`` / ``YYYY-MM`` / ``YYYY`` as xsd:date / xsd:gYearMonth / xsd:gYear.

    >>> typed_date("2023-08", "x").datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    """
    for pattern, datatype in _DATE_FORMS:
        if pattern.match(value):
            if datatype == XSD.date:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    break
            return Literal(value, datatype=_N(datatype))
    raise RecordError(where, f"date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")


@lru_cache(maxsize=1)
def sector_concepts() -> dict[str, str]:
    """English sector label (lower case) -> concept IRI, from the ontology's sector scheme."""
    labels: dict[str, str] = {}
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if path.name == "shapes.ttl":
            continue
        quads = list(parse(path=str(path), format=RdfFormat.TURTLE))
        sectors = {q.subject.value for q in quads
                   if (q.predicate.value == str(RDF.type) and q.object.value == str(SINO.Sector))
                   or (q.predicate.value == str(SKOS.inScheme) and q.object.value.endswith("/scheme/sectors"))}
        for q in quads:
            if q.subject.value in sectors and q.predicate.value in (str(SKOS.prefLabel), str(SKOS.altLabel)) \
                    and isinstance(q.object, Literal) and q.object.language == "en":
                labels.setdefault(q.object.value.casefold(), q.subject.value)
    return labels


class _Builder:
    """Accumulates the quads of one document graph."""

    def __init__(self, record: ExtractionRecord, base_iri: str, identity: IdentityMap, generated_at: str):
        self.record, self.base, self.identity, self.generated_at = record, base_iri, identity, generated_at
        self.graph = NamedNode(doc_graph_iri(base_iri, record.id))
        self.doc = NamedNode(doc_iri(base_iri, record.id))
        self.lang = record.lang if record.lang and record.lang != "und" else None
        self.where = f"record {record.id}"
        self.quads: list[Quad] = []
        self.manual = record.method == "manual"

    def add(self, s, p, o) -> None:
        self.quads.append(Quad(s if isinstance(s, NamedNode) else _N(s), _N(p),
                               o if isinstance(o, (Literal, NamedNode)) else _N(o), self.graph))

    def text(self, value: str, lang: str | None = "doc") -> Literal:
        lang = self.lang if lang == "doc" else lang
        try:
            return Literal(value, language=lang) if lang else Literal(value)
        except ValueError:
            raise RecordError(self.where, f"language {lang!r} is not a valid BCP 47 tag") from None

    def number(self, value, kind, what: str):
        """``kind(value)`` or a RecordError naming the field (records come from outside)."""
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise RecordError(self.where, f"{what} {value!r} is not a number") from None

    def concept(self, kind: str, value: str, allowed: tuple[str, ...]) -> NamedNode:
        if value not in allowed:
            raise RecordError(self.where, f"{kind} {value!r} is not one of {', '.join(allowed)}")
        return _N(concept_iri(kind, value))

    def sector(self, label: str) -> NamedNode:
        known = sector_concepts().get(label.casefold())
        if known:
            return _N(known)
        iri = _N(concept_iri("sector", label, self.base))
        self.add(iri, RDF.type, SINO.Sector)
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, SKOS.prefLabel, self.text(label, "en"))
        return iri

    def evidence(self, fact: str, spans: list[Span], confidence: float | None) -> None:
        """One oa:Annotation per span (gold: one per fact, targeting the whole document)."""
        text = self.record.text
        for span in (spans if text is not None else []) or [None]:
            key = f"{self.record.id}|{fact}|{span.start if span else ''}|{span.end if span else ''}"
            ann = _N(entity_iri(self.base, "evidence", key, self.record.id))
            self.add(ann, RDF.type, OA.Annotation)
            self.add(ann, OA.hasBody, fact)
            self.add(ann, SINO.method, self.text(self.record.method, None))
            if confidence is not None or self.manual:
                value = 1.0 if confidence is None else self.number(confidence, float, "confidence")
                self.add(ann, SINO.confidence, Literal(repr(value), datatype=_N(XSD.decimal)))
            if span is None:
                self.add(ann, OA.hasTarget, self.doc)
                continue
            target, selector = _N(ann.value + "#target"), _N(ann.value + "#selector")
            self.add(ann, OA.hasTarget, target)
            self.add(target, RDF.type, OA.SpecificResource)
            self.add(target, OA.hasSource, self.doc)
            self.add(target, OA.hasSelector, selector)
            self.add(selector, RDF.type, OA.TextPositionSelector)
            self.add(selector, OA.start, Literal(str(span.start), datatype=_N(XSD.nonNegativeInteger)))
            self.add(selector, OA.end, Literal(str(span.end), datatype=_N(XSD.nonNegativeInteger)))
            sentence = next((s for s in self.record.sentences if s.start <= span.start < s.end), None)
            if sentence is not None:
                self.add(ann, SINO.sentence, self.text(text[sentence.start:sentence.end], None))

    def iri(self, kind: str, name: str) -> str:
        return self.identity.iri(kind, self.record.id, name)

    def place(self, name: str) -> str:
        iri = self.iri("place", name)
        self.add(iri, RDF.type, SDO.Place)
        self.add(iri, SDO.name, self.text(name))
        return iri

    def organization(self, name: str, aliases=(), acronym=None, country=None, kind=None) -> str:
        iri = self.iri("org", name)
        self.add(iri, RDF.type, ORG.Organization)
        for label in dict.fromkeys([name, *aliases]):  # the language's preferred name may be an alias
            preferred = self.identity.is_preferred(iri, self.lang, label)
            self.add(iri, SKOS.prefLabel if preferred else SKOS.altLabel, self.text(label))
        if acronym:
            self.add(iri, SINO.acronym, self.text(acronym, None))
            self.add(iri, SKOS.altLabel, self.text(acronym, None))
        if country:
            self.add(iri, SDO.addressCountry, self.text(country.upper(), None))
        if kind:
            self.add(iri, ORG.classification, self.concept("kind", kind, ORG_KINDS))
        return iri


def build_document_graph(record: ExtractionRecord, *, base_iri: str, identity: IdentityMap | None = None,
                         generated_at: str | None = None) -> list[Quad]:
    """Quads of ``{base}graph/doc/{id}`` modelling what ``record`` says.

    ``identity`` maps the record's names to canonical IRIs (from
    :func:`graph.merge.resolve_identity` over all records); without it the
    record is resolved alone. Raises :class:`RecordError` for values the
    vocabularies do not know (role, event type, kind, date, language tag).
    """
    identity = identity or resolve_identity([record], base_iri=base_iri)
    generated_at = generated_at or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    b = _Builder(record, base_iri, identity, generated_at)
    _document(b)
    for org in record.organizations:
        iri = b.organization(org.name, org.aliases, org.acronym, org.country, org.kind)
        b.evidence(iri, org.spans, org.confidence)
    known = {norm(n) for o in record.organizations for n in [o.name, *o.aliases]}

    def org_ref(name: str) -> str:  # a name the record uses without listing the organization
        return b.iri("org", name) if norm(name) in known else b.organization(name)

    for place in record.places:
        b.place(place)
    for person in record.persons:
        _person(b, person, org_ref)
    for event in record.events:
        _event(b, event, org_ref)
    for project in record.projects:
        _project(b, project, org_ref)
    return list(dict.fromkeys(b.quads))


def _document(b: _Builder) -> None:
    r, doc = b.record, b.doc
    b.add(doc, RDF.type, SINO.Document)
    b.add(doc, DCTERMS.identifier, b.text(r.id, None))
    if r.lang:
        b.add(doc, DCTERMS.language, b.text(r.lang, None))
    if r.date:
        b.add(doc, DCTERMS.date, typed_date(r.date, b.where + ".date"))
    if r.title:
        b.add(doc, DCTERMS.title, b.text(r.title))
    if r.source:
        b.add(doc, DCTERMS.source, b.text(r.source, None))
    if r.text is not None:
        b.add(doc, SINO.text, b.text(r.text))
    b.add(doc, SINO.method, b.text(r.method, None))
    b.add(doc, SINO.contentHash, b.text(content_hash(r), None))
    b.add(doc, SINO.record, b.text(record_json(r), None))
    b.add(doc, PROV.generatedAtTime, Literal(b.generated_at, datatype=_N(XSD.dateTime)))
    for sector in r.sectors:
        b.add(doc, SINO.sector, b.sector(sector))
    for i, noise in enumerate(r.noise):
        node = _N(f"{doc.value}#noise-{i}")
        b.add(doc, SINO.noise, node)
        b.add(node, RDF.type, SINO.NoiseSpan)
        b.add(node, SINO.reason, b.text(noise if isinstance(noise, str) else noise.reason, None))
        if not isinstance(noise, str):
            b.add(node, OA.start, Literal(str(noise.start), datatype=_N(XSD.nonNegativeInteger)))
            b.add(node, OA.end, Literal(str(noise.end), datatype=_N(XSD.nonNegativeInteger)))


def _person(b: _Builder, person, org_ref) -> None:
    iri = b.iri("person", person.name)
    b.add(iri, RDF.type, SDO.Person)
    b.add(iri, RDF.type, FOAF.Person)
    b.add(iri, SDO.name, b.text(person.name, None))
    b.evidence(iri, person.spans, person.confidence)
    org = org_ref(person.organization) if person.organization else None
    if person.post:
        post = _N(entity_iri(b.base, "post", f"{iri}|{org or ''}|{norm(person.post)}", person.post))
        b.add(post, RDF.type, ORG.Post)
        b.add(post, SKOS.prefLabel, b.text(person.post))
        b.add(post, ORG.heldBy, iri)
        b.add(iri, ORG.holds, post)
        if org:
            b.add(post, ORG.postIn, org)
        b.evidence(post.value, person.spans, person.confidence)
    elif org:
        b.add(iri, ORG.memberOf, org)


def _event(b: _Builder, event, org_ref) -> None:
    iri = b.iri("event", event.name)
    b.add(iri, RDF.type, SDO.Event)
    b.add(iri, RDF.type, PROV.Activity)
    b.add(iri, SDO.name, b.text(event.name))
    if event.type:
        b.add(iri, SINO.eventType, b.concept("event-type", event.type, EVENT_TYPES))
    if event.date:
        b.add(iri, SDO.startDate, typed_date(event.date, f"{b.where}.events.{event.name}.date"))
    if event.place:
        b.add(iri, SDO.location, b.place(event.place))
    b.evidence(iri, event.spans, event.confidence)
    for fact in event.roles:
        org = org_ref(fact.organization)
        key = f"{iri}|{org}|{fact.role}|{b.record.id}"
        part = _N(entity_iri(b.base, "participation", key, f"{fact.role} {fact.organization}"))
        b.add(iri, PROV.qualifiedAssociation, part)
        b.add(iri, PROV.wasAssociatedWith, org)
        b.add(part, RDF.type, PROV.Association)
        b.add(part, PROV.agent, org)
        b.add(part, PROV.hadRole, b.concept("role", fact.role, ROLES))
        b.evidence(part.value, [fact.span] if fact.span else [], fact.confidence)


def _project(b: _Builder, project, org_ref) -> None:
    iri = b.iri("project", project.name)
    b.add(iri, RDF.type, SINO.Project)
    b.add(iri, SDO.name, b.text(project.name))
    if project.place:
        b.add(iri, SDO.location, b.place(project.place))
    for sector in project.sectors:
        b.add(iri, SINO.sector, b.sector(sector))
    for partner in project.partners:
        b.add(iri, SINO.partner, org_ref(partner))
    year = project.targets.get("neutrality_year")
    if year is not None:
        b.add(iri, SINO.neutralityYear, typed_date(str(year), f"{b.where}.projects.{project.name}.targets"))
    population = project.targets.get("population")
    if population is not None:
        count = b.number(population, int, f"projects.{project.name}.targets.population")
        b.add(iri, SINO.targetPopulation, Literal(str(count), datatype=_N(XSD.integer)))
    b.evidence(iri, project.spans, project.confidence)


def build_merge_graph(identity: IdentityMap) -> list[Quad]:
    """Quads of ``{base}graph/merge``: one ``sino:MergeDecision`` per (entity, rule, key)."""
    graph = NamedNode(merge_graph_iri(identity.base_iri))
    quads = []
    for d in identity.decisions:
        node = _N(entity_iri(identity.base_iri, "merge", f"{d.entity}|{d.rule}|{d.key}", f"{d.rule} {d.key}"))
        quads += [Quad(node, _N(RDF.type), _N(SINO.MergeDecision), graph),
                  Quad(node, _N(SINO.mergedEntity), _N(d.entity), graph),
                  Quad(node, _N(SINO.mergeRule), Literal(d.rule), graph),
                  Quad(node, _N(SINO.mergeKey), Literal(d.key), graph)]
        quads += [Quad(node, _N(SINO.mergedName), _merged_name(name, lang), graph) for name, lang in d.names]
        quads += [Quad(node, _N(PROV.wasDerivedFrom), NamedNode(doc_iri(identity.base_iri, doc)), graph)
                  for doc in d.documents]
    return quads


def _merged_name(name: str, lang: str | None) -> Literal:
    try:
        return Literal(name, language=lang) if lang and lang != "und" else Literal(name)
    except ValueError:
        return Literal(name)


__all__ = ["build_document_graph", "build_merge_graph", "content_hash", "record_json", "typed_date"]
