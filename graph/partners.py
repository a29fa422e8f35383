"""The partner finder: who is active in a sector, ranked, and why.

A sector is named in any language and matched through the SKOS scheme in the
store ("Energie", "energetyka", "能源" -> the energy concept), then widened
to its narrower concepts (``skos:broader*``). Organizations are ranked by the
activities that put them in the sector - projects they partner in, events on
it (weighted by role: host above attendee), documents that mention them
there - each discounted by age, plus their place in the cooperation network
(co-participants, and hops to ``near``). Every result carries the facts and
evidence sentences its score is made of, and a per-component breakdown.

Two stages keep it fast on a large graph: the cached per-store
:class:`graph.analytics.ActivityIndex` picks the ``max(60, 3 x limit)``
organizations with the most weighted project and event activity in the
sector (after the country / kind / year filters); only those are scored
exactly, with their evidence and network position, by ``VALUES`` +
``LATERAL`` queries that walk the store's indexes. An organization known only
from mentions (no project or event in the sector) is therefore not proposed.

All scoring is a pure function of the store's content (recency is measured
against the newest year among the scored facts, never the clock); ties break
on name, then IRI.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from graph.analytics import (activity_index, entity_names, iri_values, neighbours, org_distance, organization_info,
                             run_select, store_fingerprint)
from graph.errors import SinoeuError

ROLE_WEIGHTS = {
    "host": 3.0, "co-host": 2.6, "organizer": 2.6, "co-organizer": 2.2, "sponsor": 2.0, "signatory": 2.0,
    "partner": 2.0, "supporter": 1.6, "speaker": 1.5, "moderator": 1.3, "attendee": 1.0,
}
PROJECT_WEIGHT = 3.0  # partnering in a project of the sector is the strongest evidence
DIRECT_EVENT = 1.0  # event carries the sector itself
DOCUMENT_EVENT = 0.6  # event reported in a document about the sector
MENTION_WEIGHT = 0.5  # named in a document about the sector
STATEMENT_WEIGHT = 0.5  # named in a sentence that uses a sector word
RECENCY_DECAY = 0.85  # per year older than the newest activity found
UNDATED_RECENCY = 0.6
NETWORK_WEIGHT = 0.5  # per log(1 + co-participants)
NEAR_WEIGHT = 2.0  # divided by the hops to --near
NEAR_MAX_HOPS = 2  # proximity counts partners and partners of partners
LABEL_LANGUAGES = ("en", "de", "fr", "it", "pl", "es", "zh", "nl", "sv", "fi", "da", "cs", "pt")
NETWORK_POOL = 60  # candidates scored exactly (facts, evidence, network): max(this, 3 x limit)


class PartnerQueryError(SinoeuError):
    """The partner query cannot be answered as asked (unknown sector, kind or organization)."""


@dataclass
class Evidence:
    document: str
    sentence: str | None = None
    date: str | None = None
    lang: str | None = None


@dataclass
class Fact:
    """One activity that counts towards an organization's score."""

    kind: str  # project | event | mention | statement
    activity: str  # IRI of the project / event / document
    name: str
    sector: str  # the matched sector concept's label
    role: str | None
    year: int | None
    weight: float  # this fact's contribution before the network components
    evidence: list[Evidence] = field(default_factory=list)
    node: str | None = None  # the fact node evidence annotations point at

    def describe(self) -> str:
        when = f" ({self.year})" if self.year else ""
        if self.kind == "project":
            return f"partner in project \u201c{self.name}\u201d [{self.sector}]{when}: +{self.weight:.2f}"
        if self.kind == "event":
            return f"{self.role or 'participant'} of \u201c{self.name}\u201d [{self.sector}]{when}: +{self.weight:.2f}"
        if self.kind == "statement":
            return f"named in a sentence on {self.sector} in {self.name}{when}: +{self.weight:.2f}"
        return f"named in document {self.name} about {self.sector}{when}: +{self.weight:.2f}"


@dataclass
class PartnerResult:
    iri: str
    name: str
    country: str | None
    kind: str | None
    score: float
    breakdown: dict[str, float]
    facts: list[Fact]
    distance: int | None = None
    co_participants: int = 0

    def to_dict(self) -> dict:
        data = asdict(self)
        for fact, original in zip(data["facts"], self.facts):
            fact["explanation"] = original.describe()
        return data


