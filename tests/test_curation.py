"""Reviewer commands `merges`, `unmerge`, `curation` on a real on-disk store built from the gold records."""

import json
import shutil

import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.store import open_store

BASE = "https://w3id.org/sinoeu-kg/"
NODES_NAMED = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?o WHERE { ?o a org:Organization ; skos:prefLabel|skos:altLabel ?l FILTER(STR(?l) = NAME) }"""


def gold_files(gold_dir):
    return [str(p) for p in sorted(gold_dir.glob("*.json"))]


@pytest.fixture(scope="module")
def gold_store_dir(tmp_path_factory, gold_dir):
    """One store with every gold record, ingested once through the CLI; tests work on copies."""
    path = tmp_path_factory.mktemp("curation") / "store"
    result = CliRunner().invoke(main, ["--store", str(path), "ingest", *gold_files(gold_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def run(tmp_path, gold_store_dir):
    store = tmp_path / "store"
    shutil.copytree(gold_store_dir, store)

    def invoke(*args):
        return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)

    invoke.store = store
    return invoke


@pytest.fixture(scope="module")
def cecco_names(gold_records):
    """The full names the gold records give the organization with acronym CECCO: (Polish, English, Polish doc id)."""
    by_lang = {}
    for record in gold_records:
        for org in record.organizations:
            if org.acronym == "CECCO":
                by_lang.setdefault(record.lang, (org.name, record.id))
    assert "pl" in by_lang and "en" in by_lang, by_lang
    return by_lang["pl"][0], by_lang["en"][0], by_lang["pl"][1]


def nodes_named(store_path, name):
    store = open_store(store_path, read_only=True)
    try:
        return {row["o"] for row in store.select(NODES_NAMED.replace("NAME", json.dumps(name, ensure_ascii=False)))}
    finally:
        store.close()


def curation_pairs(store_path):
    store = open_store(store_path, read_only=True)
    try:
        return store.not_same_as()
    finally:
        store.close()


def merges_json(run, *args):
    result = run("merges", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_merges_lists_the_cecco_merge_with_names_rules_and_documents(run, cecco_names):
    polish, english, _ = cecco_names
    items = merges_json(run, "--entity", "CECCO")
    assert len(items) == 1
    cecco = items[0]
    assert f"{polish}@pl" in cecco["names"] and f"{english}@en" in cecco["names"]
    assert len(cecco["documents"]) >= 3
    assert {d["rule"] for d in cecco["decisions"]} >= {"acronym-corroborated"}
    assert all(d["key"] and d["documents"] for d in cecco["decisions"])
    assert merges_json(run, "--entity", cecco["entity"]) == items
    everything = merges_json(run)
    assert len(everything) > 1 and cecco in everything
    text = run("merges", "--entity", polish).output
    assert cecco["entity"] in text and "acronym-corroborated" in text and polish in text


def test_unmerge_splits_cecco_survives_reingest_and_remove_restores(run, cecco_names, gold_dir):
    polish, english, polish_doc = cecco_names
    merged = nodes_named(run.store, polish)
    assert merged == nodes_named(run.store, english) and len(merged) == 1

    result = run("unmerge", polish, english, "--by", "reviewer-x", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["split"] in merged
    assert report["entities"][polish] != report["entities"][english]
    apart_polish, apart_english = nodes_named(run.store, polish), nodes_named(run.store, english)
    assert apart_polish and apart_english and not apart_polish & apart_english
    assert set(report["entities"][polish]) == apart_polish and set(report["entities"][english]) == apart_english
    assert not any(f"{polish}@pl" in item["names"] for item in merges_json(run, "--entity", english))

    listed = json.loads(run("curation", "--json").output)
    assert len(listed) == 1 and listed[0]["creator"] == "reviewer-x" and listed[0]["time"]
    assert {*listed[0]["names"], *listed[0]["other"]} == {polish, english}
    store = open_store(run.store, read_only=True)
    try:
        assert store.query(f"""PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#>
            ASK {{ GRAPH <{BASE}graph/curation> {{ ?x sino:notSameAs ?y }} }}""")
    finally:
        store.close()

    assert run("remove", polish_doc).exit_code == 0  # re-ingesting re-resolves identity: the override holds
    again = run("ingest", *gold_files(gold_dir))
    assert again.exit_code == 0, again.output
    assert run("ingest", *gold_files(gold_dir)).exit_code == 0
    assert not nodes_named(run.store, polish) & nodes_named(run.store, english)
    assert curation_pairs(run.store)

    removed = run("curation", "remove", english, polish)
    assert removed.exit_code == 0, removed.output
    assert "merged again" in removed.output
    assert nodes_named(run.store, polish) == nodes_named(run.store, english) == merged
    assert curation_pairs(run.store) == []
    assert "(0 overrides)" in run("curation", "list").output


def test_unmerge_by_entity_iri(run, cecco_names):
    polish, english, _ = cecco_names
    (entity,) = nodes_named(run.store, english)
    result = run("unmerge", entity, polish)
    assert result.exit_code == 0, result.output
    assert f"split {entity}" in result.output
    assert not nodes_named(run.store, polish) & nodes_named(run.store, english)


def test_unmerge_refuses_unknown_and_unmerged_names(run, cecco_names):
    polish, english, _ = cecco_names
    other = next(item for item in merges_json(run) if item["entity"] not in nodes_named(run.store, english))
    other_name = other["names"][0].rsplit("@", 1)[0]
    before = nodes_named(run.store, polish)

    unknown = run("unmerge", "No Such Organisation Anywhere", english)
    assert unknown.exit_code == 1 and "no entity is named 'No Such Organisation Anywhere'" in unknown.output
    unrelated = run("unmerge", other_name, english)
    assert unrelated.exit_code == 1 and "not merged" in unrelated.output
    same = run("unmerge", english, english.upper())
    assert same.exit_code == 1 and "same name" in same.output
    no_override = run("curation", "remove", polish, english)
    assert no_override.exit_code == 1 and "no curation override" in no_override.output
    assert curation_pairs(run.store) == [] and nodes_named(run.store, polish) == before

    assert run("unmerge", polish, english).exit_code == 0
    twice = run("unmerge", polish, english)
    assert twice.exit_code == 1 and "nothing to unmerge" in twice.output
