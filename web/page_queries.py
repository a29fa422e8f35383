"""The SPARQL behind the browsing pages, and the plain dicts the pages are built from.

Every function takes a store handle (``GraphStore``: ``select(sparql)`` returns rows
of Python values with IRIs as ``str``) and returns JSON-ready data, so one view can
render the same context as HTML or JSON. Entity IRIs come from the request, so they
are checked by :func:`sparql_iri` before they are written into a query.
"""

from __future__ import annotations

import re

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
"""

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SINO = "https://w3id.org/sinoeu-kg/ontology#"

# rdf:type -> page kind, in order of precedence (an event is also a prov:Activity).
KIND_OF_TYPE = {
    "http://www.w3.org/ns/org#Organization": "org",
    "https://schema.org/Person": "person",
    "https://schema.org/Event": "event",
    SINO + "Project": "project",
    "https://schema.org/Place": "place",
    SINO + "Document": "document",
    SINO + "Sector": "concept",
    SINO + "EventRole": "concept",
    SINO + "OrganizationKind": "concept",
    SINO + "EventType": "concept",
    "http://www.w3.org/2004/02/skos/core#Concept": "concept",
}

# Browsable lists: kind -> (class IRI, label property, title).
LISTS = {
    "orgs": ("org:Organization", "skos:prefLabel", "Organizations"),
    "people": ("schema:Person", "schema:name", "People"),
    "events": ("schema:Event", "schema:name", "Events"),
    "projects": ("sino:Project", "schema:name", "Projects"),
    "places": ("schema:Place", "schema:name", "Places"),
    "sectors": ("sino:Sector", "skos:prefLabel", "Sectors"),
    "documents": ("sino:Document", "dcterms:identifier", "Documents"),
}

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class BadIRI(ValueError):
    """The request named something that cannot be an IRI (the view answers 404)."""


def sparql_iri(iri: str) -> str:
    """``<iri>`` for a query, refusing characters that could end the IRI token.

    >>> sparql_iri("https://w3id.org/sinoeu-kg/id/org/x-1")
    '<https://w3id.org/sinoeu-kg/id/org/x-1>'
    >>> sparql_iri("x> } DROP ALL")
    Traceback (most recent call last):
    web.page_queries.BadIRI: not an IRI: 'x> } DROP ALL'
    """
    if not iri or _IRI_FORBIDDEN.search(iri) or ":" not in iri:
        raise BadIRI(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _values(iris) -> str:
    return " ".join(sparql_iri(i) for i in iris)


def _rows(store, sparql: str) -> list[dict]:
    return store.select(PREFIXES + sparql)


def _int(value) -> int | None:
    return None if value is None else int(str(value))


# --- labels and types -----------------------------------------------------------

def labels_and_kinds(store, iris) -> dict[str, dict]:
    """``{iri: {"iri", "label", "kind"}}`` for many IRIs at once (one query each)."""
    iris = sorted({i for i in iris if i})
    found: dict[str, dict] = {i: {"iri": i, "label": None, "kind": "thing"} for i in iris}
    if not iris:
        return found
    rank = {"skos:prefLabel": 0, "schema:name": 0, "dcterms:title": 1, "dcterms:identifier": 2}
    best: dict[str, tuple] = {}
    for row in _rows(store, f"""SELECT ?s ?p ?label (LANG(?label) AS ?lang) WHERE {{
        VALUES ?s {{ {_values(iris)} }}
        VALUES ?p {{ skos:prefLabel schema:name dcterms:title dcterms:identifier }}
        ?s ?p ?label }}"""):
        prop = _short(row["p"])
        key = (rank.get(prop, 3), 0 if row["lang"] in ("en", "") else 1, str(row["label"]))
        if row["s"] not in best or key < best[row["s"]]:
            best[row["s"]] = key
    for iri, key in best.items():
        found[iri]["label"] = key[2]
    kinds = list(KIND_OF_TYPE)
    for row in _rows(store, f"SELECT ?s ?type WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s a ?type }}"):
        kind = KIND_OF_TYPE.get(row["type"])
        current = found[row["s"]]["kind"]
        if kind and (current == "thing" or kinds.index(row["type"]) < _kind_rank(current)):
            found[row["s"]]["kind"] = kind
    for item in found.values():
        item["label"] = item["label"] or _iri_tail(item["iri"])
    return found


def _kind_rank(kind: str) -> int:
    return min(i for i, t in enumerate(KIND_OF_TYPE) if KIND_OF_TYPE[t] == kind)


def _short(iri: str) -> str:
    for prefix, ns in (("skos:", "http://www.w3.org/2004/02/skos/core#"), ("schema:", "https://schema.org/"),
                       ("dcterms:", "http://purl.org/dc/terms/")):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri


def _iri_tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def entity_kind(store, iri: str) -> str | None:
    """The page kind of ``iri``; ``None`` when the graph says nothing about it."""
    this = sparql_iri(iri)
    kind = labels_and_kinds(store, [iri])[iri]["kind"]
    if kind != "thing":
        return kind
    rows = _rows(store, f"SELECT (1 AS ?x) WHERE {{ {{ {this} ?p ?o }} UNION {{ ?s ?p {this} }} }} LIMIT 1")
    return "thing" if rows else None


# --- home and lists -------------------------------------------------------------

def summary(store) -> dict:
    """Counts by type, documents per language and the latest dated events."""
    counts = {kind: {"title": title, "count": count_entities(store, kind)} for kind, (_c, _p, title) in LISTS.items()}
    languages = [{"lang": str(r["lang"]), "documents": _int(r["n"])} for r in _rows(store, """
        SELECT ?lang (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a sino:Document ; dcterms:language ?lang }
        GROUP BY ?lang ORDER BY DESC(?n) ?lang""")]
    latest = _rows(store, """SELECT ?e (MAX(STR(?date)) AS ?d) WHERE { ?e a schema:Event ; schema:startDate ?date }
        GROUP BY ?e ORDER BY DESC(?d) LIMIT 10""")
    names = labels_and_kinds(store, [r["e"] for r in latest])
    return {"counts": counts, "languages": languages,
            "latest_events": [{**names[r["e"]], "date": str(r["d"])} for r in latest]}


def count_entities(store, kind: str) -> int:
    return _int(_rows(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {LISTS[kind][0]} }}")[0]["n"])


def sorted_entities(store, kind: str) -> list[tuple[str, str]]:
    """Every entity of a list as (iri, name), sorted by name.

    Two flat DISTINCT queries joined here: in the union of document graphs a merged
    entity's triples repeat once per document, and joining them in SPARQL multiplies
    the repeats.
    """
    cls, prop, _title = LISTS[kind]
    members = {r["s"] for r in _rows(store, f"SELECT DISTINCT ?s WHERE {{ ?s a {cls} }}")}
    names: dict[str, str] = {}
    for r in _rows(store, f"SELECT DISTINCT ?s ?l WHERE {{ ?s {prop} ?l }}"):
        label = str(r["l"])
        if r["s"] in members and (r["s"] not in names or label.casefold() < names[r["s"]].casefold()):
            names[r["s"]] = label
    return sorted(((i, names.get(i) or _iri_tail(i)) for i in members), key=lambda e: (e[1].casefold(), e[0]))


def list_entities(store, kind: str, entries: list[tuple[str, str]], total: int) -> dict:
    """One page of a list: the given (iri, name) entries with their kind and list columns."""
    iris = [iri for iri, _name in entries]
    extra = _list_extras(store, kind, iris)
    kinds = labels_and_kinds(store, iris)
    items = [{**kinds[i], "label": name, **extra.get(i, {})} for i, name in entries]
    return {"kind": kind, "title": LISTS[kind][2], "total": total, "items": items}


# List columns: kind -> [(column, property path from the entity, "count" or "first")].
LIST_COLUMNS = {
    "orgs": [("acronym", "sino:acronym", "first"), ("country", "schema:addressCountry", "first"),
             ("events", "^prov:wasAssociatedWith", "count")],
    "events": [("date", "schema:startDate", "first"), ("organizations", "prov:wasAssociatedWith", "count")],
    "documents": [("lang", "dcterms:language", "first"), ("date", "dcterms:date", "first"),
                  ("title", "dcterms:title", "first")],
}


def _list_extras(store, kind: str, iris: list[str]) -> dict[str, dict]:
    """The list's extra columns, one flat DISTINCT query per column (see :func:`sorted_entities`)."""
    if not iris or kind not in LIST_COLUMNS:
        return {}
    extra = {i: {column: (0 if how == "count" else None) for column, _p, how in LIST_COLUMNS[kind]} for i in iris}
    for column, path, how in LIST_COLUMNS[kind]:
        rows = _rows(store, f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s {path} ?v }} ORDER BY ?s ?v")
        for r in rows:
            if how == "count":
                extra[r["s"]][column] += 1
            elif extra[r["s"]][column] is None:
                extra[r["s"]][column] = str(r["v"])
    return extra


