"""The extractor's general rules on releases it was not tuned on: other cities, organizations and wordings.

Each test states one rule (a dateline city is a place, a translated acronym
names the head-noun phrase before it, a German adjective is declined back
to the nominative ...) with names that appear nowhere in the seeds, the demo
set or the rule's own resources.
"""

from __future__ import annotations

import pytest

from extract.api import extract_document
from extract.sources import SourceDocument

LANGUAGES = ("en", "de", "pl", "zh", "it", "fr", "es")


def extract(text: str, lang: str, date: str = "2025-04-02"):
    return extract_document(SourceDocument(id=f"gen-{lang}", text=text, source=None, date=date, lang=lang),
                            languages=LANGUAGES)


def org_names(record) -> set[str]:
    return {o.name for o in record.organizations}


def role_facts(record) -> set[tuple[str, str]]:
    return {(r.organization, r.role) for e in record.events for r in e.roles}


@pytest.fixture(scope="module")
def english():
    return extract(
        "MARSEILLE, April 2, 2025 -- The Marseille-Tianjin Green Port Programme was formally launched on April 1, 2025 "
        "in Marseille. The ceremony was jointly hosted by the Marseille Port Authority, the Tianjin Municipal Government "
        "and the Euro-Asian Harbour Cooperation Platform (EAHCP). The event received support from the Consulate "
        "General of Italy in Shanghai.", "en")


def test_dateline_city_in_capitals_is_not_an_organization(english):
    names = org_names(english)
    assert "MARSEILLE" not in names
    assert not any(o.acronym == "MARSEILLE" for o in english.organizations)


def test_coordinated_hosts_split_into_three_with_the_acronym_on_the_last(english):
    names = org_names(english)
    assert {"Marseille Port Authority", "Tianjin Municipal Government", "Euro-Asian Harbour Cooperation Platform"} <= names
    assert not any(" and the " in n for n in names)
    by_name = {o.name: o for o in english.organizations}
    assert by_name["Euro-Asian Harbour Cooperation Platform"].acronym == "EAHCP"


def test_diplomatic_mission_keeps_its_location_and_the_sending_country(english):
    by_name = {o.name: o for o in english.organizations}
    assert "Consulate General of Italy in Shanghai" in by_name
    assert by_name["Consulate General of Italy in Shanghai"].country == "IT"


def test_launched_sentence_makes_a_dated_launch_event_with_co_hosts(english):
    assert len(english.events) == 1
    event = english.events[0]
    assert (event.type, event.date) == ("launch", "2025-04-01")
    assert "Marseille-Tianjin Green Port Programme" in event.name
    assert role_facts(english) == {
        ("Marseille Port Authority", "co-host"), ("Tianjin Municipal Government", "co-host"),
        ("Euro-Asian Harbour Cooperation Platform", "co-host"), ("Consulate General of Italy in Shanghai", "supporter"),
    }


def test_french_lower_case_names_and_a_held_ceremony():
    record = extract(
        "Le 3 février 2025, la cérémonie de signature de l'accord portuaire Nantes-Ningbo s'est tenue à Nantes. "
        "La cérémonie a été organisée conjointement par la Métropole de Nantes, le gouvernement municipal de Ningbo "
        "et l'Agence franco-chinoise des ports atlantiques (AFCPA).", "fr")
    names = org_names(record)
    assert {"Métropole de Nantes", "gouvernement municipal de Ningbo"} <= names
    agency = next(o for o in record.organizations if o.acronym == "AFCPA")
    assert agency.name.startswith("Agence franco-chinoise des ports atlantiques")
    assert len(record.events) == 1
    assert (record.events[0].type, record.events[0].date, record.events[0].place) == ("signing", "2025-02-03", "Nantes")
    assert {role for _, role in role_facts(record)} == {"co-organizer"}
    assert len(role_facts(record)) == 3


def test_german_adjective_is_declined_back_to_the_nominative_and_mentions_merge():
    record = extract(
        "Am 4. März 2025 fand in Bremen das Deutsch-Chinesische Batterie-Forum statt. Das Forum wurde gemeinsam vom "
        "Bayerischen Batterieverband (BBV) und der Handelskammer Bremen ausgerichtet und vom Bundesministerium für "
        "Bildung und Forschung unterstützt. Dr. Jonas Weber, Präsident des Bayerischen Batterieverbands, hielt die "
        "Festrede.", "de")
    names = org_names(record)
    assert "Bayerischer Batterieverband" in names
    assert not any(n.startswith("Bayerischen") for n in names)
    facts = role_facts(record)
    assert ("Bayerischer Batterieverband", "co-host") in facts
    assert ("Bundesministerium für Bildung und Forschung", "supporter") in facts
    assert ("Bayerischer Batterieverband", "speaker") in facts


