"""HTTP views of sinoeu-kg, registered as blueprints by server.create_app.

:func:`get_store` is the views' way to the graph (flaskr's ``get_db``): one read-only
store handle per request, opened on first use and closed when the request ends.
A read-only open sees the store as it was at that moment, so every request sees
the latest completed ingest without restarting the server.
"""

from __future__ import annotations

from flask import Flask, current_app, g


def get_store():
    """The request's read-only :class:`graph.store.GraphStore` (``StoreError`` if it cannot be opened)."""
    if "sinoeu_store" not in g:
        from graph.store import open_store  # the graph layer; imported on first use only

        g.sinoeu_store = open_store(current_app.config["STORE_PATH"], read_only=True,
                                    base_iri=current_app.config["BASE_IRI"])
    return g.sinoeu_store


def close_store(_error: BaseException | None = None) -> None:
    """Close the request's store handle, if one was opened."""
    store = g.pop("sinoeu_store", None)
    if store is not None:
        store.close()


def init_app(app: Flask) -> None:
    """Register the teardown that closes the request-scoped store handle."""
    app.teardown_appcontext(close_store)
