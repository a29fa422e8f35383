"""The ``sinoeu-kg`` command line: the composition root wiring extract -> graph -> store.

``extract`` (and with it spaCy) is imported lazily inside the commands that
extract, so ``sinoeu-kg query`` stays light. Settings come from
:func:`graph.settings.resolve_settings` (default < environment < option).
"""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from pathlib import Path

import click

from graph.errors import RecordError, SinoeuError
from graph.settings import resolve_settings

RECORD_SUFFIXES = {".json", ".jsonl"}
DOCUMENT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".jsonl"}
EXPORT_FORMATS = {"turtle": ("TURTLE", ".ttl"), "trig": ("TRIG", ".trig"), "nquads": ("N_QUADS", ".nq"),
                  "jsonld": ("JSON_LD", ".jsonld")}


def _user_errors(command):
    """Turn every SinoeuError into a one-line message and exit code 1 (bugs still raise)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SinoeuError as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


@click.group()
@click.option("--store", "store", default=None, metavar="DIR|URL",
              help="Store directory, or the URL of a SPARQL 1.1 query service (env SINOEU_KG_STORE; "
                   "default $XDG_DATA_HOME/sinoeu-kg/store).")
@click.option("--base-iri", default=None, help="Base IRI of minted entities (env SINOEU_KG_BASE_IRI).")
@click.option("--update-url", default=None, metavar="URL",
              help="SPARQL 1.1 Update URL when --store is a query service URL (env SINOEU_KG_UPDATE_URL).")
@click.option("--gsp-url", default=None, metavar="URL",
              help="Graph Store Protocol URL of a remote store, used for writes when given (env SINOEU_KG_GSP_URL).")
@click.pass_context
def main(ctx: click.Context, store: str | None, base_iri: str | None, update_url: str | None,
         gsp_url: str | None) -> None:
    """sinoeu-kg: a knowledge graph of China-EU cooperation actors from multilingual press releases."""
    ctx.ensure_object(dict)
    ctx.obj["settings"] = resolve_settings({"store": store, "base_iri": base_iri, "update_url": update_url,
                                            "gsp_url": gsp_url})


def open_store_from_context(ctx: click.Context, *, read_only: bool = False):
    """Open the store the group's settings point at."""
    from graph.store import open_store

    settings = ctx.find_root().obj["settings"]
    return open_store(settings["store"], read_only=read_only, base_iri=settings["base_iri"],
                      update_url=settings["update_url"], gsp_url=settings["gsp_url"])


def _settings(ctx: click.Context) -> dict:
    return ctx.find_root().obj["settings"]


def _expand(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in RECORD_SUFFIXES | DOCUMENT_SUFFIXES)
        else:
            files.append(path)
    return files


def _is_record_file(path: Path) -> bool:
    """``.json`` files hold records; a ``.jsonl`` holds records when its lines have "organizations"."""
    if path.suffix == ".json":
        return True
    if path.suffix != ".jsonl":
        return False
    try:
        with path.open(encoding="utf-8") as handle:
            first = next((line for line in handle if line.strip()), "")
        return isinstance(json.loads(first), dict) and "organizations" in json.loads(first)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return True  # let the record reader report what is wrong with it


def _extract(paths: list[Path], settings: dict):
    """Yield (path, record or DocumentError) from raw documents through extract.api (imported lazily)."""
    try:
        from extract.api import extract_paths
    except ImportError as exc:
        for path in paths:
            yield str(path), RecordError(str(path), f"the extractor is not available ({exc}); ingest records instead")
        return
    yield from extract_paths(paths, max_bytes=settings["max_document_bytes"], languages=settings["languages"])


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--workers", type=int, default=None,
              help="Extraction processes (env SINOEU_KG_WORKERS; 1 extracts in this process).")
