"""Clean a raw document: repair run-together words, and mark (not delete) noise.

Two jobs, both conservative:

* **Repair.** Line-joining in scraped press releases glues words together
  ("desPilotprojekts", "Centerfor", "wurdegemeinsam"). A glued token is split
  only when it is not a word itself and both parts are words by ``wordfreq``
  (document language and English), under rules strict enough to leave names
  alone: acronyms and pinyin pairs ("HuaDong") never split; a capitalised
  unknown word splits only at a function word ("Centerfor", not "Goldwind");
  German-style compounds split only at a function word or after a name the
  text uses alone ("Taicang|ausgerichtet"); a token spelled the same way twice
  is a name. The output differs from the input only by inserted spaces and
  normalised whitespace, so the text stays the document's own text.
* **Noise.** Site chrome, cookie banners, copyright footers, wire credits,
  link lists, ads, editorial labels and duplicated passages are *kept* in the
  text and listed as :class:`NoiseSpan` (see :mod:`extract.boilerplate`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from extract.boilerplate import find_noise
from extract.records import NoiseSpan
from extract.words import FUNCTION_WORD_ZIPF
from extract.words import LATIN_LETTERS as _L
from extract.words import word_zipf as _zipf

COMPOUNDING_LANGUAGES = frozenset({"de", "nl", "sv", "da", "nb", "no", "fi", "is", "hu"})
PART_ZIPF = 3.0  # both parts of a split must be at least this common
MAX_REPAIR_ROUNDS = 5

_WORD_RUN = re.compile(rf"[{_L}]+")
_URLISH = re.compile(r"://|www\.|@|\.(?:com|org|net|eu|de|pl|it|fr|es|cn|uk|html?)\b", re.I)
_TOKEN_RULES = (
    # "unterstützen.Der", "dąży.Nasza": sentence glued to the next (lower, lower, mark, Upper, lower)
    (re.compile(rf"(?<=[{_L}]{{2}})([.,;:!?])(?=[{_L}]{{2}})"),
     lambda m: m.group(1) + " " if _glued_sentence(m.string, m.start()) else m.group(1)),
    (re.compile(rf"(?:(?<=[{_L}]{{2}})|(?<=\)))([,;])(?=[{_L}]{{2}})"), r"\1 "),
    (re.compile(rf"(?<=[{_L}]{{2}})\((?=[^()\s]*[{_L}\d][^()\s]*\))"), " ("),
    (re.compile(rf"\)(?=[{_L}]{{2}})"), ") "),
)
_SUSPECT = re.compile(rf"[{_L}][.,;:!?][{_L}]|[{_L}]\(|\)[{_L}]|[{_L}]\d|\d[{_L}]")
_LETTERS_DIGITS = re.compile(rf"([{_L}]{{3,}})(\d)")
_DIGITS_LETTERS = re.compile(rf"(\d)([{_L}]{{4,}})")
_PINYIN = re.compile(
    r"(?:(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|"
    r"er|in|un|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|ü)){1,2}", re.I)


@dataclass
class CleanText:
    """Repaired text (noise kept in place) and the noise spans found in it."""

    text: str
    noise: list[NoiseSpan] = field(default_factory=list)


def clean_text(text: str, lang: str) -> CleanText:
    """Repair run-together words and normalise whitespace, then mark noise passages."""
    repaired = repair_text(text, lang)
    return CleanText(repaired, find_noise(repaired, lang))


# --- repair ---------------------------------------------------------------------------------

def _best_zipf(word: str, lang: str) -> float:
    return max(_zipf(word, lang), _zipf(word, "en"))


def normalise_whitespace(text: str) -> str:
    r"""One space between words, no trailing spaces, at most one blank line between paragraphs.

    >>> normalise_whitespace(" a\u00a0 b \r\n\n\n\nc\t")
    'a b\n\nc'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def repair_text(text: str, lang: str) -> str:
    """Whitespace-normalised text with glued words split (repeated until nothing changes)."""
    text = normalise_whitespace(text)
    for _ in range(MAX_REPAIR_ROUNDS):
        words = DocumentWords.of(text)
        repairs = {token: fixed for token in set(text.split()) if (fixed := _repair_token(token, words, lang)) != token}
        if not repairs:
            break
        text = normalise_whitespace(re.sub(r"\S+", lambda m: repairs.get(m.group(0), m.group(0)), text))
    return text


@dataclass
class DocumentWords:
    """What the document itself says about its words, counted once per repair round."""

    words: Counter  # word runs, case kept
    folded: Counter  # word runs, casefolded
    pairs: set  # adjacent word pairs "A B"

    @classmethod
    def of(cls, text: str) -> "DocumentWords":
        words = Counter(_WORD_RUN.findall(text))
        folded: Counter = Counter()
        for word, n in words.items():
            folded[word.casefold()] += n
        pairs = {f"{a} {b}" for a, b in re.findall(rf"(?<![{_L}])(?=([{_L}]+) ([{_L}]+))", text)}
        return cls(words, folded, pairs)


