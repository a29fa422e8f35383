"""Faults: a killed ingest, a locked store, a full disk, backup and restore.

The ingest input is the project's test records cloned into more documents than one
write transaction (``graph.store.WRITE_BATCH``) and two ingest batches
(``graph.ingest.DEFAULT_BATCH_SIZE``) hold, so a kill can land between transactions
as well as inside one. Kill delays come from a fixed seed.
"""

from __future__ import annotations

import gc
import random
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from graph.errors import StoreError
from graph.iris import doc_graph_iri
from graph.ingest import DEFAULT_BATCH_SIZE
from graph.store import WRITE_BATCH, open_store
from tests.fixtures_reliability import clone_records, dataset_graphs, run_cli, start_cli

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(400)]

BASE = "https://w3id.org/sinoeu-kg/"
KILL_SEED = 7
KILL_RUNS = 3
DOCUMENTS = max(WRITE_BATCH, 2 * DEFAULT_BATCH_SIZE) + 20  # several ingest batches, more than one transaction


class ReferenceRun:
    """An uninterrupted ingest of the cloned batch: its records file, store, graphs and duration."""

    def __init__(self, root: Path):
        self.records = root / "records.jsonl"
        self.ids = clone_records(self.records, DOCUMENTS)
        assert len(self.ids) > WRITE_BATCH, "the batch must span several write transactions"
        self.store = root / "reference"
        started = time.monotonic()
        process = run_cli(self.store, "ingest", str(self.records))
        self.seconds = time.monotonic() - started
        assert process.returncode == 0, process.stderr[-2000:]
        self.graphs = dataset_graphs(self.store)

    def doc_graph(self, doc_id: str) -> str:
        return doc_graph_iri(BASE, doc_id)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> ReferenceRun:
    return ReferenceRun(tmp_path_factory.mktemp("reference"))


def _assert_whole_documents(store: Path, reference: ReferenceRun, *, writable: bool = True) -> list[str]:
    """The store opens (writable unless the disk is full, and read-only) and every document graph equals the reference's."""
    handle = open_store(store, read_only=not writable)
    present = handle.document_ids()
    handle.close()
    del handle
    gc.collect()
    graphs = dataset_graphs(store)
    for doc_id in present:
        name = reference.doc_graph(doc_id)
        assert name in reference.graphs, f"{doc_id} is not a document of the batch"
        assert graphs[name] == reference.graphs[name], f"document graph {doc_id} is incomplete or different"
    return present


def test_killed_ingest_leaves_whole_documents_and_a_rerun_completes(reference, tmp_path, reliability_figures):
    store = tmp_path / "store"
    rng = random.Random(KILL_SEED)
    seen = []
    for _ in range(KILL_RUNS):
        delay = rng.uniform(0.2, 0.95) * reference.seconds
        process = start_cli(store, "ingest", str(reference.records))
        try:
            process.wait(delay)
            outcome = f"finished before the kill (rc {process.returncode})"
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            outcome = "SIGKILLed"
        process.communicate()
        if not (store / "CURRENT").exists():
            seen.append(f"{delay:.1f}s: {outcome}, before the store was created")
            continue
        present = _assert_whole_documents(store, reference)
        seen.append(f"{delay:.1f}s: {outcome}, {len(present)}/{len(reference.ids)} whole documents")
    rerun = run_cli(store, "ingest", str(reference.records))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert dataset_graphs(store) == reference.graphs, "the rerun's dataset differs from an uninterrupted run"
    reliability_figures.note(f"kill test: uninterrupted ingest of {len(reference.ids)} documents took "
                             f"{reference.seconds:.1f} s; SIGKILL after (seed {KILL_SEED}) " + "; ".join(seen)
                             + "; rerun: dataset equal to the uninterrupted run (prov:generatedAtTime aside)")


