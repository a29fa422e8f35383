"""extract.dates: exact ISO dates, exact offsets, and the rule that a year is never invented."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given, settings, strategies as st

from extract.dates import DateMention, find_dates, load_date_words, normalise_date


@pytest.mark.parametrize("expr, lang, doc_date, iso", [
    ("Dec. 3, 2021", "en", None, "2021-12-03"),
    ("December 3, 2021", "en", None, "2021-12-03"),
    ("August 8th 2023", "en", None, "2023-08-08"),
    ("Aug. 9, 2023", "en", None, "2023-08-09"),
    ("the 3rd of May 2022", "en", None, "2022-05-03"),
    ("8 sierpnia 2023 r.", "pl", None, "2023-08-08"),
    ("w dniu 14 lutego 2024 roku", "pl", None, "2024-02-14"),
    ("8. August", "de", "2023-08", "2023-08-08"),
    ("Am 8. August", "de", "2023-08-09", "2023-08-08"),
    ("am 3. März 2022", "de", None, "2022-03-03"),
    ("7月14日", "zh", "2022-07-15", "2022-07-14"),
    ("7月14日", "zh", None, None),
    ("2023年8月8日", "zh", None, "2023-08-08"),
    ("2023年8月", "zh", None, "2023-08"),
    ("8 agosto 2023", "it", None, "2023-08-08"),
    ("8 août 2023", "fr", None, "2023-08-08"),
    ("1er juillet 2024", "fr", None, "2024-07-01"),
    ("8 de agosto de 2023", "es", None, "2023-08-08"),
    ("2023-08-09", "en", None, "2023-08-09"),
    ("09.08.2023", "de", None, "2023-08-09"),
    ("09/08/2023", "it", None, "2023-08-09"),
    ("09/08/2023", "en", None, None),
    ("2023-08-09T10:30:00Z", "en", None, "2023-08-09"),
    ("Mittwoch, 9. August 2023", "de", None, "2023-08-09"),
    ("le 8 août", "fr", "2023-01-02", "2023-08-08"),
    ("agosto de 2023", "es", None, "2023-08"),
    ("August 2023", "en", None, "2023-08"),
    ("sierpień 2023", "pl", None, "2023-08"),
    ("giugno 2021", "it", None, "2021-06"),
    ("December 3", "en", None, None),
    ("by 2028", "en", None, None),
    ("30 February 2023", "en", None, "2023-02"),
    ("we may 5 go", "en", None, None),
])
def test_normalise_date(expr, lang, doc_date, iso):
    assert normalise_date(expr, lang, doc_date) == iso


def test_find_dates_offsets_in_a_sentence():
    text = "BEIJING, Dec. 3, 2021 /PRNewswire/ -- In the afternoon of December 3, 2021, the office opened."
    mentions = find_dates(text, "en", None)
    assert [(text[m.start:m.end], m.iso) for m in mentions] == [("Dec. 3, 2021", "2021-12-03"), ("December 3, 2021", "2021-12-03")]


def test_yearless_mentions_are_reported_with_iso_none():
    text = "中新网7月14日电 7月14日下午,研讨会举办。"
    assert find_dates(text, "zh", None) == [DateMention(3, 8, None), DateMention(10, 15, None)]


def test_english_dates_are_found_in_other_languages():
    assert [m.iso for m in find_dates("Il 9 agosto (Aug. 9, 2023) a Pechino", "it", None)] == [None, "2023-08-09"]


def test_unknown_language_uses_full_month_names():
    assert [m.iso for m in find_dates("Dne 8 sierpnia 2023 v Praze", "cs", None)] == ["2023-08-08"]


def _format(date: datetime.date, lang: str, style: int) -> str:
    months = load_date_words(lang)["months"]
    name = max((k for k, v in months.items() if v == date.month), key=len)
    if lang == "zh":
        return f"{date.year}年{date.month}月{date.day}日"
    if lang == "en":
        return [f"{name.capitalize()} {date.day}, {date.year}", f"{date.day} {name.capitalize()} {date.year}",
                f"{name.capitalize()} {date.day}th {date.year}"][style]
    if lang == "de":
        return [f"{date.day}. {name.capitalize()} {date.year}", f"am {date.day}. {name} {date.year}", f"{date.day:02d}.{date.month:02d}.{date.year}"][style]
    if lang == "es":
        return f"{date.day} de {name} de {date.year}"
    if lang == "pl":
        genitive = [k for k, v in months.items() if v == date.month and k.endswith(("a", "ego")) and len(k) > 3]
        return f"{date.day} {genitive[0]} {date.year} r."
    return f"{date.day} {name} {date.year}"


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2099, 12, 31)),
       st.sampled_from(["en", "de", "pl", "zh", "it", "fr", "es"]), st.integers(0, 2))
def test_round_trip_generated_dates(date, lang, style):
    expr = _format(date, lang, style)
    assert normalise_date(f"Evento: {expr}.", lang, None) == date.isoformat()


_FRAGMENTS = st.sampled_from([
    "August", "Aug.", "Dec", "sierpnia", "März", "agosto", "août", "de", "r.", "年", "月", "日", "th", ",", ".",
    " ", "-", "/", "Am", "the", "of", "7", "14", "8", "31", "2", "0", "2023", "1999", "12", "99", "2024年",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=12).map("".join), st.sampled_from(["en", "de", "pl", "zh", "it", "fr", "es"]),
       st.one_of(st.none(), st.sampled_from(["2019-05-01", "2020", "2021-11"])))
def test_never_invents_a_year(expr, lang, doc_date):
    allowed = set(re.findall(r"\d{4}", expr)) | ({doc_date[:4]} if doc_date else set())
    for mention in find_dates(expr, lang, doc_date):
        assert 0 <= mention.start < mention.end <= len(expr)
        if mention.iso:
            assert mention.iso[:4] in allowed
    result = normalise_date(expr, lang, doc_date)
    assert result is None or result[:4] in allowed


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["en", "de", "zh", "xx"]))
def test_mentions_are_sorted_and_disjoint_on_any_text(text, lang):
    mentions = find_dates(text, lang, "2020-01-01")
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    for m in mentions:
        assert m.iso is None or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", m.iso)


def test_doctests_of_the_module():
    import doctest

    import extract.dates

    result = doctest.testmod(extract.dates)
    assert result.failed == 0 and result.attempted > 0