def test_german_representatives_of_two_bodies_are_two_organizations():
    record = extract(
        "Am 5. Mai 2025 fand in Kiel die Deutsch-Chinesische Meereskonferenz statt. Vertreter der Stadtverwaltung von "
        "Xiamen und des Xiamen Ocean Research Institute (XORI) nahmen an der Konferenz teil.", "de")
    names = org_names(record)
    assert {"Stadtverwaltung von Xiamen", "Xiamen Ocean Research Institute"} <= names
    assert not any(" und " in n for n in names)


def test_polish_held_signing_object_first_signatories_and_locative_place():
    record = extract(
        "12 marca 2025 r. w Krakowie odbyła się ceremonia podpisania umowy o współpracy w dziedzinie turystyki. "
        "Umowę podpisali Małopolska Organizacja Turystyczna oraz Urząd Miasta Xi'an.", "pl")
    assert len(record.events) == 1
    event = record.events[0]
    assert (event.type, event.date, event.place) == ("signing", "2025-03-12", "Kraków")
    assert role_facts(record) == {("Małopolska Organizacja Turystyczna", "signatory"), ("Urząd Miasta Xi'an", "signatory")}


def test_polish_management_board_is_an_organization_head():
    record = extract("Zarząd Portu Lotniczego Katowice podpisał porozumienie z partnerem z Chin 3 marca 2025 r.", "pl")
    assert "Zarząd Portu Lotniczego Katowice" in org_names(record)


def test_spanish_roles_attach_to_a_signing_told_only_by_its_verb():
    record = extract(
        "El 9 de enero de 2025, el Ayuntamiento de Valencia y el Gobierno Municipal de Qingdao firmaron un convenio "
        "sobre puertos verdes. La ceremonia de firma fue organizada por la Cámara de Comercio de Valencia con el "
        "apoyo de la Embajada de China en España. La Asociación Valenciana de Logística participó como socio. "
        "El Sr. Pau Ferrer, concejal del Ayuntamiento de Valencia, pronunció un discurso.", "es")
    assert "Embajada de China en España" in org_names(record)
    assert role_facts(record) >= {
        ("Cámara de Comercio de Valencia", "organizer"), ("Embajada de China en España", "supporter"),
        ("Asociación Valenciana de Logística", "partner"), ("Ayuntamiento de Valencia", "signatory"),
    }
    person = next(p for p in record.persons if p.name == "Pau Ferrer")
    assert (person.post, person.organization) == ("concejal", "Ayuntamiento de Valencia")


def test_italian_lower_case_municipal_government():
    record = extract("Il Governo municipale di Wuxi e il Comune di Torino hanno partecipato al forum.", "it")
    assert {"Governo municipale di Wuxi", "Comune di Torino"} <= org_names(record)


def test_chinese_forum_place_is_the_one_after_zai_not_a_city_in_the_title():
    record = extract("成都与慕尼黑文化合作论坛举行\n\n3月4日,中德文化合作论坛在慕尼黑举行。论坛由慕尼黑文化协会主办。", "zh")
    forum = next(e for e in record.events if e.type == "forum")
    assert forum.place == "慕尼黑"


def test_post_of_a_city_speaks_for_that_citys_government():
    record = extract(
        "The Danube Logistics Summit was held in Vienna on May 6, 2025. The summit was hosted by the Vienna City "
        "Government and the Chongqing Municipal Government. Mr. Zhao Ming, Vice Mayor of Chongqing, delivered a speech.",
        "en")
    person = next(p for p in record.persons if p.name == "Zhao Ming")
    assert (person.post, person.organization) == ("Vice Mayor of Chongqing", "Chongqing Municipal Government")
    assert ("Chongqing Municipal Government", "speaker") in role_facts(record)


@pytest.mark.parametrize("lang,text,expected", [
    ("pl", "Współpraca obejmuje energetykę, logistykę i transport.", {"energy", "logistics", "transportation"}),
    ("fr", "Le programme concerne les villes intelligentes et la logistique.", {"smart cities", "logistics"}),
    ("de", "Im Mittelpunkt standen Häfen und Logistik.", {"ports", "logistics"}),
    ("it", "I temi principali sono stati la finanza verde e il riciclo delle risorse.", {"green finance", "resource recycling"}),
], ids=["pl", "fr", "de", "it"])
def test_sector_lists_after_a_verb_of_scope_and_inflected_forms(lang, text, expected):
    assert set(extract(text, lang).sectors) == expected


