"""Fixtures and helpers of the reliability tests (faults, fuzzing, load).

- ``reliability_figures``: the session's collector of figures (documents tried,
  rejected per reason, requests served, errors, latency). Its teardown writes
  ``test-artifacts/reliability-report.txt`` and prints it; the last test of
  ``test_reliability_server.py`` prints it as well, so ``pytest -m reliability -s``
  shows it.
- ``mutated_run``: the mutated corpus (``tests/reliability_corpus.py``) written to a
  tmp dir and put through ``sinoeu-kg ingest`` in a subprocess, once per session.
- ``hostile_server``: a live read-only server over that store.
- helpers to run the CLI, clone records into a batch larger than one write
  transaction, and read a store's named graphs as quad sets.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest

from tests.fixtures_paths import PROJECT_DIR
from tests.reliability_corpus import Mutant, write_mutants

__all__ = ["reliability_figures", "mutated_run", "hostile_server", "FIGURES", "ReliabilityFigures", "MutatedRun",
           "run_cli", "start_cli", "clone_records", "dataset_graphs", "GENERATED_AT", "REPORT_PATH",
           "failed_lines", "assert_inert_html"]

REPORT_PATH = PROJECT_DIR / "test-artifacts" / "reliability-report.txt"
GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"
RECORD_SOURCES = ("tests/data/gold/*.json", "tests/data/match/*.json")


def _reason_class(reason: str) -> str:
    """A reason without its numbers and paths, so equal causes count together."""
    head = reason.split(" (", 1)[0] if reason.startswith(("oversized", "HTML bomb")) else reason
    return re.sub(r"\d+", "N", head.split(":", 1)[0]).strip()


@dataclass
class ReliabilityFigures:
    """What the reliability run measured; thread-safe appends."""

    documents_tried: int = 0
    documents_ingested: int = 0
    rejected: Counter = field(default_factory=Counter)
    requests_served: int = 0
    request_errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    deliberate_stops: int = 0
    printed: bool = False  # the closing test printed the figures already
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def document(self, *, ingested: bool, reason: str | None = None) -> None:
        with self._lock:
            self.documents_tried += 1
            if ingested:
                self.documents_ingested += 1
            else:
                self.rejected[_reason_class(reason or "no reason given")] += 1

    def request(self, seconds: float, status: int | None, *, deliberate_stop: bool = False) -> None:
        """One HTTP answer; ``deliberate_stop``: a 503 the test provoked (a runaway query at its time limit)."""
        with self._lock:
            self.requests_served += 1
            self.latencies.append(seconds)
            if deliberate_stop:
                self.deliberate_stops += 1
            elif status is None or status >= 500:
                self.request_errors[str(status)] += 1

    def note(self, line: str) -> None:
        with self._lock:
            self.notes.append(line)

    def report(self) -> str:
        lines = ["sinoeu-kg reliability figures",
                 f"documents tried: {self.documents_tried}",
                 f"documents ingested: {self.documents_ingested}",
                 f"documents rejected: {sum(self.rejected.values())}"]
        lines += [f"  {count:4d} x {reason}" for reason, count in sorted(self.rejected.items())]
        lines.append(f"requests served (all reliability HTTP requests): {self.requests_served}")
        lines.append(f"request errors (5xx or no answer): {sum(self.request_errors.values())}"
                     + (f" {dict(self.request_errors)}" if self.request_errors else ""))
        lines.append(f"runaway queries stopped at the time limit (503, provoked): {self.deliberate_stops}")
        if self.latencies:
            ordered = sorted(self.latencies)
            p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
            lines.append(f"latency over all requests: median {statistics.median(ordered) * 1000:.1f} ms, "
                         f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms")
        lines += self.notes
        return "\n".join(lines) + "\n"

    def write(self) -> str:
        text = self.report()
        REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
        REPORT_PATH.write_text(text, encoding="utf-8")
        return text


FIGURES = ReliabilityFigures()


@pytest.fixture(scope="session")
def reliability_figures() -> Iterator[ReliabilityFigures]:
    """The session's figures; written to test-artifacts/reliability-report.txt and printed at the end."""
    yield FIGURES
    text = FIGURES.write()
    if not FIGURES.printed:
        print(f"\n{text}(saved in {REPORT_PATH.relative_to(PROJECT_DIR)})")


