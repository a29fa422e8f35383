"""Light lexical checks on SPARQL text, for what pyoxigraph's API cannot do itself.

pyoxigraph parses and runs queries but exposes no algebra, so two protocol
features are done on tokens here: refusing federated ``SERVICE`` calls (a
``SERVICE`` keyword outside strings, IRIs and comments), and the SPARQL 1.1
Protocol's ``using-graph-uri`` / ``using-named-graph-uri`` for updates
(``USING`` clauses inserted before each top-level ``WHERE``; an update that
already has ``USING`` or ``WITH`` is refused, as the protocol requires).
The parser itself still validates everything afterwards.
"""

from __future__ import annotations

import re
from typing import Iterator

from graph.errors import QueryError

_TOKEN = re.compile(r"""
    (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$][\w\u00B7-\uFFFF]+)
  | (?P<pname>[\w\u00B7-\uFFFF.\-]*:[\w\u00B7-\uFFFF.\-%:]*)
  | (?P<word>[A-Za-z_][\w\-]*)
  | (?P<open>\{) | (?P<close>\})
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


def _keywords(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (upper-cased keyword, offset, brace depth) for bare words outside strings, IRIs and comments."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            yield match.group().upper(), match.start(), depth


def uses_service(query: str) -> bool:
    """Whether the query calls a federated ``SERVICE``.

    >>> uses_service('SELECT * { SERVICE <http://x/> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * { ?s ?p "SERVICE" . ?s <http://x/SERVICE> ?service }  # SERVICE')
    False
    """
    return any(word == "SERVICE" for word, _, _ in _keywords(query))


def add_using(update: str, default_graphs: list[str], named_graphs: list[str]) -> str:
    """Apply the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` to an update.

    >>> add_using('DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }', ['http://g/1'], [])
    'DELETE { ?s ?p ?o } USING <http://g/1> WHERE { ?s ?p ?o }'
    """
    if not default_graphs and not named_graphs:
        return update
    words = list(_keywords(update))
    if any(word in ("USING", "WITH") and depth == 0 for word, _, depth in words):
        raise QueryError("the update has USING or WITH clauses and the request also gives "
                         "using-graph-uri / using-named-graph-uri: use only one of them")
    clause = " ".join([f"USING <{g}>" for g in default_graphs] + [f"USING NAMED <{g}>" for g in named_graphs])
    for _, offset, _ in reversed([w for w in words if w[0] == "WHERE" and w[2] == 0]):
        update = f"{update[:offset]}{clause} {update[offset:]}"
    return update
