"""SPARQL queries in worker processes, so a runaway query can be stopped.

pyoxigraph has no query timeout and no cancellation, and a query holds the GIL
only part of the time but can run for ever. Each query therefore runs in one of a
few worker processes (``spawn``: the server is threaded, so no ``fork``). A worker
opens the store with ``pyoxigraph.Store.read_only(path)`` (RocksDB read-only opens
take no lock, so any number of them coexist with each other and with one writer —
checked by experiment with pyoxigraph 0.5), runs the query, caps and serializes the
result, and sends the bytes back through a pipe. When a query passes its time
limit the worker is killed and replaced, and the request gets :class:`QueryTimeout`;
the other workers and the server threads never noticed. A new worker says "ready" once
its imports are done; that start-up is waited for apart from the query's time limit.

A read-only open sees the store as it was when opened. Writers (SPARQL Update and
the Graph Store Protocol, in the server process) call :meth:`QueryPool.invalidate`
after each write; every job carries the pool's generation number and a worker whose
handle is older reopens the store before running it, so reads after a write see it.

Caveat, measured rather than assumed: RocksDB (and Oxigraph's docs) call a read-only
open beside a live writer "undefined behaviour"; what happens in practice is that a
writer's compaction deletes a file an older read-only handle still lists, and the read
fails with "Corruption ... No such file". A worker therefore reopens its handle and
retries (a few times, briefly) on such errors before reporting ``StoreError`` (503).
Reads are never served from a half-written state: each write is one transaction.
"""

from __future__ import annotations

import itertools
import os
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from graph.errors import QueryError, QueryTimeout, StoreError
from web import sparql_results

_OPEN_ATTEMPTS = 6  # with the back-off below, about 0.75 s for a writer's compaction to settle
_STARTUP_LIMIT = 60


@dataclass
class QueryJob:
    """One query and everything needed to answer it, sent to a worker."""

    query: str
    result_format: str            # a name in sparql_results.RESULT_FORMATS (SELECT / ASK)
    graph_format: str             # a name in sparql_results.GRAPH_FORMATS (CONSTRUCT / DESCRIBE)
    max_results: int
    union_default_graph: bool = True
    default_graphs: list[str] | None = None   # IRIs; overrides the union default graph
    named_graphs: list[str] | None = None
    base_iri: str | None = None
    generation: int = 0


@dataclass
class QueryAnswer:
    """A serialized answer: body bytes, its format name, and whether rows were cut at the cap."""

    body: bytes
    format: str
    kind: str                     # "solutions", "boolean" or "graph"
    truncated: bool
    count: int


def _graph_term(iri: str):
    return ox.DefaultGraph() if iri == "" else ox.NamedNode(iri)


def run_job(store: ox.Store, job: QueryJob) -> QueryAnswer:
    """Run one query on an open store and serialize its capped result."""
    kwargs = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        # Protocol dataset: exactly the graphs given, an omitted part is empty.
        kwargs["default_graph"] = [_graph_term(g) for g in job.default_graphs or []]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or []]
    else:
        kwargs["use_default_graph_as_union"] = job.union_default_graph
    result = store.query(job.query, **kwargs)
    if isinstance(result, ox.QueryBoolean):
        return QueryAnswer(sparql_results.serialize_boolean(result, job.result_format), job.result_format,
                           "boolean", False, 1)
    rows = list(itertools.islice(result, job.max_results + 1))
    truncated = len(rows) > job.max_results
    rows = rows[:job.max_results]
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        body = sparql_results.serialize_solutions(variables, rows, job.result_format)
        return QueryAnswer(body, job.result_format, "solutions", truncated, len(rows))
    return QueryAnswer(sparql_results.serialize_graph(rows, job.graph_format), job.graph_format,
                       "graph", truncated, len(rows))


