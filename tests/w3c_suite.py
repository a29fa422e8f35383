"""A runner for the W3C SPARQL 1.1 test suites against a live endpoint, over HTTP only.

- ``protocol/manifest.ttl``: each ``mf:ProtocolTest`` is a list of HTTP requests in the
  W3C ``ht:`` vocabulary; ``/sparql/`` paths go to the endpoint, the graphs named by
  ``ut:graphData`` are loaded first through the Graph Store Protocol, and each response
  is checked for its status class, result format and ASK answer.
- every other folder: ``mf:QueryEvaluationTest`` / ``mf:CSVResultFormatTest`` load
  ``qt:data`` into the default graph and ``qt:graphData`` into named graphs (named by
  the file's W3C IRI), run ``qt:query`` (with ``BASE`` = the query file's W3C IRI) and
  compare with ``mf:result`` as multisets of solutions, blank nodes up to renaming,
  in order when the query has ``ORDER BY``; graphs by isomorphism.
  ``mf:NegativeSyntaxTest11`` queries must be refused with 400.
Result parsing and comparison live in ``tests/w3c_results.py``.
Tests the endpoint cannot apply (SPARQL Update and SERVICE on a read-only server) are
reported as not applicable, by name.
"""

from __future__ import annotations

import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import rdflib
import requests
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from tests.w3c_results import (W3C_BASE, parse_csv_results, parse_json_results, parse_rdf_result_set,
                               parse_tsv_results, parse_xml_results, path_iri, solutions_match)

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
EVALUATION_TYPES = (MF.QueryEvaluationTest, MF.CSVResultFormatTest)


@dataclass
class SuiteReport:
    """Outcome per folder: names of passed, failed (with reason) and not-applicable tests."""

    passed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    failed: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    not_applicable: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def folders(self) -> list[str]:
        return sorted(set(self.passed) | set(self.failed) | set(self.not_applicable))

    def table(self) -> str:
        """The per-folder pass / fail / n-a table, then every failure and n-a with its reason."""
        lines = [f"{'folder':<20}{'pass':>6}{'fail':>6}{'n/a':>6}"]
        for folder in self.folders():
            lines.append(f"{folder:<20}{len(self.passed[folder]):>6}{len(self.failed[folder]):>6}"
                         f"{len(self.not_applicable[folder]):>6}")
        totals = [sum(len(part[f]) for f in self.folders()) for part in (self.passed, self.failed, self.not_applicable)]
        lines.append(f"{'total':<20}{totals[0]:>6}{totals[1]:>6}{totals[2]:>6}")
        for title, part in (("failed", self.failed), ("not applicable", self.not_applicable)):
            for folder in self.folders():
                lines.extend(f"{title}: {folder}/{name}: {reason[:240]}" for name, reason in part[folder])
        return "\n".join(lines)


