"""``sinoeu_acronyms``: "Long Name (ACR)" definitions, and the Latin-script name phrases they rest on.

A *name phrase* is a run of capitalised words joined only by spaces and by
the language's connector words ("of", "für", "na Rzecz", "de la" ...), as
names of organizations are written in European languages. The acronym
component picks, inside the phrase just before "(ACR)", the stretch whose
letters the acronym abbreviates (so "International Business Hub of
Sino-Nordic Promotion Association ... (SNPA)" defines SNPA as the
association, not the hub). ``sinoeu_orgs`` reuses the same phrases.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import ATTRS, AcronymDefinition, doc_text, ensure_extensions, load_resource
from extract.components.noise import overlaps_noise

LETTER = "A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ"
# a trailing hyphen is kept before "und"/"and": "Industrie- und Handelskammer" is one name (hyphen ellipsis)
WORD_RE = re.compile(rf"[{LETTER}](?:[{LETTER}0-9&]|['’](?=[{LETTER}])|[-.](?=[{LETTER}0-9]))*(?:['’](?=\s)|-(?=[^\S\n]+(?:und|oder|and|or|et|e|y|i|oraz)[^\S\n]))?")
ACRONYM_RE = re.compile(r"[(（]\s*([A-Z][A-Za-z0-9&.\-]{0,14}[A-Z0-9])\s*[)）]")
HAN_RE = re.compile(r"[\u3400-\u9fff]")
MAX_PHRASE_WORDS = 24
POSSESSIVE_RE = re.compile(r"['’]s$")
ELIDED_RE = re.compile(r"[a-zà-ÿ]{1,4}['’](?=\w)")
ELIDED_CAPITAL_RE = re.compile(r"[a-zà-ÿ]{1,4}['’][A-ZÀ-ÖØ-Þ]")
LINK_GAP_RE = re.compile(r"[^\S\n]+|[^\S\n]*&[^\S\n]*")


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str

    @property
    def capitalised(self) -> bool:
        """Starts upper-case, also after an elided article ("dell'Ambiente", "l'Économie")."""
        return self.text[0].isupper() or bool(ELIDED_CAPITAL_RE.match(self.text))

    @property
    def initial(self) -> str:
        """First letter after any elided article ("d'investissement" -> "i")."""
        m = ELIDED_RE.match(self.text)
        return (self.text[m.end():] if m else self.text)[:1].lower()


def is_acronym(token: str) -> bool:
    """All-caps short form such as "CGSDA", "MIIT-CIETC" or "E2A".

    >>> [is_acronym(t) for t in ("CECCO", "MIIT-CIETC", "E2A", "Omakotilitto", "EU", "HuaDong")]
    [True, True, True, False, True, False]
    """
    letters = [c for c in token if c.isalpha()]
    uppers = sum(c.isupper() for c in letters)
    return len(letters) >= 2 and uppers >= 2 and uppers >= len(letters) - 1 and len(token) <= 15 and token[0].isupper()


def latin_words(text: str) -> list[Word]:
    """Latin-script words with their character offsets (Han characters are not words here)."""
    return [Word(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


_WORD_SETS: dict[tuple[int, str], frozenset[str]] = {}


def _with_english(res: dict, key: str) -> frozenset[str]:
    """``res[key]`` plus the English list, memoised (resource dicts live as long as the process)."""
    memo_key = (id(res), key)
    if memo_key not in _WORD_SETS:
        _WORD_SETS[memo_key] = frozenset(res.get(key, [])) | frozenset(load_resource("en", "orgs").get(key, []))
    return _WORD_SETS[memo_key]


def connector_set(res: dict) -> frozenset[str]:
    """Connector words of the language plus English ones (English names occur in every language)."""
    return _with_english(res, "connectors")


def head_set(res: dict) -> frozenset[str]:
    """Organization head nouns of the language plus English ones."""
    return _with_english(res, "heads")


def name_phrases(text: str, res: dict, words: list[Word] | None = None) -> list[list[Word]]:
    """Maximal runs of capitalised words joined by spaces and connector words.

    >>> res = {"connectors": ["of", "and"], "heads": ["Ministry"]}
    >>> [" ".join(w.text for w in p) for p in name_phrases("the Ministry of Ecology and Environment said.", res)]
    ['Ministry of Ecology and Environment']
    """
    words = latin_words(text) if words is None else words
    connectors = connector_set(res)
    heads = head_set(res)
    head_connectors = set(res.get("head_connectors", [])) | {"in"}
    lower_heads = set(res.get("lower_heads", []))
    located = _with_english(res, "located_heads")  # "Embassy of France in China", "Consulado ... de China en Barcelona"
    phrases: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if current and not LINK_GAP_RE.fullmatch(text[current[-1].end:word.start]):
            phrases.append(current)
            current = []
        if POSSESSIVE_RE.search(word.text):  # "China's Ministry of Commerce": the owner is not part of the name
            if current:
                phrases.append(current)
            current = []
            continue
        if len(current) >= MAX_PHRASE_WORDS:  # no name is this long; keeps every later step linear
            phrases.append(current)
            current = []
        if word.capitalised or word.text in lower_heads:
            current.append(word)
        elif current and (word.text in connectors or (word.text in head_connectors and current[-1].text in heads)
                          or (word.text in head_connectors and any(ELIDED_RE.sub("", w.text, count=1) in located for w in current))):
            current.append(word)
        else:
            if current:
                phrases.append(current)
            current = []
    if current:
        phrases.append(current)
    articles = set(res.get("articles", [])) | {"The", "the"}
    out = []
    for phrase in phrases:
        while phrase and (phrase[0].text in articles or (phrase[0].text in connectors and not phrase[0].capitalised)):
            phrase = phrase[1:]
        while phrase and not phrase[-1].capitalised:
            phrase = phrase[:-1]
        if phrase:
            out.append(phrase)
    return out


def initials_match(words: list[Word], acronym: str) -> bool:
    """True when ``acronym`` abbreviates ``words``: same first letter, other letters in order.

    >>> ws = latin_words("Sino-Nordic Promotion Association for Green Sustainable Development")
    >>> initials_match(ws, "SNPA"), initials_match(ws[1:], "SNPA")
    (True, False)
    """
    letters = [c.lower() for c in acronym if c.isalpha()]
    if not words or not letters or words[0].text[0].lower() != letters[0]:
        return False
    pool = "".join(w.text.lower() for w in words)[1:]
    pos = 0
    for letter in letters[1:]:
        pos = pool.find(letter, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def long_form(phrase: list[Word], acronym: str, res: dict) -> list[Word]:
    """The stretch of ``phrase`` that ``acronym`` abbreviates: the longest tail starting after a connector.

    Falls back to the whole phrase (a foreign-language acronym such as CECCO for a Polish name).
    """
    connectors = connector_set(res)
    articles = set(res.get("articles", [])) | {"the"}
    starts = [0] + [i + 1 for i, w in enumerate(phrase[:-1]) if w.text in connectors and not w.capitalised]
    letters = [c.lower() for c in acronym if c.isalpha()]
    for start in starts:  # exact initials first ("... und des Qingdao Energy Research Institute (QERI)")
        tail = phrase[start:]
        while tail and (tail[0].text in articles or tail[0].text in connectors):
            tail = tail[1:]
        content = [w for w in tail if w.text not in connectors]
        if tail and letters in ([w.initial for w in content], [p[:1].lower() for w in content for p in w.text.split("-") if p]):
            return tail  # "Camera di Commercio Italo-Cinese (CCIC)": hyphenated parts may count
    for start in starts:
        tail = phrase[start:]
        while tail and (tail[0].text in articles or tail[0].text in connectors):
            tail = tail[1:]
        if tail and initials_match(tail, acronym):
            return tail
    parts = [p for p in acronym.split("-") if p]
    if len(parts) > 1:
        for part in parts:
            sub = long_form(phrase, part, res)
            if sub is not phrase:
                return sub
    heads = head_set(res)
    for start in starts:
        tail = phrase[start:]
        while tail and (tail[0].text in articles or tail[0].text in connectors):
            tail = tail[1:]
        if tail and tail[0].text in heads:
            return tail if start else phrase
    return phrase


def strict_long_form(text: str, words: list[Word], end: int, acronym: str, res: dict) -> list[Word] | None:
    """Words ending at ``end``, lower-case ones included, whose initials spell ``acronym`` exactly.

    For names written with lower-case adjectives ("Agence française de
    développement (AFD)", "Banque européenne d'investissement (BEI)");
    connector words are skipped, the first word must be capitalised.
    """
    letters = [c.lower() for c in acronym if c.isalpha()]
    connectors = connector_set(res)
    tail: list[Word] = []
    stop = bisect_right(words, end, key=lambda w: w.end)
    for word in reversed(words[max(0, stop - 12):stop]):
        if tail and not LINK_GAP_RE.fullmatch(text[word.end:tail[0].start]):
            break
        if not tail and text[word.end:end].strip():
            break
        tail.insert(0, word)
        content = [w for w in tail if w.text not in connectors]
        if len(content) > len(letters):
            break
        if len(content) == len(letters) and tail[0].capitalised and [w.initial for w in content] == letters:
            return tail
    return None


def translated_long_form(text: str, words: list[Word], end: int, res: dict, max_words: int = 8) -> list[Word] | None:
    """Words from the nearest capitalised head noun to ``end``, for an acronym of another language's name.

    "la Plateforme sino-française d'innovation urbaine (SFUIP)": the acronym
    abbreviates the English name, so no initials match; the name is the
    clause from its head noun, joined by spaces only (no comma crossed).
    """
    heads = head_set(res)
    tail: list[Word] = []
    stop = bisect_right(words, end, key=lambda w: w.end)
    for word in reversed(words[max(0, stop - max_words):stop]):
        if tail and not LINK_GAP_RE.fullmatch(text[word.end:tail[0].start]):
            return None
        if not tail and text[word.end:end].strip():
            return None
        tail.insert(0, word)
        if word.capitalised and ELIDED_RE.sub("", word.text, count=1) in heads:  # "l'Agence franco-chinoise ..."
            return tail if len(tail) >= 2 else None
    return None


def find_acronym_definitions(text: str, lang: str, noise: list[tuple[int, int, str]]) -> list[AcronymDefinition]:
    """All "Long Name (ACR)" pairs outside noise, for Latin long forms.

    Hyphenated acronyms whose parts abbreviate two comma-joined names
    ("Center for ..., Ministry of ... (MIIT-CIETC)") get both names as the long form.
    """
    res = load_resource(lang, "orgs") or load_resource("en", "orgs")
    all_words = latin_words(text)
    phrases = name_phrases(text, res, all_words)
    by_end = {p[-1].end: i for i, p in enumerate(phrases)}
    out = []
    for m in ACRONYM_RE.finditer(text):
        acronym = m.group(1)
        if not is_acronym(acronym) or overlaps_noise(noise, m.start(), m.end()):
            continue
        before = m.start()
        while before > 0 and text[before - 1] in " \t\xa0":
            before -= 1
        index = by_end.get(before)
        words = long_form(phrases[index], acronym, res) if index is not None else None
        if words is None or not initials_match(words, acronym):
            extended = strict_long_form(text, all_words, before, acronym, res)
            if extended is not None:
                out.append(AcronymDefinition(acronym, extended[0].start, extended[-1].end, m.start(1), m.end(1)))
                continue
        headless = index is not None and not initials_match(words, acronym) \
            and not any(ELIDED_RE.sub("", w.text, count=1) in head_set(res) for w in words)  # "l'Université ... du Nord-Ouest (NPU)"
        if index is None or headless:
            translated = translated_long_form(text, all_words, before, res)
            if translated is not None:
                out.append(AcronymDefinition(acronym, translated[0].start, translated[-1].end, m.start(1), m.end(1)))
                continue
            if index is None:
                continue
        phrase = phrases[index]
        start = words[0].start
        parts = acronym.split("-")
        if len(parts) == 2 and index > 0 and initials_match(words, parts[0]):
            previous = phrases[index - 1]
            if text[previous[-1].end:phrase[0].start] == ", " and initials_match(previous, parts[1]):
                start = previous[0].start
        out.append(AcronymDefinition(acronym, start, words[-1].end, m.start(1), m.end(1)))
    return out


class AcronymFinder:
    """Pipeline component: fills ``Doc._.acronyms``."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, doc: Doc) -> Doc:
        noise = doc._.get(ATTRS.noise) or []
        doc._.set(ATTRS.acronyms, find_acronym_definitions(doc_text(doc), self.lang, noise))
        return doc


@Language.factory("sinoeu_acronyms", default_config={})
def make_acronyms(nlp: Language, name: str) -> AcronymFinder:
    """Factory of :class:`AcronymFinder`; resources follow ``nlp.lang``."""
    ensure_extensions()
    return AcronymFinder(nlp.lang)
