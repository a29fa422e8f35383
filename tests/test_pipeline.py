"""The pipeline: component order per language, extension setup, make_doc, and the quality bar on the seeds."""

from __future__ import annotations

import pytest
import spacy

from extract.attrs import ATTRS, ensure_extensions
from extract.clean import CleanText, clean_text
from extract.evaluate import evaluate, load_gold_dir
from extract.language import detect_language
from extract.pipeline import LATER_COMPONENTS, OWN_COMPONENTS, build_nlp, make_doc, spacy_language
from extract.records import ExtractionRecord, NoiseSpan, Organization, Person, Span
from extract.sources import SourceDocument, read_sources

LANGUAGES = ["en", "de", "pl", "zh", "it", "fr", "es"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pipeline_has_our_components_in_order(lang):
    nlp = build_nlp(lang)
    assert nlp.lang == lang
    ours = [name for name in nlp.pipe_names if name.startswith("sinoeu_")]
    assert ours[:len(OWN_COMPONENTS)] == list(OWN_COMPONENTS)
    assert [n for n in ours if n in LATER_COMPONENTS] == [n for n in LATER_COMPONENTS if spacy.Language.has_factory(n)]
    assert nlp.pipe_names[0] == "sentencizer"
    assert build_nlp(lang) is nlp


@pytest.mark.parametrize("lang", LANGUAGES)
def test_blank_language_components_run_on_a_blank_doc(lang):
    nlp = spacy.blank(lang)
    for name in OWN_COMPONENTS:
        nlp.add_pipe(name)
    doc = nlp("")
    assert doc._.get(ATTRS.orgs) == [] and doc._.get(ATTRS.persons) == []
    assert list(doc.spans[ATTRS.org_mentions]) == [] and list(doc.spans[ATTRS.places]) == []


def test_languages_spacy_cannot_tokenise_alone_fall_back_to_multilanguage():
    assert spacy_language("ja") == "xx" and spacy_language("und") == "xx" and spacy_language("nl") == "nl"
    doc = make_doc(CleanText("Das European Investment Bank (EIB) kantoor opende.", []), None, "nl")
    assert [(o.name, o.acronym) for o in doc._.orgs] == [("European Investment Bank", "EIB")]


def test_ensure_extensions_is_idempotent():
    ensure_extensions()
    ensure_extensions()
    doc = spacy.blank("en")("x")
    assert doc._.get(ATTRS.noise) is None and doc._.get(ATTRS.source) is None


def test_make_doc_sets_source_date_and_merged_noise():
    source = SourceDocument(id="t1", text="", source="t1.txt", date="2024-05-02", lang="en", title=None)
    text = "The Nordic Hydrogen Alliance met. Cookies: accept all. Follow us."
    noise = [NoiseSpan(34, 54, "cookie banner"), NoiseSpan(50, 65, "chrome")]
    doc = make_doc(CleanText(text, noise), source, "en")
    assert doc._.get(ATTRS.source) is source and doc._.get(ATTRS.doc_date) == "2024-05-02"
    assert doc._.get(ATTRS.noise) == [(34, 65, "cookie banner; chrome")]
    assert [o.name for o in doc._.orgs] == ["Nordic Hydrogen Alliance"]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans[ATTRS.org_mentions]] == [(4, 28, "ORG")]


def test_places_carry_their_nominative_name():
    doc = make_doc(CleanText("Spotkanie odbyło się w Pekinie, w prowincji Jiangsu i w Niemczech.", []), None, "pl")
    places = [(s.text, s.label_, s._.get(ATTRS.place_name)) for s in doc.spans[ATTRS.places]]
    assert places == [("Pekinie", "PLACE", "Pekin"), ("w prowincji Jiangsu", "PLACE", "prowincja Jiangsu"),
                      ("Niemczech", "PLACE", "Niemcy")]


def _records_for_seeds(seeds_dir) -> list[ExtractionRecord]:
    records = []
    for path in sorted(seeds_dir.glob("*.txt")):
        for source in read_sources(path, max_bytes=10_000_000):
            lang = source.lang or detect_language(source.text)
            cleaned = clean_text(source.text, lang)
            doc = make_doc(cleaned, source, lang)
            record = ExtractionRecord(id=source.id, lang=lang, text=cleaned.text, method="rules")
            record.organizations = [Organization(o.name, o.aliases, o.acronym, o.country, o.kind,
                                                 [Span(*m) for m in o.mentions]) for o in doc._.orgs]
            record.persons = [Person(p.name, p.post, p.organization, [Span(*m) for m in p.mentions])
                              for p in doc._.persons]
            records.append(record)
    return records


def test_seed_organizations_and_persons_meet_the_quality_bar(seeds_dir, gold_dir):
    report = evaluate(load_gold_dir(gold_dir), _records_for_seeds(seeds_dir))
    assert report.micro["organizations"].f1 >= 0.90
    assert report.micro["persons"].f1 >= 0.80


def test_seed_organizations_have_mentions_outside_noise(seeds_dir):
    for record in _records_for_seeds(seeds_dir):
        noise = [(n.start, n.end) for n in clean_text(record.text, record.lang).noise]
        for org in record.organizations:
            assert org.spans, org.name
            for span in org.spans:
                assert not any(s < span.end and span.start < e for s, e in noise), (record.id, org.name)
