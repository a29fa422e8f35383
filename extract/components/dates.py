"""Date mentions on the Doc: the ``sinoeu_dates`` component.

A thin adapter: the date grammar (month names per language, "7月14日",
"8. August", year from the document date, never an invented year) is E1's
``extract.dates.find_dates``; this component runs it once per Doc, drops the
dates inside noise (a link list's "2022-07-14" must not date an event) and
stores ``(start, end, iso)`` triples in ``Doc._.date_mentions`` for the event
component. ``iso`` is None for a date whose year is unknown.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import doc_text
from extract.components.event_attrs import DATES, ensure_event_extensions, in_ranges, noise_ranges
from extract.dates import find_dates


@Language.factory("sinoeu_dates", default_config={"skip_noise": True})
def make_dates(nlp: Language, name: str, skip_noise: bool) -> "DateFinder":
    """Factory: config keys equal these keyword arguments."""
    return DateFinder(nlp.lang, skip_noise=skip_noise)


class DateFinder:
    """Stores the document's date mentions as (start, end, iso) triples."""

    def __init__(self, lang: str, *, skip_noise: bool):
        ensure_event_extensions()
        self.lang = lang
        self.skip_noise = skip_noise

    def __call__(self, doc: Doc) -> Doc:
        doc_date = doc._.get("doc_date") if Doc.has_extension("doc_date") else None
        noise = noise_ranges(doc) if self.skip_noise else []
        found = [
            (m.start, m.end, m.iso)
            for m in find_dates(doc_text(doc), self.lang, doc_date)
            if not in_ranges(m.start, m.end, noise)
        ]
        doc._.set(DATES, found)
        return doc
