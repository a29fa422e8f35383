"""Bad input: the mutated corpus through ``sinoeu-kg ingest``, hypothesis documents, hostile text.

Every file is accounted for: ingested, or reported with a reason; nothing crashes the
batch. Hostile text never yields an invalid IRI, a non-conforming graph or live markup
in the pages.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.api import extract_paths
from extract.errors import DocumentError
from graph.iris import doc_graph_iri, doc_iri
from graph.settings import resolve_settings
from graph.store import open_store
from tests.fixtures_reliability import assert_inert_html, run_cli
from tests.reliability_corpus import HOSTILE_STEM, corpus_sources

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(400)]

BASE = "https://w3id.org/sinoeu-kg/"
SINO = "https://w3id.org/sinoeu-kg/ontology#"
# RFC 3987: no spaces, controls, "<>\"{}|^`\\"; bidi formatting characters must not appear in IRIs (section 4.1).
VALID_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+$')


def test_every_mutated_document_is_ingested_or_reported(mutated_run, reliability_figures):
    process = mutated_run.process
    assert "Traceback" not in process.stderr, process.stderr[-3000:]
    assert process.returncode == 1, "some documents are bad: ingest must say so with exit code 1"
    store = open_store(mutated_run.store, read_only=True)
    ingested = set(store.document_ids())
    store.close()
    reasons = {}
    for where, reason in mutated_run.failures:
        assert reason.strip(), f"{where} reported without a reason"
        reasons[where] = reason
    for mutant in mutated_run.mutants:
        reported = [reason for where, reason in reasons.items() if where.startswith(str(mutant.path))]
        accounted = (mutant.doc_id in ingested) + bool(reported)
        assert accounted == 1, f"{mutant.kind} {mutant.path.name}: ingested={mutant.doc_id in ingested}, reported={reported}"
        if mutant.expect == "ok":
            assert mutant.doc_id in ingested, f"good document {mutant.path.name} ({mutant.kind}) was not ingested"
        if mutant.expect == "reject":
            assert reported, f"bad document {mutant.path.name} ({mutant.kind}) was not reported"
        reliability_figures.document(ingested=mutant.doc_id in ingested, reason=reported[0] if reported else None)
    reliability_figures.note(f"mutated corpus: {len(mutated_run.mutants)} files from {len(corpus_sources())} "
                             f"project documents through `sinoeu-kg ingest` in {mutated_run.seconds:.1f} s")


def _all_iris(store_path: Path) -> set[str]:
    store = ox.Store.read_only(str(store_path))
    iris = set()
    for quad in store:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
    del store
    return iris


def test_hostile_text_keeps_every_iri_valid(mutated_run):
    iris = _all_iris(mutated_run.store)
    bad = sorted(iri for iri in iris if not VALID_IRI.match(iri))
    assert not bad, bad[:10]
    hostile_doc = doc_iri(BASE, HOSTILE_STEM)
    assert hostile_doc in iris, "the hostile document (quoted file name) is in the graph under an escaped IRI"
    store = open_store(mutated_run.store, read_only=True)
    assert HOSTILE_STEM in store.document_ids(), "the document id round-trips through its graph IRI"
    rows = store.select("PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> "
                        "SELECT ?text WHERE { ?doc sino:text ?text }", doc=hostile_doc)
    store.close()
    assert rows and "<script>alert" in rows[0]["text"] and "javascript:alert" in rows[0]["text"], \
        "hostile markup is kept as literal text (the cleaner may space out words, it must not drop it)"


def test_graph_with_hostile_text_conforms_to_the_shapes(mutated_run):
    process = run_cli(mutated_run.store, "validate")
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-2000:]
    assert "Conforms: True" in process.stdout


def _hostile_entities(store_path: Path) -> list[str]:
    """IRIs of the things the hostile document says (anything with evidence or a type in its graph)."""
    graph = doc_graph_iri(BASE, HOSTILE_STEM)
    store = open_store(store_path, read_only=True)
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{graph}> {{ ?s a ?type }} }} ORDER BY ?s")
    store.close()
    return [row["s"] for row in rows if "/id/evidence/" not in row["s"]]


def test_hostile_document_pages_show_markup_as_text(hostile_server, mutated_run, reliability_figures):
    entities = _hostile_entities(mutated_run.store)
    assert len(entities) >= 3, entities
    doc = doc_iri(BASE, HOSTILE_STEM)
    urls = [f"/entity?{urlencode({'iri': iri})}" for iri in [doc, *entities]]
    urls += ["/search?" + urlencode({"q": "<script>alert(1)</script>"}), "/search?" + urlencode({"q": "Acme"}),
             "/documents", "/orgs", "/"]
    for url in urls:
        response = requests.get(hostile_server + url, timeout=60)
        reliability_figures.request(response.elapsed.total_seconds(), response.status_code)
        assert response.status_code == 200, (url, response.status_code)
        assert_inert_html(response.text, url)
    page = requests.get(hostile_server + urls[0], timeout=60).text
    assert "&lt;script&gt;alert" in page and "&lt;iframe" in page, "the document page shows the markup as text"


def test_hostile_document_iri_resolves_as_linked_data(hostile_server, reliability_figures):
    doc = doc_iri(BASE, HOSTILE_STEM)
    response = requests.get(hostile_server + "/id/" + doc.split("/id/", 1)[1], headers={"Accept": "text/turtle"},
                            timeout=60)
    reliability_figures.request(response.elapsed.total_seconds(), response.status_code)
    assert response.status_code == 200, response.text[:300]
    texts = [q.object.value for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)
             if q.predicate.value == SINO + "text"]
    assert any("<script>alert" in text for text in texts), "linked data keeps the text"


_SAMPLE_PARAGRAPHS = [p for path in corpus_sources() for p in path.read_text(encoding="utf-8").split("\n\n")
                      if len(p) > 80][:40]
_FRAGMENTS = st.sampled_from([
    "<script>alert(1)</script>", '<a href="javascript:alert(1)">x</a>', "SELECT * WHERE { ?s ?p ?o }",
    '"> <img src=x onerror=alert(1)>', "<http://ex.org/a b>", "\u202e\u200b\ufeff", "\x00", "\r\n\r\n",
    "The European Hydrogen Agency (EHA) and the Wuhan Municipal Government signed an agreement.",
    "Die Stadt Hamburg und die Qingdao Port Group unterzeichneten am 3. März 2024 ein Abkommen.",
    "青岛市人民政府与汉堡市政府签署合作协议。", "' OR 1=1 --", "]]>", "{{ 7*7 }}", "%s%n%x",
])
_DOCUMENTS = st.one_of(
    st.lists(st.one_of(st.sampled_from(_SAMPLE_PARAGRAPHS), _FRAGMENTS, st.text(max_size=200)),
             min_size=1, max_size=8).map(lambda parts: ("\n\n".join(parts)).encode("utf-8", errors="surrogatepass")),
    st.binary(max_size=600),
)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "store"
    store = open_store(path)
    yield store
    store.close()


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=_DOCUMENTS, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_hypothesis_documents_never_crash_extract_or_ingest(data, suffix, fuzz_store, reliability_figures):
    limits = resolve_settings({"store": str(fuzz_store.path)}, environ={})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        outcomes = list(extract_paths([path], max_bytes=limits["max_document_bytes"], languages=limits["languages"]))
    assert len(outcomes) == 1
    _, outcome = outcomes[0]
    if isinstance(outcome, DocumentError):
        assert outcome.reason.strip()
        reliability_figures.document(ingested=False, reason=outcome.reason)
        return
    result = fuzz_store.ingest_records([outcome])
    assert not result.failed, result.failed
    assert outcome.id in fuzz_store.document_ids()
    reliability_figures.document(ingested=True)
