"""extract.sources: every format, every failure mode as a per-document error, the seeds in place."""

from __future__ import annotations

import json
import random
import time

import pytest

from extract.errors import DocumentError
from extract.sources import SourceDocument, read_sources, split_date_header

MB = 1024 * 1024


def read_one(path, max_bytes=10 * MB):
    results = list(read_sources(path, max_bytes=max_bytes))
    assert len(results) == 1
    return results[0]


def test_txt_date_header_is_metadata_and_title_stays_text(tmp_path):
    path = tmp_path / "r1.txt"
    path.write_text(" date 2024-03-05 Ministers open the Lyon hydrogen forum\n\nLYON, March 5 -- The forum began.", encoding="utf-8")
    doc = read_one(path)
    assert doc == SourceDocument(
        id="r1", text="Ministers open the Lyon hydrogen forum\n\nLYON, March 5 -- The forum began.",
        source=str(path), date="2024-03-05", lang=None, title=None)


@pytest.mark.parametrize("header, date", [(" date 2023-08 Seite", "2023-08"), ("date 2021 x", "2021"), ("dated 2021 x", None)])
def test_split_date_header(header, date):
    assert split_date_header(header)[0] == date


def test_txt_without_header_keeps_everything(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_text("The date of the event is not known.", encoding="utf-8")
    assert read_one(path).text == "The date of the event is not known." and read_one(path).date is None


def test_markdown_is_stripped_lightly_with_front_matter(tmp_path):
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Harbour deal\ndate: 2024-02-01\nlang: en\n---\n# Harbour deal signed\n\n"
        "The **Port of Gdansk** and [Ningbo Port](https://example.org) signed a *memorandum*.\n\n"
        "- first point\n- second `point`\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.title == "Harbour deal" and doc.date == "2024-02-01" and doc.lang == "en"
    assert doc.text == ("Harbour deal signed\n\nThe Port of Gdansk and Ningbo Port signed a memorandum.\n\n"
                        "first point\nsecond point\n")


def test_html_main_text_and_metadata(tmp_path):
    body = " ".join(["The municipality of Graz and the city of Harbin agreed on a joint programme for district heating."] * 3)
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Graz and Harbin partner on heat</title>"
        '<meta property="article:published_time" content="2024-04-11">'
        '<link rel="canonical" href="https://news.example.org/graz-harbin"></head>'
        f"<body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav><article><h1>Graz and Harbin partner on heat</h1>"
        f"<p>{body}</p><p>The agreement runs for five years and covers two pilot districts.</p></article>"
        "<footer>Imprint</footer></body></html>", encoding="utf-8")
    doc = read_one(path)
    assert doc.title == "Graz and Harbin partner on heat"
    assert doc.date == "2024-04-11"
    assert doc.source == "https://news.example.org/graz-harbin"
    assert "district heating" in doc.text and "two pilot districts" in doc.text
    assert "Imprint" not in doc.text
    assert doc.lang is None