def test_a_second_writer_gets_a_clear_store_error_and_nothing_changes(reference, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(reference.store, store)
    before = dataset_graphs(store)
    holder = open_store(store)
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            open_store(store)
        process = run_cli(store, "ingest", str(reference.records))
        assert process.returncode == 1
        assert "locked by another process" in process.stderr
        assert "Traceback" not in process.stderr
    finally:
        holder.close()
        del holder
        gc.collect()
    assert dataset_graphs(store) == before


def _mount_tmpfs(where: Path, size: str) -> str | None:
    """Mount a tmpfs of ``size`` at ``where``; None when it worked, else why not."""
    if not shutil.which("mount"):
        return "no mount command on this machine"
    where.mkdir()
    process = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if process.returncode != 0:
        return f"cannot mount a tmpfs to simulate a full disk (needs root/CAP_SYS_ADMIN): {process.stderr.strip()}"
    return None


@pytest.fixture(scope="module")
def disk_full_run(reference, tmp_path_factory):
    """The cloned batch ingested into a store on a 2 MB tmpfs: (process, store path)."""
    mount_point = tmp_path_factory.mktemp("diskfull") / "tmpfs"
    why_not = _mount_tmpfs(mount_point, "2m")
    if why_not:
        pytest.skip(why_not)
    try:
        store = mount_point / "store"
        process = run_cli(store, "ingest", str(reference.records))
        yield process, store
    finally:
        gc.collect()
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_disk_full_is_a_clear_error(disk_full_run):
    process, _ = disk_full_run
    assert process.returncode == 1
    assert "disk full" in process.stderr or "No space left" in process.stderr
    assert "Traceback" not in process.stderr, process.stderr[-1500:]


def test_disk_full_leaves_no_corruption(disk_full_run, reference):
    process, store = disk_full_run
    assert process.returncode != 0, "the batch cannot fit in 2 MB: the ingest must fail"
    assert "No space left" in process.stderr or "disk full" in process.stderr
    present = _assert_whole_documents(store, reference, writable=False)
    assert len(present) < len(reference.ids)
    with pytest.raises(StoreError, match="No space left|disk full"):
        open_store(store)
    gc.collect()
    remount = subprocess.run(["mount", "-o", "remount,size=512m", str(store.parent)], capture_output=True, text=True)
    assert remount.returncode == 0, remount.stderr
    rerun = run_cli(store, "ingest", str(reference.records))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert dataset_graphs(store) == reference.graphs, "after freeing space, a rerun must give the uninterrupted dataset"


def _dataset(path: Path) -> Dataset:
    """rdflib's Dataset of a TriG file (rdflib 7.6 warns about its own internals while parsing)."""
    dataset = Dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=path.read_text(encoding="utf-8"), format="trig")
    return dataset


def test_export_import_round_trips_every_named_graph(mutated_run, tmp_path, reliability_figures):
    """Backup and restore of the mutated corpus' store (hostile literals, quoted ids, RTL text)."""
    backup, restored_dump = tmp_path / "backup.trig", tmp_path / "restored.trig"
    exported = run_cli(mutated_run.store, "export", "--format", "trig", "-o", str(backup))
    assert exported.returncode == 0, exported.stderr
    fresh = tmp_path / "fresh"
    imported = run_cli(fresh, "import", str(backup))
    assert imported.returncode == 0, imported.stderr
    assert run_cli(fresh, "export", "--format", "trig", "-o", str(restored_dump)).returncode == 0
    original, restored = _dataset(backup), _dataset(restored_dump)
    names = {g.identifier for g in original.graphs() if len(g)}
    assert names == {g.identifier for g in restored.graphs() if len(g)}
    assert URIRef(BASE + "graph/merge") in names and URIRef(BASE + "graph/ontology") in names
    assert len([n for n in names if str(n).startswith(BASE + "graph/doc/")]) >= 10
    for name in names:
        assert isomorphic(original.graph(name), restored.graph(name)), f"graph <{name}> changed in the round trip"
    stored, back = dataset_graphs(mutated_run.store, drop_predicates=()), dataset_graphs(fresh, drop_predicates=())
    changed = {name: (sorted(stored[name] - back.get(name, set()))[:2], sorted(back.get(name, set()) - stored[name])[:2])
               for name in stored if stored[name] != back.get(name)}
    assert not changed and set(back) == set(stored), changed
    reliability_figures.note(f"backup/restore: {len(names)} named graphs, "
                             f"{sum(len(original.graph(n)) for n in names)} triples round-tripped (isomorphic)")
