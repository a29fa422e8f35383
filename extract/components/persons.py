"""``sinoeu_persons``: persons with their posts and organizations.

Latin script: an honorific and capitalised name words ("Ms. Zheng Hong"),
or a two-to-four-word name followed by ", <post title> of <organization>";
the post and organization come from ", Director General of MIIT-CIETC".
Han script: a post title (副区长, 首席运营官 ...) followed by a name - two or
three Han characters ended by an honorific, verb, particle or punctuation,
a transliterated name with "·", or Latin name words; the organization is
the organization mention just before the post, and posts chained with "、"
("联盟秘书长、集团负责人刘利嘉先生") each give the person another entry.
One :class:`PersonEntity` per (person, post, organization).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import ATTRS, PersonEntity, doc_text, ensure_extensions, load_resource
from extract.components.acronyms import HAN_RE
from extract.components.noise import normalise_noise, overlaps_noise

HAN = "\u3400-\u9fff"
CAP_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ſ][A-Za-zÀ-ÖØ-öø-ɏ'’-]+"
NAME_WORDS = rf"{CAP_WORD}(?:[ \u00a0](?:(?:van|von|de|da|di|del|der|den|zu)[ \u00a0])?{CAP_WORD}){{0,3}}"


def _org_index(doc: Doc) -> dict[int, str | None]:
    """Start offset of each org mention -> its organization's name."""
    names = {o.key: o.name for o in doc._.get(ATTRS.orgs) or []}
    return {span.start_char: names.get(span._.get(ATTRS.org_key)) for span in doc.spans.get(ATTRS.org_mentions, [])}


def _org_at(index: dict[int, str | None], start: int, max_gap: int = 0) -> str | None:
    """The organization whose mention starts at ``start`` (allowing a few characters of gap)."""
    return next((index[i] for i in range(start, start + max_gap + 1) if i in index), None)


@lru_cache(maxsize=None)
def _latin_patterns(lang: str) -> tuple[list[re.Pattern], frozenset[str]]:
    res = load_resource(lang, "persons") or load_resource("en", "persons")
    english = load_resource("en", "persons")
    honorifics = sorted(set(res.get("honorifics", [])) | set(english.get("honorifics", [])), key=len, reverse=True)
    posts = sorted(set(res.get("posts", [])) | set(english.get("posts", [])), key=len, reverse=True)
    links = sorted(set(res.get("post_links", [])) | set(english.get("post_links", [])), key=len, reverse=True)
    hon = "|".join(re.escape(h) for h in honorifics)
    post = "|".join(re.escape(p) for p in posts)
    link = "|".join(re.escape(lk) for lk in links)
    elided = "dell['’]|dall['’]|all['’]|d['’]|de l['’]"  # links glued to the next word ("presidente dell'Autorità")
    apposition = (rf"(?:,[ \u00a0]*(?P<post>(?i:{post})(?:[ \u00a0](?:and|und|i|et|e|y)[ \u00a0](?i:{post}))?)"
                  rf"(?:[ \u00a0]+(?:{link})[ \u00a0]+|[ \u00a0]+(?:{elided})|[ \u00a0]+(?=[A-ZÀ-ÖØ-ÞĀ-ſ])))")
    patterns = [
        re.compile(rf"(?<![\w.])(?:{hon})\.?[ \u00a0]+(?P<name>{NAME_WORDS}){apposition}?"),
        re.compile(rf"(?<![\w.])(?P<name>{CAP_WORD}(?:[ \u00a0]{CAP_WORD}){{1,3}}){apposition}"),
        re.compile(rf"(?<![\w.])(?P<post>{post})[ \u00a0]+(?P<name>{CAP_WORD}(?:[ \u00a0]{CAP_WORD}){{1,2}})(?=[,;.]|[ \u00a0]+[a-zß-ÿ])"),
    ]
    return patterns, frozenset(honorifics)