def normalise_label(text: str) -> str:
    """Case- and width-insensitive form of a label, for matching user input.

    >>> normalise_label("  Energie ") == normalise_label("energie")
    True
    >>> normalise_label("Renewable-Energy")
    'renewable energy'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[-_/]+", " ", text).split())


@dataclass
class SectorScheme:
    """The sector concepts in the store: labels (all languages) and the broader links."""

    labels: dict[str, dict[str, str]]  # concept -> {lang: label}
    by_label: dict[str, set[str]]  # normalised label -> concepts
    narrower: dict[str, set[str]]  # concept -> direct narrower concepts

    def resolve(self, name: str) -> set[str]:
        """Concepts named ``name`` (a label in any language, or the IRI itself)."""
        if name in self.labels:
            return {name}
        return set(self.by_label.get(normalise_label(name), set()))

    def with_narrower(self, concepts: set[str]) -> set[str]:
        """``concepts`` and everything below them (skos:broader*)."""
        found, todo = set(concepts), list(concepts)
        while todo:
            for child in self.narrower.get(todo.pop(), ()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def label(self, concept: str, lang: str | None = "en") -> str:
        """The concept's label in ``lang``, else English, else any (deterministic)."""
        labels = self.labels.get(concept, {})
        for choice in (lang, "en", ""):
            if choice in labels:
                return labels[choice]
        return labels[min(labels)] if labels else concept.rsplit("/", 1)[-1]


_SCHEME_CACHE: dict[tuple, SectorScheme] = {}


def load_sector_scheme(store) -> SectorScheme:
    """The store's sector scheme, cached per store state (see :func:`graph.analytics.store_fingerprint`)."""
    key = store_fingerprint(store)
    if key is None or key not in _SCHEME_CACHE:
        scheme = read_sector_scheme(store)
        if key is None:
            return scheme
        if len(_SCHEME_CACHE) >= 8:
            _SCHEME_CACHE.pop(next(iter(_SCHEME_CACHE)))
        _SCHEME_CACHE[key] = scheme
    return _SCHEME_CACHE[key]


def read_sector_scheme(store) -> SectorScheme:
    """Read every sector concept (``sino:Sector``: the scheme's and those minted for unknown words) and its labels."""
    rows = run_select(store, """
        SELECT DISTINCT ?c ?label ?lang ?broader WHERE {
          ?c a sino:Sector .
          OPTIONAL { ?c skos:prefLabel|skos:altLabel ?label BIND(LANG(?label) AS ?lang) }
          OPTIONAL { ?c skos:broader ?broader }
        }""")
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    by_label: dict[str, set[str]] = defaultdict(set)
    narrower: dict[str, set[str]] = defaultdict(set)
    prefs = {(r["c"], r["lang"] or ""): r["label"] for r in run_select(store, """
        SELECT ?c ?label ?lang WHERE { ?c a sino:Sector .
          ?c skos:prefLabel ?label BIND(LANG(?label) AS ?lang) }""")}
    for row in rows:
        concept = row["c"]
        labels.setdefault(concept, {})
        if row["label"]:
            lang = row["lang"] or ""
            labels[concept][lang] = prefs.get((concept, lang), min(row["label"], labels[concept].get(lang, row["label"])))
            by_label[normalise_label(row["label"])].add(concept)
        if row["broader"]:
            narrower[row["broader"]].add(concept)
    return SectorScheme(dict(labels), dict(by_label), dict(narrower))


def resolve_sector(scheme: SectorScheme, sector: str) -> set[str]:
    """The concepts a user's sector word stands for, narrower ones included."""
    concepts = scheme.resolve(sector)
    if not concepts:
        known = sorted({scheme.label(c) for c in scheme.labels})
        raise PartnerQueryError(
            f"unknown sector {sector!r}: no SKOS label in any language matches it. "
            f"Known sectors: {', '.join(known[:40]) or '(none - is the ontology loaded?)'}")
    return scheme.with_narrower(concepts)


def year_of(value: str | None) -> int | None:
    """The year of an xsd:date / gYearMonth / gYear lexical form.

    >>> year_of("2023-08-09"), year_of("2021"), year_of(None)
    (2023, 2021, None)
    """
    if value and re.match(r"^\d{4}", value):
        return int(value[:4])
    return None


def _project_facts(store, sectors: str, orgs: str) -> list[dict]:
    return run_select(store, f"""
        SELECT DISTINCT ?org ?activity ?sector ?date WHERE {{
          VALUES ?org {{ {orgs} }}
          LATERAL {{ GRAPH ?g {{ ?activity sino:partner ?org }} }}
          LATERAL {{ ?activity sino:sector ?sector FILTER(?sector IN ({sectors})) }}
          LATERAL {{ OPTIONAL {{ GRAPH ?g {{ ?doc a sino:Document }} ?doc dcterms:date ?date }} }}
        }}""")


