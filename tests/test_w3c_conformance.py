"""The W3C SPARQL 1.1 protocol and query-evaluation suites, run over HTTP against the live endpoint.

The per-folder pass / fail / n-a table is written to ``test-artifacts/w3c-report.txt`` and
printed to the terminal (outside pytest's capture, so it shows in every run).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures_paths import PROJECT_DIR, W3C_DIR
from tests.w3c_suite import SuiteReport, run_suites

pytestmark = pytest.mark.w3c

REPORT_PATH = PROJECT_DIR / "test-artifacts" / "w3c-report.txt"


@pytest.fixture(scope="module")
def w3c_report(admin_live_server, shared_dir) -> SuiteReport:
    report = run_suites(admin_live_server.url, admin_live_server.token, W3C_DIR)
    REPORT_PATH.parent.mkdir(exist_ok=True)
    REPORT_PATH.write_text(report.table() + "\n", encoding="utf-8")
    return report


def _show(report: SuiteReport, capsys) -> None:
    with capsys.disabled():
        print(f"\nW3C SPARQL 1.1 suites against /sparql (also in {REPORT_PATH.relative_to(PROJECT_DIR)}):")
        print(report.table())


def test_every_applicable_protocol_test_passes(w3c_report, capsys):
    _show(w3c_report, capsys)
    assert len(w3c_report.passed["protocol"]) + len(w3c_report.not_applicable["protocol"]) >= 30
    assert not w3c_report.failed["protocol"], w3c_report.failed["protocol"]


def test_query_evaluation_pass_rate(w3c_report):
    folders = [f for f in w3c_report.folders() if f != "protocol"]
    assert len(folders) >= 14, "every query-evaluation folder must be run, none skipped"
    passed = sum(len(w3c_report.passed[f]) for f in folders)
    failed = sum(len(w3c_report.failed[f]) for f in folders)
    assert passed + failed >= 200
    assert passed / (passed + failed) >= 0.95, w3c_report.table()


def test_result_comparison_is_strict():
    """The comparison itself: blank nodes rename consistently, order counts only when asked."""
    from tests.w3c_results import solutions_match

    a, b = ("bnode", "a"), ("bnode", "b")
    lit = ("literal", "x", "", "http://www.w3.org/2001/XMLSchema#string")
    assert solutions_match([{"s": a, "o": lit}, {"s": b}], [{"s": ("bnode", "z")}, {"s": ("bnode", "y"), "o": lit}], False)
    assert not solutions_match([{"s": a}, {"s": a}], [{"s": ("bnode", "z")}, {"s": ("bnode", "y")}], False)
    assert not solutions_match([{"o": lit}, {}], [{}, {"o": lit}], True)
    assert solutions_match([{"o": lit}, {}], [{}, {"o": lit}], False)