def _answer(store_path: str, store: ox.Store | None, job: QueryJob) -> tuple[ox.Store, QueryAnswer]:
    """Run a job, reopening the read-only handle when it is stale or lost a race with the writer.

    A read-only RocksDB handle lists the store's files when it opens; a concurrent writer's
    compaction may delete one of them meanwhile ("Corruption ... No such file"), which
    RuntimeError/OSError report. A fresh handle lists the current files, so it retries.
    """
    for attempt in range(_OPEN_ATTEMPTS):
        try:
            if store is None:
                store = ox.Store.read_only(store_path)
            return store, run_job(store, job)
        except (RuntimeError, OSError):
            store = None
            if attempt == _OPEN_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def store_signature(store_path: str) -> tuple:
    """Names, sizes and modification times of the store's files: any write (the WAL grows) changes it."""
    signature = []
    with os.scandir(store_path) as entries:
        for entry in entries:
            try:
                stat = entry.stat()
            except FileNotFoundError:  # a compaction removed it while we listed: the signature still changed
                continue
            signature.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(signature))


def _worker_main(conn: Connection, store_path: str) -> None:
    """Worker loop: answer jobs until the pipe closes; errors go back as (type name, message).

    The handle is reopened when the server wrote (new generation) or another process did
    (e.g. ``sinoeu-kg ingest`` beside a running server: the store's files changed).
    """
    store, generation, signature = None, -1, None
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            current = store_signature(store_path)
            if job.generation != generation or current != signature:
                store, generation, signature = None, job.generation, current
            store, result = _answer(store_path, store, job)
            conn.send(("ok", result))
        except SyntaxError as error:
            conn.send(("QueryError", str(error)))
        except ValueError as error:  # pyoxigraph's evaluation errors (e.g. a SERVICE it cannot call)
            conn.send(("QueryError", str(error)))
        except (OSError, RuntimeError) as error:
            store = None
            conn.send(("StoreError", f"cannot read the store at {store_path}: {error}"))


class _Worker:
    def __init__(self, context, store_path: str):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, store_path), daemon=True,
                                       name="sinoeu-kg-query-worker")
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> bool:
        """Wait for a new worker's "ready" (its imports done): start-up is not the query's time."""
        if not self.ready and self.conn.poll(_STARTUP_LIMIT):
            self.conn.recv()
            self.ready = True
        return self.ready

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()
        self.process.close()


class QueryPool:
    """A fixed number of query worker processes; :meth:`run` answers within ``timeout`` seconds or raises."""

    def __init__(self, store_path: str, *, size: int, timeout: float):
        self.store_path = str(store_path)
        self.timeout = timeout
        self.generation = 0
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._workers = [_Worker(self._context, self.store_path) for _ in range(max(1, size))]
        for worker in self._workers:
            self._idle.put(worker)

    def invalidate(self) -> None:
        """Make every worker reopen the store before its next query (call after each write)."""
        with self._lock:
            self.generation += 1

    def run(self, job: QueryJob) -> QueryAnswer:
        """Answer a job in a worker. :raise QueryTimeout: past the limit (the worker is replaced)."""
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s; "
                               "try again later") from None
        job.generation = self.generation
        try:
            if not worker.wait_ready():
                self._replace(worker)
                raise StoreError(f"a query worker did not start within {_STARTUP_LIMIT} s; the machine is overloaded")
            worker.conn.send(job)
            if not worker.conn.poll(self.timeout):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                                   "add LIMIT or make the patterns more selective")
            status, payload = worker.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._replace(worker)
            raise StoreError("a query worker died while answering (out of memory?); try again") from None
        self._idle.put(worker)
        if status == "ok":
            return payload
        raise {"QueryError": QueryError, "StoreError": StoreError}[status](payload)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.remove(worker)
            if self._closed:
                return
            fresh = _Worker(self._context, self.store_path)
            self._workers.append(fresh)
        self._idle.put(fresh)

    def close(self) -> None:
        """Stop every worker (the server is shutting down)."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()
