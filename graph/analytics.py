"""The cooperation network: networkx graphs built from SPARQL results over the store.

Like rdflib's ``extras/external_graph_libs`` bridge, but over SPARQL: an
*activity* is an event (``prov:wasAssociatedWith`` / a qualified association)
or a project (``sino:partner``); two organizations are linked when they share
activities, the edge weight being how many. On top of that graph:
centrality, Louvain communities (fixed seed, so runs agree) and shortest-path
distance between organizations.

Two ways in, because the partner finder must answer in well under a second
on 100k organizations: :func:`co_participation_graph` materialises the
(whole or local) graph for analysis, while :func:`neighbours` and
:func:`org_distance` walk the store hop by hop with ``VALUES`` + ``LATERAL`` queries
and never load more than the frontier.
"""

from __future__ import annotations

import hashlib
import heapq
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import networkx as nx

PREFIXES = """\
PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# The ways an organization takes part in an activity (event or project).
_MEMBERSHIP = """
  { ?activity prov:wasAssociatedWith ?org }
  UNION { ?activity prov:qualifiedAssociation ?assoc . ?assoc prov:agent ?org }
  UNION { ?activity sino:partner ?org }
"""

COMMUNITY_SEED = 20240601


def run_select(store, sparql: str) -> list[dict[str, str | None]]:
    """Run a SELECT over the union of all graphs; rows map variable -> lexical value (or None).

    Works on the project's ``GraphStore`` (whose default graph is the union).
    """
    solutions = store.query(PREFIXES + sparql)
    names = [variable.value for variable in solutions.variables]
    return [dict(zip(names, [None if term is None else term.value for term in solution])) for solution in solutions]


def iri_values(iris: Iterable[str]) -> str:
    """A SPARQL ``VALUES`` body for IRIs (sorted, so queries are reproducible).

    >>> iri_values(["http://b", "http://a"])
    '<http://a> <http://b>'
    """
    return " ".join(f"<{iri}>" for iri in sorted(set(iris)))


def activity_members(store, orgs: Iterable[str] | None = None) -> dict[str, set[str]]:
    """activity IRI -> the organizations taking part; only activities touching ``orgs`` if given.

    ``LATERAL`` (pyoxigraph's SPARQL 1.2 extension) makes the engine walk from
    the given organizations through the indexes instead of joining whole tables.
    """
    if orgs is None:
        where = _MEMBERSHIP
    else:
        where = (f"VALUES ?seed {{ {iri_values(orgs)} }}\n"
                 "LATERAL { { ?activity prov:wasAssociatedWith ?seed } UNION { ?activity sino:partner ?seed } }\n"
                 "LATERAL { { ?activity prov:wasAssociatedWith ?org } UNION { ?activity sino:partner ?org } }")
    rows = run_select(store, f"SELECT DISTINCT ?activity ?org WHERE {{ {where} FILTER(isIRI(?org)) }}")
    members: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        members[row["activity"]].add(row["org"])
    return dict(members)


def graph_from_members(members: dict[str, set[str]]) -> nx.Graph:
    """Organizations as nodes, an edge per pair sharing activities (weight = count)."""
    graph = nx.Graph()
    for activity in sorted(members):
        orgs = sorted(members[activity])
        graph.add_nodes_from(orgs)
        for i, left in enumerate(orgs):
            for right in orgs[i + 1:]:
                if graph.has_edge(left, right):
                    graph[left][right]["weight"] += 1
                    graph[left][right]["activities"].append(activity)
                else:
                    graph.add_edge(left, right, weight=1, activities=[activity])
    return graph


def co_participation_graph(store, orgs: Iterable[str] | None = None) -> nx.Graph:
    """The co-participation graph of the whole store, or the ego graphs of ``orgs``.

    Node attributes ``label`` and ``country`` come from the store.
    """
    graph = graph_from_members(activity_members(store, orgs))
    for org, entry in organization_info(store, graph.nodes).items():
        graph.nodes[org]["label"] = entry["name"]
        graph.nodes[org]["country"] = entry["country"]
    return graph


def organization_info(store, orgs: Iterable[str], lang: str = "en") -> dict[str, dict]:
    """org -> {name, country, kind, kind_iri}; the name is the best label available.

    Preference: prefLabel in ``lang``, then English, then any prefLabel, then the
    longest altLabel in the same order (ties: alphabetical) - deterministic.
    """
    orgs = sorted(set(orgs))
    info = {org: {"name": org, "country": None, "kind": None, "kind_iri": None, "labels": []} for org in orgs}
    if not orgs:
        return info
    for row in run_select(store, f"""
        SELECT ?org ?p ?v (LANG(?v) AS ?lang) WHERE {{
          VALUES ?org {{ {iri_values(orgs)} }}
          LATERAL {{ VALUES ?p {{ skos:prefLabel skos:altLabel schema:addressCountry org:classification }}
                    ?org ?p ?v }} }}"""):
        entry = info[row["org"]]
        if row["p"].endswith("addressCountry"):
            entry["country"] = min(filter(None, [entry["country"], row["v"].upper()]))
        elif row["p"].endswith("classification"):
            entry["kind_iri"] = min(filter(None, [entry["kind_iri"], row["v"]]))
            entry["kind"] = entry["kind_iri"].rsplit("/", 1)[-1]
        else:
            entry["labels"].append((row["p"].endswith("prefLabel"), row["lang"] or "", row["v"]))
    for entry in info.values():
        if entry["labels"]:
            best = min(entry["labels"], key=lambda item: (not item[0], item[1] != lang, item[1] != "en",
                                                          -len(item[2]) if not item[0] else 0, item[2]))
            entry["name"] = best[2]
        del entry["labels"]
    return info


def entity_names(store, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """iri -> its name (schema:name, skos:prefLabel or dcterms:title) in ``lang``, else English, else any.

    Entities merged across languages carry one name per language; this picks
    one deterministically (shortest tag match first, then alphabetical).
    """
    iris = sorted(set(iris))
    names: dict[str, list[tuple]] = defaultdict(list)
    if iris:
        for row in run_select(store, f"""
            SELECT ?x ?v (LANG(?v) AS ?lang) WHERE {{
              VALUES ?x {{ {iri_values(iris)} }} LATERAL {{ ?x schema:name|skos:prefLabel|dcterms:title ?v }} }}"""):
            tag = (row["lang"] or "").lower()
            names[row["x"]].append((tag != lang, tag != "en", row["v"]))
    return {iri: min(names[iri])[2] if names[iri] else iri for iri in iris}


def centrality(graph: nx.Graph) -> dict[str, float]:
    """Degree centrality (share of the other organizations one has worked with)."""
    return nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else {n: 0.0 for n in graph}


def weighted_centrality(graph: nx.Graph) -> dict[str, float]:
    """PageRank over shared-activity weights: who works with well-connected organizations."""
    if graph.number_of_edges() == 0:
        return {node: 0.0 for node in graph}
    return nx.pagerank(graph, weight="weight")


def communities(graph: nx.Graph, *, seed: int = COMMUNITY_SEED) -> list[list[str]]:
    """Louvain communities with a fixed seed, largest first, each sorted (deterministic)."""
    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted((sorted(group) for group in found), key=lambda g: (-len(g), g[0]))


def neighbours(store, orgs: Iterable[str]) -> dict[str, dict[str, int]]:
    """org -> {co-participant: number of shared activities}, for the given orgs only."""
    orgs = set(orgs)
    result: dict[str, dict[str, int]] = {org: {} for org in orgs}
    if not orgs:
        return result
    for activity, members in activity_members(store, orgs).items():
        for org in members & orgs:
            for other in members - {org}:
                result[org][other] = result[org].get(other, 0) + 1
    return result


def org_distance(store, source: str, targets: Iterable[str], *, max_hops: int = 3) -> dict[str, int]:
    """Hops from ``source`` to each reachable target in the co-participation graph.

    Breadth-first over the store, one ``VALUES`` query per hop, stopping at
    ``max_hops`` or when every target is reached; unreachable targets are absent.
    """
    targets = set(targets)
    distance = {source: 0}
    frontier = {source}
    for hop in range(1, max_hops + 1):
        if not frontier or targets <= distance.keys():
            break
        reached = set()
        for others in neighbours(store, frontier).values():
            reached.update(other for other in others if other not in distance)
        for org in reached:
            distance[org] = hop
        frontier = reached
    return {org: hops for org, hops in distance.items() if org in targets}


def shortest_distance(graph: nx.Graph, source: str, target: str) -> int | None:
    """Hops between two organizations in a materialised graph, None when unconnected."""
    if source not in graph or target not in graph or not nx.has_path(graph, source, target):
        return None
    return nx.shortest_path_length(graph, source, target)


def store_fingerprint(store) -> tuple | None:
    """A cheap key that changes whenever the on-disk store is written (file names, sizes, mtimes).

    None for stores without a directory (nothing is cached for them).
    """
    path = getattr(store, "path", None)
    if path is None or not os.path.isdir(path):
        return None
    entries = sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                     for entry in os.scandir(path) if entry.is_file() and not entry.name.startswith("LOG"))
    return (str(path), hashlib.sha256(repr(entries).encode()).hexdigest())


@dataclass
class ActivityIndex:
    """Who is active in which sector, summarised once per store state.

    ``totals[sector][country][org]`` sums the weights of the organization's
    activities in that sector concept: partner in a project (3.0), participant
    of an event carrying the sector (1.5), participant of an event reported in
    a document about the sector (1.0); ``by_year[sector][year][country][org]``
    splits the same sums by year (None: undated). Partitioning by country
    ("" when unknown) lets a country filter touch only its organizations. ``projects[sector]`` lists the projects
    of each sector; ``countries`` / ``kinds`` hold the filters' attributes. The
    partner finder and the matcher use it to pick candidates in milliseconds,
    then score those exactly (with evidence) by query.
    """

    totals: dict[str, dict[str, dict[str, float]]]
    by_year: dict[str, dict[int | None, dict[str, dict[str, float]]]]
    projects: dict[str, set[str]]
    countries: dict[str, str]
    kinds: dict[str, str]

    def candidates(self, sectors: Iterable[str], *, countries: set[str] | None = None,
                   kinds: set[str] | None = None, since: int | None = None, exclude: str | None = None,
                   limit: int = 200) -> list[str]:
        """The ``limit`` organizations with the most weighted activity in ``sectors`` (ties: IRI).

        Undated activities pass ``since`` here; the exact scoring drops them.
        """
        by_country = []
        for sector in sorted(set(sectors)):
            if since is None:
                by_country.append(self.totals.get(sector, {}))
            else:
                by_country.extend(part for year, part in self.by_year.get(sector, {}).items()
                                  if year is None or year >= since)
        score: dict[str, float] = {}
        for part in by_country:
            for country in (part if countries is None else countries & part.keys()):
                for org, weight in part[country].items():
                    score[org] = score.get(org, 0.0) + weight
        keep = (org for org in score if org != exclude and (kinds is None or self.kinds.get(org) in kinds))
        return [org for org in heapq.nsmallest(limit, keep, key=lambda org: (-score[org], org))]


_INDEX_CACHE: dict[tuple, ActivityIndex] = {}
_INDEX_CACHE_SIZE = 4


def activity_index(store) -> ActivityIndex:
    """The store's :class:`ActivityIndex`, built on first use and reused until the store changes."""
    key = store_fingerprint(store)
    if key is not None and key in _INDEX_CACHE:
        return _INDEX_CACHE[key]
    index = build_activity_index(store)
    if key is not None:
        while len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
            _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
        _INDEX_CACHE[key] = index
    return index


def _year(value: str | None) -> int | None:
    return int(value[:4]) if value and value[:4].isdigit() else None


def build_activity_index(store) -> ActivityIndex:
    """Scan the store once (four SELECTs) into an :class:`ActivityIndex`."""
    facts: dict[str, dict[str, dict[tuple, tuple[float, int | None]]]] = defaultdict(lambda: defaultdict(dict))

    def add(sector: str, org: str, activity: str, weight: float, year: int | None) -> None:
        old = facts[sector][org].get((activity,))
        if old is None or (weight, year or 0) > (old[0], old[1] or 0):
            facts[sector][org][(activity,)] = (weight, year)

    for row in run_select(store, """
        SELECT ?org ?act ?sector ?date WHERE {
          GRAPH ?g { ?act sino:sector ?sector ; sino:partner ?org . ?doc a sino:Document
                     OPTIONAL { ?doc dcterms:date ?date } } }"""):
        add(row["sector"], row["org"], row["act"], 3.0, _year(row["date"]))
    for row in run_select(store, """
        SELECT ?org ?act ?sector ?date WHERE {
          ?act sino:sector ?sector ; prov:wasAssociatedWith ?org .
          LATERAL { OPTIONAL { ?act schema:startDate ?date } } }"""):
        add(row["sector"], row["org"], row["act"], 1.5, _year(row["date"]))
    for row in run_select(store, """
        SELECT ?org ?act ?sector ?date WHERE {
          GRAPH ?g { ?doc a sino:Document ; dcterms:subject ?sector . ?act prov:wasAssociatedWith ?org
                     OPTIONAL { ?doc dcterms:date ?date } } }"""):
        add(row["sector"], row["org"], row["act"], 1.0, _year(row["date"]))
    projects: dict[str, set[str]] = defaultdict(set)
    for row in run_select(store, "SELECT ?p ?sector WHERE { ?p a sino:Project ; sino:sector ?sector }"):
        projects[row["sector"]].add(row["p"])
    countries, kinds = {}, {}
    for row in run_select(store, """
        SELECT ?org ?p ?v WHERE { VALUES ?p { schema:addressCountry org:classification } ?org ?p ?v }"""):
        if row["p"].endswith("addressCountry"):
            countries[row["org"]] = min(row["v"].upper(), countries.get(row["org"], row["v"].upper()))
        else:
            kinds[row["org"]] = min(row["v"], kinds.get(row["org"], row["v"]))
    totals: dict = defaultdict(lambda: defaultdict(dict))
    by_year: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for sector, orgs in facts.items():
        for org, items in orgs.items():
            country = countries.get(org, "")
            for weight, year in items.values():
                part = totals[sector][country]
                part[org] = part.get(org, 0.0) + weight
                part = by_year[sector][year][country]
                part[org] = part.get(org, 0.0) + weight
    return ActivityIndex({s: dict(c) for s, c in totals.items()},
                         {s: {y: dict(c) for y, c in years.items()} for s, years in by_year.items()},
                         dict(projects), countries, kinds)
