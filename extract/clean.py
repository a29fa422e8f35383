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
  text and listed as :class:`NoiseSpan` so that extractors ignore them and
  offsets stay meaningful. Phrase lists live in
  ``resources/<lang>/noise.json``; chrome is matched with every language's
  phrases, because pages mix languages (an Italian portal around an English
  release). Structural rules (line 1 unrelated to the story, duplicates,
  dated link lists, low-overlap ads) need no phrase list.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extract.dates import available_languages, find_dates, load_date_words
from extract.records import NoiseSpan

RESOURCES = Path(__file__).parent / "resources"
COMPOUNDING_LANGUAGES = frozenset({"de", "nl", "sv", "da", "nb", "no", "fi", "is", "hu"})
FUNCTION_WORD_ZIPF = 5.5  # "und", "wurde", "for": a part this frequent is a word on its own
PART_ZIPF = 3.0  # both parts of a split must be at least this common
MAX_REPAIR_ROUNDS = 5

_L = "A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ"  # Latin letters, accented included (Extended-A/B and Additional)
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

@lru_cache(maxsize=1)
def _wordlist_languages() -> frozenset[str]:
    """wordfreq languages usable offline (zh, ja, ko need tokenizers we do not ship)."""
    from wordfreq import available_languages

    return frozenset(available_languages()) - {"zh", "ja", "ko"}


@lru_cache(maxsize=200_000)
def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang) if lang in _wordlist_languages() else 0.0


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


# --- noise ----------------------------------------------------------------------------------

def _lower_pattern(pattern: str) -> str:
    r"""Lower-case a regex's letters but not its escapes (``\S`` stays ``\S``).

    >>> _lower_pattern(r"We\s+Use\S*")
    'we\\s+use\\S*'
    """
    return re.sub(r"\\.|[^\\]+", lambda m: m.group(0) if m.group(0).startswith("\\") else m.group(0).lower(), pattern)


