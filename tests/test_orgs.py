"""Organizations: exact names, acronyms, aliases and mention spans on our own multilingual sentences."""

from __future__ import annotations

import pytest

from extract.attrs import ATTRS
from extract.clean import CleanText
from extract.pipeline import make_doc
from extract.records import NoiseSpan


def run(text: str, lang: str, noise: list[NoiseSpan] | None = None):
    return make_doc(CleanText(text, noise or []), None, lang)


def orgs_of(doc) -> dict[str, object]:
    return {o.name: o for o in doc._.orgs}


CASES = [
    ("en", "The Danish Energy Agency (DEA) and the Shanghai Municipal Commission of Economy and Informatization "
           "signed a memorandum with Vestas Wind Systems (Denmark). Later, DEA officials visited Tongji University.",
     {"Danish Energy Agency": ("DEA", "DK", "government"),
      "Shanghai Municipal Commission of Economy and Informatization": (None, "CN", "government"),
      "Vestas Wind Systems": (None, "DK", "company"),
      "Tongji University": (None, None, "university")}),
    ("de", "Der Bundesverband Erneuerbare Energie (BEE) und die Stadtverwaltung von Chengdu unterzeichneten eine "
           "Absichtserklärung. Vertreter des Umweltbundesamtes und der Handelskammer Hamburg waren anwesend.",
     {"Bundesverband Erneuerbare Energie": ("BEE", None, "ngo"),
      "Stadtverwaltung von Chengdu": (None, "CN", "government"),
      "Umweltbundesamt": (None, None, None),
      "Handelskammer Hamburg": (None, "DE", "ngo")}),
    ("pl", "Umowę podpisali przedstawiciele Urzędu Miasta Gdańska oraz Polskiej Agencji Inwestycji i Handlu (PAIH). "
           "W spotkaniu uczestniczyli także urzędnicy Ministerstwa Klimatu i Środowiska oraz rządu prowincji Zhejiang.",
     {"Urząd Miasta Gdańska": (None, None, "government"),
      "Polska Agencja Inwestycji i Handlu": ("PAIH", "PL", None),
      "Ministerstwo Klimatu i Środowiska": (None, None, "government"),
      "rząd prowincji Zhejiang": (None, "CN", "government")}),
    ("it", "Il Ministero dell'Ambiente e della Sicurezza Energetica (MASE) e la Camera di Commercio Italo-Cinese "
           "hanno firmato un accordo con la Regione Lombardia.",
     {"Ministero dell'Ambiente e della Sicurezza Energetica": ("MASE", None, "government"),
      "Camera di Commercio Italo-Cinese": (None, None, "ngo"),
      "Regione Lombardia": (None, "IT", "government")}),
    ("fr", "La Mairie de Lyon a signé un accord avec l'Agence française de développement (AFD) et le Ministère "
           "de l'Économie.",
     {"Mairie de Lyon": (None, "FR", "government"),
      "Agence française de développement": ("AFD", None, "government"),
      "Ministère de l'Économie": (None, None, "government")}),
    ("es", "El Ministerio de Industria y Turismo y la Cámara de Comercio de España (CCE) organizaron el foro.",
     {"Ministerio de Industria y Turismo": (None, None, "government"),
      "Cámara de Comercio de España": ("CCE", "ES", "ngo")}),
    ("zh", "本次论坛由中欧数字协会主办，北京市经济和信息化局指导，意大利国家研究委员会和深圳市华为技术有限公司等机构参与。",
     {"中欧数字协会": (None, None, "ngo"),
      "北京市经济和信息化局": (None, "CN", "government"),
      "意大利国家研究委员会": (None, "IT", None),
      "深圳市华为技术有限公司": (None, "CN", "company")}),
]


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[c[0] for c in CASES])
def test_organizations_found_with_acronym_country_and_kind(lang, text, expected):
    found = orgs_of(run(text, lang))
    assert set(found) == set(expected)
    for name, (acronym, country, kind) in expected.items():
        assert found[name].acronym == acronym
        assert found[name].country == country
        if kind is not None:
            assert found[name].kind == kind