@click.option("--batch-size", type=int, default=None, help="Documents written per batch (default 100).")
@click.pass_context
@_user_errors
def ingest(ctx: click.Context, paths: tuple[str, ...], workers: int | None, batch_size: int | None) -> None:
    """Add records (.json/.jsonl) or raw documents (.txt .md .html .jsonl) to the store.

    Streams the input, extracts in parallel, writes in batches and skips documents
    already stored with the same content hash, so an interrupted run can simply be rerun.
    """
    from tqdm import tqdm

    from graph.ingest import DEFAULT_BATCH_SIZE, count_inputs, ingest_paths

    settings = _settings(ctx)
    files = _expand(paths)
    raw = [p for p in files if not _is_record_file(p)]
    records = [p for p in files if p not in raw]
    workers = workers or settings["workers"]
    with open_store_from_context(ctx) as store:
        with tqdm(total=count_inputs(files), desc=f"ingesting ({workers} worker{'s' * (workers > 1)})",
                  unit="doc", file=sys.stderr, disable=None) as bar:
            report = ingest_paths(store, record_paths=records, document_paths=raw, workers=workers,
                                  languages=settings["languages"], max_bytes=settings["max_document_bytes"],
                                  batch_size=batch_size or DEFAULT_BATCH_SIZE, progress=lambda _: bar.update())
    click.echo(f"documents ok: {report.ok}, unchanged: {report.skipped}, failed: {len(report.failed)}"
               + (f", re-resolved: {report.rewritten}" if report.rewritten else ""))
    for where, reason in report.failed:
        click.echo(f"  failed: {where}: {reason}")
    click.echo(f"skipped {report.skipped} document(s) already stored with the same content hash; "
               f"{report.documents} in {report.seconds:.1f} s ({report.documents / max(report.seconds, 1e-9):.1f} "
               f"documents/s), {report.batches} batch(es) written")
    click.echo(f"triples: {report.triples}")
    if report.failed:
        ctx.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, default=True, help="JSON Lines of records (the default).")
@click.pass_context
@_user_errors
def extract(ctx: click.Context, files: tuple[str, ...], as_json: bool) -> None:
    """Extract records from raw documents and print them as JSON Lines (errors on stderr)."""
    failures = 0
    for where, outcome in _extract(_expand(files), _settings(ctx)):
        if isinstance(outcome, SinoeuError):
            failures += 1
            click.echo(f"failed: {outcome}", err=True)
        else:
            click.echo(outcome.to_json())
    if failures:
        ctx.exit(1)


@main.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.pass_context
@_user_errors
def evaluate(ctx: click.Context, gold_dir: str, files: tuple[str, ...]) -> None:
    """Extract FILES and score them against the gold records in GOLD_DIR."""
    from extract.evaluate import evaluate as score, format_report
    from extract.records import load_records

    gold = [r for path in sorted(Path(gold_dir).glob("*.json")) for r in load_records(path)]
    predicted = []
    for _, outcome in _extract(_expand(files), _settings(ctx)):
        if isinstance(outcome, SinoeuError):
            click.echo(f"failed: {outcome}", err=True)
        else:
            predicted.append(outcome)
    click.echo(format_report(score(gold, predicted)))


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]), default="table")
@click.pass_context
@_user_errors
def query(ctx: click.Context, sparql: str, fmt: str) -> None:
    """Run a SPARQL query (text or a file); the default graph is the union of all graphs."""
    from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

    if Path(sparql).is_file():
        sparql = Path(sparql).read_text(encoding="utf-8")
    with open_store_from_context(ctx, read_only=True) as store:
        result = store.query(sparql)
        if isinstance(result, QuerySolutions) and fmt == "table":
            click.echo(_table(result))
        elif isinstance(result, (QuerySolutions, QueryBoolean)):
            if isinstance(result, QueryBoolean) and fmt == "table":
                click.echo("true" if bool(result) else "false")
            else:
                formats = {"json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV,
                           "tsv": QueryResultsFormat.TSV}
                click.echo(result.serialize(format=formats[fmt]).decode("utf-8").rstrip("\n"))
        else:
            click.echo(result.serialize(format=RdfFormat.TURTLE).decode("utf-8").rstrip("\n"))


