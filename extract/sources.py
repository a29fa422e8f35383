"""Read source documents from disk: decode, reduce to text, keep metadata.

Every file becomes a :class:`SourceDocument` or a :class:`DocumentError` with
a reason a user can act on (empty, binary, undecodable, oversized, HTML bomb,
unknown extension). A bad document never stops the batch: errors are
*yielded*, not raised. The only exception raised is for a path that does
not exist at all (the caller named something that is not there).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from extract.errors import DocumentError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
MAX_HTML_DEPTH = 400  # browsers cap nesting near 512; deeper trees are hostile or broken
MAX_HTML_TAGS = 200_000
CONTROL_RATIO_LIMIT = 0.05  # share of control characters above which text is taken as binary
CHAOS_LIMIT = 0.25  # charset-normalizer "mess" ratio above which a guess is not trusted

_DATE_HEADER = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\d{4}(?:-\d{2}(?:-\d{2})?)?)\b[ \t]*")
_DATE_VALUE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_HTML_LANG = re.compile(rb"""<html[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})\b""", re.I)
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID_TAGS = {
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
    b"param", b"source", b"track", b"wbr", b"p", b"li", b"option", b"td", b"tr", b"th",
}


@dataclass
class SourceDocument:
    """One document as read from disk, before cleaning."""

    id: str  # file base name (jsonl: the line's "id")
    text: str  # decoded raw text (HTML already reduced to main text)
    source: str | None = None  # path or URL
    date: str | None = None  # YYYY-MM-DD / YYYY-MM / YYYY, else None
    lang: str | None = None  # from metadata if given, else None (detected later)
    title: str | None = None


def read_sources(path, *, max_bytes: int) -> Iterator[SourceDocument | DocumentError]:
    """Yield one document (or one error) per file under ``path``, in sorted order.

    Raises :class:`DocumentError` only when ``path`` itself does not exist.
    """
    if path is None:
        raise DocumentError("<none>", "no path given: name a file or a directory")
    root = Path(path)
    if not root.exists():
        raise DocumentError(str(root), "no such file or directory")
    files = [root] if root.is_file() else sorted(
        p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    for file in files:
        yield from _read_file(file, max_bytes)


def _read_file(path: Path, max_bytes: int) -> Iterator[SourceDocument | DocumentError]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield DocumentError(str(path), f"unsupported file type {suffix or '(none)'!r}: use one of {', '.join(SUFFIXES)}")
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(path, max_bytes)
        return
    size = path.stat().st_size
    if size > max_bytes:
        yield DocumentError(str(path), f"oversized: {size} bytes > limit {max_bytes} (raise max_document_bytes or split the file)")
        return
    data = path.read_bytes()
    if suffix in (".html", ".htm"):
        yield _catch(lambda: _html_document(path, data))
    elif suffix in (".md", ".markdown"):
        yield _catch(lambda: _markdown_document(path, decode_bytes(data, str(path))))
    else:
        yield _catch(lambda: _text_document(path, decode_bytes(data, str(path))))


def _catch(build) -> SourceDocument | DocumentError:
    """Turn the DocumentError a builder raises into a yielded value (one document fails, not the batch)."""
    try:
        return build()
    except DocumentError as exc:
        return exc


def decode_bytes(data: bytes, where: str) -> str:
    """Decode ``data`` (BOM, UTF-8, then charset detection); reject empty, binary and unreadable bytes."""
    if not data.strip():
        raise DocumentError(where, "empty document: nothing to read")
    text = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data[:65536]:
            raise DocumentError(where, "binary content (NUL bytes): not a text document")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_detected(data, where)
    check_text(text, where)
    return text


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_detected(data: bytes, where: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.chaos > CHAOS_LIMIT:
        raise DocumentError(where, "undecodable: not UTF-8 and no trustworthy encoding detected (re-save as UTF-8)")
    try:
        return data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise DocumentError(where, f"undecodable: detected {best.encoding} but decoding failed (re-save as UTF-8)") from None


def check_text(text: str, where: str) -> None:
    """Reject text that is empty or mostly control characters (binary data decoded by accident)."""
    if not text.strip():
        raise DocumentError(where, "empty document: only whitespace")
    sample = text[:65536]
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0x7F <= ord(ch) < 0xA0)
    if "\x00" in sample or controls / len(sample) > CONTROL_RATIO_LIMIT:
        raise DocumentError(where, "binary content (control characters): not a text document")


def split_date_header(text: str) -> tuple[str | None, str]:
    """Split a leading crawl header ``date YYYY-MM-DD`` off the text; what follows it stays text.

    >>> split_date_header(" date 2023-08 Seite 2")
    ('2023-08', 'Seite 2')
    >>> split_date_header("No header")
    (None, 'No header')
    """
    match = _DATE_HEADER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end():]


def _text_document(path: Path, text: str) -> SourceDocument:
    date, body = split_date_header(text)
    check_text(body, str(path))
    return SourceDocument(id=path.stem, text=body, source=str(path), date=date)


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_MD_RULES = (
    (re.compile(r"<!--.*?-->", re.S), ""),
    (re.compile(r"^```[^\n]*$", re.M), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M), r"\1"),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),
    (re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?=\S)", re.M), ""),
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.M), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\w)"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
)


def _markdown_document(path: Path, text: str) -> SourceDocument:
    meta: dict[str, str] = {}
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip("'\"")
        text = text[front.end():]
    date, text = split_date_header(text)
    heading = re.search(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", text, re.M)
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    check_text(text, str(path))
    date_value = _DATE_VALUE.match(meta.get("date", ""))
    return SourceDocument(
        id=path.stem, text=text, source=meta.get("url") or str(path),
        date=date_value.group(0) if date_value else date, lang=meta.get("lang") or None,
        title=meta.get("title") or (heading.group(1) if heading else None),
    )


def check_html(data: bytes, where: str) -> None:
    """Reject HTML whose tag nesting or tag count would make parsing hostile (an HTML bomb)."""
    depth = tags = 0
    for match in _TAG.finditer(data):
        tags += 1
        if tags > MAX_HTML_TAGS:
            raise DocumentError(where, f"HTML bomb: more than {MAX_HTML_TAGS} tags")
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID_TAGS or self_closing:
            continue
        depth += -1 if closing else 1
        if depth > MAX_HTML_DEPTH:
            raise DocumentError(where, f"HTML bomb: elements nested deeper than {MAX_HTML_DEPTH} levels")
        depth = max(depth, 0)


def _html_document(path: Path, data: bytes) -> SourceDocument:
    import trafilatura

    where = str(path)
    if not data.strip():
        raise DocumentError(where, "empty document: nothing to read")
    check_html(data, where)
    declared = _META_CHARSET.search(data[:4096])
    text = None
    if declared and _decode_with_bom(data) is None:
        try:
            text = data.decode(declared.group(1).decode("ascii"))
        except (UnicodeDecodeError, LookupError):
            text = None
    html = text if text is not None else decode_bytes(data, where)
    result = trafilatura.bare_extraction(
        html, favor_recall=True, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = (result.text or "") if result is not None else ""
    if not body.strip():
        raise DocumentError(where, "no main text found in the HTML page (is it a navigation or script-only page?)")
    date = _DATE_VALUE.match(result.date or "")
    declared_lang = _HTML_LANG.search(data[:4096])
    return SourceDocument(
        id=path.stem, text=body, source=result.url or where, date=date.group(0) if date else None,
        lang=declared_lang.group(1).decode("ascii").lower() if declared_lang else None, title=result.title or None,
    )


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[SourceDocument | DocumentError]:
    with path.open("rb") as handle:
        for lineno, raw in enumerate(handle, 1):
            where = f"{path}:{lineno}"
            if not raw.strip():
                continue
            if len(raw) > max_bytes:
                yield DocumentError(where, f"oversized line: {len(raw)} bytes > limit {max_bytes}")
                continue
            yield _catch(lambda: _jsonl_document(raw, where, f"{path.stem}-{lineno}"))


def _jsonl_document(raw: bytes, where: str, fallback_id: str) -> SourceDocument:
    try:
        item = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DocumentError(where, "line is not UTF-8 (JSON Lines must be UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise DocumentError(where, f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(item, dict):
        raise DocumentError(where, "each line must be a JSON object {id, text, url, date, lang, title}")
    text = item.get("text")
    if not isinstance(text, str):
        raise DocumentError(where, "the object needs a string 'text'")
    check_text(text, where)
    for key in ("id", "url", "date", "lang", "title"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise DocumentError(where, f"'{key}' must be a string")
    date = _DATE_VALUE.match(item.get("date") or "")
    return SourceDocument(
        id=(item.get("id") or "").strip() or fallback_id, text=text, source=item.get("url") or where,
        date=date.group(0) if date else None, lang=item.get("lang") or None, title=item.get("title") or None,
    )
