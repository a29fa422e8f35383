"""extract_document / extract_paths: records with evidence spans, languages, and batch robustness."""

from __future__ import annotations

import json

import pytest

from extract.api import extract_document, extract_paths
from extract.errors import DocumentError
from extract.records import ExtractionRecord, NoiseSpan, record_from_dict
from extract.sources import SourceDocument

LANGUAGES = ("en", "de", "pl", "zh", "it", "fr", "es")

RELEASE = """Home | News | Contact
We use cookies on this site. Accept all cookies

Bergen and Dalian open the North Sea Aquaculture Forum

BERGEN, September 9, 2025 -- The North Sea Aquaculture Forum was held in Bergen, Norway on September 8, 2025. The forum was jointly hosted by the Bergen Ocean Cluster (BOC) and the Dalian Fisheries Association (DFA). Representatives of the Norwegian Seafood Council attended the forum.

Related news
Fish prices rise again 2025-09-01
"""


@pytest.fixture(scope="module")
def record() -> ExtractionRecord:
    source = SourceDocument(id="bergen", text=RELEASE, source="memory://bergen", date="2025-09-09", lang=None)
    return extract_document(source, languages=LANGUAGES)


def test_record_shape_and_language(record):
    assert record.id == "bergen" and record.method == "rules"
    assert record.lang == "en"  # detected: the source did not say
    assert record.date == "2025-09-09"
    assert record.title == "Bergen and Dalian open the North Sea Aquaculture Forum"
    assert all(isinstance(n, NoiseSpan) for n in record.noise)


def test_event_roles_and_evidence_spans_point_into_the_clean_text(record):
    [event] = record.events
    assert event.name == "North Sea Aquaculture Forum"
    assert (event.type, event.date) == ("forum", "2025-09-08")
    assert all(record.text[s.start:s.end].lower().endswith("forum") for s in event.spans)
    orgs = {o.name: o for o in record.organizations}
    hosts = {orgs[r.organization].acronym for r in event.roles if r.role == "co-host"}
    assert hosts == {"BOC", "DFA"}
    for role in event.roles:
        assert role.organization in {o.name for o in record.organizations}
        assert "forum" in record.text[role.span.start:role.span.end]


def test_sentences_cover_the_story_and_skip_noise(record):
    texts = [record.text[s.start:s.end] for s in record.sentences]
    assert "The forum was jointly hosted by the Bergen Ocean Cluster (BOC) and the Dalian Fisheries Association (DFA)." in texts
    assert not any("cookies" in t for t in texts) or not record.noise


def test_record_round_trips_through_json(record):
    again = record_from_dict(json.loads(record.to_json()))
    assert again == record


def test_language_outside_the_list_degrades_to_the_multilingual_pipeline():
    text = ("Het Nederlands-Chinese Waterstof Forum vond plaats in Utrecht. Het forum werd georganiseerd door "
            "de Rijksdienst voor Ondernemend Nederland (RVO) en de Shanghai Hydrogen Alliance (SHA).")
    record = extract_document(SourceDocument(id="nl", text=text, lang="nl"), languages=LANGUAGES)
    assert record.lang == "nl"
    assert [e.name for e in record.events] == ["Nederlands-Chinese Waterstof Forum"]
    assert {"RVO", "SHA"} <= {o.acronym for o in record.organizations}


def test_empty_document_is_a_document_error():
    with pytest.raises(DocumentError):
        extract_document(SourceDocument(id="empty", text="  \n "), languages=LANGUAGES)


def test_batch_goes_on_past_bad_documents(tmp_path):
    (tmp_path / "a_good.txt").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "d_good.txt").write_text("date 2024-01-05\n" + RELEASE.replace("Bergen", "Tromso"), encoding="utf-8")
    results = list(extract_paths([tmp_path, tmp_path / "missing.txt"], max_bytes=1_000_000, languages=LANGUAGES))
    kinds = [(ident.split("/")[-1], type(result).__name__) for ident, result in results]
    assert kinds == [("a_good", "ExtractionRecord"), ("b_empty.txt", "DocumentError"), ("c_binary.txt", "DocumentError"),
                     ("d_good", "ExtractionRecord"), ("missing.txt", "DocumentError")]
    assert results[3][1].date == "2024-01-05"