def _plain(value):
    return value if value is None or isinstance(value, (int, float, bool)) else str(value)


# --- search ---------------------------------------------------------------------

SEARCH_TYPES = "org:Organization schema:Person schema:Event sino:Project schema:Place sino:Sector sino:Document"


def label_rows(store) -> list[dict]:
    """Every searchable name: (entity, label, lang, kind) for all languages and aliases.

    Three flat queries joined here: one query joining types and label alternatives
    is an order of magnitude slower in the store's planner.
    """
    kinds: dict[str, str] = {}
    for r in _rows(store, f"SELECT DISTINCT ?s ?type WHERE {{ VALUES ?type {{ {SEARCH_TYPES} }} ?s a ?type }}"):
        kind = KIND_OF_TYPE[r["type"]]
        if r["s"] not in kinds or _kind_rank(kind) < _kind_rank(kinds[r["s"]]):
            kinds[r["s"]] = kind
    names = _rows(store, """SELECT DISTINCT ?s ?label (LANG(?label) AS ?lang) WHERE {
        ?s skos:prefLabel|skos:altLabel|sino:acronym|schema:name|dcterms:title|dcterms:identifier ?label }""")
    names += _rows(store, """SELECT DISTINCT ?s ?label (LANG(?label) AS ?lang) WHERE {
        ?m sino:mergedEntity ?s ; sino:mergedName ?label }""")
    seen: set[tuple] = set()
    rows = []
    for r in names:
        key = (r["s"], str(r["label"]), str(r["lang"] or ""))
        if r["s"] in kinds and key not in seen:
            seen.add(key)
            rows.append({"iri": key[0], "label": key[1], "lang": key[2], "kind": kinds[r["s"]]})
    return rows


