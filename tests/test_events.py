"""The event component on small texts of our own: names, types, anaphors, dates, places."""

from __future__ import annotations

import inspect

import pytest
import spacy

from extract.attrs import ATTRS, ensure_extensions
from extract.components import dates as dates_module  # noqa: F401  (registers sinoeu_dates)
from extract.components import events as events_module
from extract.components.event_attrs import EVENTS, sentence_spans
from extract.components.events import make_events, match_score, names_match, norm


def run_events(text: str, lang: str, doc_date: str | None = None, noise=()):
    ensure_extensions()
    nlp = spacy.blank(lang)
    nlp.add_pipe("sinoeu_dates")
    nlp.add_pipe("sinoeu_events")
    doc = nlp.make_doc(text)
    doc._.set(ATTRS.doc_date, doc_date)
    doc._.set(ATTRS.noise, list(noise))
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def test_factory_config_keys_equal_make_kwargs():
    nlp = spacy.blank("en")
    nlp.add_pipe("sinoeu_events", config={"min_name_chars": 5, "max_name_tokens": 10})
    params = set(inspect.signature(make_events).parameters) - {"nlp", "name"}
    assert params == set(nlp.get_pipe_config("sinoeu_events")) - {"factory"}
    assert nlp.get_pipe("sinoeu_events").min_name_chars == 5


def test_capitalised_name_with_date_and_place():
    text = "On 4 March 2025, the Baltic Hydrogen Summit was held in Gdansk, Poland. The summit drew 300 guests."
    doc = run_events(text, "en")
    [event] = doc._.get(EVENTS)
    assert event.name == "Baltic Hydrogen Summit"
    assert event.type == "forum"
    assert event.date == "2025-03-04"
    start, end = event.mentions[0]
    assert text[start:end] == "Baltic Hydrogen Summit"
    assert len(event.mentions) == 2  # "The summit" points back to it


def test_launch_of_quoted_challenge_is_one_event():
    text = ('The Launch of "Nordic Water Challenge: Smart Solutions for Ports"\n\n'
            'The first major event "Nordic Water Challenge: Smart Solutions for Ports" was held in Oslo.')
    [event] = run_events(text, "en")._.get(EVENTS)
    assert "Nordic Water Challenge" in event.name
    assert event.type == "challenge"


def test_lower_case_head_is_an_anaphor_not_a_new_event():
    doc = run_events("The Danube Rail Forum opened today. Later the forum adopted a declaration.", "en")
    assert [e.name for e in doc._.get(EVENTS)] == ["Danube Rail Forum"]


def test_dateline_date_loses_to_the_event_date():
    text = "VIENNA, May 2, 2024 -- The Alpine Energy Dialogue took place on April 30, 2024 in Vienna."
    [event] = run_events(text, "en")._.get(EVENTS)
    assert event.date == "2024-04-30"


def test_german_compound_head_with_genitive_complement():
    text = "Am 3. Juni fand das Auftakttreffen des Netzwerks Wasserstoff Nordsee in Bremen statt."
    [event] = run_events(text, "de", doc_date="2024-06")._.get(EVENTS)
    assert event.name.startswith("Auftakttreffen des Netzwerks Wasserstoff Nordsee")
    assert event.type == "launch"
    assert event.date == "2024-06-03"


def test_german_capitalised_adjective_names_a_forum():
    [event] = run_events("Gestern fand in Kiel das Deutsch-Chinesische Meeresforum statt.", "de")._.get(EVENTS)
    assert event.name == "Deutsch-Chinesische Meeresforum"


def test_polish_quoted_conference_and_english_alias_merge():
    text = "Partnerzy wspierają „Konferencję Zielonej Energii Bałtyku” („Baltic Green Energy Conference”)."
    events = run_events(text, "pl")._.get(EVENTS)
    assert len(events) == 1 and events[0].type == "conference"


def test_chinese_series_and_its_workshop_are_two_events():
    text = "3月5日上午,“共建绿色港口”国际合作大会系列活动之中德氢能研讨会在青岛举办。本次大会吸引了众多企业。"
    events = run_events(text, "zh")._.get(EVENTS)
    names = sorted(e.name for e in events)
    assert names == ["“共建绿色港口”国际合作大会", "“共建绿色港口”国际合作大会系列活动之中德氢能研讨会"]
    workshop = next(e for e in events if e.name.endswith("研讨会"))
    assert workshop.type == "workshop"
    assert workshop.date is None  # no year anywhere: never invented


def test_events_inside_noise_are_ignored():
    text = "Related news\nThe Winter Garden Expo opens soon\nThe Lisbon Ocean Forum was held in Lisbon."
    start = text.index("The Winter")
    doc = run_events(text, "en", noise=[(start, start + 32, "link list")])
    assert [e.name for e in doc._.get(EVENTS)] == ["Lisbon Ocean Forum"]


@pytest.mark.parametrize("a,b,expected", [
    ("Green and Sustainable Development Conference", "Green Sustainable Development Conference", True),
    ("China-EU Pilot Projects", "China-EU (Taicang) Pilot Project", False),
    ("签约仪式", "签约仪式", True),
])
def test_names_match(a, b, expected):
    assert names_match(a, b, "en") is expected


def test_match_score_orders_equal_contained_overlap():
    assert match_score("The Forum X", "forum x", "en") == 3
    assert match_score("Forum X", "Forum X 2024", "en") == 2
    assert match_score("Alpha Beta Gamma Delta Forum", "Alpha Beta Gamma Delta Epsilon Forum", "en") == 1
    assert norm("The China-EU  Dialogue") == "chinaeudialogue"


def test_sentences_keep_abbreviations_inside():
    text = "Mr. Li met Dr. Wu on Dec. 3, 2024. They signed.\nAm 8. August kam es zum Abschluss."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Mr. Li met Dr. Wu on Dec. 3, 2024.", "They signed.", "Am 8. August kam es zum Abschluss."]


def test_module_registers_its_factory():
    assert events_module.EventFinder and spacy.language.Language.has_factory("sinoeu_events")


def test_yesterday_moves_a_dateline_date_back_one_day():
    text = "MADRID, 5 de marzo de 2025 – La Cumbre Ibérica del Hidrógeno se celebró ayer en Madrid."
    [event] = run_events(text, "es")._.get(EVENTS)
    assert event.name == "Cumbre Ibérica del Hidrógeno"
    assert event.date == "2025-03-04"