def test_french_project_name_stops_at_the_verb_of_its_sentence():
    record = extract("Le 2 avril 2025, l'inauguration du projet pilote de chauffage urbain Grenoble-Harbin s'est tenue à "
                     "Grenoble. Le projet pilote concerne l'énergie.", "fr")
    assert [p.name for p in record.projects] == ["projet pilote de chauffage urbain Grenoble-Harbin"]


@pytest.mark.parametrize("surface,expected", [
    ("W spotkaniu uczestniczył dyrektor Małopolskiej Agencji Rozwoju Regionalnego.", "Małopolska Agencja Rozwoju Regionalnego"),
    ("W spotkaniu wzięli udział studenci Uniwersytetu Gdańskiego.", "Uniwersytet Gdański"),
    ("Porozumienie podpisał przedstawiciel Zarządu Morskiego Portu Gdynia.", "Zarząd Morskiego Portu Gdynia"),
], ids=["adjective-before", "adjective-after", "genitive-complement-kept"])
def test_polish_agreeing_adjectives_go_to_the_nominative_with_their_head(surface, expected):
    assert expected in org_names(extract(surface, "pl"))


def test_post_before_a_defined_name_is_not_part_of_it():
    record = extract("The workshop was chaired by Ms. Ines Brandt, Head of the Baltic Offshore Wind Institute (BOWI).", "en")
    assert "Baltic Offshore Wind Institute" in org_names(record)
    assert not any(n.startswith("Head of") for n in org_names(record))


def test_hyphenated_words_count_in_exact_initials_and_a_brand_after_a_full_name_splits():
    record = extract("Il convegno è stato promosso da Città di Bari e Camera di Commercio Italo-Tedesca (CCIT). "
                     "Alla fine Città di Bari e ENI Plenitude hanno firmato un accordo il 4 marzo 2025.", "it")
    names = org_names(record)
    assert {"Città di Bari", "Camera di Commercio Italo-Tedesca", "ENI Plenitude"} <= names
    assert not any(" e " in n for n in names)


def test_german_city_as_a_body_stadt_x():
    record = extract("Das Treffen wurde von der Stadt Dresden und der Wuhan Trade Association ausgerichtet.", "de")
    city = next(o for o in record.organizations if o.name == "Stadt Dresden")
    assert (city.kind, city.country) == ("government", "DE")


def test_french_name_with_lower_case_words_up_to_its_place():
    record = extract("La session a été animée par Mme Li Na, directrice de l'Agence de développement économique de "
                     "Suzhou. Le Centre de recherche sur les matériaux de Grenoble a participé.", "fr")
    names = org_names(record)
    assert "Agence de développement économique de Suzhou" in names
    assert "Centre de recherche sur les matériaux de Grenoble" in names


def test_french_elided_article_starts_a_new_name_and_apostrophes_stay_inside_places():
    record = extract(
        "Le 5 mai 2025, la cérémonie de signature s'est tenue à Dunkerque. La cérémonie a été organisée conjointement "
        "par le gouvernement municipal de Lu'an, la Communauté Urbaine de Dunkerque et l'Agence de développement "
        "portuaire de Dunkerque.", "fr")
    expected = {"gouvernement municipal de Lu'an", "Communauté Urbaine de Dunkerque",
                "Agence de développement portuaire de Dunkerque"}
    assert org_names(record) == expected
    assert role_facts(record) == {(name, "co-organizer") for name in expected}


def test_french_place_with_apostrophe_then_elided_name_with_a_translated_acronym():
    record = extract(
        "Le 6 mai 2025, un protocole a été signé entre la Région Sud, le gouvernement municipal de Tai'an "
        "et l'Institut polytechnique de la Côte d'Azur (IPCA).", "fr")
    assert {(o.name, o.acronym) for o in record.organizations} == {
        ("Région Sud", None), ("gouvernement municipal de Tai'an", None), ("Institut polytechnique de la Côte d'Azur", "IPCA")}


def test_italian_elided_article_splits_and_l_aquila_stays_whole():
    record = extract("Il 7 maggio 2025 è stato firmato un accordo tra il Comune di Pescara e l'Università di L'Aquila.", "it")
    assert org_names(record) == {"Comune di Pescara", "Università di L'Aquila"}


def test_english_possessive_owner_is_still_dropped():
    record = extract("On 9 May 2025, Norway's Ministry of Trade and the Bergen Port Authority signed an agreement.", "en")
    assert org_names(record) == {"Ministry of Trade", "Bergen Port Authority"}