def latin_persons(doc: Doc, text: str, lang: str, noise) -> list[tuple[str, str | None, str | None, int, int]]:
    """``(name, post, organization, start, end)`` from honorific and apposition patterns."""
    patterns, honorifics = _latin_patterns(lang)
    org_blocks = normalise_noise([(s.start_char, s.end_char, "org") for s in doc.spans.get(ATTRS.org_mentions, [])])
    index = _org_index(doc)
    found, seen = [], set()
    for pattern in patterns:
        for m in pattern.finditer(text):
            start, end = m.span("name")
            if m.start("name") > m.start() and m.groupdict().get("post") and m.group("post")[0].islower() \
                    and m.start("post") < start:
                continue  # "prezes Portu Gdynia": a lower-case post before a name is a genitive, not a title
            if any(i in seen for i in range(start, end)) or overlaps_noise(noise, start, end):
                continue
            if m.group("name").split()[0] in honorifics:
                continue
            if overlaps_noise(org_blocks, start, end):
                continue
            organization = None
            if m.groupdict().get("post") and m.end() > m.end("name"):
                organization = _org_at(index, m.end(), max_gap=4)
            name = m.group("name").replace("\u00a0", " ")
            capitalised = [w for w in name.split(" ") if w[:1].isupper()]
            if len(capitalised) >= 3 and pattern is patterns[1] and _sentence_initial(text, start) \
                    and is_common_word(name.split(" ")[0], lang):
                start += len(name.split(" ")[0]) + 1  # "Intervino Carmen López": a verb opened the sentence
                name = text[start:end]
            seen.update(range(start, end))
            post = m.groupdict().get("post")
            if post and organization is None and m.end() > m.end("name"):
                place_gov = _place_government(doc, text, m.end())
                if place_gov is not None:  # "Deputy Mayor of Wuhan" speaks for Wuhan Municipal Government
                    organization, place = place_gov
                    post = text[m.start("post"):m.end()] + place
            found.append((name, post, organization, start, end))
    return found


def _place_government(doc: Doc, text: str, pos: int) -> tuple[str, str] | None:
    """(government, place) when a place name stands at ``pos`` and a government of the text carries it."""
    word = re.match(rf"{CAP_WORD}", text[pos:])
    if word is None or not any(span.start_char == pos for span in doc.spans.get(ATTRS.places, [])):
        return None
    place = word.group()
    governments = [o.name for o in doc._.get(ATTRS.orgs) or [] if o.kind == "government" and place in o.name.split()]
    return (governments[0], place) if len(governments) == 1 else None


@lru_cache(maxsize=None)
def _post_after_comma(lang: str) -> re.Pattern:
    res = load_resource(lang, "persons") or load_resource("en", "persons")
    posts = set(res.get("posts", [])) | set(load_resource("en", "persons").get("posts", []))
    alternation = "|".join(re.escape(p) for p in sorted(posts, key=len, reverse=True))
    return re.compile(rf",[ \u00a0]*(?i:{alternation})(?![\w])")


def post_follows(text: str, end: int, lang: str) -> bool:
    """", Director of ..." right after ``end``: the words before are a person's name."""
    return _post_after_comma(lang).match(text, end) is not None


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:\n"


def is_common_word(word: str, lang: str) -> bool:
    """A frequent word of the language in lower case (a capitalised verb or adverb, not a given name)."""
    from wordfreq import zipf_frequency  # noqa: PLC0415 (only needed for three-word names)

    return zipf_frequency(word.lower(), lang if lang in ("en", "de", "pl", "it", "fr", "es") else "en") >= 3.5


def _han_name_at(text: str, pos: int, stops: list[str]) -> tuple[int, int] | None:
    """A person's name starting at ``pos``: transliterated (恩斯特·沃勒尔), Latin words, or 2-3 Han characters."""
    m = re.match(rf"[{HAN}]{{1,6}}·", text[pos:])
    if m:
        after = pos + m.end()
        for length in range(2, 7):
            rest = text[after + length:]
            if re.fullmatch(f"[{HAN}]+", text[after:after + length]) and (not rest or any(rest.startswith(s) for s in stops)):
                return pos, after + length
    m = re.match(rf"{CAP_WORD}(?: {CAP_WORD}){{0,3}}", text[pos:])
    if m:
        return pos, pos + m.end()
    for length in (3, 2, 4):
        name = text[pos:pos + length]
        if len(name) == length and re.fullmatch(f"[{HAN}]+", name):
            rest = text[pos + length:]
            if not rest or any(rest.startswith(s) for s in stops):
                return pos, pos + length
    return None


