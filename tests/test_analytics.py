"""The cooperation network built from the store, checked against the records it came from."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx
import pytest

from graph.analytics import (centrality, co_participation_graph, communities, neighbours, org_distance,
                             shortest_distance, weighted_centrality)
from tests.test_partners import build_match_store, match_records


@pytest.fixture(scope="module")
def match_store(tmp_path_factory):
    store = build_match_store(tmp_path_factory.mktemp("analytics") / "store")
    yield store
    store.close()


def expected_pair_weights(records) -> Counter:
    """Shared activities per organization-name pair, straight from the records (no event/project merges there)."""
    weights: Counter = Counter()
    for record in records:
        activities = [{r.organization for r in e.roles} for e in record.events]
        activities += [set(p.partners) for p in record.projects]
        for members in activities:
            for pair in combinations(sorted(members), 2):
                weights[pair] += 1
    return weights


def test_edge_weights_count_shared_events_and_projects(match_store):
    graph = co_participation_graph(match_store)
    by_label = {tuple(sorted((graph.nodes[a]["label"], graph.nodes[b]["label"]))): d["weight"]
                for a, b, d in graph.edges(data=True)}
    expected = expected_pair_weights(match_records())
    assert by_label == dict(expected)
    nordwind_lianyun = by_label[("Nordwind Energie GmbH", "Stadtregierung Lianyun")]
    assert nordwind_lianyun == 2  # the launch event and the pilot project


def test_local_walks_agree_with_the_materialised_graph(match_store):
    graph = co_participation_graph(match_store)
    source = sorted(graph.nodes)[0]
    for org, others in neighbours(match_store, graph.nodes).items():
        assert others == {n: graph[org][n]["weight"] for n in graph[org]}
    for source in sorted(graph.nodes):
        walked = org_distance(match_store, source, graph.nodes, max_hops=10)
        expected = {t: shortest_distance(graph, source, t) for t in graph.nodes}
        assert walked == {t: d for t, d in expected.items() if d is not None}


def test_ego_graph_of_some_organizations_is_their_neighbourhood(match_store):
    full = co_participation_graph(match_store)
    seed = max(sorted(full.nodes), key=full.degree)
    ego = co_participation_graph(match_store, [seed])
    assert set(ego.nodes) == {seed, *full[seed]}
    assert ego.degree(seed) == full.degree(seed)


def test_centrality_and_communities_are_deterministic(match_store):
    graph = co_participation_graph(match_store)
    degree = centrality(graph)
    assert all(0.0 <= v <= 1.0 for v in degree.values())
    hub = max(sorted(graph.nodes), key=graph.degree)
    assert degree[hub] == max(degree.values())
    assert sum(weighted_centrality(graph).values()) == pytest.approx(1.0)
    groups = communities(graph)
    assert groups == communities(co_participation_graph(match_store))
    assert sorted(n for g in groups for n in g) == sorted(graph.nodes)
    for group in groups:
        assert nx.is_connected(graph.subgraph(group))


def test_gold_network_links_the_taicang_launch_hosts(gold_store):
    graph = co_participation_graph(gold_store)
    labels = {graph.nodes[n]["label"]: n for n in graph.nodes}
    cecco = labels["China-EU Carbon Neutrality Cooperation Office"]
    taicang = next(n for label, n in labels.items() if label == "Taicang Municipal Government")
    assert graph.has_edge(cecco, taicang)
    assert shortest_distance(graph, cecco, taicang) == 1
    assert org_distance(gold_store, cecco, [taicang]) == {taicang: 1}
