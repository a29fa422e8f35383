"""``sinoeu_places``: place names from per-language gazetteers and place patterns.

Countries, regions and cities come from ``resources/<lang>/places.json``
(plus English names, which occur in every language); patterns add
"Taicang City", "Provinz Jiangsu", "w prowincji Jiangsu", "城市+市/省/州".
Each span carries ``Span._.place_name``: the nominative form (Polish
"Pekinie" -> "Pekin", "w prowincji Jiangsu" -> "prowincja Jiangsu").
Places inside organization mentions are left to the organization.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import ATTRS, doc_text, ensure_extensions, load_resource, load_shared_resource
from extract.components.noise import normalise_noise, overlaps_noise

HAN = "\u3400-\u9fff"
CAP_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’-]+"


@lru_cache(maxsize=None)
def _gazetteer(lang: str) -> tuple[re.Pattern, dict[str, str], list[tuple[re.Pattern, str]]]:
    res = load_resource(lang, "places") or load_resource("en", "places")
    names = set(res.get("countries", {})) | set(res.get("regions", [])) | set(res.get("cities", []))
    names |= set(res.get("chinese_places", [])) | set(res.get("nominative", {}))
    european = load_shared_resource("city_countries")  # European cities in several spellings, for every language
    names |= set(european["places"]) | set(european["han_places"])
    han = [n for n in names if re.search(f"[{HAN}]", n)]
    latin = [n for n in names if n not in han]
    parts = []
    if latin:
        parts.append(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(latin, key=len, reverse=True)) + r")(?![\w-])")
    if han:
        parts.append("(?:" + "|".join(re.escape(n) for n in sorted(han, key=len, reverse=True)) + ")(?:市|省|州)?")
    pattern = re.compile("|".join(parts))
    patterns = []
    for template, output in res.get("patterns", []):
        regex = re.escape(template).replace(re.escape("{X}"), f"(?P<x>{CAP_WORD})")
        patterns.append((re.compile(rf"(?<![\w-]){regex}(?![\w-])"), output))
    return pattern, res.get("nominative", {}), patterns


def find_places(text: str, lang: str, noise, blocked: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, nominative name)`` of places outside noise and outside ``blocked`` spans."""
    pattern, nominative, patterns = _gazetteer(lang)
    found: list[tuple[int, int, str]] = []
    for regex, output in patterns:
        for m in regex.finditer(text):
            start, end = m.span("x") if output == "{X}" else m.span()
            found.append((start, end, output.replace("{X}", m.group("x"))))
    for m in pattern.finditer(text):
        found.append((m.start(), m.end(), nominative.get(m.group(), m.group())))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out: list[tuple[int, int, str]] = []
    blocks = normalise_noise([(s, e, "org") for s, e in blocked])
    for start, end, name in found:
        if overlaps_noise(noise, start, end) or overlaps_noise(blocks, start, end):
            continue
        if out and start < out[-1][1]:
            continue
        out.append((start, end, name))
    return out


class PlaceFinder:
    """Pipeline component: fills ``Doc.spans["places"]`` (label PLACE, ``Span._.place_name``)."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        noise = doc._.get(ATTRS.noise) or []
        blocked = [(s.start_char, s.end_char) for s in doc.spans.get(ATTRS.org_mentions, [])]
        spans = []
        for start, end, name in find_places(doc_text(doc), self.lang, noise, blocked):
            span = doc.char_span(start, end, label=ATTRS.place_label, alignment_mode="expand")
            if span is not None:
                span._.set(ATTRS.place_name, name)
                spans.append(span)
        doc.spans[ATTRS.places] = spans
        return doc


@Language.factory("sinoeu_places", default_config={})
def make_places(nlp: Language, name: str) -> PlaceFinder:
    """Factory of :class:`PlaceFinder`; gazetteers follow ``nlp.lang``."""
    ensure_extensions()
    return PlaceFinder(nlp.lang)