_NO_WORDS = DocumentWords(Counter(), Counter(), set())


def _glued_sentence(token: str, at: int) -> bool:
    """Two lower-case letters, the mark at ``at``, then an upper-case and a lower-case letter."""
    return token[at - 2:at].islower() and token[at + 1].isupper() and token[at + 2].islower()


def _repair_token(token: str, document: DocumentWords, lang: str) -> str:
    if not _SUSPECT.search(token) and all(len(run) < 5 or _best_zipf(run, lang) > 0 for run in _WORD_RUN.findall(token)):
        return token  # fast path: no glue between letters, digits and punctuation, only known words
    if _URLISH.search(token):
        return token
    for pattern, replacement in _TOKEN_RULES:
        token = pattern.sub(replacement, token)
    token = _LETTERS_DIGITS.sub(lambda m: m.group(1) + (" " if _zipf(m.group(1), lang) >= 4.5 and not m.group(1).isupper() else "") + m.group(2), token)
    token = _DIGITS_LETTERS.sub(lambda m: m.group(1) + (" " if _best_zipf(m.group(2), lang) >= 2.0 else "") + m.group(2), token)
    return _WORD_RUN.sub(lambda m: split_glued_word(m.group(0), lang, document), token)


def split_glued_word(word: str, lang: str, document: DocumentWords = _NO_WORDS) -> str:
    """``word`` with one space where two glued words meet, or unchanged when unsure.

    >>> split_glued_word("Centerfor", "de"), split_glued_word("desPilotprojekts", "de")
    ('Center for', 'des Pilotprojekts')
    >>> split_glued_word("HuaDong", "en"), split_glued_word("Stadtverwaltung", "de")
    ('HuaDong', 'Stadtverwaltung')
    """
    if len(word) < 5 or any(a.isupper() and b.isupper() for a, b in zip(word, word[1:])) or _best_zipf(word, lang) > 0:
        return word
    if document.folded[word.casefold()] >= 2:
        return word  # spelled the same way twice: a deliberate name ("Goldwind"), not a slip
    camel = [i for i in range(1, len(word)) if word[i - 1].islower() and word[i].isupper()]
    if len(camel) == 1:
        return _split_camel(word, camel[0], lang, document)
    if camel or not word[1:].islower():
        return word
    return _split_lower(word, lang, document)


def _split_camel(word: str, i: int, lang: str, document: DocumentWords) -> str:
    left, right = word[:i], word[i:]
    if left.islower():  # "desPilotprojekts", "fürIndustrie": a common word glued to the next
        common_left = len(left) >= 2 and _best_zipf(left, lang) >= 4.0 or len(left) >= 6  # "eBay" stays
        good = common_left and (_best_zipf(right, lang) >= 1.0 or len(right) >= 5)
    elif lang in COMPOUNDING_LANGUAGES:  # "GrünenDigitalen"; names such as "HuaDong" must stay
        good = (min(len(left), len(right)) >= 4 and min(_best_zipf(left, lang), _best_zipf(right, lang)) >= PART_ZIPF
                and not (_is_pinyin(left) and _is_pinyin(right)))
    else:  # where nouns are not capitalised, "PowerChina" is a brand unless the text also writes "Power China"
        good = f"{left} {right}" in document.pairs
    return f"{left} {right}" if good else word


def _split_lower(word: str, lang: str, document: DocumentWords) -> str:
    candidates = []
    for i in range(2, len(word) - 1):
        left, right = word[:i], word[i:]
        zl, zr = _best_zipf(left, lang), _best_zipf(right, lang)
        if min(len(left), len(right)) < 3 and max(zl, zr) < FUNCTION_WORD_ZIPF or min(len(left), len(right)) < 2:
            continue
        if _is_pinyin(left) and _is_pinyin(right):
            continue
        if lang in COMPOUNDING_LANGUAGES:
            # compounds ("Ressourcenrecycling") are words: split only at a function word,
            # or after a rare word the document itself uses alone ("Taicang|ausgerichtet")
            function_join = max(zl, zr) >= FUNCTION_WORD_ZIPF and min(zl, zr) >= 2.0
            name_join = (left[0].isupper() and 0 < _zipf(left, lang) < PART_ZIPF and zr >= 3.5 and len(right) >= 5
                         and document.words[left] > 0 and document.words[right.capitalize()] == 0)
            good = function_join or name_join
        elif word[0].isupper():  # a capitalised unknown word is likely a name ("Goldwind"): function words only
            good = max(zl, zr) >= FUNCTION_WORD_ZIPF and min(zl, zr) >= PART_ZIPF
        else:
            good = min(zl, zr) >= PART_ZIPF
        if good:
            candidates.append((min(zl, zr), i))
    if not candidates:
        return word
    i = max(candidates)[1]
    return f"{word[:i]} {word[i:]}"


def _is_pinyin(part: str) -> bool:
    return _PINYIN.fullmatch(part) is not None
