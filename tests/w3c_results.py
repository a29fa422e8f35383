"""Reading SPARQL results (JSON, XML, CSV, TSV, rs:ResultSet graphs) and comparing them, for the W3C runner.

Terms become plain tuples: ("uri", iri), ("bnode", label), ("literal", lexical, lang, datatype).
Numeric and boolean literals compare by value within their datatype, because the store
keeps values, not lexical forms ("1.0"^^xsd:decimal comes back as "1"^^xsd:decimal).
Blank nodes match up to a consistent renaming.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_INTEGER_TYPES = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "nonPositiveInteger",
                     "negativeInteger", "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                     "unsignedByte"}
SRX = "{http://www.w3.org/2005/sparql-results#}"


def path_iri(path: Path) -> str:
    """The W3C IRI of a suite file (what the suite's expected results assume as base and graph name)."""
    return W3C_BASE + f"{path.parent.name}/{path.name}"


def _canonical_value(lexical: str, datatype: str) -> str:
    """Canonical form of a numeric or boolean literal, so "1.0"^^xsd:decimal equals "1"^^xsd:decimal.

    The store keeps values, not lexical forms, so these compare by value (within one datatype only).
    """
    kind = datatype.removeprefix(XSD)
    if kind == "boolean" and lexical in ("0", "1"):
        return "true" if lexical == "1" else "false"
    try:
        if kind in ("double", "float"):
            return repr(float(lexical))
        if kind == "decimal":
            return str(Decimal(lexical).normalize())
        if kind in XSD_INTEGER_TYPES:
            return str(int(lexical))
    except (ValueError, InvalidOperation):
        pass
    return lexical


def _literal(value: str, lang: str | None = None, datatype: str | None = None) -> tuple:
    if lang:
        return ("literal", value, lang.lower(), "")
    datatype = datatype or XSD_STRING
    return ("literal", _canonical_value(value, datatype), "", datatype)


def _from_json(term: dict) -> tuple:
    if term["type"] == "uri":
        return ("uri", term["value"])
    if term["type"] == "bnode":
        return ("bnode", term["value"])
    return _literal(term["value"], term.get("xml:lang"), term.get("datatype"))


def _from_ox(term) -> tuple:
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    return _literal(term.value, term.language, None if term.language else term.datatype.value)


def parse_json_results(text: str):
    """SPARQL JSON -> bool (ASK) or list of {var: term}."""
    data = json.loads(text)
    if "boolean" in data:
        return data["boolean"]
    return [{k: _from_json(v) for k, v in row.items()} for row in data["results"]["bindings"]]


def parse_xml_results(text: bytes):
    """SPARQL XML -> bool (ASK) or list of {var: term}."""
    root = ET.fromstring(text)
    boolean = root.find(f"{SRX}boolean")
    if boolean is not None:
        return boolean.text.strip() == "true"
    rows = []
    for result in root.iter(f"{SRX}result"):
        row = {}
        for binding in result.findall(f"{SRX}binding"):
            node = binding[0]
            tag = node.tag.replace(SRX, "")
            if tag == "uri":
                row[binding.get("name")] = ("uri", node.text or "")
            elif tag == "bnode":
                row[binding.get("name")] = ("bnode", node.text)
            else:
                row[binding.get("name")] = _literal(node.text or "", node.get("{http://www.w3.org/XML/1998/namespace}lang"),
                                                    node.get("datatype"))
        rows.append(row)
    return rows


def parse_tsv_results(text: str) -> list[dict]:
    """SPARQL TSV -> rows; each cell is read as a Turtle object term."""
    lines = text.rstrip("\n").split("\n")
    variables = [v.lstrip("?$") for v in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        row = {}
        for variable, cell in zip(variables, line.split("\t")):
            if cell:
                triple = next(iter(ox.parse(f"<x:s> <x:p> {cell} .".encode("utf-8"), format=ox.RdfFormat.TURTLE)))
                row[variable] = _from_ox(triple.object)
        rows.append(row)
    return rows


def parse_csv_results(text: str) -> list[dict]:
    """SPARQL CSV -> rows of plain strings (the format keeps no types); ``_:x`` cells are blank nodes."""
    table = list(csv.reader(io.StringIO(text)))
    return [{v: _csv_cell(cell) for v, cell in zip(table[0], line) if cell != ""} for line in table[1:]]


def _csv_cell(cell: str) -> tuple:
    """A CSV cell: blank node, number (by value: "1.0E6" == "1000000"), or plain text."""
    if cell.startswith("_:"):
        return ("bnode", cell[2:])
    try:
        return ("number", float(cell))
    except ValueError:
        return ("text", cell)


def parse_rdf_result_set(path: Path) -> list[dict] | None:
    """An expected result written as an ``rs:ResultSet`` graph, or None when the file is a plain graph."""
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path_iri(path)))
    by_subject = defaultdict(list)
    for q in quads:
        by_subject[q.subject].append((q.predicate.value, q.object))
    if not any(p == RS + "solution" for props in by_subject.values() for p, _ in props):
        return None
    rows = []
    for props in by_subject.values():
        for predicate, solution in props:
            if predicate != RS + "solution":
                continue
            row = {}
            for p, binding in by_subject[solution]:
                if p == RS + "binding":
                    values = dict(by_subject[binding])
                    row[values[RS + "variable"].value] = _from_ox(values[RS + "value"])
            rows.append(row)
    return rows


def _has_bnode(rows: list[dict]) -> bool:
    return any(term[0] == "bnode" for row in rows for term in row.values())


def _row_key(row: dict) -> tuple:
    return tuple(sorted(row.items()))


def solutions_match(expected: list[dict], actual: list[dict], ordered: bool) -> bool:
    """Equal as multisets (or sequences), blank nodes up to a consistent renaming."""
    if len(expected) != len(actual):
        return False
    if not _has_bnode(expected) and not _has_bnode(actual):
        if ordered:
            return [_row_key(r) for r in expected] == [_row_key(r) for r in actual]
        return Counter(map(_row_key, expected)) == Counter(map(_row_key, actual))

    def compatible(e_row, a_row, mapping):
        if e_row.keys() != a_row.keys():
            return None
        extended = dict(mapping)
        for variable, e_term in e_row.items():
            a_term = a_row[variable]
            if e_term[0] == "bnode" and a_term[0] == "bnode":
                if extended.get(e_term[1], a_term[1]) != a_term[1]:
                    return None
                if e_term[1] not in extended and a_term[1] in extended.values():
                    return None
                extended[e_term[1]] = a_term[1]
            elif e_term != a_term:
                return None
        return extended

    def search(index, used, mapping):
        if index == len(expected):
            return True
        candidates = [index] if ordered else [i for i in range(len(actual)) if i not in used]
        for i in candidates:
            extended = compatible(expected[index], actual[i], mapping)
            if extended is not None and search(index + 1, used | {i}, extended):
                return True
        return False

    return search(0, frozenset(), {})
