"""Errors raised at the project's boundaries.

One base class so callers (the CLI batch loop, the HTTP error handler) can
catch everything that is the user's input's fault with one clause, while
bugs (any other exception) still surface. The base lives in ``extract`` -
the first step of the flow - so that ``graph`` and ``server`` can import it
without ``extract`` ever importing them back.
"""

from __future__ import annotations


class SinoeuError(Exception):
    """Base class of every error a user can act on."""


class DocumentError(SinoeuError):
    """A source document cannot be read or is not worth reading.

    Carries the path (or document id) and a reason a user can act on.
    """

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class RecordError(SinoeuError):
    """An extraction record is malformed (bad JSON, missing field, wrong type)."""

    def __init__(self, path: str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
