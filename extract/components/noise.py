"""``sinoeu_noise``: normalise the noise spans the cleaner found, so later components can skip them.

``extract/api.py`` (or :func:`extract.pipeline.make_doc`) stores the cleaner's
noise passages in ``Doc._.noise`` before the pipeline runs; this component
sorts and merges them into ``(start_char, end_char, reason)`` tuples, and
:func:`overlaps_noise` is the one test every extracting component uses.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import ATTRS, ensure_extensions


def normalise_noise(items) -> list[tuple[int, int, str]]:
    """Sorted, merged ``(start, end, reason)`` tuples from tuples or ``NoiseSpan`` objects.

    >>> normalise_noise([(5, 9, "b"), (0, 6, "a"), (20, 20, "empty")])
    [(0, 9, 'a; b')]
    """
    spans = []
    for item in items or []:
        if isinstance(item, (tuple, list)):
            start, end, reason = item[0], item[1], (item[2] if len(item) > 2 else "")
        else:
            start, end, reason = item.start, item.end, getattr(item, "reason", "")
        if end > start:
            spans.append((int(start), int(end), str(reason)))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in spans:
        if merged and start <= merged[-1][1]:
            prev = merged[-1]
            reasons = prev[2] if reason in prev[2].split("; ") else f"{prev[2]}; {reason}"
            merged[-1] = (prev[0], max(prev[1], end), reasons)
        else:
            merged.append((start, end, reason))
    return merged


def overlaps_noise(noise: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """True when ``[start, end)`` touches a noise passage (``noise`` as :func:`normalise_noise` returns it).

    >>> overlaps_noise([(10, 20, "ad")], 15, 30), overlaps_noise([(10, 20, "ad")], 20, 30)
    (True, False)
    """
    i = bisect_right(noise, (start, float("inf"), "")) - 1
    if i >= 0 and noise[i][1] > start:
        return True
    return i + 1 < len(noise) and noise[i + 1][0] < end


class NoiseMarker:
    """Pipeline component: normalises ``Doc._.noise`` in place."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.set(ATTRS.noise, normalise_noise(doc._.get(ATTRS.noise)))
        return doc


@Language.factory("sinoeu_noise", default_config={})
def make_noise(nlp: Language, name: str) -> NoiseMarker:
    """Factory of :class:`NoiseMarker` (no options)."""
    ensure_extensions()
    return NoiseMarker()
