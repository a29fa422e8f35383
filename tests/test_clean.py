"""extract.clean: exact word repairs, exact noise spans, properties, and the real seeds read in place."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from extract.clean import CleanText, clean_text, normalise_whitespace, split_glued_word
from extract.language import detect_language
from extract.records import NoiseSpan
from extract.sources import read_sources


@pytest.mark.parametrize("word, lang, expected", [
    ("Centerfor", "de", "Center for"),
    ("desPilotprojekts", "de", "des Pilotprojekts"),
    ("GrünenDigitalen", "de", "Grünen Digitalen"),
    ("fürIndustrie", "de", "für Industrie"),
    ("undInformationstechnologie", "de", "und Informationstechnologie"),
    ("wurdegemeinsam", "de", "wurde gemeinsam"),
    ("Auchchinesische", "de", "Auch chinesische"),
    ("DigitalZero", "de", "Digital Zero"),
    ("transparentesManagement", "de", "transparentes Management"),
    ("Centerfor", "en", "Center for"),
    ("officeopened", "en", "office opened"),
    ("cittàdi", "it", "città di"),
    # left alone: names, acronyms, real words and compounds, unknown tokens
    ("HuaDong", "en", "HuaDong"),
    ("HuaDong", "de", "HuaDong"),
    ("ZhongGuan", "en", "ZhongGuan"),
    ("WeChat", "en", "WeChat"),
    ("LinkedIn", "de", "LinkedIn"),
    ("Stadtverwaltung", "de", "Stadtverwaltung"),
    ("Ressourcenrecycling", "de", "Ressourcenrecycling"),
    ("Einführungstreffen", "de", "Einführungstreffen"),
    ("Innovationskooperationszone", "de", "Innovationskooperationszone"),
    ("Omakotilitto", "en", "Omakotilitto"),
    ("Zhangjiagang", "en", "Zhangjiagang"),
    ("CECCO", "en", "CECCO"),
    ("BioNTech", "de", "BioNTech"),
    ("eBay", "en", "eBay"),
    ("Goldwind", "en", "Goldwind"),
    ("Sungrow", "en", "Sungrow"),
    ("PowerChina", "en", "PowerChina"),
    ("SenseTime", "it", "SenseTime"),
    ("Withpartners", "en", "With partners"),
])

def test_split_glued_word(word, lang, expected):
    assert split_glued_word(word, lang) == expected


def test_a_glued_token_spelled_twice_is_a_name():
    text = "Officeopened in May. Officeopened is the brand; the officeopened lounge."
    assert clean_text(text, "en").text == text


def test_camel_join_outside_german_needs_the_spaced_form_in_the_text():
    assert clean_text("The Green Digital zone and the GreenDigital office.", "en").text == (
        "The Green Digital zone and the Green Digital office.")


def test_name_join_needs_the_name_alone_elsewhere_in_the_document():
    text = "Die Stadt Taicang plant viel. Das Treffen wurde von der Stadt Taicangausgerichtet."
    assert clean_text(text, "de").text == "Die Stadt Taicang plant viel. Das Treffen wurde von der Stadt Taicang ausgerichtet."
    assert clean_text("Das Treffen wurde in Xyzabcausgerichtet.", "de").text == "Das Treffen wurde in Xyzabcausgerichtet."


def test_punctuation_and_digit_joins():
    text = "Es kamen etwa150.000 Gäste,darunter viele.Der Rest blieb bis 2028klimaneutral in der Group(CCTC)."
    assert clean_text(text, "de").text == (
        "Es kamen etwa 150.000 Gäste, darunter viele. Der Rest blieb bis 2028 klimaneutral in der Group (CCTC).")


def test_glued_sentences_with_accented_letters():
    assert clean_text("Miasto się rozwija.Łódź i Chengdu współpracują.", "pl").text == (
        "Miasto się rozwija. Łódź i Chengdu współpracują.")
    assert clean_text("Sp.Zo.o. and U.S.Army stay", "en").text == "Sp.Zo.o. and U.S.Army stay"


def test_urls_emails_and_acronyms_are_not_touched():
    text = "Mail info@example.org or see https://example.org/News.Today,Now and MIIT-CIETC, CO2, PM2.5."
    assert clean_text(text, "en").text == text


def test_whitespace_normalisation():
    assert normalise_whitespace("  a \u00a0b\t c \r\n\r\n\r\n\n d \n") == "a b c\n\nd"


def spans(result: CleanText) -> list[tuple[str, str]]:
    return [(result.text[n.start:n.end], n.reason) for n in result.noise]


def test_wire_credit_is_noise_but_the_dateline_place_is_text():
    result = clean_text("HAMBURG, May 2, 2024 /PRNewswire/ -- The Port of Hamburg and COSCO opened a terminal.", "en")
    assert result.noise == [NoiseSpan(21, 33, "wire-credit")]
    assert spans(result) == [("/PRNewswire/", "wire-credit")]


def test_german_wire_credit_and_chinese_agency_credit_and_end_marker():
    assert spans(clean_text("Berlin (ots/PRNewswire) - Die Messe beginnt heute mit vielen Gästen.", "de")) == [
        ("(ots/PRNewswire)", "wire-credit")]
    result = clean_text("新华社北京5月2日电(记者 王明)5月2日上午,汉堡港代表团访问上海。(完)", "zh")
    assert spans(result) == [("新华社北京5月2日电(记者 王明)", "wire-credit"), ("(完)", "end-marker")]


BODY = ("The municipality of Graz and the city of Harbin agreed on a joint programme for district heating.\n\n"
        "Both cities will share data on heating networks and train engineers in Graz and Harbin.")


def test_site_chrome_lines_at_the_top():
    text = "Search\nTuesday, 12 March 2024 | 10:45\nReading time: 4 minutes\nGraz and Harbin share heating know-how\n\n" + BODY
    assert spans(clean_text(text, "en")) == [
        ("Search\nTuesday, 12 March 2024 | 10:45\nReading time: 4 minutes", "site-chrome")]


def test_cookie_banner_block():
    text = BODY + "\n\nWir verwenden Cookies, um diese Seite zu verbessern.\nEinstellungen\nAlle akzeptieren"
    assert spans(clean_text(text, "en")) == [
        ("Wir verwenden Cookies, um diese Seite zu verbessern.\nEinstellungen\nAlle akzeptieren", "cookie-banner")]


def test_a_short_title_after_a_cookie_banner_is_not_part_of_it():
    text = "We use cookies on this site.\nAccept\n\nGraz meets Harbin\n\n" + BODY
    assert spans(clean_text(text, "en")) == [("We use cookies on this site.\nAccept", "cookie-banner")]


def test_copyright_photo_link_tags_and_contact():
    text = (BODY + "\n\nFor media enquiries write to press@graz-harbin.example\n\n"
            "Photo - https://media.example.org/p/123.jpg\n\n© 2024 Example Media. All rights reserved.\n"
            "Tags\nHeating Graz Harbin Energy")
    assert spans(clean_text(text, "en")) == [
        ("For media enquiries write to press@graz-harbin.example", "contact"),
        ("Photo - https://media.example.org/p/123.jpg", "link"),
        ("© 2024 Example Media. All rights reserved.", "copyright"),
        ("Tags\nHeating Graz Harbin Energy", "tag-list"),
    ]


def test_dated_headline_link_list():
    text = BODY + "\n-\nWind parks grow in the north 2024-03-01\n-\nNew rail freight record 2024-02-28\n-"
    assert spans(clean_text(text, "en")) == [
        ("-\nWind parks grow in the north 2024-03-01\n-\nNew rail freight record 2024-02-28\n-", "link-list")]


def test_advertisement_by_commercial_language_and_low_overlap():
    ad = "Our company has delivered premium garden furniture for decades, now with free shipping on every order."
    result = clean_text(BODY.replace("\n\n", "\n\n" + ad + "\n\n", 1), "en")
    assert spans(result) == [(ad, "advertisement")]


def test_commercial_phrase_inside_the_story_is_not_an_ad():
    story = BODY + "\n\nOur company will build the heating network in Graz and Harbin, the municipality said."
    assert clean_text(story, "en").noise == []


def test_editorial_labels_and_second_version_of_a_paragraph():
    first = "The two cities agreed to set up a joint expert committee that will steer the heating pilot projects."
    second = "The two cities agreed to create a joint expert committee which will guide the heating pilot projects."
    result = clean_text(BODY + f"\n\n1. New version\n\n{first}\n\n2. New version\n\n{second}", "en")
    assert spans(result) == [("1. New version", "editorial-label"), ("2. New version", "editorial-label"),
                             (second, "duplicate")]


def test_unrelated_first_headline_and_truncated_teaser():
    lead = "Graz and Harbin agreed on a joint programme for district heating on Monday, officials said in Graz."
    text = (f"Tulips bloom early in Amsterdam parks\nGraz and Harbin partner on heat\n"
            f"Graz and Harbin partner on heat: officials at the signing. {lead[:60]}\n{lead}\n"
            "The programme covers two districts of Harbin and one of Graz.")
    assert spans(clean_text(text, "en")) == [
        ("Tulips bloom early in Amsterdam parks", "unrelated-headline"),
        (f"Graz and Harbin partner on heat: officials at the signing. {lead[:60]}", "duplicate")]


def test_a_lead_repeating_the_title_is_not_a_duplicate():
    text = ("Graz and Harbin agree on district heating pilot with shared engineering teams\n"
            "Graz and Harbin agree on district heating pilot with shared engineering teams, officials said on Monday in Graz.")
    assert clean_text(text, "en").noise == []


def test_plain_story_has_no_noise():
    assert clean_text(BODY, "en").noise == []


_WORDS = st.sampled_from([
    "Centerfor", "desPilotprojekts", "HuaDong", "und", "wurdegemeinsam", "Taicang", "(CECCO)", "MIIT-CIETC",
    "/PRNewswire/", "(完)", "中新网7月14日电", "2022-07-14", "-", "Tag", "cookies", "©", "Seite 1 von 2",
    "Nasza firma", "our company", "etwa150.000", "Group(CCTC),der", "8. August", "Dec. 3, 2021", "a", "the",
    "Stadtverwaltung", "Grünen", "GrünenDigitalen", "e@x.org", "https://x.org/A.B", "1. New version",
    "Related articles", "Pressekontakt:", "Anzeige:", "Home > News", "By Anna Weber", "Facebook Twitter", "Politics",
    "rozwija.Łódź", "Goldwind", "美国碳中和目标如何起步", "Tel. +49 40 123456", "Wir verwenden Cookies",
])
_SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\n\n\n", "\t", "\u00a0", "\r\n", " \n "])
_TEXTS = st.one_of(
    st.lists(st.tuples(_WORDS, _SPACES), max_size=40).map(lambda pairs: "".join(w + s for w, s in pairs)),
    st.text(max_size=200),
)


@settings(max_examples=250, deadline=None)
@given(_TEXTS, st.sampled_from(["en", "de", "pl", "zh", "it", "xx"]))
def test_properties_of_the_cleaner(text, lang):
    result = clean_text(text, lang)
    assert "".join(result.text.split()) == "".join(text.split())  # only whitespace changed or inserted
    previous_end = 0
    for span in result.noise:
        assert previous_end <= span.start < span.end <= len(result.text) and span.reason
        previous_end = span.end
    again = clean_text(result.text, lang)
    assert again.text == result.text and again.noise == result.noise


# --- the real seeds, read in place -------------------------------------------------------------

@pytest.fixture(scope="module")
def cleaned_seeds(seeds_dir, gold_dir):
    out = {}
    for doc in read_sources(seeds_dir, max_bytes=10_000_000):
        gold = json.loads((gold_dir / f"{doc.id}.json").read_text(encoding="utf-8"))
        out[doc.id[:3]] = (clean_text(doc.text, detect_language(doc.text)), gold)
    return out


def in_noise(result: CleanText, start: int, end: int) -> bool:
    return any(n.start <= start and end <= n.end for n in result.noise)


def occurrences(result: CleanText, snippet: str) -> list[tuple[int, int]]:
    pattern = r"\s*".join(re.escape(part) for part in snippet.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, result.text)]


def gold_noise_snippets(gold: dict) -> list[str]:
    """Quoted passages in the gold 'noise' descriptions ('a ... b' gives both ends)."""
    quoted = [q for description in gold["noise"] for q in re.findall(r"'([^']+)'", description)]
    return [part.strip() for q in quoted for part in q.split("...") if len(part.strip()) > 1]


def test_german_seed_run_together_words_are_repaired(cleaned_seeds):
    text = cleaned_seeds["002"][0].text
    for glued in ("Centerfor", "desPilotprojekts", "GrünenDigitalen", "Taicangausgerichtet", "fürIndustrie",
                  "undInformationstechnologie", "wurdegemeinsam", "Auchchinesische"):
        assert glued not in text
    for repaired in ("Center for International", "des Pilotprojekts", "Grünen Digitalen", "Taicang ausgerichtet",
                     "für Industrie", "und Informationstechnologie", "wurde gemeinsam", "Auch chinesische"):
        assert repaired in text
    assert "HuaDong" in text


def test_english_and_polish_seeds_are_not_resplit(cleaned_seeds, seeds_dir):
    for key in ("000", "001", "003"):
        raw = next(d for d in read_sources(seeds_dir, max_bytes=10_000_000) if d.id.startswith(key)).text
        assert cleaned_seeds[key][0].text.split() == raw.split()


def test_every_quoted_gold_noise_passage_is_covered(cleaned_seeds):
    checked = 0
    for key, (result, gold) in cleaned_seeds.items():
        for snippet in gold_noise_snippets(gold):
            found = occurrences(result, snippet)
            assert any(in_noise(result, start, end) for start, end in found), (key, snippet)
            checked += 1
    assert checked >= 20


def test_ad_and_cookie_banner_of_the_polish_seed(cleaned_seeds):
    result = cleaned_seeds["003"][0]
    reasons = {n.reason for n in result.noise}
    assert {"advertisement", "cookie-banner", "editorial-label", "duplicate", "source-line"} <= reasons


def test_chinese_seed_link_list_and_duplicate_lead(cleaned_seeds):
    result = cleaned_seeds["004"][0]
    for match in re.finditer(r"[^\n]*2022-07-1\d$", result.text, re.M):
        assert in_noise(result, match.start(), match.end())
    leads = occurrences(result, "7月14日下午")
    assert len(leads) == 2 and in_noise(result, *leads[0]) and not in_noise(result, *leads[1])


@pytest.mark.parametrize("key, sentence_start", [
    ("000", "In the afternoon of December 3, 2021"),
    ("001", "On August 8th 2023, the Launch Meeting"),
    ("002", "Am 8. August fand"),
    ("003", "Inicjatorem spotkania"),
    ("004", "北京市大兴区副区长蔡小军"),
])
def test_body_sentences_are_not_noise(cleaned_seeds, key, sentence_start):
    result = cleaned_seeds[key][0]
    start = result.text.index(sentence_start)
    end = result.text.find("\n", start)
    end = len(result.text) if end < 0 else end
    assert not any(n.start < end and start < n.end and n.reason != "wire-credit" for n in result.noise)


def test_gold_organizations_are_mentioned_outside_noise(cleaned_seeds):
    missing = []
    for key, (result, gold) in cleaned_seeds.items():
        for org in gold["organizations"]:
            names = [org["name"], *org["aliases"], *([org["acronym"]] if org["acronym"] else [])]
            spots = [spot for name in names for spot in occurrences(result, name)]
            if spots and all(in_noise(result, *spot) for spot in spots):
                missing.append((key, org["name"]))
    assert missing == []


def test_navigation_byline_date_and_share_row_at_the_top():
    text = ("Home > News > Energy\nBy Anna Weber\nPublished: 12 March 2024\nFacebook | Twitter | LinkedIn | Email\n"
            "Hamburg and Shanghai sign port pact\n\n" + BODY)
    assert spans(clean_text(text, "en")) == [
        ("Home > News > Energy", "site-chrome"), ("By Anna Weber", "byline"),
        ("Published: 12 March 2024\nFacebook | Twitter | LinkedIn | Email", "site-chrome")]


def test_menu_block_and_section_label():
    text = "Politics\nBusiness\nScience\nSport\n" + BODY
    assert spans(clean_text(text, "en")) == [("Politics\nBusiness\nScience\nSport", "site-chrome")]
    assert spans(clean_text("Wirtschaft\nHamburg und Harbin teilen Wärme\n" + BODY, "de")) == [("Wirtschaft", "section-label")]


def test_german_contact_block_ad_label_and_news_aktuell_credit():
    text = (BODY + "\n\nAnzeige: Jetzt wechseln und 100 Euro Bonus sichern!\n\nPressekontakt:\nAnna Weber\n"
            "Tel. +49 40 123456\nOriginal-Content von: Hafen Graz, übermittelt durch news aktuell")
    assert spans(clean_text(text, "de")) == [
        ("Anzeige: Jetzt wechseln und 100 Euro Bonus sichern!", "advertisement"),
        ("Pressekontakt:\nAnna Weber\nTel. +49 40 123456", "contact"),
        ("Original-Content von: Hafen Graz, übermittelt durch news aktuell", "source-line")]


def test_related_articles_are_link_lists():
    inline = BODY + "\n\nRelated stories: Five tips for greener commuting 2024-03-01"
    assert spans(clean_text(inline, "en")) == [("Related stories: Five tips for greener commuting 2024-03-01", "link-list")]
    block = BODY + "\n\nLeggi anche\nRotterdam apre un hub per l'idrogeno\nAnversa amplia il collegamento ferroviario"
    assert spans(clean_text(block, "it")) == [
        ("Leggi anche\nRotterdam apre un hub per l'idrogeno\nAnversa amplia il collegamento ferroviario", "link-list")]


def test_chinese_chrome_credits_and_editor():
    text = ("首页 > 财经\n汉堡港与上海港签署合作备忘录\n本报北京3月12日电 3月12日,汉堡港与上海国际港务集团签署合作备忘录,"
            "双方将在绿色航运领域开展合作。【编辑:王明】\n分享到 微信 微博")
    assert spans(clean_text(text, "zh")) == [
        ("首页 > 财经", "site-chrome"), ("本报北京3月12日电", "wire-credit"), ("【编辑:王明】", "wire-credit"),
        ("分享到 微信 微博", "site-chrome")]


def test_contact_words_in_a_body_sentence_are_not_noise():
    text = "Contacts between Graz and Harbin have intensified since 2019, officials said.\n\n" + BODY
    assert clean_text(text, "en").noise == []


def test_catchy_title_before_a_dateline_line_is_kept():
    text = "A new chapter for green ports\nHAMBURG, March 12, 2024\n" + BODY
    assert clean_text(text, "en").noise == []


@pytest.mark.parametrize("module_name", ["extract.clean", "extract.boilerplate", "extract.words"])
def test_doctests_of_the_module(module_name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module_name))
    assert result.failed == 0 and result.attempted > 0


def test_a_large_document_is_cleaned_in_bounded_time():
    import time

    paragraphs = [f"Paragraph {i}: the ports of Graz{i % 7} and Harbin signed memorandum number {i} on heating." for i in range(6000)]
    text = "\n\n".join(paragraphs)  # about 600 KB, every paragraph different
    started = time.process_time()
    result = clean_text(text, "en")
    assert time.process_time() - started < 30
    assert "".join(result.text.split()) == "".join(text.split())


@pytest.mark.parametrize("lang, story, chrome", [
    ("fr", "La métropole de Lyon et la ville de Wuhan ont signé un accord sur la mobilité propre et les bus électriques.",
     ["Rechercher", "Lecture : 3 min", "Nous utilisons des cookies pour améliorer le site.\nTout accepter", "Tous droits réservés"]),
    ("es", "El Ayuntamiento de Valencia y el puerto de Shenzhen firmaron un memorando sobre logística verde y datos.",
     ["Buscar", "Leer más", "Utilizamos cookies para mejorar su experiencia.\nAceptar", "Todos los derechos reservados"]),
    ("it", "Il Comune di Torino e la provincia del Sichuan hanno firmato un accordo sulla mobilità elettrica urbana.",
     ["Cerca nel sito", "Tempo di lettura: 4 minuti", "Questo sito utilizza cookie tecnici.\nAccetto", "Riproduzione riservata"]),
    ("pl", "Miasto Wrocław i prowincja Guangdong podpisały umowę o współpracy w dziedzinie energetyki i transportu.",
     ["Szukaj", "Czas czytania: 2 min.", "Używamy plików cookies, aby ułatwić korzystanie z serwisu.\nOK", "Wszelkie prawa zastrzeżone"]),
    ("de", "Die Hansestadt Bremen und die Stadt Qingdao vereinbarten eine Partnerschaft für Offshore-Windenergie.",
     ["Suche", "Lesezeit: 3 Minuten", "Wir verwenden Cookies, um die Seite zu verbessern.\nAlle akzeptieren", "Alle Rechte vorbehalten"]),
    ("en", "The port of Antwerp and the city of Tianjin opened a joint office for green shipping corridors in May.",
     ["Skip to content", "5 min read", "This website uses cookies to give you the best experience.\nAccept", "All rights reserved"]),
    ("zh", "德国汉堡市与中国上海市签署了绿色港口合作备忘录,双方将在氢能和航运领域开展合作,并建立联合工作组。",
     ["搜索", "责任编辑:王明", "本网站使用cookies以改善体验。\n同意", "版权所有 © 2024 某某网"]),
])
def test_chrome_in_seven_languages(lang, story, chrome):
    search, reading, cookie, footer = chrome
    text = f"{search}\n{reading}\n\n{story}\n\n{cookie}\n{footer}"
    result = clean_text(text, lang)
    found = [result.text[n.start:n.end] for n in result.noise]
    assert found[0] == f"{search}\n{reading}"
    assert found[-1].endswith(footer) and cookie in found[-1]
    story_at = result.text.index(story)
    assert not any(n.start < story_at + len(story) and story_at < n.end for n in result.noise)
