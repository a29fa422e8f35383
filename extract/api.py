"""The extractor's public entry points: source documents in, extraction records out.

``extract_document`` runs one :class:`SourceDocument` through the steps of the
data flow — language detection (when the source did not say), cleaning (noise
kept in place, marked), the spaCy pipeline of the language (``xx`` for a
language outside ``languages``: acronyms, dates and known names still found)
— and assembles the :class:`ExtractionRecord` from the Doc's extensions, with
every span a char offset into the clean text. ``extract_paths`` does that for
files and folders and never lets one bad document stop the batch.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan

import extract.components.dates  # noqa: F401  (registers sinoeu_dates)
import extract.components.events  # noqa: F401  (registers sinoeu_events)
import extract.components.projects  # noqa: F401  (registers sinoeu_projects)
import extract.components.roles  # noqa: F401  (registers sinoeu_roles)
import extract.components.sectors  # noqa: F401  (registers sinoeu_sectors)
from extract.attrs import ATTRS, doc_orgs, doc_persons
from extract.clean import CleanText, clean_text
from extract.components.event_attrs import EVENTS, PROJECTS, SECTORS, in_ranges, sentence_spans
from extract.errors import DocumentError, SinoeuError
from extract.language import detect_language
from extract.pipeline import make_doc
from extract.records import (
    EVENT_TYPES, ROLES, Event, ExtractionRecord, Organization, Person, Project, RoleFact, Span,
)
from extract.sources import SourceDocument, read_sources

FALLBACK_PIPELINE = "xx"  # multi-language blank pipeline for languages outside ``languages``
MAX_TITLE_CHARS = 300


def extract_document(doc: SourceDocument, *, languages: tuple[str, ...]) -> ExtractionRecord:
    """The extraction record of one document; raises :class:`DocumentError` when it has no text to read."""
    if not doc.text or not doc.text.strip():
        raise DocumentError(doc.source or doc.id, "the document has no text after reading: nothing to extract")
    lang = doc.lang or detect_language(doc.text)
    pipeline_lang = lang if lang in languages else FALLBACK_PIPELINE
    clean = clean_text(doc.text, lang if lang in languages else "und")
    spacy_doc = make_doc(clean, doc, pipeline_lang)
    return record_from_doc(spacy_doc, doc, clean, lang)


def extract_paths(paths: Iterable, *, max_bytes: int, languages: tuple[str, ...]
                  ) -> Iterator[tuple[str, ExtractionRecord | DocumentError]]:
    """(document id or path, record or error) for every document under ``paths``, in order."""
    for path in paths:
        try:
            sources = list(read_sources(path, max_bytes=max_bytes))
        except DocumentError as exc:  # the path itself is missing: report it, go on with the rest
            yield str(path), exc
            continue
        for source in sources:
            if isinstance(source, DocumentError):
                yield source.path, source
                continue
            try:
                yield source.id, extract_document(source, languages=languages)
            except SinoeuError as exc:
                error = exc if isinstance(exc, DocumentError) else DocumentError(source.source or source.id, str(exc))
                yield source.id, error


def record_from_doc(doc: Doc, source: SourceDocument, clean: CleanText, lang: str) -> ExtractionRecord:
    """Assemble the record from the Doc's extensions; drops whatever lies only inside noise."""
    noise = [(n.start, n.end) for n in clean.noise]
    orgs = [o for o in doc_orgs(doc) if _outside(o.mentions, noise)]
    org_names = {o.key: o.name for o in orgs}
    return ExtractionRecord(
        id=source.id,
        lang=lang,
        date=source.date or doc._.get(ATTRS.doc_date),
        source=source.source,
        title=source.title or _first_line(clean.text, noise),
        text=clean.text,
        method="rules",
        organizations=[
            Organization(o.name, list(o.aliases), o.acronym, o.country, o.kind, _spans(o.mentions, noise), o.confidence)
            for o in orgs
        ],
        persons=[
            Person(p.name, p.post, p.organization, _spans(p.mentions, noise), p.confidence)
            for p in doc_persons(doc) if _outside(p.mentions, noise)
        ],
        events=[
            Event(
                e.name, e.type if e.type in EVENT_TYPES else "other", e.date, e.place,
                [RoleFact(org_names.get(r.org_key, r.organization), r.role, Span(r.start, r.end), r.confidence)
                 for r in e.roles if r.role in ROLES and (r.org_key in org_names or r.organization in org_names.values())],
                _spans(e.mentions, noise), e.confidence,
            )
            for e in (doc._.get(EVENTS) or []) if _outside(e.mentions, noise)
        ],
        projects=[
            Project(p.name, p.place, list(p.sectors), [n for n in p.partners if n in org_names.values()],
                    dict(p.targets), _spans(p.mentions, noise), p.confidence)
            for p in (doc._.get(PROJECTS) or []) if _outside(p.mentions, noise)
        ],
        places=_places(doc, noise),
        sectors=list(doc._.get(SECTORS) or []),
        sentences=[Span(s, e) for s, e in sentence_spans(clean.text) if not in_ranges(s, e, noise)],
        noise=list(clean.noise),
    )


def _outside(mentions, noise) -> bool:
    return any(not in_ranges(s, e, noise) for s, e in mentions)


def _spans(mentions, noise) -> list[Span]:
    return [Span(s, e) for s, e in sorted(set(mentions)) if not in_ranges(s, e, noise)]


def _places(doc: Doc, noise) -> list[str]:
    names: list[str] = []
    for span in doc.spans[ATTRS.places] if ATTRS.places in doc.spans else []:
        if in_ranges(span.start_char, span.end_char, noise):
            continue
        name = (span._.get(ATTRS.place_name) if TokenSpan.has_extension(ATTRS.place_name) else None) or span.text
        if name not in names:
            names.append(name)
    return names


def _first_line(text: str, noise) -> str | None:
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if line.strip() and not in_ranges(start, end, noise):
            return line.strip()[:MAX_TITLE_CHARS]
    return None
