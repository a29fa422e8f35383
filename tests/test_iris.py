"""IRIs are deterministic and valid for any input."""

import pytest
from hypothesis import given, settings, strategies as st
from pyoxigraph import NamedNode

from graph.iris import doc_graph_iri, doc_id_from_graph, doc_iri, entity_iri, hash8, norm, slugify

BASE = "https://w3id.org/sinoeu-kg/"
NASTY = ['Say "hi" <now>', "a b\tc\nd", "\u200b\u200d\ufeff", "مكتب الصين", "太仓市政府", "{}|\\^`", "%41%", "", " "]


@pytest.mark.parametrize("name", NASTY)
def test_entity_iri_is_valid_for_nasty_names(name):
    iri = entity_iri(BASE, "org", name, name)
    NamedNode(iri)  # raises ValueError on an invalid IRI
    assert iri.startswith(BASE + "id/org/")
    slug, digest = iri.rsplit("/", 1)[1].rsplit("-", 1)
    assert len(digest) == 8 and slug.replace("-", "").isalnum() and slug.isascii()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_valid_iri_and_document_iri(text):
    NamedNode(entity_iri(BASE, "event", text, text))
    NamedNode(doc_iri(BASE, text or "x"))
    assert doc_id_from_graph(BASE, doc_graph_iri(BASE, text)) == text


def test_same_key_same_iri_different_key_different_iri():
    assert entity_iri(BASE, "org", "k", "Name") == entity_iri(BASE, "org", "k", "Name")
    assert entity_iri(BASE, "org", "k1", "Name") != entity_iri(BASE, "org", "k2", "Name")
    assert entity_iri(BASE, "org", "k", "x") != entity_iri(BASE, "person", "k", "x")


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown entity kind"):
        entity_iri(BASE, "thing", "k")


def test_slug_folds_accents_and_stays_short():
    assert slugify("Ministerstwo Ekologii i Środowiska") == "ministerstwo-ekologii-i-srodowiska"
    assert slugify("Deutsche Börse Group") == "deutsche-borse-group"
    assert len(slugify("word " * 100)) <= 48


def test_norm_matches_the_gold_readme():
    assert norm("China-EU") == norm("China EU")
    assert norm("Centerfor") == norm("Center for")
    assert norm("The «Office» · 1") == norm("office 1")
    assert hash8("x") != hash8("y")


@pytest.mark.parametrize("module", ["graph.iris", "graph.merge", "graph.build"])
def test_doctests(module):
    import doctest
    import importlib

    failed, attempted = doctest.testmod(importlib.import_module(module))
    assert attempted > 0 and failed == 0
