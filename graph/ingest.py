"""Parallel, resumable, streaming ingestion: paths in, document graphs written in batches.

Documents are read one at a time (``extract.sources.read_sources`` streams files)
and extracted in a process pool: each worker builds its spaCy pipelines once
(``extract.pipeline.build_nlp`` is cached per process) and returns plain
``ExtractionRecord`` dataclasses with their content hash. At most
``max(workers * IN_FLIGHT_PER_WORKER, batch_size)`` documents are in flight and at
most one batch of records waits to be written, so memory stays bounded whatever
the corpus size; a batch worth in flight keeps the workers extracting while this
process writes the previous batch (the write is serial).

Records are written ``batch_size`` at a time through the store's
``ingest_records`` (identity re-resolution and merge graph, the same code for the
embedded and the remote store); each batch is one write transaction per
``WRITE_BATCH`` graphs. A document whose id is already stored with the same
content hash is skipped, so a run interrupted at any point (even SIGKILL: a batch
is either committed or absent) continues where it stopped when run again.
Extraction is deterministic, so the skip is decided after extracting; the saving
is the write, which dominates (identity resolution + transaction).

Answers in input order, so ``--workers 1`` and ``--workers 2`` build the same dataset.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from graph.errors import RecordError, SinoeuError

if TYPE_CHECKING:
    from extract.records import ExtractionRecord

IN_FLIGHT_PER_WORKER = 4
DEFAULT_BATCH_SIZE = 100
HASHES_QUERY = """PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
SELECT ?g ?hash WHERE { GRAPH ?g { ?doc a sino:Document ; sino:contentHash ?hash } }"""


@dataclass
class IngestReport:
    """What a run did; ``skipped`` are documents already stored with the same content hash."""

    ok: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    rewritten: int = 0
    batches: int = 0
    triples: int = 0
    seconds: float = 0.0

    @property
    def documents(self) -> int:
        return self.ok + self.skipped + len(self.failed)


@dataclass
class _Outcome:
    """One input item after extraction: a record and its hash, or where it failed and why."""

    where: str
    record: ExtractionRecord | None = None
    hash: str | None = None
    error: str | None = None


def ingest_paths(store, *, record_paths: Iterable[Path] = (), document_paths: Iterable[Path] = (),
                 workers: int = 1, languages: tuple[str, ...], max_bytes: int,
                 batch_size: int = DEFAULT_BATCH_SIZE, progress: Callable[[_Outcome], None] | None = None
                 ) -> IngestReport:
    """Ingest record files and raw documents into ``store``; never stops on a bad document."""
    started = time.perf_counter()
    report = IngestReport()
    stored = stored_hashes(store)
    batch: list[ExtractionRecord] = []
    for outcome in _outcomes(record_paths, document_paths, workers=workers, languages=languages,
                             max_bytes=max_bytes, batch_size=batch_size):
        if outcome.error is not None:
            report.failed.append((outcome.where, outcome.error))
        elif stored.get(outcome.record.id) == outcome.hash:
            report.skipped += 1
        else:
            stored[outcome.record.id] = outcome.hash
            batch.append(outcome.record)
            if len(batch) >= batch_size:
                _write(store, batch, report)
                batch = []
        if progress:
            progress(outcome)
    if batch:
        _write(store, batch, report)
    report.triples = store.count_triples()
    report.seconds = time.perf_counter() - started
    return report


def stored_hashes(store) -> dict[str, str]:
    """Document id -> content hash of every stored document (one light query, no records parsed)."""
    from graph.iris import doc_id_from_graph

    out = {}
    for row in store.select(HASHES_QUERY):
        doc_id = doc_id_from_graph(store.base_iri, row["g"])
        if doc_id is not None:
            out[doc_id] = row["hash"]
    return out


def count_inputs(paths: Iterable[Path]) -> int:
    """Documents (or records) the paths hold, cheaply: one per file, one per non-blank ``.jsonl`` line."""
    total = 0
    for path in paths:
        if path.suffix == ".jsonl":
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def _write(store, batch: list[ExtractionRecord], report: IngestReport) -> None:
    result = store.ingest_records(batch)
    report.ok += len(result.ok)
    report.skipped += len(result.unchanged)
    report.failed += [(doc_id, reason) for doc_id, reason in result.failed]
    report.rewritten += len(result.rewritten)
    report.batches += 1


def _outcomes(record_paths, document_paths, *, workers: int, languages, max_bytes: int,
              batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[_Outcome]:
    yield from _records(record_paths)
    sources = _sources(document_paths, max_bytes)
    if workers <= 1:
        for source in sources:
            yield _settle(source, languages)
        return
    context = multiprocessing.get_context("spawn")  # no fork: the parent holds a store handle and threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future | _Outcome] = deque()
        try:
            for source in sources:
                pending.append(pool.submit(extract_one, source, languages) if not isinstance(source, _Outcome)
                               else source)
                if len(pending) >= max(workers * IN_FLIGHT_PER_WORKER, batch_size):
                    yield _result(pending.popleft())
            while pending:
                yield _result(pending.popleft())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _result(item: Future | _Outcome) -> _Outcome:
    return item if isinstance(item, _Outcome) else item.result()


def _settle(source, languages) -> _Outcome:
    return source if isinstance(source, _Outcome) else extract_one(source, languages)


def _records(paths) -> Iterator[_Outcome]:
    from extract.records import load_records
    from graph.build import content_hash

    for path in paths:
        try:
            for record in load_records(path):
                yield _Outcome(str(path), record, content_hash(record))
        except RecordError as exc:
            yield _Outcome(exc.path, error=exc.reason)


def _sources(paths, max_bytes: int) -> Iterator:
    """SourceDocuments one at a time; unreadable ones as failed outcomes."""
    from extract.sources import read_sources

    for path in paths:
        try:
            for source in read_sources(path, max_bytes=max_bytes):
                if isinstance(source, SinoeuError):
                    yield _Outcome(getattr(source, "path", str(path)), error=getattr(source, "reason", str(source)))
                else:
                    yield source
        except SinoeuError as exc:
            yield _Outcome(str(path), error=getattr(exc, "reason", str(exc)))


def extract_one(source, languages: tuple[str, ...]) -> _Outcome:
    """Extract one document (in a worker): the record and its content hash, or the error as text."""
    from extract.api import extract_document
    from graph.build import content_hash

    try:
        record = extract_document(source, languages=languages)
    except SinoeuError as exc:
        return _Outcome(source.source or source.id, error=getattr(exc, "reason", None) or str(exc))
    return _Outcome(source.source or source.id, record, content_hash(record))