class Endpoint:
    """The server under test: its base URL and admin token, with the helpers the runner needs."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.session = requests.Session()
        self.auth = {"Authorization": f"Bearer {token}"}

    def reset(self, default_files: list[Path], named_files: dict[str, Path]) -> None:
        """Empty the store, then load the default graph and the named graphs through the GSP."""
        self._ok(self.session.post(self.url + "/sparql", data=b"DROP ALL", headers={
            **self.auth, "Content-Type": "application/sparql-update"}))
        for path in default_files:
            self._upload("default", path, path_iri(path))
        for name, path in named_files.items():
            self._upload(f"graph={quote(name, safe='')}", path, path_iri(path))

    def _upload(self, target: str, path: Path, base: str) -> None:
        # Parsed here with the file's W3C IRI as base, so relative IRIs resolve as the suite expects.
        data = ox.serialize(ox.parse(path=str(path), format=_rdf_format(path), base_iri=base),
                            format=ox.RdfFormat.N_TRIPLES)
        self._ok(self.session.post(f"{self.url}/rdf-graph-store?{target}", data=data, headers={
            **self.auth, "Content-Type": "application/n-triples"}))

    def query(self, text: str, accept: str) -> requests.Response:
        return self.session.post(self.url + "/sparql", data=text.encode("utf-8"), headers={
            "Content-Type": "application/sparql-query", "Accept": accept})

    @staticmethod
    def _ok(response: requests.Response) -> None:
        if response.status_code >= 300:
            raise AssertionError(f"setup request failed: {response.status_code} {response.text[:300]}")


def _rdf_format(path: Path) -> ox.RdfFormat:
    return {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}[path.suffix]


def _local(folder: Path, node) -> Path:
    return folder / str(node).rsplit("/", 1)[1]


def _manifest(folder: Path) -> tuple[rdflib.Graph, list]:
    graph = rdflib.Graph().parse(folder / "manifest.ttl", format="turtle",
                                 publicID=W3C_BASE + f"{folder.name}/manifest.ttl")
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    return graph, list(Collection(graph, graph.value(manifest, MF.entries)))


# --- query evaluation ---------------------------------------------------------------------------

def _ordered(query: str) -> bool:
    return re.search(r"\bORDER\s+BY\b", query, re.IGNORECASE) is not None


def run_evaluation_test(endpoint: Endpoint, folder: Path, graph: rdflib.Graph, test) -> tuple[str, str]:
    """Run one evaluation test; returns ("pass" | "fail" | "n/a", reason)."""
    action = graph.value(test, MF.action)
    query_path = _local(folder, graph.value(action, QT.query))
    query = query_path.read_text(encoding="utf-8")
    if re.search(r"\bSERVICE\b", query) or graph.value(action, QT.serviceData) is not None:
        return "n/a", "uses SERVICE (federated queries are off)"
    endpoint.reset([_local(folder, d) for d in graph.objects(action, QT.data)],
                   {str(g): _local(folder, g) for g in graph.objects(action, QT.graphData)})
    text = f"BASE <{path_iri(query_path)}>\n{query}"
    result_path = _local(folder, graph.value(test, MF.result))
    suffix = result_path.suffix
    if suffix in (".ttl", ".rdf"):
        rows = parse_rdf_result_set(result_path) if suffix == ".ttl" else None
        if rows is None:
            return _compare_graphs(endpoint.query(text, "application/n-triples"), result_path)
        return _compare_rows(endpoint.query(text, "application/sparql-results+json"), rows, parse_json_results,
                             _ordered(query))
    if suffix == ".csv":
        return _compare_rows(endpoint.query(text, "text/csv"), parse_csv_results(result_path.read_text("utf-8")),
                             parse_csv_results, _ordered(query))
    if suffix == ".tsv":
        return _compare_rows(endpoint.query(text, "text/tab-separated-values"),
                             parse_tsv_results(result_path.read_text("utf-8")), parse_tsv_results, _ordered(query))
    expected = (parse_xml_results(result_path.read_bytes()) if suffix == ".srx"
                else parse_json_results(result_path.read_text("utf-8")))
    return _compare_rows(endpoint.query(text, "application/sparql-results+json"), expected, parse_json_results,
                         _ordered(query))


def _compare_rows(response: requests.Response, expected, parse, ordered: bool) -> tuple[str, str]:
    if response.status_code != 200:
        return "fail", f"HTTP {response.status_code}: {response.text[:200]}"
    actual = parse(response.text)
    if isinstance(expected, bool) or isinstance(actual, bool):
        return ("pass", "") if expected == actual else ("fail", f"expected {expected}, got {actual}")
    if solutions_match(expected, actual, ordered):
        return "pass", ""
    if ordered and solutions_match(expected, actual, False):
        return "fail", "right solutions in the wrong order"
    return "fail", f"expected {len(expected)} solutions, got {len(actual)} different ones: {actual[:3]}"


def _compare_graphs(response: requests.Response, expected_path: Path) -> tuple[str, str]:
    if response.status_code != 200:
        return "fail", f"HTTP {response.status_code}: {response.text[:200]}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns on ill-typed literals; the comparison stays exact
        actual = rdflib.Graph().parse(data=response.text, format="nt")
        expected = rdflib.Graph().parse(expected_path, format="turtle", publicID=path_iri(expected_path))
    return ("pass", "") if isomorphic(actual, expected) else ("fail", f"graphs differ ({len(actual)} vs {len(expected)})")


def run_negative_syntax_test(endpoint: Endpoint, folder: Path, graph: rdflib.Graph, test) -> tuple[str, str]:
    """A malformed query must be refused with 400."""
    query = _local(folder, graph.value(test, MF.action)).read_text(encoding="utf-8")
    status = endpoint.query(query, "application/sparql-results+json").status_code
    return ("pass", "") if status == 400 else ("fail", f"expected 400, got {status}")


def run_evaluation_folder(endpoint: Endpoint, folder: Path, report: SuiteReport) -> None:
    """Every entry of one folder's manifest, counted in ``report``."""
    graph, entries = _manifest(folder)
    for test in entries:
        name = str(test).rsplit("#", 1)[-1]
        kinds = set(graph.objects(test, rdflib.RDF.type))
        if kinds & set(EVALUATION_TYPES):
            outcome, reason = run_evaluation_test(endpoint, folder, graph, test)
        elif MF.NegativeSyntaxTest11 in kinds:
            outcome, reason = run_negative_syntax_test(endpoint, folder, graph, test)
        else:
            outcome, reason = "n/a", f"test type {', '.join(sorted(str(k) for k in kinds))} is not a query test"
        _record(report, folder.name, name, outcome, reason)


