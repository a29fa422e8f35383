"""Benchmark: end-to-end ingest (extract + write) on 1 and 2 workers, and triples/s against a bulk load.

Documents are generated from the project's own releases (``demo/*.txt``,
``tests/data/*/*.txt``): each keeps the first (date/title) line of one release and
recombines paragraphs of the releases of the same language, with every
organization named in the gold records (``tests/demo_gold``, ``tests/data/gold``)
renamed to a generated one, so documents differ and identity resolution has work.
1k documents by default, 10k with ``--large``.

Printed, all measured in the same run:

- documents/s end to end (``graph.ingest.ingest_paths`` into a fresh embedded store,
  spaCy pipelines built inside the timing) on 1 and 2 workers, and their ratio;
- triples/s of the store's write path (``GraphStore.import_dataset``: batched SPARQL
  Update transactions) against a plain ``pyoxigraph.Store.bulk_load`` of the same
  N-Quads, and their ratio.

    .venv/bin/python bench/bench_ingest.py [--large] [--documents N] [--batch-size 100]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.ingest import ingest_paths  # noqa: E402
from graph.settings import resolve_settings  # noqa: E402
from graph.store import open_store  # noqa: E402

SYLLABLES = ("han", "lin", "ber", "wa", "tai", "zhou", "nor", "sol", "ver", "qing", "lum", "mar", "ost", "dan")
SUFFIXES = ("GmbH", "Group", "Institute", "Association", "University", "Energy Co.", "Partners")


def sources() -> dict[str, list[Path]]:
    """Project releases by language (file name prefix)."""
    out: dict[str, list[Path]] = {}
    for path in sorted([*ROOT.glob("demo/*.txt"), *ROOT.glob("tests/data/*/*.txt")]):
        out.setdefault(path.name[:2], []).append(path)
    return out


def organization_names() -> list[str]:
    names = set()
    for path in [*ROOT.glob("tests/demo_gold/*.json"), *ROOT.glob("tests/data/gold/*.json")]:
        data = json.loads(path.read_text(encoding="utf-8"))
        for record in data if isinstance(data, list) else [data]:
            names.update(o["name"] for o in record.get("organizations", []) if len(o["name"]) > 3)
    return sorted(names, key=len, reverse=True)


def generate(folder: Path, count: int, seed: int = 11) -> list[Path]:
    """Write ``count`` recombined releases into ``folder``; returns their paths."""
    rng = random.Random(seed)
    by_lang = sources()
    paragraphs = {lang: [p for path in paths for p in path.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
                  for lang, paths in by_lang.items()}
    pattern = re.compile("|".join(re.escape(n) for n in organization_names()))
    out = []
    for i in range(count):
        lang = rng.choice(sorted(by_lang))
        first = rng.choice(by_lang[lang]).read_text(encoding="utf-8").split("\n\n")[0]
        body = rng.sample(paragraphs[lang], min(len(paragraphs[lang]), rng.randint(3, 6)))
        renames: dict[str, str] = {}

        def rename(match: re.Match) -> str:
            if match.group(0) not in renames:
                renames[match.group(0)] = ("".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
                                           + f" {rng.choice(SUFFIXES)} {rng.randrange(count // 4 + 1)}")
            return renames[match.group(0)]

        path = folder / f"{lang}_gen_{i:05d}.txt"
        path.write_text(pattern.sub(rename, "\n\n".join([first, *body])) + "\n", encoding="utf-8")
        out.append(path)
    return out


def end_to_end(paths: list[Path], store_dir: Path, workers: int, batch_size: int):
    settings = resolve_settings({})
    store = open_store(store_dir)
    try:
        report = ingest_paths(store, document_paths=paths, workers=workers, languages=settings["languages"],
                              max_bytes=settings["max_document_bytes"], batch_size=batch_size)
    finally:
        store.close()
    return report


def write_path_vs_bulk_load(store_dir: Path, tmp: Path) -> None:
    store = open_store(store_dir, read_only=True)
    nquads = tmp / "dataset.nq"
    nquads.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
    store.close()
    quads = sum(1 for _ in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
    start = time.perf_counter()
    ours = open_store(tmp / "import")
    ours.import_dataset(nquads)
    ours.close()
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    plain = ox.Store(str(tmp / "bulk"))
    plain.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    plain.flush()
    bulk_s = time.perf_counter() - start
    print(f"write path: {quads} quads; store.import_dataset {ours_s:.2f} s ({quads / ours_s:,.0f} triples/s), "
          f"pyoxigraph bulk_load {bulk_s:.2f} s ({quads / bulk_s:,.0f} triples/s); ratio {ours_s / bulk_s:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="10k documents instead of 1k")
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    count = args.documents or (10_000 if args.large else 1_000)
    with tempfile.TemporaryDirectory(prefix="sinoeu-bench-ingest-") as tmp:
        tmp = Path(tmp)
        (tmp / "docs").mkdir()
        paths = generate(tmp / "docs", count)
        size = sum(p.stat().st_size for p in paths)
        print(f"{count} generated documents, {size / 1e6:.1f} MB, batch size {args.batch_size}")
        rates = {}
        for workers in (1, 2):
            report = end_to_end(paths, tmp / f"store-w{workers}", workers, args.batch_size)
            rates[workers] = report.documents / report.seconds
            print(f"workers {workers}: {report.ok} ok, {len(report.failed)} failed, {report.batches} batches, "
                  f"{report.triples} triples in {report.seconds:.1f} s = {rates[workers]:.1f} documents/s "
                  f"({rates[workers] / workers:.1f} per worker)")
        print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")
        write_path_vs_bulk_load(tmp / "store-w1", tmp)


if __name__ == "__main__":
    main()