def store_version(store) -> tuple:
    """A cheap fingerprint that changes when documents are ingested, replaced or removed."""
    row = _rows(store, """SELECT (COUNT(?d) AS ?n) (MAX(STR(?t)) AS ?latest)
        (GROUP_CONCAT(SUBSTR(STR(?h), 1, 8); separator="") AS ?hashes)
        WHERE { ?d a sino:Document OPTIONAL { ?d prov:generatedAtTime ?t } OPTIONAL { ?d sino:contentHash ?h } }""")[0]
    merges = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?m sino:mergedEntity ?e }")[0]["n"]
    return (_int(row["n"]), str(row["latest"]), hash(str(row["hashes"])), _int(merges))


# --- evidence ---------------------------------------------------------------------

def evidence_for(store, bodies) -> dict[str, list[dict]]:
    """``{fact IRI: [evidence]}``: sentence, mention offsets and text, document, method.

    Extracted facts point into the document text (TextPositionSelector); gold facts
    target the document as a whole and have no sentence.
    """
    bodies = sorted({b for b in bodies if b})
    if not bodies:
        return {}
    rows = _rows(store, f"""SELECT ?body ?ann ?doc ?sentence ?start ?end ?method ?confidence ?mention ?before WHERE {{
        VALUES ?body {{ {_values(bodies)} }}
        ?ann oa:hasBody ?body ; oa:hasTarget ?target .
        OPTIONAL {{ ?target oa:hasSource ?source }}
        BIND(COALESCE(?source, ?target) AS ?doc)
        OPTIONAL {{ ?ann sino:sentence ?sentence }}
        OPTIONAL {{ ?target oa:hasSelector ?sel . ?sel oa:start ?start ; oa:end ?end .
                   OPTIONAL {{ ?doc sino:text ?text }}
                   BIND(SUBSTR(?text, ?start + 1, ?end - ?start) AS ?mention)
                   BIND(IF(?start < STRLEN(COALESCE(?sentence, "")), 0, ?start - STRLEN(COALESCE(?sentence, ""))) AS ?from)
                   BIND(SUBSTR(?text, ?from + 1, ?start - ?from) AS ?before) }}
        OPTIONAL {{ ?ann sino:method ?method }}
        OPTIONAL {{ ?ann sino:confidence ?confidence }}
    }} ORDER BY ?doc ?start""")
    docs = labels_and_kinds(store, [r["doc"] for r in rows])
    found: dict[str, list[dict]] = {}
    for r in rows:
        found.setdefault(r["body"], []).append({
            "document": docs[r["doc"]], "sentence": _plain(r["sentence"]), "mention": _plain(r["mention"]),
            "before": _plain(r["before"]),
            "start": _int(r["start"]), "end": _int(r["end"]), "method": _plain(r["method"]),
            "confidence": float(str(r["confidence"])) if r["confidence"] is not None else None})
    return found


