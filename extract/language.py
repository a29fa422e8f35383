"""Detect a document's language with py3langid, restricted to the languages press releases come in.

Scripts decide first (Han / kana / Hangul / Cyrillic ... are unambiguous even
when a Chinese text is full of Latin acronyms); py3langid decides among the
Latin-script languages. Too little text, or a low probability, gives "und".
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

CANDIDATE_LANGUAGES = (
    "en", "de", "fr", "it", "es", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "hu", "ro", "bg",
    "el", "da", "sv", "fi", "et", "lv", "lt", "ga", "mt", "no", "ru", "uk", "tr",
    "zh", "ja", "ko",
)
MIN_LETTERS = 20  # fewer letters than this is not enough evidence
MIN_PROBABILITY = 0.6
HAN_SHARE_FOR_CHINESE = 0.3  # share of letters that are Han characters


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATE_LANGUAGES))
    return identifier


def _script_counts(text: str) -> dict[str, int]:
    counts = {"letters": 0, "han": 0, "kana": 0, "hangul": 0, "cyrillic": 0, "greek": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        counts["letters"] += 1
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF:
            counts["kana"] += 1
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            counts["hangul"] += 1
        elif unicodedata.name(ch, "").startswith("CJK"):
            counts["han"] += 1
        elif 0x0400 <= code <= 0x04FF:
            counts["cyrillic"] += 1
        elif 0x0370 <= code <= 0x03FF:
            counts["greek"] += 1
    return counts


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``'s language, or ``"und"`` when too short or unsure.

    >>> detect_language("中新网7月14日电 北京市大兴区与4家机构完成签约, OCO和CECCO出席。")
    'zh'
    >>> detect_language("ok")
    'und'
    """
    counts = _script_counts(text)
    letters = counts["letters"]
    cjk = counts["han"] + counts["kana"] + counts["hangul"]
    if letters < MIN_LETTERS and cjk < 6:
        return "und"
    if counts["kana"] >= 3 and counts["kana"] >= 0.1 * cjk:
        return "ja"
    if counts["hangul"] >= max(3, 0.3 * letters):
        return "ko"
    if counts["han"] >= max(4, HAN_SHARE_FOR_CHINESE * letters):
        return "zh"
    if counts["greek"] >= 0.5 * letters:
        return "el"
    lang, probability = _identifier().classify(text[:20000])
    if counts["cyrillic"] >= 0.5 * letters and lang not in ("ru", "uk", "bg"):
        return "und"
    return lang if probability >= MIN_PROBABILITY else "und"
