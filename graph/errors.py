"""Errors of the graph layer's boundaries: the store and SPARQL.

They share :class:`extract.errors.SinoeuError` as base, so the CLI and the
HTTP error handler catch user-facing errors with one clause.
"""

from __future__ import annotations

from extract.errors import DocumentError, RecordError, SinoeuError

__all__ = ["SinoeuError", "DocumentError", "RecordError", "QueryError", "StoreError", "QueryTimeout"]


class QueryError(SinoeuError):
    """A SPARQL query or update is malformed or not allowed; the message is the parser's."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped."""


class StoreError(SinoeuError):
    """The store cannot be opened, written or read (locked, missing, disk full, corrupt)."""