def documents_stating(store, iri: str) -> list[dict]:
    """Documents whose named graph says anything about ``iri``."""
    this = sparql_iri(iri)
    graphs = _rows(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {{ {this} ?p ?o }} UNION {{ ?s ?p {this} }} }} }}")
    docs = [r["g"].replace("/graph/doc/", "/id/doc/") for r in graphs if "/graph/doc/" in r["g"]]
    return sorted(labels_and_kinds(store, docs).values(), key=lambda d: d["label"])


# --- entity pages -----------------------------------------------------------------

def names_of(store, iri: str) -> list[dict]:
    """Every name of an entity with its language and what kind of name it is."""
    rows = _rows(store, f"""SELECT DISTINCT ?p ?label (LANG(?label) AS ?lang) WHERE {{
        {{ {sparql_iri(iri)} ?p ?label VALUES ?p {{ skos:prefLabel skos:altLabel sino:acronym schema:name }} }}
        UNION {{ ?m sino:mergedEntity {sparql_iri(iri)} ; sino:mergedName ?label BIND(sino:mergedName AS ?p) }} }}""")
    role = {"skos:prefLabel": "name", "schema:name": "name", "skos:altLabel": "alias"}
    names: dict[tuple, dict] = {}
    for r in rows:
        kind = "acronym" if r["p"] == SINO + "acronym" else role.get(_short(r["p"]), "merged name")
        key = (str(r["label"]), str(r["lang"] or ""))
        order = ("name", "acronym", "alias", "merged name")
        if key not in names or order.index(kind) < order.index(names[key]["type"]):
            names[key] = {"label": key[0], "lang": key[1], "type": kind}
    acronyms = {n["label"] for n in names.values() if n["type"] == "acronym"}
    listed = [n for n in names.values() if not (n["type"] == "alias" and n["label"] in acronyms and not n["lang"])]
    return sorted(listed, key=lambda n: (("name", "acronym", "alias", "merged name").index(n["type"]), n["lang"], n["label"]))


def linked(store, iri: str, path: str) -> list[dict]:
    """Entities reached from ``iri`` by a SPARQL property path, labelled."""
    rows = _rows(store, f"SELECT DISTINCT ?x WHERE {{ {sparql_iri(iri)} {path} ?x FILTER(isIRI(?x)) }}")
    found = labels_and_kinds(store, [r["x"] for r in rows])
    return sorted(found.values(), key=lambda x: x["label"].lower())


def literals(store, iri: str, prop: str) -> list[str]:
    rows = _rows(store, f"SELECT DISTINCT ?v WHERE {{ {sparql_iri(iri)} {prop} ?v FILTER(isLiteral(?v)) }} ORDER BY ?v")
    return [str(r["v"]) for r in rows]


