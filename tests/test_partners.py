"""The partner finder on the gold store and on our own small corpus (tests/data/match/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.records import load_records
from graph.partners import (ROLE_WEIGHTS, PartnerQueryError, find_partners, load_sector_scheme,
                            mentions_sector, resolve_sector)
from graph.store import open_store

MATCH_DIR = Path(__file__).resolve().parent / "data" / "match"
SINO = "https://w3id.org/sinoeu-kg/ontology#"


def match_records():
    """Our own records: a German energy pilot, a French mobility start-up, an Italian city partnership, ..."""
    return [r for path in sorted(MATCH_DIR.glob("*.json")) for r in load_records(path)]


def build_match_store(path: Path, records=None):
    """An on-disk store holding ``records`` (default: our own corpus)."""
    store = open_store(path)
    result = store.ingest_records(match_records() if records is None else records)
    assert not result.failed, result.failed
    return store


@pytest.fixture(scope="module")
def match_store(tmp_path_factory):
    store = build_match_store(tmp_path_factory.mktemp("match") / "store")
    yield store
    store.close()


def org_iri(store, name: str) -> str:
    """The one organization labelled ``name``."""
    rows = store.select("""SELECT DISTINCT ?o WHERE {
        ?o <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2004/02/skos/core#altLabel> ?l
        FILTER(STR(?l) = %s) }""" % json.dumps(name))
    assert len(rows) == 1, (name, rows)
    return rows[0]["o"]


def document_texts(store) -> dict[str, str]:
    rows = store.select(f"SELECT ?d ?t WHERE {{ ?d a <{SINO}Document> . OPTIONAL {{ ?d <{SINO}text> ?t }} }}")
    return {row["d"]: row["t"] for row in rows}


def test_sector_words_in_any_language_give_the_same_results(match_store):
    english = [r.to_dict() for r in find_partners(match_store, sector="energy")]
    assert english, "the corpus has energy activities"
    for word in ("Energie", "能源", "energetyka", "énergie", "ENERGY"):
        assert [r.to_dict() for r in find_partners(match_store, sector=word)] == english, word


def test_top_results_carry_evidence_sentences_from_the_documents(match_store):
    texts = document_texts(match_store)
    results = find_partners(match_store, sector="energy", limit=3)
    for result in results:
        sentences = [(e.document, e.sentence) for f in result.facts for e in f.evidence if e.sentence]
        assert sentences, f"{result.name} has no evidence sentence"
        for document, sentence in sentences:
            assert document in texts and sentence in texts[document]


def test_score_is_the_sum_of_its_breakdown_and_results_are_ranked(match_store):
    results = find_partners(match_store, sector="energy")
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    for result in results:
        assert result.score == pytest.approx(sum(result.breakdown.values()), abs=1e-5)
        assert set(result.breakdown) == {"projects", "events", "mentions", "network", "proximity"}


def test_broader_sector_includes_its_narrower_ones(match_store):
    scheme = load_sector_scheme(match_store)
    energy = resolve_sector(scheme, "energy")
    assert resolve_sector(scheme, "hydrogen") < energy
    hydrogen_orgs = {r.iri for r in find_partners(match_store, sector="Wasserstoff", limit=100)}
    energy_orgs = {r.iri for r in find_partners(match_store, sector="energy", limit=100)}
    assert hydrogen_orgs and hydrogen_orgs <= energy_orgs
    mobility_orgs = {r.iri for r in find_partners(match_store, sector="mobility", limit=100)}
    assert not mobility_orgs <= energy_orgs  # a sibling sector is not swallowed


def test_host_outranks_attendee_of_the_same_event(match_store):
    results = find_partners(match_store, sector="energy", limit=100)
    weights = {}
    for result in results:
        for fact in result.facts:
            if fact.kind == "event":
                weights.setdefault(fact.activity, {})[fact.role] = fact.weight
    compared = [w for w in weights.values() if "attendee" in w and len(w) > 1]
    assert compared, "an energy event with a host and an attendee"
    for roles in compared:
        for role, weight in roles.items():
            if role != "attendee":
                assert ROLE_WEIGHTS[role] > ROLE_WEIGHTS["attendee"] and weight > roles["attendee"]


def test_filters_country_kind_and_since(match_store):
    results = find_partners(match_store, sector="energy", countries=["DE", "it"], limit=100)
    assert results and {r.country for r in results} <= {"DE", "IT"}
    companies = find_partners(match_store, sector="energy", kind="company", limit=100)
    assert companies and {r.kind for r in companies} == {"company"}
    recent = find_partners(match_store, sector="energy", since=2024, limit=100)
    assert recent and all(f.year >= 2024 for r in recent for f in r.facts)
    assert len(recent) < len(find_partners(match_store, sector="energy", limit=100))


def test_near_favours_the_neighbourhood_and_leaves_out_the_organization_itself(match_store):
    near = org_iri(match_store, "Solaris Italia")
    results = find_partners(match_store, sector="energy", near=near, limit=100)
    assert near not in {r.iri for r in results}
    direct = [r for r in results if r.distance == 1]
    assert direct and all(r.breakdown["proximity"] > 0 for r in direct)
    far = [r for r in results if r.distance is None]
    assert all(r.breakdown["proximity"] == 0 for r in far)
    by_name = find_partners(match_store, sector="energy", near="Solaris Italia", limit=100)
    assert [r.to_dict() for r in by_name] == [r.to_dict() for r in results]


def test_scores_are_deterministic_and_independent_of_ingest_order(match_store, tmp_path):
    first = [r.to_dict() for r in find_partners(match_store, sector="energy", near="Solaris Italia")]
    assert first == [r.to_dict() for r in find_partners(match_store, sector="energy", near="Solaris Italia")]
    reversed_store = build_match_store(tmp_path / "reversed", list(reversed(match_records())))
    try:
        assert [r.to_dict() for r in find_partners(reversed_store, sector="energy", near="Solaris Italia")] == first
    finally:
        reversed_store.close()


def test_unknown_sector_kind_or_organization_is_explained(match_store):
    with pytest.raises(PartnerQueryError, match="unknown sector 'basket weaving'.*energy"):
        find_partners(match_store, sector="basket weaving")
    with pytest.raises(PartnerQueryError, match="unknown organization kind"):
        find_partners(match_store, sector="energy", kind="dragon")
    with pytest.raises(PartnerQueryError, match="no organization named"):
        find_partners(match_store, sector="energy", near="Nobody Ltd")


def test_gold_store_energy_partners_have_document_evidence(gold_store):
    docs = set(document_texts(gold_store))
    results = find_partners(gold_store, sector="Energie", limit=10)
    assert results
    for result in results[:5]:
        evidence = [e.document for f in result.facts for e in f.evidence]
        assert evidence and set(evidence) <= docs
    names = {r.name for r in find_partners(gold_store, sector="energy", countries=["DE", "FR"], limit=50)}
    project_partners = {row["n"] for row in gold_store.select(f"""
        SELECT ?n WHERE {{ ?p <{SINO}sector> <https://w3id.org/sinoeu-kg/id/sector/energy> ; <{SINO}partner> ?o .
          ?o <https://schema.org/addressCountry> ?c ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?n
          FILTER(?c IN ("DE", "FR")) }}""")}
    assert project_partners and project_partners <= names


def test_mentions_sector_needs_a_word_start():
    assert mentions_sector("Die Energiewende kommt", ["energie"])
    assert not mentions_sector("Synergien nutzen", ["energie"])
    assert mentions_sector("推动能源转型", ["能源"])


def test_cli_partners_json_and_text(match_store):
    from click.testing import CliRunner

    from graph.cli import main

    runner = CliRunner()
    args = ["--store", str(match_store.path), "partners"]
    result = runner.invoke(main, args + ["--sector", "Energie", "--country", "de,it", "--json"])
    assert result.exit_code == 0, result.output
    expected = [r.to_dict() for r in find_partners(match_store, sector="energy", countries=["DE", "IT"])]
    assert json.loads(result.output) == expected
    text = runner.invoke(main, args + ["--sector", "能源", "--limit", "1"])
    assert text.exit_code == 0 and text.output.startswith(" 1. " + expected[0]["name"]) and "why:" in text.output
    unknown = runner.invoke(main, args + ["--sector", "basket weaving"])
    assert unknown.exit_code == 1 and "unknown sector" in unknown.output
