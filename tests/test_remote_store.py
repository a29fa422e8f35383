"""The remote store against a real Oxigraph server (the ``oxigraph`` CLI of the venv) on 127.0.0.1.

The embedded store built from the same gold records (``gold_store``) is the reference:
the remote store must hold the same triples and answer the competency queries the same.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from graph.cli import STATS_QUERY, main
from graph.errors import StoreError
from graph.store import open_store
from ontology import load_query
from tests.fixtures_server import start_server

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
QUERIES = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "ontology" / "queries").glob("*.rq"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oxigraph(location: Path):
    """Start ``oxigraph serve`` on a free port; returns (process, base URL) once it answers."""
    port = free_port()
    process = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
            return process, url
        except requests.ConnectionError:
            assert process.poll() is None, f"oxigraph serve exited with {process.returncode}"
            time.sleep(0.1)
    process.kill()
    raise AssertionError("oxigraph serve did not start within 30 s")


@pytest.fixture
def oxigraph(tmp_path):
    """A fresh Oxigraph server for one test; yields its base URL."""
    process, url = start_oxigraph(tmp_path / "oxigraph")
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def remote_gold(tmp_path_factory, gold_records):
    """A module-wide Oxigraph server holding the gold records, ingested through RemoteStore (SPARQL Update)."""
    process, url = start_oxigraph(tmp_path_factory.mktemp("oxigraph-gold"))
    store = open_store(f"{url}/query", update_url=f"{url}/update")
    result = store.ingest_records(gold_records)
    assert not result.failed and len(result.ok) == len(gold_records)
    yield url, store
    process.terminate()
    process.wait(10)


def rows(store, sparql: str) -> Counter:
    return Counter(tuple(sorted(row.items())) for row in store.select(sparql))


def test_same_triples_stats_and_documents_as_the_embedded_store(remote_gold, gold_store):
    _, remote = remote_gold
    assert remote.count_triples() == gold_store.count_triples()
    assert remote.select(STATS_QUERY) == gold_store.select(STATS_QUERY)
    assert remote.document_ids() == gold_store.document_ids()


@pytest.mark.parametrize("name", QUERIES)
def test_competency_queries_answer_the_same(remote_gold, gold_store, name):
    _, remote = remote_gold
    expected = rows(gold_store, load_query(name))
    assert expected, f"{name} answers nothing on the embedded store: the comparison would be empty"
    assert rows(remote, load_query(name)) == expected


def test_result_kinds_are_pyoxigraph_objects(remote_gold, gold_store):
    _, remote = remote_gold
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://www.w3.org/ns/org#Organization> ; ?p ?o }"
    assert type(remote.query(construct)) is type(gold_store.query(construct))
    assert set(remote.query(construct)) == set(gold_store.query(construct))
    assert bool(remote.query("ASK { ?s a <http://www.w3.org/ns/org#Organization> }")) is True
    assert bool(remote.query("ASK { ?s a <urn:nothing> }")) is False


def test_reingest_is_a_no_op(remote_gold, gold_records):
    _, remote = remote_gold
    before = remote.count_triples()
    result = remote.ingest_records(gold_records)
    assert result.ok == [] and sorted(result.unchanged) == sorted(r.id for r in gold_records)
    assert remote.count_triples() == before


def test_remove_then_restore(oxigraph, gold_records, gold_store):
    store = open_store(f"{oxigraph}/query", update_url=f"{oxigraph}/update")
    store.ingest_records(gold_records)
    doc = gold_records[0].id
    assert store.remove_document(doc) is True
    assert doc not in store.document_ids() and store.count_triples() < gold_store.count_triples()
    assert store.remove_document(doc) is False
    store.ingest_records(gold_records)
    assert store.count_triples() == gold_store.count_triples()


def test_graph_store_protocol_writes(oxigraph, gold_records, gold_store):
    store = open_store(f"{oxigraph}/query", update_url=f"{oxigraph}/update", gsp_url=f"{oxigraph}/store")
    result = store.ingest_records(gold_records)
    assert len(result.ok) == len(gold_records)
    assert store.count_triples() == gold_store.count_triples()
    assert rows(store, STATS_QUERY) == rows(gold_store, STATS_QUERY)


def test_cli_over_a_remote_store(oxigraph, gold_dir):
    args = ["--store", f"{oxigraph}/query", "--update-url", f"{oxigraph}/update"]
    files = [str(p) for p in sorted(gold_dir.glob("*.json"))]
    first = CliRunner().invoke(main, [*args, "ingest", *files])
    assert first.exit_code == 0 and f"documents ok: {len(files)}" in first.output, first.output
    again = CliRunner().invoke(main, [*args, "ingest", *files])
    assert f"unchanged: {len(files)}" in again.output and "skipped 5 document(s)" in again.output
    stats = CliRunner().invoke(main, [*args, "stats"])
    assert stats.exit_code == 0 and f"documents: {len(files)}" in stats.output


def test_server_answers_over_the_remote_store(remote_gold, gold_store):
    url, _ = remote_gold
    served = start_server({"store": f"{url}/query", "update_url": f"{url}/update"})
    live = next(served)
    try:
        query = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }"
        answer = requests.get(f"{live.url}/sparql", params={"query": query},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200, answer.text
        expected = gold_store.select(query)[0]["n"]
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == expected
        bad = requests.get(f"{live.url}/sparql", params={"query": "SELEKT"}, timeout=30)
        assert bad.status_code == 400
        home = requests.get(f"{live.url}/", headers={"Accept": "text/html"}, timeout=30)
        assert home.status_code == 200 and str(expected) in home.text
    finally:
        served.close()


def test_connection_refused_is_a_clear_store_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    store = open_store(url)
    with pytest.raises(StoreError, match=r"cannot reach the SPARQL service at http://127\.0\.0\.1:\d+/query"):
        store.count_triples()
    result = CliRunner().invoke(main, ["--store", url, "stats"])
    assert result.exit_code == 1 and "cannot reach the SPARQL service" in result.output and url in result.output


def test_writes_without_an_update_url_say_what_to_pass(oxigraph, gold_records):
    store = open_store(f"{oxigraph}/query")
    with pytest.raises(StoreError, match="--update-url"):
        store.ingest_records(gold_records[:1])


def test_wrong_endpoint_path_is_a_store_error(oxigraph):
    with pytest.raises(StoreError, match="HTTP 404"):
        open_store(f"{oxigraph}/nothing-here").count_triples()


def test_refresh_identity_reads_the_merge_graph_back_unchanged(remote_gold, gold_store):
    _, remote = remote_gold
    before = remote.count_triples()
    assert remote.refresh_identity() is False  # the merge graph read over HTTP equals the one built
    assert remote.count_triples() == before == gold_store.count_triples()