def test_acronym_only_mentions_link_to_the_defined_organization():
    text = "The Danish Energy Agency (DEA) hosted the talks. DEA officials then met the press."
    doc = run(text, "en")
    (org,) = doc._.orgs
    assert (org.name, org.acronym) == ("Danish Energy Agency", "DEA")
    spans = [(s.start_char, s.end_char, s.label_, s._.org_key) for s in doc.spans[ATTRS.org_mentions]]
    assert spans == [(4, 24, "ORG", org.key), (26, 29, "ORG", org.key), (49, 52, "ORG", org.key)]


def test_unit_of_parent_gets_compound_name_and_bare_unit_alias():
    text = ("The Institute for Urban Mobility of the Ministry of Transport (MOT) and the Ministry of Transport (MOT) "
            "opened the lab.")
    found = orgs_of(run(text, "en"))
    compound = found["Institute for Urban Mobility of the Ministry of Transport"]
    assert "Institute for Urban Mobility" in compound.aliases
    assert found["Ministry of Transport"].acronym == "MOT"


def test_hyphenated_acronym_spans_unit_and_parent():
    text = "The Centre for Green Finance, Ministry of Finance (MOF-CGF) met the Lisbon Partners."
    found = orgs_of(run(text, "en"))
    org = found["Centre for Green Finance, Ministry of Finance"]
    assert org.acronym == "MOF-CGF" and "Centre for Green Finance" in org.aliases
    assert "Lisbon Partners" in found


def test_parenthesised_alias_and_country():
    text = "Members of the Estonian Forest Owners' Association (Erametsaliit) met Siemens Energy (Germany) in Tallinn."
    found = orgs_of(run(text, "en"))
    assert found["Estonian Forest Owners' Association"].aliases == ["Erametsaliit"]
    assert found["Estonian Forest Owners' Association"].country == "EE"
    assert found["Siemens Energy"].country == "DE"


def test_secretariat_folds_into_its_organization():
    text = "The Secretariat of the Baltic Ports Association (BPA) is collecting proposals."
    (org,) = run(text, "en")._.orgs
    assert (org.name, org.acronym) == ("Baltic Ports Association", "BPA")
    assert "Secretariat of the Baltic Ports Association" in org.aliases


def test_post_title_is_not_part_of_the_organization():
    text = "Dr. Anna Lindqvist, Director General of the Swedish Environmental Protection Agency, opened the forum."
    assert list(orgs_of(run(text, "en"))) == ["Swedish Environmental Protection Agency"]


def test_acronymed_name_and_variant_with_same_initials_merge():
    text = ("The Sino-Baltic Trade Council (SBTC) was founded in Riga. The Sino-Baltic Trading Council "
            "welcomed new members.")
    (org,) = run(text, "en")._.orgs
    assert org.acronym == "SBTC" and org.aliases == ["Sino-Baltic Trading Council"]


def test_german_inflected_forms_become_aliases_of_the_nominative():
    text = ("Vertreter des Ministeriums für Digitales und Verkehr (BMDV) sprachen. Das Ministerium für Digitales "
            "und Verkehr lud ein.")
    (org,) = run(text, "de")._.orgs
    assert org.name == "Ministerium für Digitales und Verkehr"
    assert org.aliases == ["Ministeriums für Digitales und Verkehr"] and org.acronym == "BMDV"


def test_organizations_inside_noise_are_not_extracted():
    story = "The Nordic Hydrogen Alliance launched a pilot."
    ad = " Advertisement: Buy shares of the Acme Mining Corporation today!"
    doc = run(story + ad, "en", [NoiseSpan(len(story), len(story) + len(ad), "ad")])
    assert [o.name for o in doc._.orgs] == ["Nordic Hydrogen Alliance"]
    assert all(s.end_char <= len(story) for s in doc.spans[ATTRS.org_mentions])


def test_generic_capitalised_words_are_not_organizations():
    text = "Government representatives and Industry Experts attended. Senior Officials from Europe spoke."
    assert run(text, "en")._.orgs == []


