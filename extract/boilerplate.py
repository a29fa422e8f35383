"""Mark boilerplate in a document: site chrome, cookie banners, footers, wire credits, link lists, ads.

Noise is *kept* in the text and listed as :class:`NoiseSpan`, so extractors
ignore it while offsets stay meaningful and the document page can grey it out.
Phrase lists live in ``resources/<lang>/noise.json``; chrome is matched with
every language's phrases, because pages mix languages (an Italian portal around
an English release). Structural rules (line 1 unrelated to the story,
duplicates, dated link lists, low-overlap ads) need no phrase list.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.dates import available_languages, find_dates, load_date_words
from extract.records import NoiseSpan
from extract.words import FUNCTION_WORD_ZIPF
from extract.words import LATIN_LETTERS as _L
from extract.words import word_zipf as _zipf

RESOURCES = Path(__file__).parent / "resources"

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