def _record(report: SuiteReport, folder: str, name: str, outcome: str, reason: str) -> None:
    if outcome == "pass":
        report.passed[folder].append(name)
    elif outcome == "fail":
        report.failed[folder].append((name, reason))
    else:
        report.not_applicable[folder].append((name, reason))


# --- protocol -----------------------------------------------------------------------------------

def _status_classes(graph: rdflib.Graph, response_node) -> set[int]:
    return {int(str(code)[-3]) for code in graph.objects(response_node, MF.expectedStatus)}


def run_protocol_test(endpoint: Endpoint, folder: Path, graph: rdflib.Graph, test) -> tuple[str, str]:
    """Send the test's requests in order; check status class, result format and ASK answer of each."""
    named = {str(graph.value(node, rdflib.RDFS.label)): _local(folder, graph.value(node, UT.graph))
             for node in graph.objects(test, UT.graphData)}
    endpoint.reset([], named)
    action = graph.value(test, MF.action)
    for number, request in enumerate(Collection(graph, graph.value(action, HT.requests)), start=1):
        path = str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        headers = dict(endpoint.auth)
        header_list = graph.value(request, HT.headers)
        for header in Collection(graph, header_list) if header_list is not None else []:
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
        body_node = graph.value(request, HT.body)
        body = None
        if body_node is not None:
            encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(graph.value(body_node, CNT.chars)).encode(encoding)
        response = endpoint.session.request(str(graph.value(request, HT.methodName)), endpoint.url + path,
                                            data=body, headers=headers)
        problem = _check_response(graph, graph.value(request, HT.resp), response)
        if problem:
            return "fail", f"request {number}: {problem}"
    return "pass", ""


def _check_response(graph: rdflib.Graph, expected, response: requests.Response) -> str:
    classes = _status_classes(graph, expected)
    if response.status_code // 100 not in classes:
        return f"status {response.status_code} not in {sorted(c * 100 for c in classes)}: {response.text[:200]}"
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    expected_format = graph.value(expected, MF.expectedFormat)
    results = None
    if expected_format is not None:
        kinds = {"boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
                 "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                             "text/tab-separated-values"),
                 "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")}
        if media not in kinds[str(expected_format)]:
            return f"expected a {expected_format} result, got Content-Type {media!r}"
        if str(expected_format) == "RDF":
            ox.parse(response.content, format=ox.RdfFormat.from_media_type(media))
        else:
            results = (parse_json_results(response.text) if media.endswith("json")
                       else parse_xml_results(response.content) if media.endswith("xml") else None)
    expected_boolean = graph.value(expected, MF.expectedBoolean)
    if expected_boolean is not None and results != expected_boolean.toPython():
        return f"expected ASK answer {expected_boolean}, got {results}"
    return ""


def run_suites(endpoint_url: str, token: str, suites_dir: Path) -> SuiteReport:
    """Run the protocol suite and every query-evaluation folder; return the per-folder report."""
    endpoint, report = Endpoint(endpoint_url, token), SuiteReport()
    graph, entries = _manifest(suites_dir / "protocol")
    for test in entries:
        outcome, reason = run_protocol_test(endpoint, suites_dir / "protocol", graph, test)
        _record(report, "protocol", str(test).rsplit("#", 1)[-1], outcome, reason)
    for folder in sorted(p for p in suites_dir.iterdir() if p.is_dir() and p.name != "protocol"):
        run_evaluation_folder(endpoint, folder, report)
    return report