def test_jsonl_bad_line_names_path_and_line_and_others_go_on(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "Turin and Chongqing signed a memorandum.", "url": "https://x.org/a1", "date": "2024-01-02", "lang": "en", "title": "T"}),
        "{not json",
        json.dumps({"id": "a3", "text": ""}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "No id on this line, but text enough."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(read_sources(path, max_bytes=MB))
    assert [type(r).__name__ for r in results] == ["SourceDocument", "DocumentError", "DocumentError", "DocumentError", "SourceDocument"]
    assert results[0] == SourceDocument("a1", "Turin and Chongqing signed a memorandum.", "https://x.org/a1", "2024-01-02", "en", "T")
    assert results[1].path == f"{path}:2" and "not valid JSON" in results[1].reason
    assert results[2].path == f"{path}:3" and "empty" in results[2].reason
    assert results[4].id == "feed-5"


def test_empty_file(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "w.txt").write_bytes(b"  \n\t\n")
    errors = list(read_sources(tmp_path, max_bytes=MB))
    assert all(isinstance(e, DocumentError) and "empty" in e.reason for e in errors) and len(errors) == 2


def test_binary_file(tmp_path):
    path = tmp_path / "b.txt"
    path.write_bytes(bytes(range(256)) * 40)
    error = read_one(path)
    assert isinstance(error, DocumentError) and "binary" in error.reason


def test_control_characters_count_as_binary(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes(b"\x01\x02\x03\x04\x05abc" * 100)
    assert "binary" in read_one(path).reason


def test_latin1_without_declaration_is_detected(tmp_path):
    path = tmp_path / "l.txt"
    text = "Die Stadtwerke München und die Provinz Hubei prüfen gemeinsam größere Wärmespeicher für Städte."
    path.write_bytes(text.encode("latin-1"))
    assert read_one(path).text == text


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "u.txt"
    text = "Współpraca miast: Łódź i Chengdu podpisały porozumienie."
    path.write_bytes(text.encode("utf-16"))
    assert read_one(path).text == text


def test_random_high_bytes_are_undecodable(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "r.txt"
    path.write_bytes(bytes(rng.randrange(128, 256) for _ in range(4000)))
    error = read_one(path)
    assert isinstance(error, DocumentError) and "undecodable" in error.reason


def test_fifty_megabytes_is_rejected_quickly(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * MB)
    started = time.perf_counter()
    error = read_one(path, max_bytes=20 * MB)
    assert isinstance(error, DocumentError) and "oversized" in error.reason
    assert time.perf_counter() - started < 1.0


def test_deeply_nested_html_is_rejected_before_parsing(tmp_path):
    path = tmp_path / "bomb.html"
    path.write_bytes(b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000 + b"</body></html>")
    started = time.perf_counter()
    error = read_one(path, max_bytes=20 * MB)
    assert isinstance(error, DocumentError) and "HTML bomb" in error.reason
    assert time.perf_counter() - started < 2.0


def test_html_without_main_text(tmp_path):
    path = tmp_path / "nav.html"
    path.write_text("<html><body><script>var a = 1;</script></body></html>", encoding="utf-8")
    assert isinstance(read_one(path), DocumentError)


def test_unknown_extension(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7")
    error = read_one(path)
    assert isinstance(error, DocumentError) and "'.pdf'" in error.reason


def test_directory_is_read_recursively_in_sorted_order_skipping_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zeta text here.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha text here.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden text.", encoding="utf-8")
    assert [d.id for d in read_sources(tmp_path, max_bytes=MB)] == ["a", "z"]


def test_missing_path_raises(tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        list(read_sources(tmp_path / "nope", max_bytes=MB))


def test_seeds_are_read_with_their_header_dates(seeds_dir):
    docs = list(read_sources(seeds_dir, max_bytes=MB))
    assert all(isinstance(d, SourceDocument) for d in docs)
    assert [(d.id[:3], d.date) for d in docs] == [
        ("000", "2021-12-03"), ("001", "2023-08-09"), ("002", "2023-08"), ("003", None), ("004", None)]
    assert all(not d.text.lstrip().startswith("date ") for d in docs)


def test_html_declared_charset_is_honoured(tmp_path):
    path = tmp_path / "cp.htm"
    sentence = "Die Städte Düsseldorf und Shenyang gründen ein gemeinsames Büro für Wasserstoff und Häfen. "
    html = ('<html lang="de-AT"><head><meta charset="windows-1252"><title>Büro</title></head><body><article><p>'
            + sentence * 4 + "</p></article></body></html>")
    path.write_bytes(html.encode("cp1252"))
    doc = read_one(path)
    assert "Düsseldorf und Shenyang" in doc.text and doc.title == "Büro" and doc.lang == "de"


def test_jsonl_oversized_line_is_one_error(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"id": "big", "text": "x " * 5000}) + "\n" + json.dumps({"id": "ok", "text": "Short text."}) + "\n",
                    encoding="utf-8")
    results = list(read_sources(path, max_bytes=1000))
    assert isinstance(results[0], DocumentError) and "oversized" in results[0].reason
    assert results[1].id == "ok"


def test_doctests_of_the_module():
    import doctest

    import extract.sources

    result = doctest.testmod(extract.sources)
    assert result.failed == 0 and result.attempted > 0


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=1000).map(lambda t: t.encode("utf-8"))),
       st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_any_bytes_give_a_document_or_an_error_never_an_exception(tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    for result in read_sources(path, max_bytes=MB):
        assert isinstance(result, (SourceDocument, DocumentError))
        if isinstance(result, SourceDocument):
            assert result.text.strip() and "\x00" not in result.text
