"""The applicant matcher on our own corpus and on the gold store."""

from __future__ import annotations

import pytest

from graph.matcher import (EmptyGraphError, MatchError, UnknownLanguageError, find_sector_words,
                           match_applicant, split_passages)
from graph.partners import load_sector_scheme, resolve_sector
from tests.test_partners import build_match_store, document_texts, org_iri

SINO = "https://w3id.org/sinoeu-kg/ontology#"
GERMAN_ENERGY_COMPANY = {
    "text": ("Die Weserwind Energiesysteme GmbH aus Bremerhaven plant und baut Windparks und Batteriespeicher "
             "für Hafenanlagen. Wir suchen chinesische Partner für Energieprojekte in Häfen."),
    "lang": "de", "sectors": ["energy"], "places": ["Bremerhaven"], "country": "DE",
    "organizations": [{"name": "Weserwind Energiesysteme GmbH", "country": "DE", "kind": "company"}],
}
FRENCH_MOBILITY_STARTUP = {
    "text": ("Jeune pousse bordelaise, nous concevons des navettes électriques pour la mobilité urbaine "
             "et cherchons une ville chinoise partenaire."),
    "lang": "fr",
}


@pytest.fixture(scope="module")
def match_store(tmp_path_factory):
    store = build_match_store(tmp_path_factory.mktemp("matcher") / "store")
    yield store
    store.close()


def project_sectors(store, project: str) -> set[str]:
    return {row["s"] for row in store.select(f"SELECT ?s WHERE {{ <{project}> <{SINO}sector> ?s }}")}


def test_german_energy_company_is_matched_first_to_an_energy_pilot(match_store):
    report = match_applicant(match_store, text=GERMAN_ENERGY_COMPANY)
    top = report.matches[0]
    energy = resolve_sector(load_sector_scheme(match_store), "energy")
    assert project_sectors(match_store, top.iri) & energy
    assert "Energie" in top.shared_sectors
    assert top.breakdown["sectors"] > 0 and top.breakdown["country"] > 0
    others = [m for m in report.matches if not project_sectors(match_store, m.iri) & energy]
    assert others and all(m.score < top.score for m in others)


def test_gold_german_energy_company_gets_the_taicang_pilot(gold_store):
    report = match_applicant(gold_store, text=GERMAN_ENERGY_COMPANY)
    energy = resolve_sector(load_sector_scheme(gold_store), "energy")
    assert project_sectors(gold_store, report.matches[0].iri) & energy
    assert "Taicang" in report.matches[0].name


def test_free_text_finds_sector_words_through_skos_labels(match_store):
    report = match_applicant(match_store, text=FRENCH_MOBILITY_STARTUP)
    assert report.applicant_sectors and not report.no_sector_words
    top = report.matches[0]
    assert top.shared_sectors
    assert "navettes" in top.name.lower() or "mobilit" in " ".join(top.sectors).lower()


def test_passages_are_shown_side_by_side_from_the_documents(match_store):
    texts = document_texts(match_store)
    report = match_applicant(match_store, text=GERMAN_ENERGY_COMPANY)
    pairs = report.matches[0].passages
    assert pairs
    for pair in pairs:
        assert pair.applicant in split_passages(GERMAN_ENERGY_COMPANY["text"])
        assert 0 < pair.similarity <= 1
        if pair.document:
            assert pair.project in texts[pair.document]
    assert [p.similarity for p in pairs] == sorted((p.similarity for p in pairs), reverse=True)


def test_organization_in_graph_matches_through_partners_of_partners(match_store):
    solaris = org_iri(match_store, "Solaris Italia")
    report = match_applicant(match_store, org_iri=solaris)
    own = {row["p"] for row in match_store.select(f"SELECT ?p WHERE {{ ?p <{SINO}partner> <{solaris}> }}")}
    assert own and not own & {m.iri for m in report.matches}
    linked = [m for m in report.matches if m.common_organizations]
    assert linked and all(m.breakdown["network"] > 0 for m in linked)
    assert any("Nordwind Energie GmbH" in m.common_organizations for m in linked)


def test_no_sector_words_is_said_and_text_still_ranks(match_store):
    report = match_applicant(match_store, text={"text": "Wir backen Brot und Brezeln in einer kleinen Bäckerei.",
                                                "lang": "de"})
    assert report.no_sector_words and report.applicant_sectors == []
    assert any("No sector words" in note for note in report.notes)
    assert report.matches and all(m.breakdown["sectors"] == 0 for m in report.matches)


def test_unknown_language_is_refused_with_the_supported_ones(match_store):
    with pytest.raises(UnknownLanguageError, match="supported languages: en, de"):
        match_applicant(match_store, text={"text": "Olemme suomalainen yritys.", "lang": "fi"})
    with pytest.raises(UnknownLanguageError, match="'fi'"):
        match_applicant(match_store, text="Olemme suomalainen yritys, joka tarjoaa digitaalista "
                                          "hiilijalanjäljen seurantaa teollisuuspuistoille.")


def test_empty_graph_and_empty_text_are_explained(store, match_store):
    with pytest.raises(EmptyGraphError, match="no pilots or projects"):
        match_applicant(store, text=GERMAN_ENERGY_COMPANY)
    with pytest.raises(MatchError, match="empty"):
        match_applicant(match_store, text={"text": "   ", "lang": "en"})
    with pytest.raises(MatchError, match="one of the two"):
        match_applicant(match_store)


def test_match_scores_are_deterministic(match_store):
    first = match_applicant(match_store, text=GERMAN_ENERGY_COMPANY).to_dict()
    assert match_applicant(match_store, text=GERMAN_ENERGY_COMPANY).to_dict() == first
    assert [m["score"] for m in first["matches"]] == sorted((m["score"] for m in first["matches"]), reverse=True)


def test_sector_words_in_several_languages(match_store):
    scheme = load_sector_scheme(match_store)
    energy = resolve_sector(scheme, "energy")
    for text in ("Wir sind ein Energieunternehmen", "Firma z branży energetyka", "我们是一家能源公司"):
        assert set(find_sector_words(scheme, text)) & energy, text
    assert not find_sector_words(scheme, "Wir backen Brot")


def test_cli_match_runs_the_extractor_and_explains(match_store):
    import json

    from click.testing import CliRunner

    from graph.cli import main

    runner = CliRunner()
    args = ["--store", str(match_store.path)]
    result = runner.invoke(main, args + ["match", "--text", GERMAN_ENERGY_COMPANY["text"], "--lang", "de", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    energy = resolve_sector(load_sector_scheme(match_store), "energy")
    assert project_sectors(match_store, report["matches"][0]["iri"]) & energy
    text = runner.invoke(main, args + ["match", "--text", GERMAN_ENERGY_COMPANY["text"], "--lang", "de"])
    assert text.exit_code == 0 and "shared sectors: Energie" in text.output
    refused = runner.invoke(main, args + ["match", "--text", "Olemme suomalainen yritys.", "--lang", "fi"])
    assert refused.exit_code == 1 and "unsupported" in refused.output
    both = runner.invoke(main, args + ["match", "--text", "x", "--org", "y"])
    assert both.exit_code == 2 and "exactly one" in both.output
