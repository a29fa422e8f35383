"""Sector and field words, normalised to lower-case English: the ``sinoeu_sectors`` component.

``resources/<lang>/sectors.json`` maps surface forms (regular expressions, so
Polish and German inflections fit: ``energetyk\\w*``) to the English labels the
ontology's sector concepts carry ("Energie"/"energetyka"/"能源" -> energy). A
mention counts for the document's sector list only in a sentence that speaks
of sectors, areas or fields ("the following eight key areas: planning, ...",
"碳中和领域"); "green energy infrastructure" in passing is not a sector claim.
English forms are also tried in every Latin-script text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from extract.attrs import doc_text
from extract.components.event_attrs import (
    PROJECTS, SECTOR_MENTIONS, SECTORS, ensure_event_extensions, in_ranges, load_lexicon, noise_ranges, sentence_spans,
)
from extract.components.events import EVENT_INDEX


@lru_cache(maxsize=None)
def sector_patterns(lang: str) -> tuple[re.Pattern, tuple[str, ...]]:
    """One alternation of every surface form (longest first) and the English label of each group."""
    langs = [lang] if lang in ("en", "zh") else [lang, "en"]
    pairs = [(form, label) for code in langs for label, forms in load_lexicon("sectors", code)["labels"].items()
             for form in forms]
    pairs.sort(key=lambda p: -len(p[0]))
    alternation = "|".join(f"({form})" for form, _ in pairs)
    pattern = alternation if lang == "zh" else rf"(?<![\w-])(?:{alternation})(?![\w-])"
    return re.compile(pattern, 0 if lang == "zh" else re.I), tuple(label for _, label in pairs)


@registry.misc("sinoeu.sector_labels.v1")
def make_sector_labels() -> Callable[[str], tuple[re.Pattern, tuple[str, ...]]]:
    """The sector surface forms of a language and their English labels (swap it in the config)."""
    return sector_patterns


@Language.factory("sinoeu_sectors", default_config={"labels": {"@misc": "sinoeu.sector_labels.v1"}, "cued_only": True})
def make_sectors(nlp: Language, name: str, labels: Callable, cued_only: bool) -> "SectorFinder":
    """Factory: config keys equal these keyword arguments."""
    return SectorFinder(nlp.lang, cued_only=cued_only, labels=labels)


class SectorFinder:
    """Stores sector mentions (start, end, label, cued) and the document's sector list."""

    def __init__(self, lang: str, *, cued_only: bool, labels: Callable = None):
        ensure_event_extensions()
        self.lang = lang
        self.cued_only = cued_only
        self.labels = labels or sector_patterns

    def __call__(self, doc: Doc) -> Doc:
        found = doc_sector_mentions(doc, self.lang, self.labels)
        labels: list[str] = []
        for _s, _e, label, cued in found:
            if (cued or not self.cued_only) and label not in labels:
                labels.append(label)
        for project in doc._.get(PROJECTS) or []:  # the projects component may have run first
            labels += [label for label in project.sectors if label not in labels]
        doc._.set(SECTORS, labels)
        return doc


def doc_sector_mentions(doc: Doc, lang: str, labels: Callable | None = None) -> list[tuple[int, int, str, bool]]:
    """``Doc._.sector_mentions``: (start, end, label, in a sentence with a sector cue).

    Without ``labels`` (the projects component) the stored mentions are reused, else the default
    table is applied; with ``labels`` (the sectors component's configured table) they are recomputed.
    """
    if labels is None and doc._.get(SECTOR_MENTIONS) is not None:
        return doc._.get(SECTOR_MENTIONS)
    text, noise = doc_text(doc), noise_ranges(doc)
    index = doc._.get(EVENT_INDEX) if Doc.has_extension(EVENT_INDEX) else None
    sentences = index.sentences if index else sentence_spans(text)
    cue = re.compile(load_lexicon("sectors", lang)["cues"], re.I)
    found: list[tuple[int, int, str, bool]] = []
    pattern, label_of = (labels or sector_patterns)(lang)
    for start, end in sentences:
        cued = bool(cue.search(text, start, end))
        for m in pattern.finditer(text, start, end):
            if not in_ranges(m.start(), m.end(), noise):
                found.append((m.start(), m.end(), label_of[m.lastindex - 1], cued))
    found.sort()
    doc._.set(SECTOR_MENTIONS, found)
    return found
