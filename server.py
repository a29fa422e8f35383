"""The sinoeu-kg web server: ``create_app(settings)`` builds the Flask app, ``serve`` runs it.

flaskr-style app factory: settings are resolved once by ``graph.settings.resolve_settings``
and copied into ``app.config`` (``STORE_PATH``, ``BASE_IRI``, ``QUERY_TIMEOUT`` ...);
views read them from there. Blueprints: ``web.sparql`` (SPARQL endpoint, Graph Store
Protocol, linked data), ``web.pages`` (browse UI) and ``web.match`` (partner finder),
each registered when its module exists.

Errors go through one handler that maps exception types to status codes, as datasette
does: ``QueryError`` 400 (the parser's message), ``QueryTimeout`` 503 (the service
declined to finish the query; 504 would claim a gateway, there is none), ``StoreError``
503, and werkzeug's HTTP errors keep theirs (401/403 writes without a valid token,
404 unknown entity, 405, 413, 415). JSON clients get ``{"ok": false, "error", "status"}``,
browsers get ``templates/error.html``. Any other exception stays a 500 whose message
is not shown (it is logged): a server fault is never disguised as a client error.

Every response carries security headers (a CSP that allows no inline script,
``nosniff``, ``frame-ancestors 'none'``, a referrer policy). The SPARQL, linked-data and
graph-store routes answer CORS (any origin, no credentials; ``Authorization`` is not an
allowed header, so a web page elsewhere can read but never write).
"""

from __future__ import annotations

import atexit
import importlib
import importlib.util
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from graph.errors import QueryError, QueryTimeout, SinoeuError, StoreError
from graph.settings import resolve_settings

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
CORS_PATHS = ("/sparql", "/id/", "/rdf-graph-store")
BLUEPRINT_MODULES = ("web.sparql", "web.pages", "web.match")
ERROR_STATUS = ((QueryTimeout, 503), (QueryError, 400), (StoreError, 503))


def create_app(settings: dict[str, Any] | None = None) -> Flask:
    """Build the app from settings (defaults < environment < ``settings``)."""
    from web import init_app
    from web.graph_store import StoreWriter
    from web.query_pool import QueryPool

    values = resolve_settings(settings)
    app = Flask(__name__)
    app.config.update(
        STORE_PATH=values["store"], BASE_IRI=values["base_iri"], QUERY_TIMEOUT=values["query_timeout"],
        MAX_RESULTS=values["max_results"], ADMIN_TOKEN=values["admin_token"],
        ALLOW_SERVICE=values["allow_service"], UNION_DEFAULT_GRAPH=values["union_default_graph"],
        LANGUAGES=values["languages"], SINOEU_SETTINGS=values,
        MAX_CONTENT_LENGTH=values["max_document_bytes"], MAX_FORM_MEMORY_SIZE=values["max_document_bytes"],
        JSON_AS_ASCII=False,
    )
    if str(values["store"]).startswith(("http://", "https://")):  # a SPARQL service: queries go over HTTP
        from web.remote_backend import RemoteQueryPool, RemoteStoreWriter

        pool = RemoteQueryPool(values)
        app.extensions["sinoeu_writer"] = RemoteStoreWriter(values, pool)
    else:
        pool = QueryPool(values["store"], size=values["workers"], timeout=values["query_timeout"])
        app.extensions["sinoeu_writer"] = StoreWriter(values["store"], pool)
    app.extensions["sinoeu_query_pool"] = pool
    atexit.register(pool.close)
    init_app(app)
    for name in BLUEPRINT_MODULES:
        if importlib.util.find_spec(name) is not None:
            app.register_blueprint(importlib.import_module(name).bp)
    app.register_error_handler(SinoeuError, handle_error)
    app.register_error_handler(HTTPException, handle_error)
    app.after_request(add_headers)
    return app


def close_app(app: Flask) -> None:
    """Stop the app's query workers and release its write handle (tests, shutdown)."""
    app.extensions["sinoeu_query_pool"].close()
    app.extensions["sinoeu_writer"].close()


def _status_of(error: Exception) -> int:
    if isinstance(error, HTTPException):
        return error.code or 500
    return next(status for kind, status in ERROR_STATUS if isinstance(error, kind))


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and not request.path.startswith(("/sparql", "/rdf-graph-store"))


def handle_error(error: Exception) -> Response:
    """The one error boundary: status by exception type, JSON or the error page."""
    status = _status_of(error)
    if isinstance(error, InternalServerError):
        message = "internal server error (logged on the server)"
    elif isinstance(error, HTTPException):
        message = error.description or error.name
    else:
        message = str(error)
    if _wants_html():
        response = Response(render_template("error.html", status=status, error=message), status=status,
                            content_type="text/html; charset=utf-8")
    else:
        response = jsonify({"ok": False, "error": message, "status": status})
        response.status_code = status
    if isinstance(error, HTTPException):
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sinoeu-kg"'
    if isinstance(error, (QueryTimeout, StoreError)):
        response.headers["Retry-After"] = "5"
    return response


def add_headers(response: Response) -> Response:
    """Security headers on every response, CORS on the data routes (and OPTIONS preflight)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.path.startswith(CORS_PATHS):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "X-Result-Count, X-Result-Truncated, X-Result-Limit"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


def serve(settings: dict[str, Any] | None = None) -> None:
    """Run the app under waitress (production WSGI server; no debug mode) until interrupted."""
    import waitress

    values = resolve_settings(settings)
    app = create_app(settings)
    try:
        waitress.serve(app, host=values["host"], port=values["port"], threads=8,
                       max_request_body_size=values["max_document_bytes"], ident="sinoeu-kg")
    finally:
        close_app(app)
