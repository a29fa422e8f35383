"""Benchmark: the partner query and the applicant match on a synthetic graph of 100k organizations.

Generates a deterministic synthetic dataset in the project's model (document
graphs with projects, events, PROV qualified associations, Web Annotation
evidence with sentences, the real SKOS ontology), bulk-loads it into an
on-disk pyoxigraph store in a temporary directory, opens it through
``graph.store.open_store`` (read-only, as the server does) and times:

- ``find_partners`` (sector given in German, country filter, ``near`` variant),
- ``match_applicant`` (a German energy company described in text),

each first call and median of repeats, after the one-off build of the
cached activity index (printed separately). The peer, measured in the same
run on the same store: the partner ranking written as one plain SPARQL 1.1
aggregate over the whole store, which is what the finder would cost without
its index.

    .venv/bin/python bench/bench_partners.py [--orgs 100000] [--repeats 5] [--store DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.analytics import activity_index  # noqa: E402
from graph.matcher import match_applicant  # noqa: E402
from graph.partners import find_partners  # noqa: E402
from graph.store import open_store  # noqa: E402

BASE = "https://w3id.org/sinoeu-kg/"
SINO = "https://w3id.org/sinoeu-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SDO = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRIES = ("DE", "FR", "IT", "PL", "ES", "NL", "AT", "SE", "FI", "DK", "BE", "CZ", "CN", "CN", "CN", "CN")
KINDS = ("company", "company", "company", "government", "research", "university", "ngo", "international")
ROLES = ("host", "co-host", "organizer", "supporter", "sponsor", "attendee", "attendee", "attendee", "speaker")
SYLLABLES = ("han", "lin", "ber", "wa", "tai", "zhou", "nor", "sol", "ver", "qing", "lum", "mar", "ost", "rhei",
             "dan", "shu", "pol", "kra", "ita", "gal", "xin", "lyo", "bre", "hu")
SUFFIXES = ("GmbH", "SA", "S.p.A.", "Sp. z o.o.", "Group", "Institute", "Municipal Government", "Association",
            "University", "Energy Co.", "Mobility Lab", "Partners")
WORDS = ("green", "port", "wind", "solar", "storage", "grid", "smart", "city", "digital", "hydrogen", "transport",
         "logistics", "carbon", "neutral", "industrial", "park", "water", "recycling", "battery", "bus")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() + " " + rng.choice(SUFFIXES)


def sector_concepts() -> list[str]:
    quads = ox.parse(path=str(ROOT / "ontology" / "sectors.ttl"), format=ox.RdfFormat.TURTLE)
    return sorted({q.subject.value for q in quads if q.predicate.value == RDF_TYPE and q.object.value == SINO + "Sector"})


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"@{lang}" if lang else f"^^<{XSD}{datatype}>" if datatype else "")


def generate(n_orgs: int, seed: int = 7):
    """Yield N-Quads lines: ``n_orgs`` organizations, n_orgs/5 documents each with a project and two events.

    Organizations of a document are drawn mostly from a neighbourhood of ids
    (so the network has communities), 10% at random (so it is connected).
    """
    rng = random.Random(seed)
    sectors = sector_concepts()
    energy = [s for s in sectors if s.endswith(("/energy", "/renewable-energy", "/hydrogen", "/energy-efficiency"))]
    reg = f"<{BASE}graph/doc/registry>"
    for i in range(n_orgs):
        org = f"<{BASE}id/org/o{i}>"
        yield (f"{org} <{RDF_TYPE}> <{ORG}Organization> {reg} .\n"
               f"{org} <{SKOS}prefLabel> {_lit(f'{_name(rng)} {i}', 'en')} {reg} .\n"
               f"{org} <{SDO}addressCountry> {_lit(rng.choice(COUNTRIES))} {reg} .\n"
               f"{org} <{ORG}classification> <{BASE}id/kind/{rng.choice(KINDS)}> {reg} .\n")
    for d in range(n_orgs // 5):
        graph, doc = f"<{BASE}graph/doc/d{d}>", f"<{BASE}id/doc/d{d}>"
        year = rng.randint(2015, 2024)
        date = _lit(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype="date")
        chosen = rng.sample(energy, 1) if rng.random() < 0.15 else []
        chosen = sorted(set(chosen + rng.sample(sectors, rng.randint(1, 2))))
        words = " ".join(rng.choice(WORDS) for _ in range(6))
        center = rng.randrange(n_orgs)

        def local() -> int:
            return (center + int(rng.gauss(0, 40))) % n_orgs if rng.random() < 0.9 else rng.randrange(n_orgs)

        lines = [f"{doc} <{RDF_TYPE}> <{SINO}Document>", f"{doc} <{DCT}identifier> {_lit(f'd{d}')}",
                 f"{doc} <{DCT}language> {_lit('en')}", f"{doc} <{DCT}date> {date}",
                 f"{doc} <{SINO}text> {_lit(f'Partners launched the {words} pilot in {year}. It covers {words}.')}"]
        lines += [f"{doc} <{DCT}subject> <{s}>" for s in chosen]
        project = f"<{BASE}id/project/p{d}>"
        lines += [f"{project} <{RDF_TYPE}> <{SINO}Project>",
                  f"{project} <{SDO}name> {_lit(f'{words.title()} Pilot {d}', 'en')}"]
        lines += [f"{project} <{SINO}sector> <{s}>" for s in chosen]
        lines += [f"{project} <{SINO}partner> <{BASE}id/org/o{o}>" for o in sorted({local() for _ in range(rng.randint(2, 5))})]
        ann = f"<{BASE}id/evidence/p{d}>"
        lines += [f"{ann} <{RDF_TYPE}> <{OA}Annotation>", f"{ann} <{OA}hasBody> {project}", f"{ann} <{OA}hasTarget> {doc}",
                  f"{ann} <{SINO}sentence> {_lit(f'Partners launched the {words} pilot in {year}.')}"]
        for e in range(2):
            event = f"<{BASE}id/event/e{d}-{e}>"
            lines += [f"{event} <{RDF_TYPE}> <{SDO}Event>",
                      f"{event} <{SDO}name> {_lit(f'{words.title()} forum {d}-{e}', 'en')}",
                      f"{event} <{SDO}startDate> {date}"]
            for k, o in enumerate(sorted({local() for _ in range(rng.randint(2, 6))})):
                part, agent = f"<{BASE}id/participation/e{d}-{e}-{k}>", f"<{BASE}id/org/o{o}>"
                pann = f"<{BASE}id/evidence/e{d}-{e}-{k}>"
                lines += [f"{event} <{PROV}qualifiedAssociation> {part}", f"{event} <{PROV}wasAssociatedWith> {agent}",
                          f"{part} <{RDF_TYPE}> <{PROV}Association>", f"{part} <{PROV}agent> {agent}",
                          f"{part} <{PROV}hadRole> <{BASE}id/role/{ROLES[(d + k) % len(ROLES)]}>",
                          f"{pann} <{RDF_TYPE}> <{OA}Annotation>", f"{pann} <{OA}hasBody> {part}",
                          f"{pann} <{OA}hasTarget> {doc}",
                          f"{pann} <{SINO}sentence> {_lit(f'Organization o{o} took part in the {words} forum.')}"]
        yield "".join(f"{line} {graph} .\n" for line in lines)


def write_nquads(path: Path, n_orgs: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.writelines(generate(n_orgs))


def load_ontology(store: ox.Store) -> None:
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=_n(BASE + "graph/ontology"))


def timed(call, repeats: int) -> tuple[float, float, object]:
    """(cold seconds, warm median seconds, last result)."""
    start = time.perf_counter()
    result = call()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm), result


PEER_QUERY = """
PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
SELECT ?org (SUM(?w) AS ?score) WHERE {
  { SELECT DISTINCT ?org ?act ?w WHERE {
      VALUES ?sector { %s }
      { ?act sino:sector ?sector ; sino:partner ?org . BIND(3.0 AS ?w) }
      UNION { GRAPH ?g { ?doc dcterms:subject ?sector . ?act prov:wasAssociatedWith ?org } BIND(1.0 AS ?w) } } }
  ?org schema:addressCountry ?c . FILTER(?c IN ("DE", "FR"))
} GROUP BY ?org ORDER BY DESC(?score) ?org LIMIT 20"""


def peer_partner_query(store, sector: str) -> list[str]:
    """The peer: the same ranking as one plain SPARQL 1.1 aggregate over the whole store (no index)."""
    from graph.partners import load_sector_scheme, resolve_sector

    concepts = resolve_sector(load_sector_scheme(store), sector)
    return [row["org"].value for row in store.query(PEER_QUERY % " ".join(f"<{c}>" for c in sorted(concepts)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--store", default=None, help="Reuse (or create) the synthetic store in this directory.")
    args = parser.parse_args()
    applicant = {"text": "Wir sind ein deutsches Energieunternehmen und bauen Windparks und Batteriespeicher "
                         "für Häfen und Industrieparks.", "lang": "de", "sectors": ["energy"], "country": "DE"}

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(args.store) if args.store else Path(tmp)
        store_dir = directory / "store"
        if not (store_dir / "CURRENT").exists():
            start = time.perf_counter()
            directory.mkdir(parents=True, exist_ok=True)
            write_nquads(directory / "synthetic.nq", args.orgs)
            raw = ox.Store(str(store_dir))
            raw.bulk_load(path=str(directory / "synthetic.nq"), format=ox.RdfFormat.N_QUADS)
            load_ontology(raw)
            raw.flush()
            del raw
            (directory / "synthetic.nq").unlink()
            print(f"generated and bulk-loaded {args.orgs:,} organizations in {time.perf_counter() - start:.1f} s")
        store = open_store(store_dir, read_only=True)
        print(f"store: {store.count_triples():,} quads, {args.orgs:,} organizations, {args.orgs // 5:,} projects, "
              f"{2 * args.orgs // 5:,} events")
        start = time.perf_counter()
        activity_index(store)
        index_seconds = time.perf_counter() - start
        print(f"activity index (built once per store state, cached): {index_seconds:.1f} s")
        near = f"{BASE}id/org/o{args.orgs // 2}"
        figures = {
            "partners sector=Energie country=DE,FR": lambda: find_partners(
                store, sector="Energie", countries=["DE", "FR"], limit=20),
            "partners sector=能源 near=ORG": lambda: find_partners(store, sector="能源", near=near, limit=20),
            "partners sector=hydrogen since=2022": lambda: find_partners(store, sector="hydrogen", since=2022),
            "match German energy company (text)": lambda: match_applicant(store, text=applicant, limit=10),
            "match organization in graph": lambda: match_applicant(store, org_iri=near, limit=10),
        }
        warm = {}
        for label, call in figures.items():
            first, median, result = timed(call, args.repeats)
            size = len(result) if isinstance(result, list) else len(result.matches)
            warm[label] = median
            print(f"{label:<40} first {first * 1000:8.1f} ms   median of {args.repeats} {median * 1000:8.1f} ms"
                  f"   ({size} results)")
        start = time.perf_counter()
        peer = peer_partner_query(store, "Energie")
        peer_seconds = time.perf_counter() - start
        ours = warm["partners sector=Energie country=DE,FR"]
        print(f"{'peer: one SPARQL 1.1 aggregate, no index':<40} {peer_seconds * 1000:8.1f} ms   ({len(peer)} results)")
        print(f"ratio peer / partner finder (warm): {peer_seconds / ours:.1f}x; "
              f"peer / (partner finder + index build): {peer_seconds / (ours + index_seconds):.2f}x")
        store.close()


if __name__ == "__main__":
    main()
