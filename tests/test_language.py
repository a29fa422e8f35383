"""extract.language: library detection restricted to press-release languages, "und" when unsure."""

from __future__ import annotations

import pytest

from extract.language import detect_language
from extract.sources import read_sources


def test_seeds_languages(seeds_dir):
    found = [detect_language(d.text) for d in read_sources(seeds_dir, max_bytes=10_000_000)]
    assert found == ["en", "en", "de", "pl", "zh"]


@pytest.mark.parametrize("text, lang", [
    ("La città di Torino e la provincia del Sichuan hanno firmato un accordo per la mobilità elettrica.", "it"),
    ("La métropole de Lyon et la ville de Wuhan ont inauguré un centre commun de recherche sur l'hydrogène.", "fr"),
    ("El ayuntamiento de Valencia y el puerto de Shenzhen firmaron un memorando sobre logística verde.", "es"),
    ("Die Hansestadt Bremen und die Stadt Qingdao vereinbarten eine Partnerschaft für Offshore-Windenergie.", "de"),
    ("Miasto Wrocław i prowincja Guangdong podpisały umowę o współpracy w dziedzinie energetyki.", "pl"),
    ("The port of Antwerp and the city of Tianjin opened a joint office for green shipping corridors.", "en"),
    ("德国汉堡市与中国上海市签署了绿色港口合作备忘录,双方将在氢能和航运领域开展合作。", "zh"),
    ("東京都と北京市は、水素エネルギーの分野で協力することに合意しました。", "ja"),
])
def test_own_texts(text, lang):
    assert detect_language(text) == lang


def test_chinese_with_many_latin_acronyms_is_chinese():
    text = "CECCO、MIIT-CIETC、SNPA与OCO代表出席了在北京举行的ESG论坛,并就PM2.5治理和CO2减排交换意见。"
    assert detect_language(text) == "zh"


@pytest.mark.parametrize("text", ["", "ok", "12345 67890", "CECCO MIIT"])
def test_too_little_text_is_undetermined(text):
    assert detect_language(text) == "und"


def test_doctests_of_the_module():
    import doctest

    import extract.language

    result = doctest.testmod(extract.language)
    assert result.failed == 0 and result.attempted > 0