def participations(store, *, event: str | None = None, org: str | None = None) -> list[dict]:
    """Who took part in what with which role (one row per participation), with its evidence."""
    event_term = sparql_iri(event) if event else "?event"
    org_term = sparql_iri(org) if org else "?org"
    rows = _rows(store, f"""SELECT DISTINCT ?event ?org ?part ?role (STR(?d) AS ?date) WHERE {{
        {{ {event_term} prov:qualifiedAssociation ?part . ?part prov:agent {org_term} .
           OPTIONAL {{ ?part prov:hadRole ?role }} }}
        UNION {{ {event_term} prov:wasAssociatedWith {org_term} .
           FILTER NOT EXISTS {{ {event_term} prov:qualifiedAssociation/prov:agent {org_term} }} }}
        OPTIONAL {{ {event_term} schema:startDate ?d }} }}""")
    event_of = (lambda r: event) if event else (lambda r: r["event"])
    org_of = (lambda r: org) if org else (lambda r: r["org"])
    names = labels_and_kinds(store, [event_of(r) for r in rows] + [org_of(r) for r in rows]
                             + [r["role"] for r in rows])
    evidence = evidence_for(store, [r["part"] for r in rows])
    found = [{"event": names[event_of(r)], "org": names[org_of(r)], "date": _plain(r["date"]),
              "role": names[r["role"]] if r["role"] else None, "participation": r["part"],
              "evidence": evidence.get(r["part"], [])} for r in rows]
    return sorted(found, key=lambda p: (p["date"] or "9999", p["event"]["label"], p["org"]["label"],
                                        p["role"]["label"] if p["role"] else ""))


# Most defining role first (the role scheme's order: extract.records.ROLES, not imported here).
ROLE_ORDER = ("host", "co-host", "organizer", "co-organizer", "supporter", "sponsor", "signatory", "partner",
              "speaker", "moderator", "attendee")


def role_rank(participation: dict) -> int:
    role = participation["role"]
    tail = _iri_tail(role["iri"]) if role else ""
    return ROLE_ORDER.index(tail) if tail in ROLE_ORDER else len(ROLE_ORDER)


def timeline(participations_of_org: list[dict]) -> list[dict]:
    """One entry per event (date order), each with the roles the sources give and their evidence."""
    entries: dict[str, dict] = {}
    for p in participations_of_org:
        entry = entries.setdefault(p["event"]["iri"], {"event": p["event"], "date": p["date"], "roles": []})
        entry["roles"].append({"role": p["role"], "evidence": p["evidence"], "participation": p["participation"]})
    for entry in entries.values():
        entry["roles"].sort(key=lambda r: role_rank(r))
    return sorted(entries.values(), key=lambda e: (e["date"] or "9999", e["event"]["label"]))


def posts(store, *, org: str | None = None, person: str | None = None) -> list[dict]:
    """Posts held: post title, person, organization, evidence."""
    org_term = sparql_iri(org) if org else "?org"
    person_term = sparql_iri(person) if person else "?person"
    anchor = f"?post org:postIn {org_term} . ?post org:heldBy {person_term} ." if org else \
        f"?post org:heldBy {person_term} . ?post org:postIn {org_term} ."
    rows = _rows(store, f"""SELECT DISTINCT ?post ?title {"" if org else "?org"} {"" if person else "?person"} WHERE {{
        {anchor} OPTIONAL {{ ?post skos:prefLabel ?title }} }}""")
    for r in rows:
        r.setdefault("org", org)
        r.setdefault("person", person)
    names = labels_and_kinds(store, [r["org"] for r in rows] + [r["person"] for r in rows])
    evidence = evidence_for(store, [r["post"] for r in rows])
    return sorted(({"post": r["post"], "title": _plain(r["title"]), "person": names[r["person"]],
                    "org": names[r["org"]], "evidence": evidence.get(r["post"], [])} for r in rows),
                  key=lambda p: (p["person"]["label"], p["title"] or ""))


