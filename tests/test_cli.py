"""The sinoeu-kg command line, through click's CliRunner and one real console-script run."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse

from graph.cli import _is_record_file, main
from graph.store import open_store

SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


@pytest.fixture
def run(tmp_path):
    store = tmp_path / "store"

    def invoke(*args, env=None):
        return CliRunner().invoke(main, ["--store", str(store), *args], env=env, catch_exceptions=False)

    invoke.store = store
    return invoke


@pytest.fixture
def ingested(run, gold_dir):
    result = run("ingest", *gold_files(gold_dir))
    assert result.exit_code == 0, result.output
    return run


def gold_files(gold_dir):
    return [str(p) for p in sorted(gold_dir.glob("*.json"))]


def test_ingest_reports_a_malformed_file_and_lands_the_rest(run, gold_dir, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": "x", "organizations": [', encoding="utf-8")
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text('{"id": "y", "organizations": [{"name": 5}]}\n', encoding="utf-8")
    result = run("ingest", *gold_files(gold_dir), str(bad), str(wrong))
    assert result.exit_code == 1
    assert "documents ok: 5, unchanged: 0, failed: 2" in result.output
    assert f"failed: {bad}: not valid JSON" in result.output
    assert f"failed: {wrong}:1" in result.output and "non-empty string 'name'" in result.output
    assert "triples: " in result.output
    store = open_store(run.store, read_only=True)
    assert len(store.document_ids()) == 5


def test_ingest_twice_keeps_the_triple_count(ingested, gold_dir):
    first = ingested("stats").output
    again = ingested("ingest", *gold_files(gold_dir))
    assert again.exit_code == 0 and "documents ok: 0, unchanged: 5, failed: 0" in again.output
    assert ingested("stats").output == first


def test_stats(ingested):
    lines = dict(line.split(": ", 1) for line in ingested("stats").output.splitlines())
    assert lines["documents"] == "5" and lines["languages"] == "de, en, pl, zh"
    assert int(lines["triples"]) > 1000 and int(lines["organizations"]) > 20 and int(lines["events"]) >= 6


QUERY = ('PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> '
         'SELECT DISTINCT ?o WHERE { ?o sino:acronym "CECCO" }')


def test_query_formats(ingested, tmp_path):
    as_json = json.loads(ingested("query", QUERY, "--format", "json").output)
    assert as_json["head"]["vars"] == ["o"] and len(as_json["results"]["bindings"]) == 1
    iri = as_json["results"]["bindings"][0]["o"]["value"]
    assert ingested("query", QUERY, "--format", "csv").output.splitlines() == ["o", iri]
    assert ingested("query", QUERY, "--format", "tsv").output.splitlines() == ["?o", f"<{iri}>"]
    table = ingested("query", QUERY).output.splitlines()
    assert table[0].strip() == "o" and table[2] == iri and table[-1] == "(1 row)"
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert ingested("query", str(query_file)).output.strip() == "true"


def test_malformed_query_is_one_line_and_exit_1(ingested):
    result = ingested("query", "SELEKT nothing")
    assert result.exit_code == 1 and "malformed SPARQL query" in result.output


def test_export_import_round_trip(ingested, tmp_path):
    trig = tmp_path / "all.trig"
    assert ingested("export", "--format", "trig", "-o", str(trig)).exit_code == 0
    for fmt, rdf_format in [("nquads", RdfFormat.N_QUADS), ("turtle", RdfFormat.TURTLE), ("jsonld", RdfFormat.JSON_LD)]:
        out = tmp_path / f"all.{fmt}"
        assert ingested("export", "--format", fmt, "-o", str(out)).exit_code == 0
        assert len(list(parse(path=str(out), format=rdf_format))) > 1000
    original = open_store(ingested.store, read_only=True)
    copy_store = tmp_path / "copy"
    result = CliRunner().invoke(main, ["--store", str(copy_store), "import", str(trig)])
    assert result.exit_code == 0, result.output
    copy = open_store(copy_store, read_only=True)
    assert copy.count_triples() == original.count_triples()
    assert copy.document_ids() == original.document_ids()


def test_remove(ingested, gold_records):
    doc = gold_records[0].id
    before = int(dict(line.split(": ") for line in ingested("stats").output.splitlines())["triples"])
    result = ingested("remove", doc)
    assert result.exit_code == 0 and f"removed {doc}" in result.output
    after = int(result.output.rsplit("triples: ", 1)[1])
    assert after < before
    missing = ingested("remove", doc)
    assert missing.exit_code == 1 and "no document" in missing.output


def test_store_comes_from_the_environment(tmp_path, gold_dir):
    env = {"SINOEU_KG_STORE": str(tmp_path / "env-store")}
    assert CliRunner().invoke(main, ["ingest", *gold_files(gold_dir)], env=env).exit_code == 0
    assert (tmp_path / "env-store" / "CURRENT").exists()


def test_reading_a_missing_store_says_how_to_create_one(tmp_path):
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "none"), "stats"])
    assert result.exit_code == 1 and "no store at" in result.output and "ingest" in result.output


@pytest.mark.skipif(not SHAPES.exists(), reason="ontology/shapes.ttl (ontology work) not delivered yet")
def test_validate_gold(ingested):
    result = ingested("validate")
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output


def test_record_files_are_told_from_raw_documents(tmp_path):
    records = tmp_path / "r.jsonl"
    records.write_text('{"id": "a", "organizations": []}\n', encoding="utf-8")
    raw = tmp_path / "d.jsonl"
    raw.write_text('{"id": "a", "text": "Hello"}\n', encoding="utf-8")
    assert _is_record_file(records) and not _is_record_file(raw)
    assert _is_record_file(tmp_path / "x.json") and not _is_record_file(tmp_path / "x.txt")


def test_query_never_loads_spacy_extract_or_rdflib(ingested):
    code = ("import sys\nfrom click.testing import CliRunner\nfrom graph.cli import main\n"
            f"r = CliRunner().invoke(main, ['--store', {str(ingested.store)!r}, 'query', 'ASK {{ ?s ?p ?o }}'])\n"
            "assert r.exit_code == 0, r.output\n"
            "heavy = ('spacy', 'rdflib', 'extract.api', 'extract.pipeline', 'extract.records')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_console_script_runs(ingested):
    script = Path(sys.executable).parent / "sinoeu-kg"
    executable = str(script) if script.exists() else shutil.which("sinoeu-kg")
    assert executable, "the sinoeu-kg console script is not installed"
    done = subprocess.run([executable, "--store", str(ingested.store), "stats"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "documents: 5" in done.stdout


def test_analysis_commands_are_registered():
    assert {"partners", "match"} <= set(main.commands)
