"""Word-level helpers shared across extract/: word frequencies (wordfreq, offline) and name normalisation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

FUNCTION_WORD_ZIPF = 5.5  # "und", "wurde", "for": a part this frequent is a word on its own
LATIN_LETTERS = "A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ"  # a regex class body: Latin letters, accented included


@lru_cache(maxsize=1)
def wordlist_languages() -> frozenset[str]:
    """wordfreq languages usable offline (zh, ja, ko need tokenizers we do not ship)."""
    from wordfreq import available_languages

    return frozenset(available_languages()) - {"zh", "ja", "ko"}


@lru_cache(maxsize=200_000)
def word_zipf(word: str, lang: str) -> float:
    """Zipf frequency of ``word`` in ``lang``; 0.0 for languages without a word list."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, lang) if lang in wordlist_languages() else 0.0


def norm(text: str | None) -> str:
    """The gold README's name normalisation: NFKC, casefold, no leading "the ", no Z*/P*/S* characters.

    Shared by the evaluator (the scoring convention) and in-document linking, so both agree
    on when two names are the same.

    >>> norm("The China-EU  Office"), norm("Centerfor") == norm("Center for")
    ('chinaeuoffice', True)
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"^\s*the\s+", "", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZPS")
