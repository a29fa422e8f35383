"""The extraction record: the contract between ``extract/`` and ``graph/``.

A record is what one source document says, in the format of the hand-made
gold annotations in ``../shared/seeds-gold/`` (see its README for field
meanings and vocabularies), plus evidence: character spans into ``text``,
the text the extractor actually read (after cleaning). Gold records carry
no text and no spans; everything added here is optional so both load.

The record is plain data (dataclasses <-> JSON). ``graph/`` reads records
only through :func:`record_from_dict` / :func:`load_records`, never through
spaCy objects, so the two sides can evolve independently.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Iterator

from extract.errors import RecordError

# Vocabularies shared with the ontology's SKOS schemes (ontology/*.ttl).
ORG_KINDS = ("government", "company", "research", "ngo", "international", "university", "media", "other")
EVENT_TYPES = (
    "launch", "meeting", "ceremony", "conference", "forum", "signing", "challenge",
    "workshop", "seminar", "exhibition", "visit", "other",
)
ROLES = (
    "host", "co-host", "organizer", "co-organizer", "supporter", "sponsor", "attendee",
    "signatory", "partner", "speaker", "moderator",
)


@dataclass
class Span:
    """Half-open character offsets ``[start, end)`` into ``ExtractionRecord.text``."""

    start: int
    end: int


@dataclass
class Organization:
    name: str
    aliases: list[str] = field(default_factory=list)
    acronym: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    kind: str | None = None  # one of ORG_KINDS
    spans: list[Span] = field(default_factory=list)
    confidence: float | None = None


@dataclass
class Person:
    name: str
    post: str | None = None
    organization: str | None = None  # an Organization.name of the same record
    spans: list[Span] = field(default_factory=list)
    confidence: float | None = None


@dataclass
class RoleFact:
    organization: str  # an Organization.name of the same record
    role: str  # one of ROLES
    span: Span | None = None  # the words that state the role (trigger sentence)
    confidence: float | None = None


@dataclass
class Event:
    name: str
    type: str | None = None  # one of EVENT_TYPES
    date: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY; never an invented year
    place: str | None = None
    roles: list[RoleFact] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    confidence: float | None = None


@dataclass
class Project:
    name: str
    place: str | None = None
    sectors: list[str] = field(default_factory=list)  # normalised English sector labels
    partners: list[str] = field(default_factory=list)  # Organization.name values
    targets: dict[str, Any] = field(default_factory=dict)  # e.g. {"neutrality_year": 2028, "population": 150000}
    spans: list[Span] = field(default_factory=list)
    confidence: float | None = None


@dataclass
class NoiseSpan:
    """A passage the cleaner judged to be boilerplate (site chrome, ads, link lists)."""

    start: int
    end: int
    reason: str


@dataclass
class ExtractionRecord:
    id: str
    lang: str | None = None
    date: str | None = None
    source: str | None = None  # path or URL of the document
    title: str | None = None
    text: str | None = None  # the cleaned text the extractor read; spans index into it
    method: str = "manual"  # "manual" for gold annotations, "rules" (etc.) for the extractor
    organizations: list[Organization] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)  # sentence boundaries in text, for evidence
    noise: list[NoiseSpan | str] = field(default_factory=list)  # gold: descriptions; extractor: spans

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``None``-valued optional fields are kept for a stable shape."""
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _span(value: Any, where: str) -> Span:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        value = {"start": value[0], "end": value[1]}
    if not isinstance(value, dict):
        raise RecordError(where, f"a span must be an object {{start, end}}, got {type(value).__name__}")
    try:
        start, end = int(value["start"]), int(value["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(where, f"a span needs integer 'start' and 'end' ({exc})") from None
    if not 0 <= start <= end:
        raise RecordError(where, f"span [{start}, {end}) is not a valid range")
    return Span(start, end)


def _build(cls, data: Any, where: str, nested: dict[str, Any] | None = None):
    """Build dataclass ``cls`` from ``data``, ignoring unknown keys (forward compatibility)."""
    if not isinstance(data, dict):
        raise RecordError(where, f"expected an object for {cls.__name__}, got {type(data).__name__}")
    nested = nested or {}
    known = {f.name for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known or value is None and key in ("aliases", "roles", "spans", "sectors", "partners"):
            continue
        if key in nested:
            value = nested[key](value, f"{where}.{key}")
        kwargs[key] = value
    try:
        obj = cls(**kwargs)
    except TypeError as exc:  # a required field is missing
        raise RecordError(where, f"{cls.__name__}: {exc}") from None
    if not isinstance(getattr(obj, "name", ""), str) or not getattr(obj, "name", "x").strip():
        raise RecordError(where, f"{cls.__name__} needs a non-empty string 'name'")
    return obj


def _spans(value: Any, where: str) -> list[Span]:
    if not isinstance(value, list):
        raise RecordError(where, "spans must be a list")
    return [_span(v, f"{where}[{i}]") for i, v in enumerate(value)]


def _list_of(cls, nested=None):
    def build(value: Any, where: str):
        if not isinstance(value, list):
            raise RecordError(where, "expected a list")
        return [_build(cls, v, f"{where}[{i}]", nested) for i, v in enumerate(value)]

    return build


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(where, "expected a list of strings")
    return value


def _noise(value: Any, where: str) -> list[NoiseSpan | str]:
    if not isinstance(value, list):
        raise RecordError(where, "expected a list")
    out: list[NoiseSpan | str] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append(item)
        else:
            span = _span(item, f"{where}[{i}]")
            out.append(NoiseSpan(span.start, span.end, str(item.get("reason", ""))))
    return out


def _role(value: Any, where: str) -> RoleFact:
    if not isinstance(value, dict):
        raise RecordError(where, "a role must be an object {organization, role}")
    if not value.get("organization") or not value.get("role"):
        raise RecordError(where, "a role needs 'organization' and 'role'")
    span = _span(value["span"], f"{where}.span") if value.get("span") is not None else None
    return RoleFact(str(value["organization"]), str(value["role"]), span, value.get("confidence"))


def _roles(value: Any, where: str) -> list[RoleFact]:
    if not isinstance(value, list):
        raise RecordError(where, "roles must be a list")
    return [_role(v, f"{where}[{i}]") for i, v in enumerate(value)]


_WITH_SPANS = {"spans": _spans}


def record_from_dict(data: Any, where: str = "<record>") -> ExtractionRecord:
    """Validate and build a record; raises :class:`RecordError` naming the bad field."""
    if not isinstance(data, dict):
        raise RecordError(where, f"a record must be a JSON object, got {type(data).__name__}")
    if not isinstance(data.get("id"), str) or not data["id"].strip():
        raise RecordError(where, "a record needs a non-empty string 'id'")
    where = f"{where}#{data['id']}"
    nested = {
        "organizations": _list_of(Organization, {**_WITH_SPANS, "aliases": _strings}),
        "persons": _list_of(Person, _WITH_SPANS),
        "events": _list_of(Event, {**_WITH_SPANS, "roles": _roles}),
        "projects": _list_of(Project, {**_WITH_SPANS, "sectors": _strings, "partners": _strings}),
        "places": _strings,
        "sectors": _strings,
        "sentences": _spans,
        "noise": _noise,
    }
    known = {f.name for f in fields(ExtractionRecord)}
    kwargs = {}
    for key, value in data.items():
        if key not in known or value is None:
            continue
        kwargs[key] = nested[key](value, f"{where}.{key}") if key in nested else value
    record = ExtractionRecord(**kwargs)
    if record.text is not None:
        _check_spans_in_text(record, where)
    return record


def _check_spans_in_text(record: ExtractionRecord, where: str) -> None:
    limit = len(record.text or "")
    groups = [("organizations", o.spans) for o in record.organizations]
    groups += [("persons", p.spans) for p in record.persons]
    groups += [("events", e.spans) for e in record.events]
    groups += [("roles", [r.span]) for e in record.events for r in e.roles if r.span]
    groups += [("projects", p.spans) for p in record.projects]
    for name, spans in groups:
        for span in spans:
            if span.end > limit:
                raise RecordError(where, f"{name} span [{span.start}, {span.end}) lies beyond the text ({limit} chars)")


def load_records(path: str | Path) -> Iterator[ExtractionRecord]:
    """Yield the records of a ``.json`` (one record or a list) or ``.jsonl`` file.

    Raises :class:`RecordError` with the path (and line) of the first bad record;
    callers that want to go on past it read files one by one.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(str(path), f"cannot read record file ({exc})") from None
    if path.suffix == ".jsonl":
        for lineno, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                yield record_from_dict(_parse_json(line, f"{path}:{lineno}"), f"{path}:{lineno}")
        return
    data = _parse_json(raw, str(path))
    for i, item in enumerate(data if isinstance(data, list) else [data]):
        yield record_from_dict(item, str(path) if not isinstance(data, list) else f"{path}[{i}]")


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(where, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