# --- pages ----------------------------------------------------------------------------------------------
def assert_inert_html(html: str, where: str) -> None:
    """No script, handler, javascript: URL or frame in ``html`` except the app's own /static/ scripts."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("src", "").startswith("/static/") and not script.string, f"{where}: inline script {script}"
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: event handler attribute on {tag.name}"
            if name in ("href", "src", "action", "formaction"):
                text = value if isinstance(value, str) else " ".join(value)
                assert not text.strip().lower().startswith("javascript:"), f"{where}: javascript: URL in {tag}"
    assert not soup.find_all(["iframe", "object", "embed"]), f"{where}: an embedded frame from the document"


# --- the CLI in a subprocess --------------------------------------------------------------------------
def _cli_command() -> list[str]:
    script = Path(sys.executable).with_name("sinoeu-kg")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from graph.cli import main; main()"]


def _cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINOEU_KG_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_cli(store: Path, *args: str) -> subprocess.Popen:
    """Start ``sinoeu-kg --store STORE ARGS...`` (its own process, so it can be killed)."""
    return subprocess.Popen(_cli_command() + ["--store", str(store), *args], cwd=PROJECT_DIR, env=_cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_cli(store: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``sinoeu-kg --store STORE ARGS...`` to completion."""
    return subprocess.run(_cli_command() + ["--store", str(store), *args], cwd=PROJECT_DIR, env=_cli_env(),
                          capture_output=True, text=True, timeout=timeout)


def failed_lines(stdout: str) -> list[tuple[str, str]]:
    """The ``failed: WHERE: REASON`` lines of an ingest summary."""
    out = []
    for line in stdout.splitlines():
        if line.startswith("  failed: "):
            where, _, reason = line[len("  failed: "):].partition(": ")
            out.append((where, reason))
    return out


# --- records and stores -----------------------------------------------------------------------------------
def clone_records(path: Path, total: int) -> list[str]:
    """Write ``total`` renamed copies of the project's test records as JSON Lines; return their ids."""
    from extract.records import load_records

    originals = [json.loads(record.to_json()) for pattern in RECORD_SOURCES
                 for source in sorted(PROJECT_DIR.glob(pattern)) for record in load_records(source)]
    ids = []
    with path.open("w", encoding="utf-8") as handle:
        for n in range(total):
            data = dict(originals[n % len(originals)])
            data["id"] = f"{data['id']}-copy{n // len(originals):02d}"
            ids.append(data["id"])
            handle.write(json.dumps(data, ensure_ascii=False) + "\n")
    return ids


def dataset_graphs(store_path: Path, *, drop_predicates: tuple[str, ...] = (GENERATED_AT,)) -> dict[str, frozenset]:
    """Every named graph of a store as a set of (s, p, o) strings, without ``drop_predicates``.

    Blank nodes are refused (this comparison is exact only without them: then
    isomorphism is equality).
    """
    store = ox.Store.read_only(str(store_path))
    graphs: dict[str, set] = {}
    for quad in store:
        assert not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode), \
            f"blank node in {quad}: compare with rdflib isomorphism instead"
        if quad.predicate.value in drop_predicates:
            continue
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, set()).add((str(quad.subject), str(quad.predicate), str(quad.object)))
    del store
    return {name: frozenset(triples) for name, triples in graphs.items()}


# --- the mutated corpus through the CLI ------------------------------------------------------------------
@dataclass
class MutatedRun:
    """The mutated corpus ingested by ``sinoeu-kg ingest``: files, store, the CLI's answer and time."""

    mutants: list[Mutant]
    store: Path
    process: subprocess.CompletedProcess
    seconds: float

    @property
    def failures(self) -> list[tuple[str, str]]:
        return failed_lines(self.process.stdout)


@pytest.fixture(scope="session")
def mutated_run(tmp_path_factory) -> MutatedRun:
    """Write the mutated corpus (with the 50 MB file) and ingest every file in one CLI run (once per session)."""
    root = tmp_path_factory.mktemp("mutated")
    mutants = write_mutants(root / "docs")
    store = root / "store"
    started = time.monotonic()
    process = run_cli(store, "ingest", *(str(m.path) for m in mutants), timeout=600)
    (root / "docs" / "huge_50mb.txt").unlink(missing_ok=True)  # 50 MB less in /tmp for the rest of the run
    return MutatedRun(mutants, store, process, time.monotonic() - started)


@pytest.fixture(scope="session")
def hostile_server(mutated_run) -> Iterator[str]:
    """Base URL of a read-only live server over the mutated corpus' store (one per session)."""
    from tests.fixtures_server import start_server

    for server in start_server({"store": str(mutated_run.store), "query_timeout": 10.0}):
        yield server.url
