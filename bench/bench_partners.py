"""Benchmark: the partner query and the applicant match on a synthetic graph of 100k organizations.

Generates a deterministic synthetic dataset in the project's model (document
graphs with projects, events, PROV qualified associations, Web Annotation
evidence with sentences, the real SKOS ontology), bulk-loads it into an
on-disk pyoxigraph store in a temporary directory, opens it through
``graph.store.open_store`` (read-only, as the server does) and times:

- ``find_partners`` (sector given in German, country filter, ``near`` variant),
- ``match_applicant`` (a German energy company described in text),

each cold (first call) and warm (median of repeats). The peer, measured in
the same run: the same partner query on an in-memory rdflib ``Dataset`` over
a 10k-organization subset (rdflib being the project's other RDF engine).

    .venv/bin/python bench/bench_partners.py [--orgs 100000] [--peer-orgs 10000] [--repeats 5]
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


class RdflibStore:
    """The peer: an in-memory rdflib Dataset answering the same SPARQL (union default graph)."""

    class _Term:
        def __init__(self, term):
            self.value = str(term)

    class _Solutions:
        def __init__(self, result):
            self.variables = [RdflibStore._Term(v) for v in result.vars]
            self._rows = [{str(v): (None if row[v] is None else RdflibStore._Term(row[v])) for v in result.vars}
                          for row in result]

        def __iter__(self):
            return iter(self._rows)

    def __init__(self, quads):
        from rdflib import BNode, Dataset, Literal, URIRef

        def term(t):
            if isinstance(t, ox.NamedNode):
                return URIRef(t.value)
            if isinstance(t, ox.BlankNode):
                return BNode(t.value)
            if t.language:
                return Literal(t.value, lang=t.language)
            return Literal(t.value, datatype=URIRef(t.datatype.value))

        self.dataset = Dataset(default_union=True)
        for q in quads:
            self.dataset.add((term(q.subject), term(q.predicate), term(q.object), URIRef(q.graph_name.value)))

    def query(self, sparql: str):
        return RdflibStore._Solutions(self.dataset.query(sparql))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--peer-orgs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    applicant = {"text": "Wir sind ein deutsches Energieunternehmen und bauen Windparks und Batteriespeicher "
                         "für Häfen und Industrieparks.", "lang": "de", "sectors": ["energy"], "country": "DE"}

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        raw = ox.Store(str(Path(tmp) / "store"))
        raw.bulk_extend(generate(args.orgs))
        load_ontology(raw)
        raw.flush()
        quads = len(raw)
        del raw
        print(f"generated and bulk-loaded {args.orgs:,} organizations, {quads:,} quads "
              f"in {time.perf_counter() - start:.1f} s")
        store = open_store(Path(tmp) / "store", read_only=True)
        near = f"{BASE}id/org/o{args.orgs // 2}"
        figures = {
            "partners sector=Energie country=DE,FR": lambda: find_partners(
                store, sector="Energie", countries=["DE", "FR"], limit=20),
            "partners sector=能源 near=ORG": lambda: find_partners(store, sector="能源", near=near, limit=20),
            "partners sector=hydrogen since=2022": lambda: find_partners(store, sector="hydrogen", since=2022),
            "match German energy company": lambda: match_applicant(store, text=applicant, limit=10),
        }
        rows = {}
        for label, call in figures.items():
            cold, warm, result = timed(call, args.repeats)
            size = len(result) if isinstance(result, list) else len(result.matches)
            rows[label] = (cold, warm)
            print(f"{label:<40} cold {cold * 1000:8.1f} ms   warm median {warm * 1000:8.1f} ms   ({size} results)")
        store.close()

    peer_quads = list(generate(args.peer_orgs))
    start = time.perf_counter()
    peer = RdflibStore(peer_quads + list(_ontology_quads()))
    print(f"peer: rdflib in-memory Dataset, {args.peer_orgs:,} organizations, {len(peer_quads):,} quads "
          f"(loaded in {time.perf_counter() - start:.1f} s)")
    cold, _, result = timed(lambda: find_partners(peer, sector="Energie", countries=["DE", "FR"], limit=20), 0)
    ours = rows["partners sector=Energie country=DE,FR"][1]
    print(f"{'peer partners sector=Energie DE,FR':<40} {cold * 1000:8.1f} ms   ({len(result)} results)")
    print(f"ratio: rdflib on {args.peer_orgs:,} orgs / pyoxigraph store on {args.orgs:,} orgs (warm) = "
          f"{cold / ours:.1f}x")


def _ontology_quads():
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                yield ox.Quad(q.subject, q.predicate, q.object, _n(BASE + "graph/ontology"))


if __name__ == "__main__":
    main()