def co_partners(store, org: str, limit: int = 100) -> tuple[list[dict], int]:
    """The ``limit`` organizations that shared most events or projects with ``org``, and how many did."""
    this = sparql_iri(org)
    shared: dict[str, dict] = {}
    for what, link in (("events", "prov:wasAssociatedWith"), ("projects", "sino:partner")):
        for r in _rows(store, f"""SELECT ?other (COUNT(DISTINCT ?x) AS ?n) WHERE {{
                {{ SELECT DISTINCT ?x WHERE {{ ?x {link} {this} }} }} ?x {link} ?other FILTER(?other != {this}) }}
                GROUP BY ?other"""):
            shared.setdefault(r["other"], {"events": 0, "projects": 0})[what] = _int(r["n"])
    top = sorted(shared, key=lambda i: (-(shared[i]["events"] + shared[i]["projects"]), i))[:limit]
    names = labels_and_kinds(store, top)
    return sorted(({**names[i], **shared[i]} for i in top),
                  key=lambda o: (-(o["events"] + o["projects"]), o["label"].lower())), len(shared)


def describe_org(store, iri: str) -> dict:
    return {
        "names": names_of(store, iri),
        "kind": linked(store, iri, "org:classification"),
        "country": literals(store, iri, "schema:addressCountry"),
        "sectors": linked(store, iri, "sino:sector"),
        "posts": posts(store, org=iri),
        "members": linked(store, iri, "^org:memberOf"),
        "events": timeline(participations(store, org=iri)),
        "projects": linked(store, iri, "^sino:partner"),
        **dict(zip(("partners", "partners_total"), co_partners(store, iri))),
        "evidence": evidence_for(store, [iri]).get(iri, []),
    }


def describe_person(store, iri: str) -> dict:
    return {"names": names_of(store, iri), "posts": posts(store, person=iri),
            "member_of": linked(store, iri, "org:memberOf"),
            "evidence": evidence_for(store, [iri]).get(iri, [])}


def describe_event(store, iri: str) -> dict:
    return {
        "names": names_of(store, iri),
        "types": linked(store, iri, "sino:eventType"),
        "dates": literals(store, iri, "schema:startDate"),
        "places": linked(store, iri, "schema:location"),
        "participants": sorted(participations(store, event=iri), key=lambda p: (role_rank(p), p["org"]["label"])),
        "sectors": linked(store, iri, "sino:sector"),
        "evidence": evidence_for(store, [iri]).get(iri, []),
    }


def describe_project(store, iri: str) -> dict:
    return {
        "names": names_of(store, iri),
        "places": linked(store, iri, "schema:location"),
        "sectors": linked(store, iri, "sino:sector"),
        "partners": linked(store, iri, "sino:partner"),
        "neutrality_year": literals(store, iri, "sino:neutralityYear"),
        "target_population": literals(store, iri, "sino:targetPopulation"),
        "evidence": evidence_for(store, [iri]).get(iri, []),
    }


def describe_place(store, iri: str) -> dict:
    return {"names": names_of(store, iri), "located_here": linked(store, iri, "^schema:location")}


def describe_concept(store, iri: str) -> dict:
    """A SKOS concept (sector, role, organization kind, event type) and what uses it."""
    this = sparql_iri(iri)
    labels = [{"label": str(r["l"]), "lang": str(r["lang"] or ""), "type": "name" if r["p"].endswith("prefLabel") else "alias"}
              for r in _rows(store, f"""SELECT DISTINCT ?p ?l (LANG(?l) AS ?lang) WHERE {{
                  {this} ?p ?l VALUES ?p {{ skos:prefLabel skos:altLabel }} }} ORDER BY ?p ?lang ?l""")]
    users = _rows(store, f"""SELECT DISTINCT ?x WHERE {{
        {{ ?x sino:sector|org:classification|sino:eventType {this} }}
        UNION {{ ?e prov:qualifiedAssociation ?part . ?part prov:hadRole {this} ; prov:agent ?x }} }}""")
    return {"names": labels, "definition": literals(store, iri, "skos:definition"),
            "broader": linked(store, iri, "skos:broader"), "narrower": linked(store, iri, "^skos:broader"),
            "schemes": linked(store, iri, "skos:inScheme"),
            "used_by": sorted(labels_and_kinds(store, [r["x"] for r in users]).values(),
                              key=lambda x: (x["kind"], x["label"].lower()))}


