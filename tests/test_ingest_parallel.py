"""Parallel, resumable ingestion (graph/ingest.py through `sinoeu-kg ingest`) on the project's demo releases."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import main

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Languages whose pipelines build fast (each spawned worker builds its own), four copies of each
# release under other names: enough documents to interrupt a run between two batches.
DEMO = [p for p in sorted((PROJECT_DIR / "demo").glob("*.txt")) if p.name[:2] in ("en", "es", "it", "pl", "zh")]
COPIES = 4
GENERATED_AT = "http://www.w3.org/ns/prov#generatedAtTime"
CLI = [sys.executable, "-c", "from graph.cli import main; main()"]


def dataset(store_path: Path) -> set:
    """Every quad of a store except the ingestion timestamps (they differ from run to run)."""
    store = ox.Store.read_only(str(store_path))
    return {q for q in store if q.predicate.value != GENERATED_AT}


def documents_stored(store_path: Path) -> int:
    """Document graphs in a store another process is writing (0 while it cannot be read yet)."""
    try:
        store = ox.Store.read_only(str(store_path))
        return sum(1 for g in store.named_graphs() if "/graph/doc/" in g.value)
    except (OSError, RuntimeError):
        return 0


def ingest(store: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(store), "ingest", *args])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("corpus")
    for copy in range(COPIES):
        for path in DEMO:
            shutil.copy(path, folder / f"c{copy}_{path.name}")
    return sorted(folder.iterdir())


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus) -> Path:
    """The corpus ingested by one process in one batch."""
    store = tmp_path_factory.mktemp("ingest-w1") / "store"
    result = ingest(store, "--workers", "1", *map(str, corpus))
    assert result.exit_code == 0, result.output
    assert f"documents ok: {len(corpus)}" in result.output
    return store


def test_two_workers_build_the_same_dataset(reference, corpus, tmp_path):
    store = tmp_path / "store"
    result = ingest(store, "--workers", "2", "--batch-size", "6", *map(str, corpus))
    assert result.exit_code == 0, result.output
    assert f"documents ok: {len(corpus)}" in result.output and "4 batch(es) written" in result.output
    assert len(dataset(store)) > 1000
    assert dataset(store) == dataset(reference)


def test_rerun_skips_everything(reference, corpus, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(reference, store)
    result = ingest(store, "--workers", "1", *map(str, corpus))
    assert result.exit_code == 0, result.output
    assert f"documents ok: 0, unchanged: {len(corpus)}" in result.output
    assert "0 batch(es) written" in result.output
    assert dataset(store) == dataset(reference)


def test_a_run_killed_midway_resumes_where_it_stopped(reference, corpus, tmp_path):
    store = tmp_path / "store"
    args = ["--store", str(store), "ingest", "--workers", "1", "--batch-size", "1", *map(str, corpus)]
    process = subprocess.Popen(CLI + args, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while documents_stored(store) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be interrupted"
    done = documents_stored(store)
    assert 2 <= done < len(corpus)
    rerun = subprocess.run(CLI + args, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    print(rerun.stdout)  # how many were skipped, for the log
    assert f"documents ok: {len(corpus) - done}, unchanged: {done}" in rerun.stdout
    assert dataset(store) == dataset(reference)


def test_a_bad_document_does_not_stop_the_batch(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in DEMO[:3]:
        shutil.copy(path, inputs / path.name)
    (inputs / "empty.txt").write_text("   \n", encoding="utf-8")
    (inputs / "bad.json").write_text('{"id": "x", "organizations": [', encoding="utf-8")
    store = tmp_path / "store"
    result = ingest(store, "--workers", "2", "--batch-size", "2", str(inputs))
    assert result.exit_code == 1
    assert "documents ok: 3, unchanged: 0, failed: 2" in result.output
    assert "empty.txt" in result.output and "bad.json" in result.output
    assert documents_stored(store) == 3