def _event_facts(store, sectors: str, orgs: str) -> list[dict]:
    """Participations in events on the sector: directly, or reported in a document about it."""
    return run_select(store, f"""
        SELECT DISTINCT ?org ?activity ?node ?sector ?roleIri ?start ?docDate ?direct WHERE {{
          VALUES ?org {{ {orgs} }}
          LATERAL {{ GRAPH ?g {{ ?node prov:agent ?org . ?activity prov:qualifiedAssociation ?node }} }}
          LATERAL {{ GRAPH ?g {{ ?doc a sino:Document }} }}
          LATERAL {{ {{ ?activity sino:sector ?sector BIND(true AS ?direct) }}
                    UNION {{ ?doc dcterms:subject ?sector BIND(false AS ?direct) }}
                    UNION {{ GRAPH ?g {{ ?p sino:sector ?sector }} BIND(false AS ?direct) }}
                    FILTER(?sector IN ({sectors})) }}
          LATERAL {{ OPTIONAL {{ ?node prov:hadRole ?roleIri }} }}
          LATERAL {{ OPTIONAL {{ ?activity schema:startDate ?start }} }}
          LATERAL {{ OPTIONAL {{ ?doc dcterms:date ?docDate }} }}
        }}""")


def _mention_facts(store, sectors: str, orgs: str) -> list[dict]:
    """Organizations annotated in a document about the sector (with the sentence, if any)."""
    return run_select(store, f"""
        SELECT DISTINCT ?org ?activity ?sector ?date ?sentence WHERE {{
          VALUES ?org {{ {orgs} }}
          LATERAL {{ ?ann oa:hasBody ?org ; oa:hasTarget ?target }}
          LATERAL {{ OPTIONAL {{ ?target oa:hasSource ?source }} }}
          BIND(COALESCE(?source, ?target) AS ?activity)
          LATERAL {{ ?activity a sino:Document }}
          LATERAL {{ {{ ?activity dcterms:subject ?sector }}
                    UNION {{ GRAPH ?g {{ ?activity a sino:Document . ?p sino:sector ?sector }} }}
                    FILTER(?sector IN ({sectors})) }}
          LATERAL {{ OPTIONAL {{ ?ann sino:sentence ?sentence }} }}
          LATERAL {{ OPTIONAL {{ ?activity dcterms:date ?date }} }}
        }}""")


def _sector_words(scheme: SectorScheme, concepts: set[str]) -> list[str]:
    words = {normalise_label(label) for c in concepts for label in scheme.labels.get(c, {}).values()}
    return sorted(w for w in words if w)


def mentions_sector(sentence: str, words: list[str]) -> bool:
    """Whether a sentence uses one of the sector words (word-prefix match; substring for CJK).

    >>> mentions_sector("Die Energiewende kommt", ["energie"])
    True
    >>> mentions_sector("推动能源转型", ["能源"])
    True
    >>> mentions_sector("synergies", ["energie"])
    False
    """
    text = normalise_label(sentence)
    for word in words:
        if re.search(r"[\u3040-\u9fff]", word):
            if word in text:
                return True
        elif re.search(r"(?<!\w)" + re.escape(word), text):
            return True
    return False


def _recency(year: int | None, newest: int | None) -> float:
    if year is None or newest is None:
        return UNDATED_RECENCY
    return RECENCY_DECAY ** max(0, newest - year)


