"""Benchmark: latency of sinoeu-kg's /sparql against ``oxigraph serve-read-only``, same data, same run.

Builds a store from the gold records (``../shared/seeds-gold``) through the graph
layer (or takes ``--store DIR``), then starts, on 127.0.0.1:
- the sinoeu-kg server (``server.serve``: waitress, worker-process query pool), and
- the Oxigraph server (``oxigraph serve-read-only --union-default-graph``, the CLI of
  the ``oxigraph`` PyPI package), both reading the same directory;
and sends each query (the competency questions in ``ontology/queries/*.rq`` plus a few
plain ones) ``--repeats`` times (fewer for slow queries: ``--budget`` seconds each) to both, interleaved, over keep-alive connections,
asking for SPARQL JSON. Prints median and p95 per server and query, and the ratio of
medians (sinoeu-kg / oxigraph; target <= 1.0).

    .venv/bin/python bench/bench_sparql_http.py [--store DIR] [--repeats 200] [--budget 20]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN_QUERIES = {
    "ask": "ASK { ?s ?p ?o }",
    "count_by_type": "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "labels_limit_50": "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                       "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } LIMIT 50",
}


def build_gold_store(directory: Path) -> Path:
    """Ingest the gold records into a new store (the graph layer's own ingest) and close it."""
    from extract.records import load_records
    from graph.store import open_store

    gold = ROOT.parent / "shared" / "seeds-gold"
    records = [record for path in sorted(gold.glob("*.json")) for record in load_records(path)]
    store = open_store(directory / "store")
    result = store.ingest_records(records)
    store.close()
    print(f"store: {len(result.ok)} gold documents ingested into {directory / 'store'}")
    return directory / "store"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up within {seconds} s")


def start_servers(store: Path) -> tuple[dict[str, str], list[subprocess.Popen]]:
    ours, theirs = free_port(), free_port()
    sinoeu = subprocess.Popen([sys.executable, "-c", (
        "import server; server.serve({'store': %r, 'host': '127.0.0.1', 'port': %d, 'query_timeout': 30.0, "
        "'max_results': 100000})" % (str(store), ours))], cwd=ROOT)
    oxigraph = subprocess.Popen([str(Path(sys.executable).parent / "oxigraph"), "serve-read-only",
                                 "--location", str(store), "--bind", f"127.0.0.1:{theirs}", "--union-default-graph"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    urls = {"sinoeu-kg": f"http://127.0.0.1:{ours}/sparql", "oxigraph": f"http://127.0.0.1:{theirs}/query"}
    for name, process in (("sinoeu-kg", sinoeu), ("oxigraph", oxigraph)):
        wait_until_up(urls[name], process)
    return urls, [sinoeu, oxigraph]


def load_queries() -> dict[str, str]:
    queries = {path.stem: path.read_text(encoding="utf-8") for path in sorted((ROOT / "ontology" / "queries").glob("*.rq"))}
    return {**queries, **PLAIN_QUERIES}


def measure(urls: dict[str, str], queries: dict[str, str], repeats: int,
            budget: float) -> dict[str, dict[str, list[float]]]:
    """Seconds per request, by server and query; the two servers alternate request by request.

    Each query runs ``repeats`` times, or fewer (at least 5) when that would take more than
    ``budget`` seconds, judged from the warm-up.
    """
    sessions = {name: requests.Session() for name in urls}
    timings: dict[str, dict[str, list[float]]] = {name: {q: [] for q in queries} for name in urls}
    for query_name, query in queries.items():
        started = time.perf_counter()
        rows = set()
        for name, url in urls.items():  # warm-up, and check both return the same number of rows
            answer = sessions[name].get(url, params={"query": query}, headers={"Accept": "application/sparql-results+json"})
            answer.raise_for_status()
            rows.add(len(answer.json().get("results", {}).get("bindings", [])))
        if len(rows) != 1:
            raise SystemExit(f"{query_name}: the servers disagree on the number of rows: {rows}")
        warm_up = time.perf_counter() - started
        for _ in range(max(5, min(repeats, int(budget / max(warm_up, 1e-6))))):
            for name, url in urls.items():
                started = time.perf_counter()
                answer = sessions[name].get(url, params={"query": query},
                                             headers={"Accept": "application/sparql-results+json"})
                _ = answer.content
                timings[name][query_name].append(time.perf_counter() - started)
                answer.raise_for_status()
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def report(timings: dict[str, dict[str, list[float]]]) -> None:
    names = list(timings)
    print(f"\n{'query':<40}{'runs':>6}" + "".join(f"{n + ' median':>18}{n + ' p95':>16}" for n in names)
          + f"{'ratio':>8}")
    for query in timings[names[0]]:
        cells = "".join(f"{statistics.median(timings[n][query]) * 1000:>15.2f} ms{p95(timings[n][query]) * 1000:>13.2f} ms"
                        for n in names)
        ratio = statistics.median(timings[names[0]][query]) / statistics.median(timings[names[1]][query])
        print(f"{query:<40}{len(timings[names[0]][query]):>6}{cells}{ratio:>8.2f}")
    overall = {n: [t for values in timings[n].values() for t in values] for n in names}
    cells = "".join(f"{statistics.median(overall[n]) * 1000:>15.2f} ms{p95(overall[n]) * 1000:>13.2f} ms" for n in names)
    ratio = statistics.median(overall[names[0]]) / statistics.median(overall[names[1]])
    print(f"{'ALL':<40}{len(overall[names[0]]):>6}{cells}{ratio:>8.2f}")
    print(f"\nmedian ratio sinoeu-kg / oxigraph = {ratio:.2f} (target <= 1.0)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="an existing store directory (default: the gold records)")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per query (both servers) at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_gold_store(Path(tmp))
        urls, processes = start_servers(store)
        try:
            report(measure(urls, load_queries(), args.repeats, args.budget))
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)


if __name__ == "__main__":
    main()
