"""Find date expressions and normalise them to ISO dates, never inventing a year.

Month names, weekdays and the little words between day, month and year come
from ``extract/resources/<lang>/dates.json`` (a new language is a new data
file). A document in language X is read with X's words plus English (press
releases quote English dates everywhere); unknown languages get every
language's full month names.

A mention without a year takes the year of ``doc_date`` when the document has
one; otherwise it is still reported, with ``iso=None`` (so callers know a date
was stated, and that its year is unknown). Numeric-only patterns: ISO
``2023-08-09``, ``2023/08/09``, ``09.08.2023``, ``2023年8月8日``, ``7月14日``, and
``09/08/2023`` read day first except in English (where it is ambiguous and skipped).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).parent / "resources"
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class DateMention:
    """A date expression at ``text[start:end]``; ``iso`` is YYYY-MM-DD or YYYY-MM, None if the year is unknown."""

    start: int
    end: int
    iso: str | None


@lru_cache(maxsize=None)
def load_date_words(lang: str) -> dict:
    """The ``dates.json`` of ``lang`` (empty vocabulary when the language has none)."""
    path = RESOURCES / lang / "dates.json"
    if not path.is_file():
        return {"months": {}, "weekdays": []}
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def available_languages() -> tuple[str, ...]:
    """Languages that have a ``dates.json``."""
    return tuple(sorted(p.parent.name for p in RESOURCES.glob("*/dates.json")))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_WORD_END = r"(?![^\W\d_])"  # not followed by a letter (works for accented words, unlike \b)
_WORD_START = r"(?<![^\W\d_])"
_NUMERIC_PATTERNS = (
    ("ymd", re.compile(r"(?<![\d.])(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("ym", re.compile(r"(?<![\d.])(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")),
    ("md", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("ymd", re.compile(r"(?<![\d.\-/])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d\-/]|\.\d)")),
    ("dmy", re.compile(r"(?<![\d.\-/])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?![\d\-/]|\.\d)")),
)
# "08/09/2023" is day first in Europe and month first in the US: read it day first, except in English
_SLASH_DMY = re.compile(r"(?<![\d.\-/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d\-/]|\.\d)")


@lru_cache(maxsize=None)
def _word_patterns(lang: str) -> tuple[tuple[str, re.Pattern, dict[str, int]], ...]:
    known = lang in available_languages()
    languages = [lang, FALLBACK_LANGUAGE] if known else list(available_languages())
    patterns = []
    for code in dict.fromkeys(languages):
        words = load_date_words(code)
        months = {k.casefold(): v for k, v in words["months"].items()}
        if not known and code != FALLBACK_LANGUAGE:  # abbreviations of other languages are too ambiguous
            months = {k: v for k, v in months.items() if len(k) > 4}
        if not months:
            continue
        month = rf"(?P<month>{_alternation(months)})\.?{_WORD_END}"
        ordinal = _alternation(words.get("ordinal_suffixes", []) + ["st", "nd", "rd", "th"])
        day = rf"(?P<day>\d{{1,2}})(?:{ordinal})?"
        dm_join = "".join(rf"(?:{re.escape(j)}\s+)?" for j in words.get("day_month_joiners", []))
        my_join = "".join(rf"(?:{re.escape(j)}\s+)?" for j in words.get("month_year_joiners", []))
        year_suffix = _alternation(words.get("year_suffixes", []))
        year = rf"(?P<year>\d{{4}})(?!\d)" + (rf"(?:\s*(?:{year_suffix})(?!\w))?" if year_suffix else "")
        flags = 0 if words.get("case_sensitive") else re.IGNORECASE
        month_for_case = month
        if words.get("case_sensitive"):  # English: "May"/"March" only capitalised, so "may" the verb is no date
            names = sorted({k[:1].upper() + k[1:] for k in months} | {k.upper() for k in months}, key=len, reverse=True)
            month_for_case = rf"(?P<month>{'|'.join(map(re.escape, names))})\.?{_WORD_END}"
        patterns.append(("dmy", re.compile(
            rf"{_WORD_START}{day}\.?\s+{dm_join}{month_for_case}(?:,?\s+{my_join}{year})?", flags), months))
        patterns.append(("mdy", re.compile(
            rf"{_WORD_START}{month_for_case}\s*{day}{_WORD_END}(?!\.\d)(?:,?\s+{year})?", flags), months))
        patterns.append(("my", re.compile(rf"{_WORD_START}{month_for_case},?\s+{my_join}{year}", flags), months))
    return tuple(patterns)


def _doc_year(doc_date: str | None) -> int | None:
    match = re.match(r"\s*(\d{4})", doc_date or "")
    return int(match.group(1)) if match else None


def _iso(year: int | None, month: int, day: int | None) -> str | None:
    """ISO string, or None when the year is unknown; raises ValueError for impossible dates."""
    if not 1 <= month <= 12:
        raise ValueError("month out of range")
    if day is not None:
        datetime.date(year or 2000, month, day)  # validates the day (leap years need a real year)
    if year is None:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if day is not None else f"{year:04d}-{month:02d}"


def find_dates(text: str, lang: str, doc_date: str | None) -> list[DateMention]:
    """Date expressions in ``text``, sorted, non-overlapping (longest wins).

    >>> [m.iso for m in find_dates("On August 8th 2023 and Dec. 3, 2021", "en", None)]
    ['2023-08-08', '2021-12-03']
    >>> find_dates("7月14日下午", "zh", None)
    [DateMention(start=0, end=5, iso=None)]
    """
    fallback_year = _doc_year(doc_date)
    candidates: list[DateMention] = []
    numeric = _NUMERIC_PATTERNS + ((("dmy", _SLASH_DMY),) if lang != FALLBACK_LANGUAGE else ())
    for kind, pattern in numeric:
        for match in pattern.finditer(text):
            groups = [int(g) for g in match.groups()]
            year, month, day = {
                "ymd": lambda g: (g[0], g[1], g[2]), "ym": lambda g: (g[0], g[1], None),
                "md": lambda g: (None, g[0], g[1]), "dmy": lambda g: (g[2], g[1], g[0]),
            }[kind](groups)
            _add(candidates, match.start(), match.end(), year if year is not None else fallback_year, month, day)
    for kind, pattern, months in _word_patterns(lang):
        for match in pattern.finditer(text):
            month = months[match.group("month").casefold()]
            day = int(match.group("day")) if kind != "my" else None
            year = int(match.group("year")) if match.group("year") else fallback_year
            _add(candidates, match.start(), match.end(), year, month, day)
    chosen: list[DateMention] = []
    for mention in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def _add(out: list[DateMention], start: int, end: int, year: int | None, month: int, day: int | None) -> None:
    try:
        out.append(DateMention(start, end, _iso(year, month, day)))
    except ValueError:
        return


def normalise_date(expr: str, lang: str, doc_date: str | None) -> str | None:
    """ISO form of one date expression (YYYY-MM-DD or YYYY-MM), or None when it has no knowable year.

    >>> normalise_date("8 sierpnia 2023 r.", "pl", None)
    '2023-08-08'
    >>> normalise_date("8. August", "de", "2023-08")
    '2023-08-08'
    >>> normalise_date("7月14日", "zh", None) is None
    True
    """
    mentions = [m for m in find_dates(expr, lang, doc_date) if m.iso]
    if not mentions:
        return None
    return max(mentions, key=lambda m: m.end - m.start).iso