def describe_thing(store, iri: str) -> dict:
    """Any other node (post, participation, evidence, merge decision): its statements."""
    this = sparql_iri(iri)
    out = _rows(store, f"SELECT DISTINCT ?p ?o (isIRI(?o) AS ?iri) WHERE {{ {this} ?p ?o }} ORDER BY ?p LIMIT 500")
    inc = _rows(store, f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {this} FILTER(isIRI(?s)) }} ORDER BY ?p LIMIT 500")
    objects = [str(r["o"]) for r in out if r["iri"] in (True, "true")]
    names = labels_and_kinds(store, objects + [r["s"] for r in inc])
    return {"statements": [{"property": r["p"], "value": names.get(str(r["o"])) if r["iri"] in (True, "true") else None,
                            "text": None if r["iri"] in (True, "true") else str(r["o"])} for r in out],
            "referenced_by": [{"property": r["p"], "subject": names[r["s"]]} for r in inc]}


def describe_document(store, iri: str) -> dict:
    """Metadata, clean text, noise spans and mention spans of one document."""
    this = sparql_iri(iri)
    meta = {}
    for r in _rows(store, f"""SELECT ?p ?v WHERE {{ {this} ?p ?v VALUES ?p {{ dcterms:identifier dcterms:language
        dcterms:date dcterms:title dcterms:source dcterms:publisher sino:method prov:generatedAtTime sino:text }} }}"""):
        meta.setdefault(r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(r["v"]))
    noise = [{"start": _int(r["s"]), "end": _int(r["e"]), "reason": _plain(r["reason"])}
             for r in _rows(store, f"""SELECT ?s ?e ?reason WHERE {{ {this} sino:noise ?n . ?n oa:start ?s ; oa:end ?e
                 OPTIONAL {{ ?n sino:reason ?reason }} }} ORDER BY ?s""")]
    spans = _rows(store, f"""SELECT ?body ?s ?e WHERE {{ ?ann oa:hasBody ?body ; oa:hasTarget ?t .
        ?t oa:hasSource {this} ; oa:hasSelector ?sel . ?sel oa:start ?s ; oa:end ?e }} ORDER BY ?s""")
    graph = iri.replace("/id/doc/", "/graph/doc/")
    stated = _rows(store, f"""SELECT DISTINCT ?x WHERE {{ GRAPH {sparql_iri(graph)} {{ ?x a ?type
        VALUES ?type {{ org:Organization schema:Person schema:Event sino:Project schema:Place }} }} }}""")
    event_of = {r["part"]: r["e"] for r in _rows(store, f"""SELECT ?part ?e WHERE {{ GRAPH {sparql_iri(graph)} {{
        ?e prov:qualifiedAssociation ?part }} }}""")}
    targets = {r["body"]: event_of.get(r["body"], r["body"]) for r in spans}
    names = labels_and_kinds(store, list(targets.values()) + [r["x"] for r in stated])
    mentions = [{"start": _int(r["s"]), "end": _int(r["e"]), "entity": names[targets[r["body"]]],
                 "role_trigger": r["body"] in event_of} for r in spans]
    return {"meta": meta, "text": meta.pop("text", None), "noise": noise, "mentions": mentions,
            "sectors": linked(store, iri, "sino:sector"),
            "noise_notes": [str(r["reason"]) for r in _rows(store, f"""SELECT ?reason WHERE {{ {this} sino:noise ?n .
                ?n sino:reason ?reason FILTER NOT EXISTS {{ ?n oa:start ?s }} }} ORDER BY ?reason""")],
            "stated": sorted((names[r["x"]] for r in stated), key=lambda x: (x["kind"], x["label"].lower()))}


# --- network ----------------------------------------------------------------------

def event_members(store) -> dict[str, list[str]]:
    """``{event: [organizations associated with it]}``: the network's raw material (linear in size)."""
    members: dict[str, list[str]] = {}
    for r in _rows(store, "SELECT DISTINCT ?e ?o WHERE { ?e prov:wasAssociatedWith ?o }"):
        members.setdefault(r["e"], []).append(r["o"])
    return members