def _collect_facts(store, scheme: SectorScheme, concepts: set[str], orgs: list[str]) -> dict[str, dict[tuple, Fact]]:
    """org -> {fact key -> Fact} for the given organizations, weights still without recency."""
    values = ", ".join(f"<{c}>" for c in sorted(concepts))
    org_values = iri_values(orgs)
    words = _sector_words(scheme, concepts)
    facts: dict[str, dict[tuple, Fact]] = defaultdict(dict)

    def preference(fact: Fact) -> tuple:  # the heavier, newer, then alphabetically first sector wins
        return (-fact.weight, -(fact.year or 0), fact.sector, fact.node or "")

    def keep(org: str, key: tuple, fact: Fact) -> None:
        old = facts[org].get(key)
        if old is None or preference(fact) < preference(old):
            facts[org][key] = fact

    for row in _project_facts(store, values, org_values):
        keep(row["org"], ("project", row["activity"]),
             Fact("project", row["activity"], row["activity"], scheme.label(row["sector"]),
                  "partner", year_of(row["date"]), PROJECT_WEIGHT, node=row["activity"]))
    for row in _event_facts(store, values, org_values):
        role = row["roleIri"].rsplit("/", 1)[-1] if row["roleIri"] else None
        weight = ROLE_WEIGHTS.get(role or "", 1.0) * (DIRECT_EVENT if row["direct"] == "true" else DOCUMENT_EVENT)
        keep(row["org"], ("event", row["activity"]),
             Fact("event", row["activity"], row["activity"], scheme.label(row["sector"]),
                  role, year_of(row["start"] or row["docDate"]), weight, node=row["node"]))
    for row in _mention_facts(store, values, org_values):
        fact = Fact("mention", row["activity"], row["activity"], scheme.label(row["sector"]),
                    None, year_of(row["date"]), MENTION_WEIGHT, [Evidence(row["activity"], None, row["date"])])
        keep(row["org"], ("mention", row["activity"]), fact)
        if row["sentence"] and mentions_sector(row["sentence"], words):
            keep(row["org"], ("statement", row["activity"]),
                 Fact("statement", row["activity"], fact.name, fact.sector, None, fact.year, STATEMENT_WEIGHT,
                      [Evidence(row["activity"], row["sentence"], row["date"])]))
    return facts


def resolve_kind(store, kind: str) -> set[str]:
    """Organization-kind concepts named ``kind`` (slug such as ``company``, or a label in any language)."""
    rows = run_select(store, """
        SELECT DISTINCT ?k ?label WHERE {
          { ?k a sino:OrganizationKind } UNION { [] org:classification ?k }
          OPTIONAL { ?k skos:prefLabel|skos:altLabel ?label } }""")
    wanted = normalise_label(kind)
    found = {r["k"] for r in rows
             if r["k"] == kind or normalise_label(r["k"].rsplit("/", 1)[-1]) == wanted
             or (r["label"] and normalise_label(r["label"]) == wanted)}
    if not found:
        known = sorted({r["k"].rsplit("/", 1)[-1] for r in rows})
        raise PartnerQueryError(f"unknown organization kind {kind!r}; known kinds: {', '.join(known) or '(none)'}")
    return found