@pytest.mark.parametrize("lang", ["en", "de", "pl", "it", "fr", "es", "zh"])
def test_reference_bodies_are_found_by_their_name_in_each_language(lang):
    names = {"en": "European Commission", "de": "Europäische Kommission", "pl": "Komisja Europejska",
             "it": "Commissione europea", "fr": "Commission européenne", "es": "Comisión Europea", "zh": "欧盟委员会"}
    text = f"{names[lang]} 2024."
    (org,) = run(text, lang)._.orgs
    assert (org.name, org.acronym, org.kind) == (names[lang], "EC", "international")


def test_han_names_split_after_post_person_and_verbs():
    text = "上海市浦东新区副区长王建国与德国巴斯夫集团大中华区总裁李明签署合作协议。"
    doc = run(text, "zh")
    found = orgs_of(doc)
    assert set(found) == {"上海市浦东新区", "德国巴斯夫集团"}
    assert found["德国巴斯夫集团"].country == "DE"
    spans = [(s.start_char, s.end_char) for s in doc.spans[ATTRS.org_mentions]]
    assert spans == [(0, 7), (14, 21)]


def test_han_short_forms_and_bare_districts_join_the_full_name():
    text = "杭州市西湖区与欧洲绿色能源合作联盟签约。西湖区表示，绿色能源联盟将在当地设立办公室。"
    found = orgs_of(run(text, "zh"))
    assert set(found) == {"杭州市西湖区", "欧洲绿色能源合作联盟"}
    assert "西湖区" in found["杭州市西湖区"].aliases
    assert "绿色能源联盟" in found["欧洲绿色能源合作联盟"].aliases


def test_han_venue_is_a_place_not_an_organization():
    text = "论坛在北京市朝阳区国际会议中心举行。"
    assert [o.name for o in run(text, "zh")._.orgs] == ["北京市朝阳区"]


def test_dateline_city_in_capitals_is_not_an_organization():
    text = "VALENCIA, 3 de mayo de 2024 -- La Autoridad Portuaria de Valencia firmó el acuerdo."
    assert [o.name for o in run(text, "es")._.orgs] == ["Autoridad Portuaria de Valencia"]


def test_legal_form_closes_a_company_name():
    text = "Vertreter der Ningde Battery Co., Ltd. und der Nordsee Logistik GmbH unterzeichneten."
    assert set(orgs_of(run(text, "de"))) == {"Ningde Battery Co., Ltd.", "Nordsee Logistik GmbH"}


def test_name_after_a_role_cue_is_an_organization():
    text = "The regatta was sponsored by Atlantic Tidal Power and opened in Porto."
    assert [o.name for o in run(text, "en")._.orgs] == ["Atlantic Tidal Power"]


def test_honorific_name_before_of_is_a_person_not_part_of_the_organization():
    text = "Prof. Li Na of the Harbin Institute of Technology gave the keynote at the Oslo Congress Centre."
    doc = run(text, "en")
    assert [o.name for o in doc._.orgs] == ["Harbin Institute of Technology"]
    assert {(p.name, p.organization) for p in doc._.persons} == {("Li Na", None)}


def test_embassy_keeps_its_location():
    text = "Des diplomates de l'Ambassade de Chine en Belgique étaient présents."
    assert [o.name for o in run(text, "fr")._.orgs] == ["Ambassade de Chine en Belgique"]


def test_han_company_branch_before_and_splits_from_the_next_name():
    text = "巴斯夫中国和浙江大学签署了合作协议。"
    assert set(orgs_of(run(text, "zh"))) == {"巴斯夫中国", "浙江大学"}


def test_han_venue_followed_by_opening_verb_is_not_an_organization():
    text = "2024中德氢能论坛在青岛国际会议中心开幕。"
    assert run(text, "zh")._.orgs == []


def test_list_members_beside_a_known_organization_are_organizations():
    text = ("Representatives of Statkraft, Orsted Wind and the Norwegian University of Science and Technology "
            "attended, as did Ms. Ingrid Larsen.")
    found = orgs_of(run(text, "en"))
    assert set(found) == {"Statkraft", "Orsted Wind", "Norwegian University of Science and Technology"}


def test_lists_of_places_or_common_nouns_add_nothing():
    text = "Experts from Germany, France and the Netherlands discussed Politik, Energie und Industrie."
    assert run(text, "en")._.orgs == []
