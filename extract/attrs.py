"""Every spaCy extension name and span-group key of the organization/person half, in one place.

Like spacy-layout's ``Attrs``: components and ``extract/api.py`` refer to
``ATTRS.orgs`` rather than to string literals, so a rename is one edit and a
typo is an ``AttributeError``. The small dataclasses stored in the extensions
live here too, so readers of a ``Doc`` need one import.

E2b's half (dates, events, roles, projects, sectors) declares its own
extensions in its own modules; this file holds only what the org/person/place
components write.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span

RESOURCES_DIR = Path(__file__).resolve().parent / "resources"


@dataclass(frozen=True)
class Attrs:
    """Names of ``Doc._``/``Span._`` extensions and ``Doc.spans`` keys."""

    # Doc extensions
    source: str = "source"  # SourceDocument | None
    doc_date: str = "doc_date"  # str | None (YYYY-MM-DD / YYYY-MM / YYYY)
    noise: str = "noise"  # list[tuple[int, int, str]]: (start_char, end_char, reason)
    orgs: str = "orgs"  # list[OrgEntity]
    persons: str = "persons"  # list[PersonEntity]
    acronyms: str = "acronyms"  # list[AcronymDefinition]
    # Span extensions
    org_key: str = "org_key"  # on spans of ``org_mentions``: OrgEntity.key
    place_name: str = "place_name"  # on spans of ``places``: nominative form of the place name
    # Span-group keys
    org_mentions: str = "org_mentions"
    person_mentions: str = "person_mentions"
    places: str = "places"
    # Span labels
    org_label: str = "ORG"
    person_label: str = "PERSON"
    place_label: str = "PLACE"


ATTRS = Attrs()


@dataclass
class OrgEntity:
    """One distinct organization of a document (in-document coreference done)."""

    key: str  # stable within the document (normalised name)
    name: str  # canonical full name, nominative, in the text's language
    aliases: list[str] = field(default_factory=list)
    acronym: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    kind: str | None = None  # one of extract.records.ORG_KINDS
    mentions: list[tuple[int, int]] = field(default_factory=list)  # char offsets into doc.text
    confidence: float = 0.5


@dataclass
class PersonEntity:
    """One (person, post, organization) triple, as the gold README counts persons."""

    name: str
    post: str | None = None
    organization: str | None = None  # an OrgEntity.name of the same doc
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class AcronymDefinition:
    """``Long Name (ACR)`` (or ``ACR (Long Name)``) found in the text."""

    acronym: str
    long_start: int  # char offsets of the long form
    long_end: int
    acr_start: int  # char offsets of the acronym inside the parentheses
    acr_end: int


def ensure_extensions() -> None:
    """Declare all extensions above; safe to call any number of times."""
    doc_defaults = {
        ATTRS.source: None,
        ATTRS.doc_date: None,
        ATTRS.noise: None,
        ATTRS.orgs: None,
        ATTRS.persons: None,
        ATTRS.acronyms: None,
    }
    for name, default in doc_defaults.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name in (ATTRS.org_key, ATTRS.place_name):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


@lru_cache(maxsize=None)
def load_resource(lang: str, name: str) -> dict[str, Any]:
    """``resources/<lang>/<name>.json``; an empty dict when the language has no such file.

    A new language is a new data file: components degrade to the English
    rules (Latin script) or the Chinese rules (Han script) when it is missing.
    """
    path = RESOURCES_DIR / lang / f"{name}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load_shared_resource(name: str) -> dict[str, Any]:
    """``resources/<name>.json`` (language-independent lists such as reference bodies)."""
    return json.loads((RESOURCES_DIR / f"{name}.json").read_text(encoding="utf-8"))


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once per doc (spaCy rebuilds it from the tokens on every access)."""
    text = doc.user_data.get("sinoeu_text")
    if text is None:
        text = doc.text
        doc.user_data["sinoeu_text"] = text
    return text


def doc_noise(doc: Doc) -> list[tuple[int, int, str]]:
    """The doc's noise spans (empty list when none were set)."""
    return list(doc._.get(ATTRS.noise) or [])


def doc_orgs(doc: Doc) -> list[OrgEntity]:
    """The doc's organizations (empty list before ``sinoeu_orgs`` ran)."""
    return list(doc._.get(ATTRS.orgs) or [])


def doc_persons(doc: Doc) -> list[PersonEntity]:
    """The doc's persons (empty list before ``sinoeu_persons`` ran)."""
    return list(doc._.get(ATTRS.persons) or [])


ensure_extensions()
