"""Benchmark: query latency (median, p95) on a synthetic graph of this domain, three ways, same run.

The data: ``bench_partners.generate`` (organizations, documents, projects, events,
PROV qualified associations, Web Annotation evidence; the real SKOS ontology) plus
the gold records of ``../shared/seeds-gold`` through the graph layer (so the
competency queries have their answers to find among the synthetic ones), about
100k triples by default, 1M+ with ``--large``. The same N-Quads go into

- the embedded store: an on-disk pyoxigraph store opened with ``graph.store.open_store``
  (read-only, as the server does);
- the common peer: an in-memory rdflib ``Dataset`` (union default graph); each of its
  queries runs in a forked child that is killed past ``--cap`` seconds ("> cap");
- the Oxigraph server (``oxigraph serve-read-only --union-default-graph``) on the same
  store directory, queried over HTTP through ``graph.remote_store.RemoteStore``.

Queries: every competency query (``ontology/queries/*.rq``), the partner ranking as
one plain SPARQL aggregate (``partner-sparql``, all three) and the partner finder
itself (``graph.partners.find_partners``: embedded and server; it needs pyoxigraph
result objects, which rdflib does not give).

    .venv/bin/python bench/bench_query.py [--large] [--orgs N] [--repeats 20] [--cap 10]
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_partners import PEER_QUERY, generate  # noqa: E402
from graph.partners import find_partners  # noqa: E402
from graph.remote_store import RemoteStore  # noqa: E402
from graph.store import open_store  # noqa: E402

GOLD_DIR = ROOT.parent / "shared" / "seeds-gold"  # read in place, never copied
ORGS_PER_100K = 4150  # bench_partners.generate makes ~23 quads per organization
ENERGY_SECTOR_IRIS = "<https://w3id.org/sinoeu-kg/id/sector/energy> <https://w3id.org/sinoeu-kg/id/sector/renewable-energy>"


def gold_nquads(directory: Path) -> bytes:
    """The gold records of ../shared/seeds-gold through the graph layer, as N-Quads (the queries' answers)."""
    from extract.records import load_records

    store = open_store(directory / "store")
    store.ingest_records([r for path in sorted(GOLD_DIR.glob("*.json")) for r in load_records(path)])
    data = store.dump(ox.RdfFormat.N_QUADS)
    store.close()
    return data


def queries() -> dict[str, str]:
    out = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "ontology" / "queries").glob("*.rq"))}
    out["partner-sparql"] = PEER_QUERY % ENERGY_SECTOR_IRIS
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _child(call, repeats: int, conn) -> None:
    import graph.remote_store as remote

    remote._sessions = remote.threading.local()  # no HTTP connection shared with the parent
    for _ in range(repeats + 1):
        start = time.perf_counter()
        try:
            rows = call()
        except Exception as error:  # noqa: BLE001 - an engine's failure is a result to print, not a crash
            conn.send((None, f"{type(error).__name__}"))
            return
        conn.send((time.perf_counter() - start, rows))


def measure(call, repeats: int, cap: float, budget: float):
    """(median s, p95 s, rows) over up to ``repeats`` runs after a warm-up, in a forked child.

    A run past ``cap`` seconds kills the child: None ("> cap"). Runs stop early once
    they used ``budget`` seconds (at least 3 kept), so a slow peer cannot stall the bench.
    """
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_child, args=(call, repeats, child))
    process.start()
    times, rows = [], 0
    try:
        for _ in range(repeats + 1):
            if not parent.poll(cap):
                return None
            elapsed, rows = parent.recv()
            if elapsed is None:
                return rows  # the engine raised: its error name
            times.append(elapsed)
            if len(times) > 3 and sum(times[1:]) > budget:
                break
    finally:
        process.kill()
        process.join()
    times = times[1:]
    return statistics.median(times), percentile(times, 0.95), rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_oxigraph(location: Path, cap: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "oxigraph"), "serve-read-only", "--location",
                                str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", str(int(cap) + 1)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(300):
        try:
            RemoteStore(url).count_triples()
            return process, url
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise SystemExit("oxigraph serve-read-only did not start")


