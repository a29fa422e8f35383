"""The SPARQL 1.1 endpoint (``/sparql``), the Graph Store Protocol and linked data (``/id/...``).

Protocol (https://www.w3.org/TR/sparql11-protocol/): queries by GET ``?query=``,
POST form-encoded or POST ``application/sparql-query``; ``default-graph-uri`` /
``named-graph-uri`` replace the dataset (otherwise the default graph is the union of
all graphs, setting ``union_default_graph``); results by ``format`` parameter or
content negotiation. Without a query, ``/sparql`` describes itself (service
description) or sends a browser to the query page.

How queries are kept safe (details in ``web/query_pool.py``): each query runs in a
worker process that is killed at the time limit (503 with a message; the server keeps
answering), results are capped at ``max_results`` rows or triples (cut answers carry
``X-Result-Truncated: true``), and ``SERVICE`` is refused unless ``allow_service``.
Writes (SPARQL Update, GSP ``PUT``/``POST``/``DELETE``) need the admin token and are
serialised on one read-write handle (``web/graph_store.py``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, render_template_string, request
from werkzeug.exceptions import BadRequest, MethodNotAllowed, NotFound, UnsupportedMediaType

from graph.errors import QueryError
from web import graph_store, sparql_results
from web.query_pool import QueryAnswer, QueryJob
from web.sparql_text import add_using, uses_service

bp = Blueprint("sparql", __name__)

_RESULT_CHOICES = [
    ("application/sparql-results+json", "json"), ("application/json", "json"),
    ("application/sparql-results+xml", "xml"), ("application/xml", "xml"), ("text/xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"),
]
_GRAPH_CHOICES = [
    ("text/turtle", "turtle"), ("application/x-turtle", "turtle"),
    ("application/n-triples", "ntriples"), ("text/plain", "ntriples"),
    ("application/rdf+xml", "rdfxml"), ("application/xml", "rdfxml"), ("text/xml", "rdfxml"),
    ("application/ld+json", "jsonld"), ("application/json", "jsonld"),
]
# ``format`` values -> (results format, graph format); None: that kind keeps content negotiation.
_FORMAT_PARAMETER = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "n3": (None, "turtle"), "ntriples": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"), "jsonld": (None, "jsonld"),
}
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_EXTENSIONS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".rdf": "rdfxml"}
_FORMAT_IRIS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "N-Triples", "RDF_XML", "JSON-LD"]


def _best(choices: list[tuple[str, str]]) -> str:
    best = request.accept_mimetypes.best_match([media for media, _ in choices], default=choices[0][0])
    return dict(choices)[best]


def negotiate() -> tuple[str, str]:
    """(results format, graph format) from the ``format`` parameter, else the Accept header."""
    result_format, graph_format = _best(_RESULT_CHOICES), _best(_GRAPH_CHOICES)
    requested = request.values.get("format")
    if requested:
        name = sparql_results.FORMAT_ALIASES.get(requested.lower(), requested.lower())
        if name not in _FORMAT_PARAMETER:
            raise BadRequest(f"unknown format {requested!r}; use one of: {', '.join(_FORMAT_PARAMETER)}")
        chosen_result, chosen_graph = _FORMAT_PARAMETER[name]
        result_format, graph_format = chosen_result or result_format, chosen_graph or graph_format
    return result_format, graph_format


def answer(result: QueryAnswer) -> Response:
    """The HTTP response of a serialized query answer, with its size and cap headers."""
    response = Response(result.body, content_type=sparql_results.content_type(result.format))
    response.headers["X-Result-Count"] = str(result.count)
    if result.truncated:
        response.headers["X-Result-Truncated"] = "true"
        response.headers["X-Result-Limit"] = str(current_app.config["MAX_RESULTS"])
    response.vary.add("Accept")
    return response


def _checked_iri(iri: str, what: str) -> str:
    if not iri or _IRI_FORBIDDEN.search(iri):
        raise BadRequest(f"{what} {iri!r} is not a valid IRI")
    return iri


def _graph_parameters(name: str) -> list[str]:
    return [_checked_iri(iri, name) for iri in request.values.getlist(name)]


def _read_operation() -> tuple[str | None, str | None]:
    """("query" | "update" | None, its text) from a protocol request; 400/405/415 when malformed."""
    if request.method == "GET":
        if "update" in request.args:
            raise MethodNotAllowed(["POST"], "SPARQL Update must be sent with POST")
        queries = request.args.getlist("query")
        if len(queries) > 1:
            raise BadRequest("give exactly one 'query' parameter")
        return ("query", queries[0]) if queries else (None, None)
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the request body must be UTF-8, not {charset}")
    if request.mimetype == "application/x-www-form-urlencoded":
        fields = [("query", text) for text in request.form.getlist("query")]
        fields += [("update", text) for text in request.form.getlist("update")]
        if len(fields) != 1:
            raise BadRequest("a form POST carries exactly one 'query' or one 'update' field")
        return fields[0]
    if request.mimetype in ("application/sparql-query", "application/sparql-update"):
        try:
            text = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the request body is not valid UTF-8") from None
        return request.mimetype.removeprefix("application/sparql-"), text
    raise UnsupportedMediaType("POST a query as application/x-www-form-urlencoded (query=...), "
                               "application/sparql-query or application/sparql-update")


def run_query(query: str, *, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              union_default_graph: bool | None = None) -> QueryAnswer:
    """Run a query through the worker pool with this app's limits and the negotiated formats."""
    if not current_app.config["ALLOW_SERVICE"] and uses_service(query):
        raise QueryError("federated SERVICE queries are disabled on this endpoint (setting allow_service)")
    result_format, graph_format = negotiate()
    union = current_app.config["UNION_DEFAULT_GRAPH"] if union_default_graph is None else union_default_graph
    job = QueryJob(query, result_format, graph_format, current_app.config["MAX_RESULTS"],
                   union_default_graph=union, default_graphs=default_graphs or None,
                   named_graphs=named_graphs or None, base_iri=request.base_url)
    return current_app.extensions["sinoeu_query_pool"].run(job)


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    """The SPARQL 1.1 Protocol endpoint (query, update, service description)."""
    kind, text = _read_operation()
    if kind == "update":
        graph_store.require_admin()
        update = add_using(text, _graph_parameters("using-graph-uri"), _graph_parameters("using-named-graph-uri"))
        current_app.extensions["sinoeu_writer"].update(update, base_iri=request.base_url)
        return Response(status=204)
    if kind is None:
        return _service_description()
    return answer(run_query(text, default_graphs=_graph_parameters("default-graph-uri"),
                            named_graphs=_graph_parameters("named-graph-uri")))


