"""Doc extensions and small dataclasses of the event/role/project/sector half.

Declared in one place (like spacy-layout's ``Attrs``) so the components and
``extract/api.py`` agree on names; the organization/person half lives in
``extract/attrs.py``. ``ensure_event_extensions()`` is idempotent and runs on
import, so importing any component module makes the extensions available.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from extract.errors import SinoeuError

DATES = "date_mentions"  # list[tuple[int, int, str]]: (start, end, iso)
EVENTS = "events"  # list[EventEntity]
PROJECTS = "projects"  # list[ProjectEntity]
SECTORS = "sectors"  # list[str]: normalised lower-case English sector labels
SECTOR_MENTIONS = "sector_mentions"  # list[tuple[int, int, str, bool]]: (start, end, label, in a sector-cue sentence)


@dataclass
class RoleMention:
    """An organization's role at one event, with the words that state it."""

    org_key: str
    organization: str  # OrgEntity.name
    role: str  # one of extract.records.ROLES
    start: int  # char offsets of the stating sentence/clause
    end: int
    confidence: float = 0.7


@dataclass
class EventEntity:
    """One distinct event of a document (named and anaphoric mentions merged)."""

    name: str
    type: str | None = None
    date: str | None = None
    place: str | None = None
    roles: list[RoleMention] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 0.6
    names: list[str] = field(default_factory=list)  # every wording the text uses for it


@dataclass
class ProjectEntity:
    """One distinct project or initiative of a document."""

    name: str
    place: str | None = None
    sectors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)  # OrgEntity.name values
    targets: dict = field(default_factory=dict)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 0.6


def ensure_event_extensions() -> None:
    """Declare the Doc extensions above; safe to call any number of times."""
    for name in (DATES, EVENTS, PROJECTS, SECTORS, SECTOR_MENTIONS):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


ensure_event_extensions()


RESOURCES = Path(__file__).resolve().parent.parent / "resources"
LATIN_FALLBACK = "en"  # English names and phrases turn up in every Latin-script release


@lru_cache(maxsize=None)
def load_lexicon(name: str, lang: str) -> dict:
    """``resources/<lang>/<name>.json``; a language without the file falls back to English.

    Raises :class:`ResourceError` for a file that exists but is not valid JSON.
    """
    path = RESOURCES / lang / f"{name}.json"
    if not path.is_file():
        path = RESOURCES / LATIN_FALLBACK / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResourceError(str(path), f"not valid JSON ({exc.msg} at line {exc.lineno})") from None


class ResourceError(SinoeuError):
    """A resource file under ``extract/resources`` is broken: fix the file named."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")


_ABBREVIATIONS = {
    "mr", "ms", "mrs", "dr", "prof", "st", "no", "nr", "vs", "approx", "ca", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "u.s",
    "r", "ok", "tys", "tyś", "m.in", "np", "ul", "dz", "hr", "sig", "mme", "mlle", "sr", "sra", "dott", "ing", "on",
}
_SENTENCE_END = re.compile(r"[.!?]+[\"”»’)]*(?=\s+[\"“„«(]?[\w\d])|[。！？]+[”’」]*|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries (start, end) by punctuation and line breaks, abbreviation-aware.

    >>> sentence_spans("Mr. Li spoke. Then Ms. Wu.")
    [(0, 13), (14, 26)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            word = re.search(r"([\w.]+)$", text[start:match.start()])
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1 or word.group(1)[-1:].isdigit() and len(word.group(1)) <= 2):
                continue
        _add_span(spans, text, start, match.end())
        start = match.end()
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def noise_ranges(doc: Doc) -> list[tuple[int, int]]:
    """The (start, end) char ranges the cleaner marked as noise."""
    return [(start, end) for start, end, *_ in (doc._.get("noise") or [])] if Doc.has_extension("noise") else []


def in_ranges(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    """True when ``[start, end)`` overlaps any of ``ranges``."""
    return any(start < r_end and r_start < end for r_start, r_end in ranges)