@lru_cache(maxsize=None)
def _noise_resources() -> dict:
    """Every language's noise.json merged (chrome language need not be the story's language)."""
    merged: dict = {"line": {}, "inline": {}}
    for path in sorted(RESOURCES.glob("*/noise.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for section in ("line", "inline"):
            for reason, patterns in data.get(section, {}).items():
                merged[section].setdefault(reason, []).extend(patterns)
        for key in ("cookie_phrases", "ad_phrases", "tag_labels", "editorial_labels", "related_labels",
                    "section_labels", "social_words", "date_labels", "ad_labels"):
            merged.setdefault(key, []).extend(data.get(key, []))
    compiled = {
        "line": [(reason, re.compile(rf"^(?:{'|'.join(p)})$", re.I)) for reason, p in merged["line"].items()],
        "inline": [(reason, re.compile("|".join(p))) for reason, p in merged["inline"].items()],
        # searched in lower-cased lines: case-insensitive alternations are slow in ``re``
        "cookie": re.compile("|".join(_lower_pattern(p) for p in merged["cookie_phrases"])),
        "ad": re.compile("|".join(re.escape(p.lower()) for p in merged["ad_phrases"])),
        "tag": re.compile(rf"^(?:{'|'.join(map(re.escape, merged['tag_labels']))})\s*:?(\s.*)?$", re.I),
        "editorial": re.compile(rf"^(?:\d+[.)]\s*)?(?:{'|'.join(map(re.escape, merged['editorial_labels']))})(?:\s*\d+)?\s*[.:]?$", re.I),
        "related": re.compile(rf"^(?:{'|'.join(map(re.escape, merged['related_labels']))})\s*:?$", re.I),
        "related_inline": re.compile(rf"^(?:{'|'.join(map(re.escape, merged['related_labels']))})\s*:\s*\S", re.I),
        "ad_label": re.compile(rf"^(?:{'|'.join(map(re.escape, merged['ad_labels']))})(?:\s*[:|–-].*)?$", re.I),
        "section": re.compile(rf"^(?:{'|'.join(map(re.escape, merged['section_labels']))})$", re.I),
        "social": {w.casefold() for w in merged["social_words"]},
        "date_label": re.compile(rf"(?<![{_L}])(?:{'|'.join(map(re.escape, merged['date_labels']))})(?![{_L}])\s*:?", re.I),
    }
    weekdays = {w for code in available_languages() for w in load_date_words(code).get("weekdays", [])}
    compiled["weekday"] = re.compile(rf"(?<![{_L}])(?:{'|'.join(map(re.escape, sorted(weekdays, key=len, reverse=True)))})\.?(?![{_L}])", re.I)
    return compiled


MAX_DUPLICATE_LINES = 400  # pairwise comparison is quadratic: only the first paragraphs are compared
MAX_CHROME_LINE = 400  # characters: chrome, banners and credits lines are short
_CONTACT_WORD = re.compile(r"contact|kontakt|contatt|contacto|联系|press|presse|prasow|stampa|prensa")
_PHONE = re.compile(r"^(?:tel|phone|fax|mobile|mob|telefon|handy|tél|téléphone|telefono|teléfono|cell|电话|手机|传真)\.?\s*[::]?\s*\+?[\d\s()/.-]{6,}$", re.I)
_SEPARATOR_LINE = re.compile(r"^[-–—|•·*_=~]+$")
_DATED_HEADLINE = re.compile(r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4})\s*$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SENTENCE_END = re.compile(r"[.!?。!?…]$")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class _Line:
    index: int
    start: int
    end: int
    text: str


def find_noise(text: str, lang: str) -> list[NoiseSpan]:
    """Noise spans of ``text``: sorted, non-overlapping, each with a reason.

    Reasons: site-chrome, section-label, byline, contact, link, copyright, source-line,
    end-marker, wire-credit, cookie-banner, tag-list, link-list, advertisement,
    editorial-label, duplicate, unrelated-headline; overlapping spans are merged and
    their reasons joined with "+" ("duplicate+wire-credit").
    """
    res = _noise_resources()
    lines = [_Line(i, m.start(), m.end(), m.group(0)) for i, m in enumerate(re.finditer(r"[^\n]+", text))]
    flagged: dict[int, str] = {}
    for line in lines:
        reason = _line_reason(line.text, res)
        if reason:
            flagged[line.index] = reason
    _flag_blocks(lines, flagged, res)
    _flag_structure(lines, flagged, lang, res)
    spans = [(lines[i].start, lines[i].end, reason) for i, reason in flagged.items()]
    for reason, pattern in res["inline"]:
        spans += [(m.start(), m.end(), reason) for m in pattern.finditer(text) if m.group(0).strip()]
    return _merge(spans, text)


def _line_reason(line: str, res: dict) -> str | None:
    if len(line) > MAX_CHROME_LINE:
        return None
    for reason, pattern in res["line"]:
        if pattern.match(line):
            return reason
    if res["editorial"].match(line):
        return "editorial-label"
    if res["related"].match(line) or res["related_inline"].match(line):
        return "link-list"
    if res["ad_label"].match(line):
        return "advertisement"
    if _PHONE.match(line):
        return "contact"
    if _EMAIL.search(line) and (len(line.split()) <= 12 or _CONTACT_WORD.search(line.lower())):
        return "contact"
    words = re.split(r"[\s|·•/]+", line.strip().casefold())
    if len(words) >= 2 and all(w in res["social"] for w in words if w):
        return "site-chrome"  # a row of share buttons
    if len(line) <= 80 and _is_date_line(line, res):
        return "site-chrome"
    return None


def _is_date_line(line: str, res: dict) -> bool:
    """A line that holds only a date (with weekday / time): the site's date, not the story's."""
    if not re.search(r"\d", line):
        return False
    spans = {(m.start, m.end) for code in available_languages() for m in find_dates(line, code, None)}
    if not spans:
        return False
    rest = list(line)
    for start, end in spans:
        rest[start:end] = " " * (end - start)
    remainder = res["date_label"].sub(" ", res["weekday"].sub(" ", "".join(rest)))
    remainder = re.sub(r"\b\d{1,2}[:.h]\d{2}\b|\bUhr\b|[|,·/–—-]", " ", remainder)
    return not re.search(r"\w", remainder)


def _flag_blocks(lines: list[_Line], flagged: dict[int, str], res: dict) -> None:
    """Multi-line chrome: tag lists, cookie banners, dated headline link lists."""
    for pos, line in enumerate(lines):
        tag = res["tag"].match(line.text)
        if tag and len(line.text.split()) <= 2 and pos + 1 < len(lines):
            flagged[line.index] = flagged[lines[pos + 1].index] = "tag-list"
        elif tag and len(line.text) < 300 and ":" in line.text[:15]:
            flagged[line.index] = "tag-list"
        if len(line.text) <= MAX_CHROME_LINE and res["cookie"].search(line.text.lower()):
            flagged[line.index] = "cookie-banner"
            previous = line
            for follower in lines[pos + 1:]:  # the banner's buttons and links, on the lines right below
                if (len(follower.text.split()) > 4 or _SENTENCE_END.search(follower.text) and len(follower.text) > 25
                        or follower.start > previous.end + 1):
                    break
                flagged[follower.index] = "cookie-banner"
                previous = follower
        if flagged.get(line.index) == "contact" and line.text.rstrip().endswith(":"):  # a contact block
            for follower in lines[pos + 1:pos + 7]:
                if len(follower.text.split()) > 8 or follower.index in flagged and flagged[follower.index] != "contact":
                    break
                flagged[follower.index] = "contact"
        if res["related"].match(line.text):  # "Related articles": the headlines that follow are links
            for follower in lines[pos + 1:]:
                if not _headline_like(follower) or len(follower.text) > 150:
                    break
                flagged[follower.index] = "link-list"
    run: list[_Line] = []
    for line in lines + [_Line(-1, 0, 0, "end of text")]:
        dated = len(line.text) <= 120 and _DATED_HEADLINE.search(line.text)
        if dated or _SEPARATOR_LINE.match(line.text):
            run.append(line)
            continue
        if sum(1 for r in run if _DATED_HEADLINE.search(r.text)) >= 2:
            for r in run:
                flagged[r.index] = "link-list"
        run = []


def _content_tokens(text: str, lang: str) -> set[str]:
    """Words (inflection-tolerant 5-letter prefixes, function words dropped) and Han bigrams."""
    tokens = {w.casefold()[:5] for w in re.findall(r"[^\W\d_]{4,}", text) if not _HAN.search(w) and _zipf(w, lang) < FUNCTION_WORD_ZIPF}
    for chunk in re.findall(r"[\u3400-\u9fff\uf900-\ufaff]+", text):
        tokens |= {chunk[i:i + 2] for i in range(len(chunk) - 1)}
    return tokens


def _headline_like(line: _Line) -> bool:
    return len(line.text) <= 200 and not _SENTENCE_END.search(line.text)


def _flag_structure(lines: list[_Line], flagged: dict[int, str], lang: str, res: dict) -> None:
    """Rules that need the whole document: unrelated first line, ads, menus, duplicates."""
    kept = [line for line in lines if line.index not in flagged]
    tokens = {line.index: _content_tokens(line.text, lang) for line in kept}
    document_frequency = Counter(token for line_tokens in tokens.values() for token in line_tokens)

    def overlap_with_rest(line: _Line) -> float:
        """Share of the line's content tokens that some *other* line also has."""
        own = tokens[line.index]
        return sum(1 for t in own if document_frequency[t] > 1) / len(own) if own else 1.0

    _flag_menus(kept, flagged)
    kept = [line for line in kept if line.index not in flagged]
    if (len(kept) >= 3 and _headline_like(kept[0]) and _headline_like(kept[1]) and overlap_with_rest(kept[0]) <= 0.5
            and len(tokens[kept[1].index]) >= 3 and overlap_with_rest(kept[1]) >= 0.6):
        # a first line unrelated to the story, followed by the real headline: a related-article
        # link or the site's section name
        short = len(kept[0].text.split()) <= 4 and not _HAN.search(kept[0].text)
        if not short or overlap_with_rest(kept[0]) < 0.5 or res["section"].match(kept[0].text):
            flagged[kept[0].index] = "section-label" if short else "unrelated-headline"
    for line in kept[:3]:
        if line.index not in flagged and res["section"].match(line.text):
            flagged[line.index] = "section-label"
    for line in kept:
        if res["ad"].search(line.text.lower()) and overlap_with_rest(line) < 0.5:
            flagged[line.index] = "advertisement"
    _flag_duplicates([line for line in kept if line.index not in flagged][:MAX_DUPLICATE_LINES], flagged, tokens)


def _flag_menus(kept: list[_Line], flagged: dict[int, str]) -> None:
    """Runs of >= 4 one-to-three-word lines before the first or after the last paragraph: navigation."""
    paragraphs = [i for i, line in enumerate(kept) if len(line.text) > 60]
    if not paragraphs:
        return
    for segment in (kept[:paragraphs[0]], kept[paragraphs[-1] + 1:]):
        run: list[_Line] = []
        for line in segment + [None]:
            if line is not None and len(line.text.split()) <= 3 and len(line.text) <= 30 and not re.search(r"[\d.!?。]", line.text):
                run.append(line)
                continue
            if len(run) >= 4:
                for item in run:
                    flagged[item.index] = "site-chrome"
            run = []


def _flag_duplicates(kept: list[_Line], flagged: dict[int, str], tokens: dict[int, set[str]]) -> None:
    """Second copies of a passage, and truncated copies of a later paragraph (teasers before the body)."""
    for pos, line in enumerate(kept):
        for later in kept[pos + 1:]:
            if line.index in flagged:
                break
            if later.index in flagged:
                continue
            probe = later.text[:20]
            at = line.text.find(probe) if len(later.text) >= 40 else -1
            truncated = at > 0 or at == 0 and line.text.endswith(("...", "…"))  # a title may prefix the lead
            if truncated and len(line.text) - at >= 20 and later.text.startswith(line.text[at:].rstrip(".… ")):
                flagged[line.index] = "duplicate"
                continue
            if line.text in later.text and later.text != line.text:
                continue  # a title repeated as the lead's first sentence: the lead is the story
            a, b = tokens[line.index], tokens[later.index]
            if later.text == line.text or (min(len(a), len(b)) >= 8 and len(a & b) / min(len(a), len(b)) >= 0.7
                                           and min(len(a), len(b)) / max(len(a), len(b)) >= 0.7):
                flagged[later.index] = "duplicate"


def _merge(spans: list[tuple[int, int, str]], text: str) -> list[NoiseSpan]:
    merged: list[NoiseSpan] = []
    for start, end, reason in sorted(spans):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        if merged and (start < merged[-1].end or reason == merged[-1].reason and not text[merged[-1].end:start].strip()):
            last = merged[-1]
            last.end = max(last.end, end)
            if reason not in last.reason.split("+"):
                last.reason += "+" + reason
            continue
        merged.append(NoiseSpan(start, end, reason))
    return merged