def han_persons(doc: Doc, text: str, noise) -> list[tuple[str, str | None, str | None, int, int]]:
    """``(name, post, organization, start, end)`` from "<org><post><name>" chains."""
    res = load_resource("zh", "persons")
    stops = res.get("name_stops", [])
    posts = sorted(res.get("posts", []), key=len, reverse=True)
    post_re = re.compile("|".join(re.escape(p) for p in posts))
    names = {o.key: o.name for o in doc._.get(ATTRS.orgs) or []}
    org_spans = sorted((s.start_char, s.end_char, names.get(s._.get(ATTRS.org_key)))
                       for s in doc.spans.get(ATTRS.org_mentions, []))
    org_starts = [o[0] for o in org_spans]
    org_blocks = normalise_noise([(s, e, "org") for s, e, _ in org_spans])
    found = []
    named = []
    for m in post_re.finditer(text):
        located = _han_name_at(text, m.end(), stops)
        if located is None or overlaps_noise(noise, m.start(), located[1]):
            continue
        start, end = located
        if overlaps_noise(org_blocks, start, end) or post_re.match(text, start):
            continue
        named.append((m, start, end))
    name_ends = [end for _, _, end in named]
    for m, start, end in named:
        name = text[start:end]
        item_end = m.end()
        while True:
            item_start = max(text.rfind(c, 0, item_end) for c in "，。、；：,;:\n") + 1
            item_start = max([item_start] + [e for e in name_ends if e <= m.start() and e > item_start])
            first = bisect_left(org_starts, item_start)
            org = [o for o in org_spans[first:bisect_left(org_starts, item_end)] if o[1] <= item_end - 1]
            post_start = org[-1][1] if org else _post_start(text, item_start, item_end, post_re)
            found.append((name, text[post_start:item_end], org[-1][2] if org else None, start, end))
            if item_start < 1 or text[item_start - 1] != "、":
                break
            previous = text[:item_start - 1]
            if not post_re.search(previous[-8:]) or not any(previous.endswith(p) for p in posts):
                break
            item_end = item_start - 1
    return found


def _post_start(text: str, item_start: int, item_end: int, post_re) -> int:
    last = None
    for m in post_re.finditer(text, item_start, item_end):
        last = m
    return last.start() if last else item_start


class PersonFinder:
    """Pipeline component: fills ``Doc._.persons`` and ``Doc.spans["person_mentions"]``."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        noise = doc._.get(ATTRS.noise) or []
        text = doc_text(doc)
        found = latin_persons(doc, text, self.lang, noise)
        if HAN_RE.search(text):
            found += han_persons(doc, text, noise)
        persons: dict[tuple, PersonEntity] = {}
        for name, post, organization, start, end in found:
            key = (name, post, organization)
            if key not in persons:
                confidence = 0.8 if post else 0.6
                persons[key] = PersonEntity(name, post, organization, [], confidence)
            persons[key].mentions.append((start, end))
        _drop_bare_duplicates(persons)
        entities = list(persons.values())
        spans = []
        for entity in entities:
            for m in re.finditer(re.escape(entity.name), text):
                if not overlaps_noise(noise, m.start(), m.end()) and (m.start(), m.end()) not in entity.mentions:
                    entity.mentions.append((m.start(), m.end()))
            entity.mentions.sort()
        for start, end in sorted({m for e in entities for m in e.mentions}):
            span = doc.char_span(start, end, label=ATTRS.person_label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc._.set(ATTRS.persons, entities)
        doc.spans[ATTRS.person_mentions] = spans
        return doc


def _drop_bare_duplicates(persons: dict) -> None:
    """A name seen without post is dropped when the same name also has a post."""
    with_post = {name for name, post, _ in persons if post}
    for key in [k for k in persons if not k[1] and k[0] in with_post]:
        entity = persons.pop(key)
        target = next(v for k, v in persons.items() if k[0] == key[0])
        target.mentions.extend(entity.mentions)


@Language.factory("sinoeu_persons", default_config={})
def make_persons(nlp: Language, name: str) -> PersonFinder:
    """Factory of :class:`PersonFinder`; resources follow ``nlp.lang``."""
    ensure_extensions()
    return PersonFinder(nlp.lang)
