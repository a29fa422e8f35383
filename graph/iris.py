"""Deterministic IRIs minted from normalised keys.

Every entity IRI is ``{base}id/{kind}/{slug}-{hash8}``: the slug makes it
readable, the hash of the full key makes it unique. Both are pure functions
of their input, so the same key gives the same IRI in every run and on every
machine. Slugs are ASCII-folded and reduced to ``[a-z0-9-]``, so quotes,
spaces, ``<>``, right-to-left or zero-width characters in a name can never
produce an invalid IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

DEFAULT_BASE_IRI = "https://w3id.org/sinoeu-kg/"
ENTITY_KINDS = ("org", "person", "event", "project", "place", "post", "participation", "evidence", "merge")
SLUG_MAX = 48

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_THE = re.compile(r"^the\s+")


@lru_cache(maxsize=262144)
def norm(text: str) -> str:
    """The gold README's name normalisation: NFKC, casefold, drop a leading "the ",
    delete whitespace, punctuation and symbols.

    >>> norm("The China-EU  Office") == norm("china eu office")
    True
    >>> norm("Center\u200bfor «Research»")
    'centerforresearch'
    """
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _LEADING_THE.sub("", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZPSC")


def slugify(text: str, *, max_len: int = SLUG_MAX) -> str:
    """A lower-case ASCII slug of ``text`` (may be empty for non-Latin scripts).

    >>> slugify('Stadtverwaltung von Taicang')
    'stadtverwaltung-von-taicang'
    >>> slugify('Urząd Miasta "Łódź" <x>')
    'urzad-miasta-lodz-x'
    >>> slugify('太仓市政府')
    ''
    """
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss"))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NON_SLUG.sub("-", ascii_text).strip("-")
    return slug[:max_len].rstrip("-")


def hash8(key: str) -> str:
    """First 8 hex digits of the SHA-256 of ``key``.

    >>> hash8("org|cecco")
    'fecbb257'
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]


def entity_iri(base: str, kind: str, key: str, label: str | None = None) -> str:
    """``{base}id/{kind}/{slug}-{hash8(key)}``; the slug comes from ``label`` (or the key).

    >>> entity_iri("https://w3id.org/sinoeu-kg/", "org", "cecco", "CECCO <Office>")
    'https://w3id.org/sinoeu-kg/id/org/cecco-office-fecbb257'
    >>> entity_iri("https://w3id.org/sinoeu-kg/", "org", "太仓市政府")
    'https://w3id.org/sinoeu-kg/id/org/org-d8fab810'
    """
    if kind not in ENTITY_KINDS:
        raise ValueError(f"unknown entity kind {kind!r}; expected one of {', '.join(ENTITY_KINDS)}")
    slug = slugify(label if label is not None else key) or kind
    return f"{base}id/{kind}/{slug}-{hash8(kind + '|' + key)}"


def safe_segment(value: str) -> str:
    """Percent-encode one IRI path segment (document ids are file names, anything goes).

    >>> safe_segment('a b/<c>"')
    'a%20b%2F%3Cc%3E%22'
    """
    return quote(value, safe="-._~")


def doc_iri(base: str, doc_id: str) -> str:
    """``{base}id/doc/{doc_id}`` of a source document."""
    return f"{base}id/doc/{safe_segment(doc_id)}"


def doc_graph_iri(base: str, doc_id: str) -> str:
    """The named graph holding everything one document says."""
    return f"{base}graph/doc/{safe_segment(doc_id)}"


def doc_id_from_graph(base: str, graph_iri: str) -> str | None:
    """Inverse of :func:`doc_graph_iri` (``None`` for other graphs).

    >>> doc_id_from_graph("https://x/", doc_graph_iri("https://x/", "a b"))
    'a b'
    """
    from urllib.parse import unquote

    prefix = f"{base}graph/doc/"
    return unquote(graph_iri[len(prefix):]) if graph_iri.startswith(prefix) else None


def merge_graph_iri(base: str) -> str:
    return f"{base}graph/merge"


def ontology_graph_iri(base: str) -> str:
    return f"{base}graph/ontology"


def curation_graph_iri(base: str) -> str:
    return f"{base}graph/curation"


def concept_iri(kind: str, value: str, base: str = DEFAULT_BASE_IRI) -> str:
    """A SKOS concept: ``{base}id/{role|kind|event-type|sector}/{slug}``.

    Concepts of the shipped schemes live under the DEFAULT base (the ontology
    files are loaded verbatim), whatever base the instance data uses.

    >>> concept_iri("role", "co-host")
    'https://w3id.org/sinoeu-kg/id/role/co-host'
    >>> concept_iri("sector", "Digital governance")
    'https://w3id.org/sinoeu-kg/id/sector/digital-governance'
    """
    slug = slugify(value) or hash8(value)
    return f"{base}id/{kind}/{slug}"
