"""Persons with posts and organizations, on our own sentences (exact names, posts, organizations, spans)."""

from __future__ import annotations

import pytest

from extract.attrs import ATTRS
from extract.clean import CleanText
from extract.pipeline import make_doc
from extract.records import NoiseSpan


def run(text: str, lang: str, noise: list[NoiseSpan] | None = None):
    return make_doc(CleanText(text, noise or []), None, lang)


def triples(doc) -> set[tuple]:
    return {(p.name, p.post, p.organization) for p in doc._.persons}


CASES = [
    ("en", "Dr. Anna Lindqvist, Director General of the Swedish Environmental Protection Agency, opened the forum "
           "together with Mr. Li Wei, Secretary General of the China Council for the Promotion of International "
           "Trade (CCPIT).",
     {("Anna Lindqvist", "Director General", "Swedish Environmental Protection Agency"),
      ("Li Wei", "Secretary General", "China Council for the Promotion of International Trade")}),
    ("en", "Maria Rossi, Vice President of the Adriatic Ports Alliance, and Ms. Chen Jing spoke.",
     {("Maria Rossi", "Vice President", "Adriatic Ports Alliance"), ("Chen Jing", None, None)}),
    ("de", "Herr Thomas Becker, Vorsitzender des Bundesverbandes Windenergie, sprach mit Frau Wang Fang.",
     {("Thomas Becker", "Vorsitzender", "Bundesverband Windenergie"), ("Wang Fang", None, None)}),
    ("zh", "上海市浦东新区副区长王建国与德国巴斯夫集团大中华区总裁李明签署合作协议。中国国际贸易促进委员会会长任鸿斌出席会议并致辞。",
     {("王建国", "副区长", "上海市浦东新区"), ("李明", "大中华区总裁", "德国巴斯夫集团"),
      ("任鸿斌", "会长", "中国国际贸易促进委员会")}),
    ("zh", "欧洲绿色能源合作联盟秘书长、荷兰壳牌集团首席代表彼得·范德梅尔先生和清华大学环境学院教授张伟在会上发言。",
     {("彼得·范德梅尔", "秘书长", "欧洲绿色能源合作联盟"), ("彼得·范德梅尔", "首席代表", "荷兰壳牌集团"),
      ("张伟", "教授", "清华大学环境学院")}),
    ("zh", "西门子能源公司首席执行官Anna Berg博士通过视频致辞。",
     {("Anna Berg", "首席执行官", "西门子能源公司")}),
]


@pytest.mark.parametrize("lang,text,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_person_post_organization_triples(lang, text, expected):
    assert triples(run(text, lang)) == expected


def test_person_mentions_are_exact_spans_including_later_mentions():
    text = "Ms. Chen Jing, Director of the Baltic Ports Association, said the port is ready. Chen Jing added details."
    doc = run(text, "en")
    spans = [(s.start_char, s.end_char, s.label_, s.text) for s in doc.spans[ATTRS.person_mentions]]
    assert spans == [(4, 13, "PERSON", "Chen Jing"), (81, 90, "PERSON", "Chen Jing")]
    (person,) = doc._.persons
    assert person.mentions == [(4, 13), (81, 90)]


def test_han_person_with_two_posts_gets_two_entries_and_shared_mentions():
    text = "欧洲绿色能源合作联盟秘书长、荷兰壳牌集团首席代表彼得·范德梅尔先生发言。范德梅尔表示支持。"
    doc = run(text, "zh")
    assert {p.organization for p in doc._.persons} == {"欧洲绿色能源合作联盟", "荷兰壳牌集团"}
    assert all(p.name == "彼得·范德梅尔" for p in doc._.persons)


def test_persons_inside_noise_are_ignored():
    story = "Mr. Jan Kowalski, President of the Gdansk Maritime Cluster, opened the session."
    footer = " Photo: Mr. John Smith, Chairman of the Acme Photo Agency."
    doc = run(story + footer, "en", [NoiseSpan(len(story), len(story) + len(footer), "credit")])
    assert triples(doc) == {("Jan Kowalski", "President", "Gdansk Maritime Cluster")}


def test_capitalised_words_without_post_or_honorific_are_not_persons():
    text = "Green Hydrogen Week, Offshore Wind Summit and Baltic Sea Region were discussed."
    assert run(text, "en")._.persons == []


@pytest.mark.parametrize("lang,text,expected", [
    ("pl", "Głos zabrał Piotr Zieliński, prezes Portu Gdynia.", ("Piotr Zieliński", "prezes")),
    ("it", "Ha aperto i lavori Giulia Bianchi, presidente dell'Agenzia per la Coesione Territoriale.",
     ("Giulia Bianchi", "presidente")),
    ("es", "Intervino Carmen López, vicepresidenta de la Cámara de Comercio de Sevilla.", ("Carmen López", "vicepresidenta")),
])
def test_lower_case_posts_and_glued_or_missing_links(lang, text, expected):
    assert {(p.name, p.post) for p in run(text, lang)._.persons} == {expected}