def test_german_hyphen_ellipsis_genitive_hyphen_compound_and_inverted_attendance():
    record = extract(
        "Am 12. Juni 2025 wurde in Bremen ein Kooperationsabkommen unterzeichnet. Die Handwerks- und Gewerbekammer Weser "
        "und das Lehr- und Forschungszentrum Nordsee unterzeichneten das Abkommen. An der Feier nahmen neben Gästen aus "
        "Ningbo auch Vertreter des Max-Planck-Instituts für Meeresbiologie (MPIMB) und der Gesellschaft für "
        "Hafenlogistik (GHL) teil.", "de")
    assert {(o.name, o.acronym) for o in record.organizations} == {
        ("Handwerks- und Gewerbekammer Weser", None), ("Lehr- und Forschungszentrum Nordsee", None),
        ("Max-Planck-Institut für Meeresbiologie", "MPIMB"), ("Gesellschaft für Hafenlogistik", "GHL")}
    assert role_facts(record) == {
        ("Handwerks- und Gewerbekammer Weser", "signatory"), ("Lehr- und Forschungszentrum Nordsee", "signatory"),
        ("Max-Planck-Institut für Meeresbiologie", "attendee"), ("Gesellschaft für Hafenlogistik", "attendee")}


def test_chinese_government_office_chain_and_a_bracketed_country_inside_a_company_name():
    record = extract(
        "2025年6月10日，中法绿色能源论坛在成都举行。论坛由成都市人民政府国际合作办公室和法国里昂大都会经济发展局联合主办。"
        "博世（中国）投资有限公司和成都市新能源研究院代表出席论坛。", "zh")
    assert org_names(record) == {"成都市人民政府国际合作办公室", "法国里昂大都会经济发展局", "博世（中国）投资有限公司", "成都市新能源研究院"}
    assert role_facts(record) == {
        ("成都市人民政府国际合作办公室", "co-host"), ("法国里昂大都会经济发展局", "co-host"),
        ("博世（中国）投资有限公司", "attendee"), ("成都市新能源研究院", "attendee")}
    ascii_brackets = extract("2025年6月11日，米其林(上海)轮胎有限公司与浙江大学在上海签署合作协议。", "zh")
    assert org_names(ascii_brackets) == {"米其林(上海)轮胎有限公司", "浙江大学"}


def test_english_signing_takes_its_own_date_and_place_and_a_corridor_is_a_project():
    record = extract(
        "GDANSK, 9 June 2025 -- The Gdansk Port Authority and the Qingdao Port Group signed a cooperation agreement on a "
        "digital rail corridor on 8 June 2025 in Gothenburg, Sweden. The Baltic-Yellow Sea Corridor will focus on rail, "
        "hydrogen and port logistics.", "en", date=None)
    assert len(record.events) == 1
    event = record.events[0]
    assert (event.type, event.name, event.date, event.place) == (
        "signing", "cooperation agreement on a digital rail corridor", "2025-06-08", "Gothenburg, Sweden")
    assert role_facts(record) == {("Gdansk Port Authority", "signatory"), ("Qingdao Port Group", "signatory")}
    assert [p.name for p in record.projects] == ["Baltic-Yellow Sea Corridor"]


def test_a_corridor_named_inside_an_event_name_is_not_a_project():
    record = extract("The Adriatic Rail Corridor Summit 2025 took place in Trieste on 4 March 2025.", "en")
    assert record.projects == []


@pytest.mark.parametrize(("lang", "text", "name"), [
    ("de", "Im Jahr 2025 wurde der Wasserstoffkorridor Nordsee-Shandong gestartet.", "Wasserstoffkorridor Nordsee-Shandong"),
    ("fr", "Le corridor de fret Lyon-Chongqing sera lancé en 2026.", "corridor de fret Lyon-Chongqing"),
])
def test_corridor_is_a_project_head_in_other_languages(lang, text, name):
    assert [p.name for p in extract(text, lang).projects] == [name]


def test_german_genitive_adjective_before_a_hyphen_ellipsis_is_declined_back():
    record = extract(
        "Am 3. März 2025 fand in Hefei das Deutsch-Chinesische Klimaforum statt. An dem Forum nahmen Vertreter des "
        "Europäischen Wirtschafts- und Sozialausschusses (EWSA) teil.", "de")
    assert {(o.name, o.acronym) for o in record.organizations} == {("Europäischer Wirtschafts- und Sozialausschuss", "EWSA")}
    assert role_facts(record) == {("Europäischer Wirtschafts- und Sozialausschuss", "attendee")}
