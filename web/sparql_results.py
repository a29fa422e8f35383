"""Result formats of the SPARQL 1.1 Protocol: names, media types and serializers.

SELECT results are serialized here rather than by pyoxigraph because the endpoint
caps the number of rows (``max_results``): pyoxigraph serializes a whole
``QuerySolutions`` iterator, so the capped rows are written by these small
functions (SPARQL 1.1 Query Results JSON, XML, CSV and TSV). ASK results and
graphs (CONSTRUCT/DESCRIBE) use pyoxigraph's own serializers.
This module runs inside the query worker processes: it imports only pyoxigraph.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# name -> media type. The first of each table is the default.
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
# Media types and short names clients use for the same formats.
FORMAT_ALIASES = {
    "application/json": "json", "application/sparql-results+json": "json", "srj": "json",
    "application/xml": "xml", "text/xml": "xml", "application/sparql-results+xml": "xml", "srx": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
    "text/turtle": "turtle", "application/x-turtle": "turtle", "ttl": "turtle",
    "application/n-triples": "ntriples", "text/plain": "ntriples", "nt": "ntriples", "n-triples": "ntriples",
    "application/rdf+xml": "rdfxml", "rdf": "rdfxml", "rdf+xml": "rdfxml",
    "application/ld+json": "jsonld", "json-ld": "jsonld",
}
_OX_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD,
}
_OX_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
}


def content_type(name: str) -> str:
    """The Content-Type header of a format name, with charset for text formats."""
    media = RESULT_FORMATS.get(name) or GRAPH_FORMATS[name]
    return f"{media}; charset=utf-8"


def serialize_boolean(result, name: str) -> bytes:
    """An ASK answer in the named results format."""
    return result.serialize(format=_OX_RESULT_FORMATS[name])


def serialize_graph(triples: list, name: str) -> bytes:
    """CONSTRUCT/DESCRIBE triples in the named RDF format."""
    return ox.serialize(triples, format=_OX_GRAPH_FORMATS[name])


def serialize_solutions(variables: list[str], rows: list, name: str) -> bytes:
    """SELECT rows (pyoxigraph ``QuerySolution``) in the named results format."""
    writer = {"json": _solutions_json, "xml": _solutions_xml, "csv": _solutions_csv, "tsv": _solutions_tsv}[name]
    return writer(variables, rows).encode("utf-8")


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _solutions_json(variables: list[str], rows: list) -> str:
    bindings = [{v: _json_term(row[v]) for v in variables if row[v] is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _solutions_xml(variables: list[str], rows: list) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
           "<head>", *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head><results>"]
    for row in rows:
        out.append("<result>")
        out.extend(f"<binding name={quoteattr(v)}>{_xml_term(row[v])}</binding>"
                   for v in variables if row[v] is not None)
        out.append("</result>")
    out.append("</results></sparql>")
    return "\n".join(out)


def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _solutions_csv(variables: list[str], rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_term(row[v]) for v in variables] for row in rows)
    return buffer.getvalue()


def _tsv_term(term) -> str:
    if term is None:
        return ""
    # pyoxigraph's N-Triples form escapes quotes, backslashes, CR and LF but not TAB.
    return str(term).replace("\t", "\\t")


def _solutions_tsv(variables: list[str], rows: list) -> str:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_tsv_term(row[v]) for v in variables) for row in rows)
    return "\n".join(lines) + "\n"