def fmt(value) -> str:
    return f"{value * 1000:9.1f}" if isinstance(value, float) else f"{value:>9}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="1M+ triples instead of ~100k")
    parser.add_argument("--orgs", type=int, default=None, help="organizations to generate (overrides the size)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--cap", type=float, default=10.0, help="seconds one run of a query may take (any store)")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds of repeats per query and store at most")
    args = parser.parse_args()
    orgs = args.orgs or (ORGS_PER_100K * 105 // 10 if args.large else ORGS_PER_100K)  # --large: 1M+

    with tempfile.TemporaryDirectory(prefix="sinoeu-bench-query-") as tmp:
        tmp = Path(tmp)
        nquads = tmp / "data.nq"
        with nquads.open("w", encoding="utf-8") as out:
            out.writelines(generate(orgs))
            out.write(gold_nquads(tmp / "gold").decode("utf-8"))
        raw = ox.Store(str(tmp / "store"))
        start = time.perf_counter()
        raw.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        raw.flush()
        triples = len(raw)
        pyox_load = time.perf_counter() - start
        del raw
        embedded = open_store(tmp / "store", read_only=True)

        import rdflib

        start = time.perf_counter()
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(str(nquads), format="nquads")
        for path in sorted((ROOT / "ontology").glob("*.ttl")):
            if path.name != "shapes.ttl":
                dataset.graph(rdflib.URIRef("https://w3id.org/sinoeu-kg/graph/ontology")).parse(str(path), format="turtle")
        rdflib_load = time.perf_counter() - start

        server, url = start_oxigraph(tmp / "store", args.cap)
        remote = RemoteStore(url, read_only=True)
        try:
            print(f"{triples} triples ({orgs} organizations); load: pyoxigraph bulk_load {pyox_load:.1f} s, "
                  f"rdflib parse {rdflib_load:.1f} s ({rdflib_load / pyox_load:.1f}x)")
            print(f"up to {args.repeats} repeats or {args.budget:g} s per query and store after a warm-up; a run "
                  f"past {args.cap:g} s is stopped and shown as '> cap'; times in ms", flush=True)
            header = (f"{'query':34} {'rows':>6} {'emb med':>9} {'emb p95':>9} {'srv med':>9} {'srv p95':>9} "
                      f"{'rdf med':>9} {'rdf p95':>9}  srv/emb  rdf/emb")
            print(header)
            print("-" * len(header))
            capped = f"> {args.cap:g}s".rjust(9)

            def cells(result) -> str:
                if isinstance(result, str):
                    return f"{'error:':>9} {result[:9]:>9}"
                return f"{fmt(result[0])} {fmt(result[1])}" if result else f"{capped} {capped}"

            def ratio(result, base) -> str:
                if not isinstance(base, tuple) or isinstance(result, str):
                    return "      ?"
                return f"{result[0] / base[0]:6.1f}x" if result else f"> {args.cap / base[0]:4.0f}x"

            runs = {name: (lambda sparql=sparql: lambda store: len(list(store.query(sparql))))()
                    for name, sparql in queries().items()}
            runs["find_partners(Energie, DE/FR)"] = lambda store: len(
                find_partners(store, sector="Energie", countries=["DE", "FR"]))
            for name, run in runs.items():
                emb = measure(lambda: run(embedded), args.repeats, args.cap, args.budget)
                srv = measure(lambda: run(remote), args.repeats, args.cap, args.budget)
                rdf = (measure(lambda: len(list(dataset.query(queries()[name]))), args.repeats, args.cap, args.budget)
                       if name in queries() else "n/a")
                rows = next((r[2] for r in (emb, srv) if isinstance(r, tuple)), "?")
                rdf_cells = f"{'n/a':>9} {'n/a':>9}" if rdf == "n/a" else cells(rdf)
                print(f"{name:34} {rows:>6} {cells(emb)} {cells(srv)} {rdf_cells}  {ratio(srv, emb)} "
                      f"{'    n/a' if rdf == 'n/a' else ratio(rdf, emb)}", flush=True)
        finally:
            server.terminate()
            server.wait(10)
            embedded.close()


if __name__ == "__main__":
    main()