def _table(solutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(row[n]) for n in names] for row in solutions]
    widths = [max([_width(n), *(_width(r[i]) for r in rows)]) for i, n in enumerate(names)]
    line = lambda cells: " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(names), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(out + [f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def _width(text: str) -> int:
    """Terminal columns of ``text`` (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(term) -> str:
    from pyoxigraph import Literal, NamedNode

    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        return f"{term.value}@{term.language}" if term.language else term.value
    return str(term)


@main.command()
@click.option("--format", "fmt", type=click.Choice(sorted(EXPORT_FORMATS)), default="trig")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default stdout).")
@click.pass_context
@_user_errors
def export(ctx: click.Context, fmt: str, output: str | None) -> None:
    """Export every named graph (Turtle: their union as triples)."""
    from pyoxigraph import RdfFormat

    with open_store_from_context(ctx, read_only=True) as store:
        data = store.dump(getattr(RdfFormat, EXPORT_FORMATS[fmt][0]))
    if output:
        Path(output).write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)


@main.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@_user_errors
def import_(ctx: click.Context, file: str) -> None:
    """Load a TriG/N-Quads export back into the store (each graph in the file replaces the stored one)."""
    with open_store_from_context(ctx) as store:
        count = store.import_dataset(file)
        click.echo(f"imported {count} quads; triples: {store.count_triples()}")


@main.command()
@click.pass_context
@_user_errors
def validate(ctx: click.Context) -> None:
    """Check the data graphs against ontology/shapes.ttl (SHACL); exit 1 when they do not conform."""
    from graph.validate import validate_store

    with open_store_from_context(ctx, read_only=True) as store:
        conforms, report = validate_store(store)
    click.echo(report.rstrip("\n"))
    if not conforms:
        ctx.exit(1)


STATS_QUERY = """
PREFIX org: <http://www.w3.org/ns/org#> PREFIX schema: <https://schema.org/>
PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
SELECT
  (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?org) AS ?organizations)
  (COUNT(DISTINCT ?person) AS ?persons) (COUNT(DISTINCT ?event) AS ?events)
  (COUNT(DISTINCT ?project) AS ?projects)
WHERE {
  { ?doc a sino:Document } UNION { ?org a org:Organization } UNION { ?person a schema:Person }
  UNION { ?event a schema:Event } UNION { ?project a sino:Project }
}"""
LANGUAGES_QUERY = """
PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?lang WHERE { ?doc a sino:Document ; dcterms:language ?lang } ORDER BY ?lang"""


@main.command()
@click.pass_context
@_user_errors
def stats(ctx: click.Context) -> None:
    """Counts of documents, triples, organizations, persons, events, projects and languages."""
    with open_store_from_context(ctx, read_only=True) as store:
        row = store.select(STATS_QUERY)[0]
        languages = [r["lang"] for r in store.select(LANGUAGES_QUERY)]
        triples = store.count_triples()
    click.echo(f"documents: {row['documents']}\ntriples: {triples}")
    for name in ("organizations", "persons", "events", "projects"):
        click.echo(f"{name}: {row[name]}")
    click.echo(f"languages: {', '.join(languages)}")


@main.command()
@click.argument("doc_id")
@click.pass_context
@_user_errors
def remove(ctx: click.Context, doc_id: str) -> None:
    """Remove a document and its facts; identity and the merge graph are recomputed."""
    with open_store_from_context(ctx) as store:
        removed = store.remove_document(doc_id)
        triples = store.count_triples()
    if not removed:
        raise click.ClickException(f"no document {doc_id!r} in the store (see `sinoeu-kg stats` / document ids)")
    click.echo(f"removed {doc_id}; triples: {triples}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (env SINOEU_KG_HOST).")
@click.option("--port", default=None, type=int, help="Port to listen on (env SINOEU_KG_PORT).")
@click.pass_context
@_user_errors
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the browse UI and the SPARQL endpoint (waitress)."""
    import server

    settings = dict(_settings(ctx))
    settings.update({k: v for k, v in {"host": host, "port": port}.items() if v is not None})
    click.echo(f"serving {settings['store']} on http://{settings['host']}:{settings['port']}/", err=True)
    server.serve(settings)


from graph import cli_analysis  # noqa: E402  (registers `partners` and `match` on the group)

cli_analysis.register(main)
from graph import cli_curation  # noqa: E402  (registers `merges`, `unmerge` and `curation` on the group)
cli_curation.register(main)