def resolve_organization(store, name_or_iri: str) -> str:
    """The IRI of an organization given by IRI or by one of its names (any language)."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", name_or_iri):
        if not run_select(store, f"SELECT ?x WHERE {{ BIND(1 AS ?x) FILTER EXISTS {{ <{name_or_iri}> ?p ?o }} }}"):
            raise PartnerQueryError(f"organization {name_or_iri} is not in the graph")
        return name_or_iri
    wanted = normalise_label(name_or_iri)
    found = organizations_named(store, name_or_iri)
    if not found:
        rows = run_select(store, f"""
            SELECT DISTINCT ?org ?label WHERE {{
              ?org a org:Organization ; skos:prefLabel|skos:altLabel|sino:acronym ?label .
              FILTER(CONTAINS(LCASE(STR(?label)), {_sparql_string(name_or_iri.strip().lower()[:20])})) }}""")
        found = sorted({r["org"] for r in rows if normalise_label(r["label"]) == wanted})
    if not found:
        raise PartnerQueryError(f"no organization named {name_or_iri!r} in the graph; give its IRI instead")
    return found[0]


def organizations_named(store, name: str) -> list[str]:
    """Organizations with exactly this label (plain or tagged in any language of the scheme), by index lookup."""
    name = name.strip()
    literal = _sparql_string(name)
    forms = " ".join([literal] + [f"{literal}@{lang}" for lang in LABEL_LANGUAGES])
    rows = run_select(store, f"""
        SELECT DISTINCT ?org WHERE {{
          VALUES ?label {{ {forms} }}
          LATERAL {{ ?org skos:prefLabel|skos:altLabel|sino:acronym ?label }}
          LATERAL {{ ?org a org:Organization }} }}""")
    return sorted(r["org"] for r in rows)


def _sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _attach_evidence(store, facts: list[Fact]) -> None:
    nodes = {f.node for f in facts if f.node and f.kind in ("project", "event")}
    if not nodes:
        return
    found: dict[str, list[Evidence]] = defaultdict(list)
    for row in run_select(store, f"""
        SELECT DISTINCT ?body ?doc ?sentence ?date ?lang WHERE {{
          VALUES ?body {{ {iri_values(nodes)} }}
          LATERAL {{ ?ann oa:hasBody ?body ; oa:hasTarget ?t }}
          LATERAL {{ OPTIONAL {{ ?t oa:hasSource ?src }} }}
          BIND(COALESCE(?src, ?t) AS ?doc)
          LATERAL {{ OPTIONAL {{ ?ann sino:sentence ?sentence }} }}
          LATERAL {{ OPTIONAL {{ ?doc dcterms:date ?date }} }}
          LATERAL {{ OPTIONAL {{ ?doc dcterms:language ?lang }} }}
        }} ORDER BY ?body ?doc ?sentence"""):
        found[row["body"]].append(Evidence(row["doc"], row["sentence"], row["date"], row["lang"]))
    for fact in facts:
        if fact.node in found:
            fact.evidence = found[fact.node]


def find_partners(store, *, sector: str, countries: list[str] | None = None, kind: str | None = None,
                  near: str | None = None, since: int | None = None, limit: int = 20) -> list[PartnerResult]:
    """Organizations active in ``sector`` (any language), best first, each with its reasons.

    :raise PartnerQueryError: unknown sector, kind or ``near`` organization.
    """
    scheme = load_sector_scheme(store)
    concepts = resolve_sector(scheme, sector)
    kinds = resolve_kind(store, kind) if kind else None
    near_iri = resolve_organization(store, near) if near else None
    wanted_countries = {c.upper() for c in countries} if countries else None

    pool_size = max(NETWORK_POOL, 3 * limit)
    candidates = activity_index(store).candidates(concepts, countries=wanted_countries, kinds=kinds, since=since,
                                                  exclude=near_iri, limit=pool_size)
    by_org = _collect_facts(store, scheme, concepts, candidates) if candidates else {}
    if since is not None:
        by_org = {org: {k: f for k, f in facts.items() if f.year is not None and f.year >= since}
                  for org, facts in by_org.items()}
    by_org = {org: facts for org, facts in by_org.items() if facts and org != near_iri}
    if not by_org:
        return []
    info = organization_info(store, by_org)
    by_org = {org: facts for org, facts in by_org.items()
              if (wanted_countries is None or (info[org]["country"] or "").upper() in wanted_countries)
              and (kinds is None or info[org]["kind_iri"] in kinds)}
    years = [f.year for facts in by_org.values() for f in facts.values() if f.year is not None]
    newest = max(years) if years else None

    results = []
    for org, facts in by_org.items():
        fact_list = sorted(facts.values(), key=lambda f: (-f.weight, f.kind, f.name, f.activity))
        for fact in fact_list:
            fact.weight = round(fact.weight * _recency(fact.year, newest), 6)
        breakdown = {
            "projects": 0.0 + sum(f.weight for f in fact_list if f.kind == "project"),
            "events": 0.0 + sum(f.weight for f in fact_list if f.kind == "event"),
            "mentions": 0.0 + sum(f.weight for f in fact_list if f.kind in ("mention", "statement")),
            "network": 0.0,
            "proximity": 0.0,
        }
        results.append(PartnerResult(org, info[org]["name"], info[org]["country"], info[org]["kind"],
                                     0.0, breakdown, fact_list))
    _rank(results)
    pool = results[:pool_size]
    pool_iris = [r.iri for r in pool]
    co = neighbours(store, pool_iris)
    hops = org_distance(store, near_iri, pool_iris, max_hops=NEAR_MAX_HOPS) if near_iri else {}
    for result in pool:
        result.co_participants = len(co.get(result.iri, {}))
        result.breakdown["network"] = NETWORK_WEIGHT * math.log1p(result.co_participants)
        result.distance = hops.get(result.iri)
        if result.distance:
            result.breakdown["proximity"] = NEAR_WEIGHT / result.distance
    _rank(results)
    top = results[:limit]
    facts = [f for r in top for f in r.facts]
    names = entity_names(store, {f.activity for f in facts})
    for fact in facts:
        fact.name = names[fact.activity]
    _attach_evidence(store, facts)
    return top


def _rank(results: list[PartnerResult]) -> None:
    for result in results:
        result.breakdown = {k: round(v, 6) for k, v in result.breakdown.items()}
        result.score = round(sum(result.breakdown.values()), 6)
    results.sort(key=lambda r: (-r.score, r.name.casefold(), r.iri))
