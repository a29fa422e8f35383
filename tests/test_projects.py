"""Projects (names, partners, targets) and sector labels, with organizations handed in."""

from __future__ import annotations

import re

import pytest
import spacy

from extract.attrs import ATTRS, OrgEntity, ensure_extensions
from extract.components import dates, events, projects, roles, sectors  # noqa: F401  (register the factories)
from extract.components.event_attrs import PROJECTS, SECTORS, load_lexicon
from extract.components.projects import parse_number, sentence_targets


def run_projects(text: str, lang: str, orgs: list[str] = ()):
    ensure_extensions()
    nlp = spacy.blank(lang)
    for name in ("sinoeu_dates", "sinoeu_events", "sinoeu_roles", "sinoeu_projects", "sinoeu_sectors"):
        nlp.add_pipe(name)
    doc = nlp.make_doc(text)
    doc._.set(ATTRS.noise, [])
    doc._.set(ATTRS.orgs, [OrgEntity(key=n.lower(), name=n, mentions=[(m.start(), m.end()) for m in re.finditer(re.escape(n), text)])
                           for n in orgs])
    doc._.set(ATTRS.persons, [])
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def test_project_name_partners_sectors_and_targets():
    text = ("Official Launch of the Harbour Heat Pilot Project in Aarhus\n\n"
            "The Harbour Heat Pilot Project focuses on energy, construction and digital governance. "
            "It has a population of about 42,000 and will be carbon neutral by 2031. "
            "Its partners include Aarhus Utilities, the Danish Heat Institute of Aarhus University and Wuhan Boiler Works.")
    doc = run_projects(text, "en", ["Aarhus Utilities", "Danish Heat Institute", "Aarhus University", "Wuhan Boiler Works"])
    [project] = doc._.get(PROJECTS)
    assert project.name == "Harbour Heat Pilot Project in Aarhus"
    assert project.sectors == ["energy", "construction", "digital governance"]
    assert project.targets == {"neutrality_year": 2031, "population": 42000}
    # Aarhus University is named as the institute's parent ("of"), not as a partner
    assert project.partners == ["Aarhus Utilities", "Danish Heat Institute", "Wuhan Boiler Works"]
    assert doc._.get(SECTORS) == ["energy", "construction", "digital governance"]


def test_quoted_initiative_in_polish_is_named_by_its_quote():
    text = ("Platforma uruchomiła inicjatywę „Baltic Blue Ports”, w której udział biorą partnerzy, "
            "w tym Port Gdynia i Ningbo Port Group.")
    [project] = run_projects(text, "pl", ["Port Gdynia", "Ningbo Port Group"])._.get(PROJECTS)
    assert project.name == "Baltic Blue Ports"
    assert project.partners == ["Port Gdynia", "Ningbo Port Group"]


def test_polish_and_german_sector_words_map_to_english_labels():
    pl = run_projects("Projekt obejmuje obszary: energetyka, budownictwo, recykling i styl życia.", "pl")
    de = run_projects("Das Vorhaben deckt die Bereiche Energie, Bauwesen, Mobilität und Logistik ab.", "de")
    assert pl._.get(SECTORS) == ["energy", "construction", "recycling", "lifestyle"]
    assert de._.get(SECTORS) == ["energy", "construction", "mobility", "logistics"]


def test_sector_words_outside_a_sector_sentence_are_not_claims():
    doc = run_projects("The mayor thanked the energy company for its coffee.", "en")
    assert doc._.get(SECTORS) == []


def test_chinese_demonstration_zone_and_its_sector():
    doc = run_projects("大兴区牵头建设京津冀氢能汽车示范区,重点领域包括氢能和物流。", "zh", ["大兴区"])
    [project] = doc._.get(PROJECTS)
    assert project.name == "京津冀氢能汽车示范区"
    assert project.partners == ["大兴区"]
    assert "hydrogen" in project.sectors and "logistics" in project.sectors


@pytest.mark.parametrize("digits,multiplier,expected", [
    ("150,000", None, 150000), ("150.000", None, 150000), ("150", "tyś", 150000), ("15", "万", 150000),
    ("1,5", "Millionen", 1500000), ("2 500", None, 2500),
])
def test_parse_number(digits, multiplier, expected):
    assert parse_number(digits, multiplier) == expected


@pytest.mark.parametrize("lang,sentence,expected", [
    ("en", "The district aims to be carbon neutral by 2030.", {"neutrality_year": 2030}),
    ("de", "Das Gebiet soll bis 2035 klimaneutral sein und etwa 80.000 Menschen umfassen.",
     {"neutrality_year": 2035, "population": 80000}),
    ("pl", "Obszar zamieszka ok. 20 tys. osób, a do 2040 r. osiągnie neutralność klimatyczną.",
     {"neutrality_year": 2040, "population": 20000}),
    ("zh", "示范区人口约15万,力争2030年实现碳中和。", {"neutrality_year": 2030, "population": 150000}),
])
def test_targets_per_language(lang, sentence, expected):
    assert sentence_targets(sentence, load_lexicon("projects", lang)) == expected


def test_chinese_list_of_aspirational_zones_is_not_a_project():
    doc = run_projects("未来将牵头京津冀氢能汽车示范区建设,打造绿色发展示范区、科技创新引领区。", "zh")
    assert [p.name for p in doc._.get(PROJECTS)] == ["京津冀氢能汽车示范区"]
