"""Word frequencies shared by the cleaner's repair and noise steps (wordfreq, offline)."""

from __future__ import annotations

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
