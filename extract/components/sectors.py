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

from spacy.language import Language
from spacy.tokens import Doc

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


@Language.factory("sinoeu_sectors", default_config={"cued_only": True})
def make_sectors(nlp: Language, name: str, cued_only: bool) -> "SectorFinder":
    """Factory: config keys equal these keyword arguments."""
    return SectorFinder(nlp.lang, cued_only=cued_only)


class SectorFinder:
    """Stores sector mentions (start, end, label, cued) and the document's sector list."""

    def __init__(self, lang: str, *, cued_only: bool):
        ensure_event_extensions()
        self.lang = lang
        self.cued_only = cued_only

    def __call__(self, doc: Doc) -> Doc:
        found = doc_sector_mentions(doc, self.lang)
        labels: list[str] = []
        for _s, _e, label, cued in found:
            if (cued or not self.cued_only) and label not in labels:
                labels.append(label)
        for project in doc._.get(PROJECTS) or []:  # the projects component may have run first
            labels += [label for label in project.sectors if label not in labels]
        doc._.set(SECTORS, labels)
        return doc


def doc_sector_mentions(doc: Doc, lang: str) -> list[tuple[int, int, str, bool]]:
    """``Doc._.sector_mentions``, computed once: (start, end, label, in a sentence with a sector cue)."""
    if doc._.get(SECTOR_MENTIONS) is not None:
        return doc._.get(SECTOR_MENTIONS)
    text, noise = doc_text(doc), noise_ranges(doc)
    index = doc._.get(EVENT_INDEX) if Doc.has_extension(EVENT_INDEX) else None
    sentences = index.sentences if index else sentence_spans(text)
    cue = re.compile(load_lexicon("sectors", lang)["cues"], re.I)
    found: list[tuple[int, int, str, bool]] = []
    pattern, labels = sector_patterns(lang)
    for start, end in sentences:
        cued = bool(cue.search(text, start, end))
        for m in pattern.finditer(text, start, end):
            if not in_ranges(m.start(), m.end(), noise):
                found.append((m.start(), m.end(), labels[m.lastindex - 1], cued))
    found.sort()
    doc._.set(SECTOR_MENTIONS, found)
    return found