def _has_page(path: str) -> bool:
    return any(rule.rule == path for rule in current_app.url_map.iter_rules())


def _service_description() -> Response:
    html_first = request.accept_mimetypes.best_match(["text/turtle", "text/html"]) == "text/html"
    if html_first and _has_page("/query"):
        return redirect("/query", code=303)
    endpoint = request.base_url
    languages = "sd:SPARQL11Query, sd:SPARQL11Update" if current_app.config["ADMIN_TOKEN"] else "sd:SPARQL11Query"
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in _FORMAT_IRIS)
    union = " ; sd:feature sd:UnionDefaultGraph" if current_app.config["UNION_DEFAULT_GRAPH"] else ""
    turtle = (f"@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
              f"<{endpoint}> a sd:Service ; sd:endpoint <{endpoint}> ; sd:supportedLanguage {languages} ;\n"
              f"  sd:resultFormat {formats}{union} ;\n"
              f"  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n")
    _, graph_format = negotiate()
    triples = list(ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    return Response(sparql_results.serialize_graph(triples, graph_format),
                    content_type=sparql_results.content_type(graph_format))


@bp.route("/rdf-graph-store", methods=["GET", "PUT", "POST", "DELETE"])
def rdf_graph_store() -> Response:
    """SPARQL 1.1 Graph Store HTTP Protocol (reads open, writes with the admin token)."""
    if "graph" in request.args:
        _checked_iri(request.args["graph"], "graph")
    return graph_store.graph_store_view(negotiate, answer)


_DESCRIBE_ENTITY = """PREFIX oa: <http://www.w3.org/ns/oa#>
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ <{iri}> ?p ?o . BIND(<{iri}> AS ?s) }}
  UNION {{ ?s ?p <{iri}> . BIND(<{iri}> AS ?o) }}
  UNION {{ ?s oa:hasBody <{iri}> ; ?p ?o }}
  UNION {{ ?a oa:hasBody <{iri}> ; oa:hasTarget ?s . ?s ?p ?o }}
  UNION {{ ?a oa:hasBody <{iri}> ; oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o }}
}}"""

_FALLBACK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ iri }}</title></head>
<body><h1>{{ iri }}</h1><table>{% for row in rows %}<tr><td>{{ row.s.value }}</td><td>{{ row.p.value }}</td>
<td>{{ row.o.value }}</td></tr>{% endfor %}</table></body></html>"""


@bp.route("/id/<path:rest>")
def entity(rest: str) -> Response:
    """Linked data: ``{base}id/...`` as Turtle / N-Triples / JSON-LD / RDF/XML (Accept or extension), or HTML."""
    rest = _entity_path(rest)
    chosen = next((name for ext, name in _EXTENSIONS.items() if rest.endswith(ext)), None)
    if chosen:
        rest = rest[: rest.rindex(".")]
    iri = current_app.config["BASE_IRI"] + "id/" + rest
    if _IRI_FORBIDDEN.search(iri):
        raise NotFound(f"{iri!r} is not an entity IRI")
    wants_html = request.accept_mimetypes.best_match(["text/turtle", "text/html"]) == "text/html"
    if chosen is None and wants_html and _has_page("/entity"):
        return redirect(f"/entity?{urlencode({'iri': iri})}", code=303)
    query = _DESCRIBE_ENTITY.format(iri=iri)
    if chosen is None and wants_html:
        rows = json.loads(_describe(query.replace("CONSTRUCT { ?s ?p ?o }", "SELECT ?s ?p ?o"), iri, "json").body)
        return Response(render_template_string(_FALLBACK_PAGE, iri=iri, rows=rows["results"]["bindings"]),
                        content_type="text/html; charset=utf-8")
    return answer(_describe(query, iri, chosen))


def _entity_path(rest: str) -> str:
    """The ``/id/`` path spelled as in the IRI: each segment percent-encoded like ``graph.iris.safe_segment``.

    Read from the raw request URI when the server gives it, so an encoded ``/`` (%2F) stays
    inside its segment; werkzeug's decoded ``rest`` is the fallback.
    """
    raw = request.environ.get("REQUEST_URI", "").split("?", 1)[0]
    segments = raw.split("/id/", 1)[1].split("/") if "/id/" in raw else rest.split("/")
    return "/".join(quote(unquote(segment), safe="-._~") for segment in segments)


def _describe(query: str, iri: str, graph_format: str | None) -> QueryAnswer:
    job = QueryJob(query, "json", graph_format or negotiate()[1], current_app.config["MAX_RESULTS"],
                   union_default_graph=True)
    result = current_app.extensions["sinoeu_query_pool"].run(job)
    if result.count == 0:
        raise NotFound(f"no entity <{iri}> in the graph")
    return result
