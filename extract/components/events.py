"""Event names, types, dates and places: the ``sinoeu_events`` component.

Three finders, chosen per language by ``resources/<lang>/events.json``:

* ``capitalised`` (English, and English names inside any Latin-script text):
  a run of Capitalised words, connectors and quoted/bracketed segments that
  contains a head noun ("Launch Meeting of ... Zone", "China-EU High-Level
  Dialogue", ``"... Challenge: ..."``);
* ``complement`` (de, pl, fr, it, es): a head noun plus its genitive or
  prepositional complement ("Einführungstreffen des Pilotprojekts ...",
  "Inauguracja projektu ...", "Forum de coopération ...");
* ``cjk`` (zh): a head noun plus everything to its left up to a clause
  boundary ("...合作大会系列活动之中欧碳中和合作研讨会").

A head noun without a naming complement ("the Meeting", "das Treffen",
"本次大会", "the event") is an *anaphor*: it names no new event but points to
one already named, so its sentence's date, place and roles reach that event.
Events whose names match (containment or word overlap, as the evaluation
convention counts them) are merged into one :class:`EventEntity`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.attrs import doc_orgs, doc_text
from extract.components.event_attrs import (
    DATES, EVENTS, EventEntity, ensure_event_extensions, in_ranges, load_lexicon, noise_ranges, sentence_spans,
)

_QUOTE_OPEN = "\"“„«‘"
_QUOTE_CLOSE = "\"”“»’"
_TOKEN = re.compile(
    r"[\"“„«][^\"“”„«»\n]{1,200}?[\"”“»]"  # a quoted segment is one token
    r"|\([^()\n\"“”„«»]{1,80}\)"  # so is a bracketed one
    r"|[^\W_][\w'’&-]*"
    r"|\S"
)
_DETERMINERS = {
    "the", "a", "an", "this", "that", "these", "its", "their", "our", "first", "major",
    "das", "die", "dem", "den", "ein", "eine", "einer", "le", "la", "les", "l", "il", "lo", "gli", "el", "los", "las",
    "un", "una", "une", "beim", "im", "am", "w", "we", "na", "het", "een", "den", "det", "o", "os", "as",
}
_EN_CONNECTORS = {"of", "and", "for", "in", "on", "the", "to", "at", "&", "de", "du", "des", "der", "di", "del"}
_PRE_HEAD_JOINERS = {"and", "&"}  # "Green and Sustainable Development Conference"; other connectors end a pre-head
_DATELINE_AFTER = re.compile(r"\s*(?:/[^/\n]{1,40}/)?\s*(?:--|–|—|\(ots\)|电)")


@dataclass
class EventMention:
    """One place in the text that names or points to an event."""

    start: int
    end: int
    name: str
    type: str
    named: bool  # False: anaphor ("the Meeting", "本次大会")
    head: str  # the head word as written, lower-cased
    signing: bool = False  # the mention itself speaks of signing
    event: EventEntity | None = None


@dataclass
class EventIndex:
    """What the role and project components need besides ``Doc._.events``."""

    mentions: list[EventMention] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)


EVENT_INDEX = "event_index"


@Language.factory("sinoeu_events", default_config={"min_name_chars": 4, "max_name_tokens": 24})
def make_events(nlp: Language, name: str, min_name_chars: int, max_name_tokens: int) -> "EventFinder":
    """Factory: config keys equal these keyword arguments."""
    return EventFinder(nlp.lang, min_name_chars=min_name_chars, max_name_tokens=max_name_tokens)


class EventFinder:
    """Finds event mentions, merges them into events, dates and places them."""

    def __init__(self, lang: str, *, min_name_chars: int, max_name_tokens: int):
        ensure_event_extensions()
        if not Doc.has_extension(EVENT_INDEX):
            Doc.set_extension(EVENT_INDEX, default=None)
        self.lang = lang
        self.min_name_chars = min_name_chars
        self.max_name_tokens = max_name_tokens

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        noise = noise_ranges(doc)
        sentences = [s for s in sentence_spans(text) if not _mostly_noise(s, noise)]
        barriers = name_barriers(doc, self.lang)
        mentions = [m for m in self.find_mentions(text, sentences, barriers) if not in_ranges(m.start, m.end, noise)]
        mentions += held_mentions(text, sentences, mentions, doc._.get(DATES) or [], self.lang)
        mark_signing(mentions, text, self.lang)
        events = merge_mentions(mentions, text, self.lang)
        events = merge_title_events(events, mentions, sentences[:1])
        resolve_anaphors(mentions, events)
        date_mentions = doc._.get(DATES) or []
        places = _place_spans(doc, noise)
        for event in events:
            event.date = event_date(event, sentences, date_mentions, text, self.lang)
            event.place = event_place(event, mentions, sentences, places, text, self.lang)
        doc._.set(EVENTS, events)
        doc._.set(EVENT_INDEX, EventIndex(mentions=mentions, sentences=sentences))
        return doc

    def find_mentions(self, text: str, sentences: list[tuple[int, int]], barriers=None) -> list[EventMention]:
        """All named and anaphoric event mentions, sentence by sentence."""
        barriers = barriers or Barriers()
        lex = load_lexicon("events", self.lang)
        mode = lex.get("mode", "capitalised")
        found: list[EventMention] = []
        for start, end in sentences:
            if mode == "cjk":
                found += find_cjk(text, start, end, lex, barriers=barriers)
                continue
            found += find_capitalised(text, start, end, load_lexicon("events", "en"), self.max_name_tokens)
            if mode == "complement":
                found += find_complement(text, start, end, lex, self.lang, self.max_name_tokens, barriers=barriers)
            found += find_generic(text, start, end, lex)
        found = [m for m in found if not m.named or len(m.name) >= self.min_name_chars]
        return _drop_duplicates(found)


# --- finders ---------------------------------------------------------------------------------


@dataclass
class Barriers:
    """Where a name cannot run on: role triggers, "was held" verbs, organization names."""

    starts: set[int] = field(default_factory=set)  # a complement stops before these
    ends: set[int] = field(default_factory=set)  # a Chinese name stops after these, going left


@lru_cache(maxsize=None)
def _barrier_patterns(lang: str) -> tuple[re.Pattern, ...]:
    triggers = [t["re"] for t in load_lexicon("roles", lang).get("triggers", [])]
    held = [re.escape(h) for h in load_lexicon("events", lang).get("held", [])]
    return tuple(re.compile(p, re.I) for p in triggers + ([r"(?:%s)" % "|".join(held)] if held else []))


def name_barriers(doc: Doc, lang: str) -> Barriers:
    """Barrier positions of the whole document (computed once per Doc)."""
    barriers = Barriers()
    text = doc_text(doc)  # Doc.text joins every token: read it once
    for pattern in _barrier_patterns(lang):
        for m in pattern.finditer(text):
            barriers.starts.add(m.start())
            barriers.ends.add(m.end())
    for org in doc_orgs(doc):
        barriers.starts.update(s for s, _e in org.mentions)
    return barriers


@lru_cache(maxsize=None)
def head_table(lang: str, kind: str = "events") -> tuple[tuple[str, str], ...]:
    """(head form lower-cased, type), longest form first, from ``resources/<lang>/<kind>.json``."""
    lex = load_lexicon(kind, lang)
    pairs = [(form.lower(), etype) for etype, forms in lex["heads"].items() for form in forms]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@lru_cache(maxsize=None)
def _head_index(lang: str, kind: str) -> tuple[dict[str, list[tuple[list[str], str, str]]], tuple[str, ...]]:
    """Head forms by their last word (exact lookups), and all last words (suffix/prefix lookups)."""
    by_last: dict[str, list[tuple[list[str], str, str]]] = {}
    for form, etype in head_table(lang, kind):
        parts = form.split()
        by_last.setdefault(parts[-1], []).append((parts, form, etype))
    return by_last, tuple(by_last)


def _head_in(words: list[str], lang: str, compound: bool = False, stems: bool = False,
             kind: str = "events") -> tuple[int, int, str, str] | None:
    """The head among lower-cased ``words`` that ends rightmost (longest on ties): (index, length, form, type)."""
    by_last, lasts = _head_index(lang, kind)
    for j in range(len(words) - 1, -1, -1):
        word = words[j]
        keys = [k for k in (word, word[:-1] if word.endswith("s") else None) if k in by_last]
        if not keys and (compound or stems):
            bare = re.sub(r"(?:es|en|s|n|e)$", "", word) if compound else word
            keys = [k for k in lasts if (stems and word.startswith(k)) or compound and len(word) > len(k) + 2
                    and (word.endswith(k) or bare.endswith(k))] if (
                stems and word.startswith(lasts) or compound and (word.endswith(lasts) or bare.endswith(lasts))) else []
        best = None
        for key in keys:
            for parts, form, etype in by_last[key]:
                start = j - len(parts) + 1
                if start < 0:
                    continue
                before = words[start:j]
                ok = all(w.startswith(p) for w, p in zip(before, parts[:-1])) if stems else before == parts[:-1]
                if ok and (best is None or len(parts) > best[1]):
                    best = (start, len(parts), form, etype)
        if best:
            return best
    return None


def find_capitalised(text: str, start: int, end: int, lex: dict, max_tokens: int,
                     kind: str = "events") -> list[EventMention]:
    """Runs of Capitalised words around an English head noun."""
    tokens = [(m.start() + start, m.end() + start, m.group()) for m in _TOKEN.finditer(text[start:end])]
    found: list[EventMention] = []
    run: list[tuple[int, int, str]] = []
    for tok in tokens + [(end, end, ".")]:
        joined = not run or text[run[-1][1]:tok[0]].strip() == ""
        if joined and _capitalised_like(tok[2]):
            run.append(tok)
            continue
        found += _run_to_mentions(run, text, max_tokens, kind)
        run = [tok] if _capitalised_like(tok[2]) and tok[2].lower() not in _EN_CONNECTORS else []
    return found


def _capitalised_like(word: str) -> bool:
    return (
        word[0] in _QUOTE_OPEN or word[0] == "(" and len(word) > 1 or word[0].isupper() or word[0].isdigit()
        or word.lower() in _EN_CONNECTORS
    )


def _run_to_mentions(run: list[tuple[int, int, str]], text: str, max_tokens: int, kind: str) -> list[EventMention]:
    while run and (run[0][2].lower() in _EN_CONNECTORS | _DETERMINERS or run[0][2][0].isdigit()):
        run = run[1:]
    while run and (run[-1][2].lower() in _EN_CONNECTORS or run[-1][2][0] == "("):
        run = run[:-1]
    if not run or len(run) > max_tokens:
        return []
    words = [w.lower() for _, _, w in run]
    found: list[EventMention] = []
    if len(run) == 1 and run[0][2][0] in _QUOTE_OPEN:  # a lone quoted name: look inside it
        s, e, w = run[0]
        inner = w[1:-1].strip()
        hit = _head_in([x.lower() for x in re.findall(r"[\w'’-]+", inner)], "en", kind=kind)
        if hit and inner[:1].isupper():
            found.append(EventMention(s + 1, e - 1, inner, hit[3], True, hit[2]))
        return found
    hit = _head_in(words, "en", kind=kind)
    if not hit:
        return found
    index, length, form, etype = hit
    head_word = run[index][2]
    if not head_word[0].isupper() or kind == "events" and _venue_after(words, index + length, "en"):
        return found
    cut = max([i + 1 for i, w in enumerate(words[:index]) if w in _EN_CONNECTORS and w not in _PRE_HEAD_JOINERS] + [0])
    if cut and not any(_head_in([w], "en", kind=kind) for w in words[:cut]):
        run, words, index = run[cut:], words[cut:], index - cut  # "NZPG on the X Pilot" names "X Pilot"
    # the type comes from the head before the first complement ("Launch of ... Challenge" is a launch)
    first_of = next((i for i, w in enumerate(words) if w in ("of", "on", "for")), len(words))
    before = _head_in(words[:first_of], "en", kind=kind)
    if before:
        etype = before[3]
        form = before[2]
    if kind == "events" and len(run) - index > 2 and words[-2] in ("in", "at") and run[-1][2][:1].isupper():
        run, words = run[:-2], words[:-2]  # "Atlantic Wind Forum in Porto": the place is not part of the name
    content = [
        w for i, w in enumerate(words)
        if not (index <= i < index + length) and w not in _EN_CONNECTORS | _DETERMINERS and not _is_head_word(w, "en", kind)
    ]
    named = bool(content)
    s, e = run[0][0], run[-1][1]
    found.append(EventMention(s, e, text[s:e], etype, named, form))
    return found


def _is_head_word(word: str, lang: str, kind: str) -> bool:
    return any(word == form or word == form + "s" for form, _ in head_table(lang, kind) if " " not in form)


def find_complement(text: str, start: int, end: int, lex: dict, lang: str, max_tokens: int,
                    kind: str = "events", barriers: "Barriers | None" = None) -> list[EventMention]:
    """A head noun followed by a naming complement (genitive, preposition, quote, proper name)."""
    compound, stems = lex.get("compound", False), lex.get("stems", False)
    stops = set(lex.get("stop_words", []))
    starts = set(lex.get("complement_starts", []))
    tokens = [(m.start() + start, m.end() + start, m.group()) for m in _TOKEN.finditer(text[start:end])]
    found: list[EventMention] = []
    for i, (s, e, word) in enumerate(tokens):
        if word[0] in _QUOTE_OPEN and len(word) > 2:
            inner = word[1:-1].strip()
            first = re.match(r"[\w'’-]+", inner)
            hit = first and _head_in([first.group().lower()], lang, compound=compound, stems=stems, kind=kind)
            if hit and len(inner.split()) > 1:
                found.append(EventMention(s + 1, e - 1, inner, hit[3], True, first.group().lower()))
            continue
        if not word[0].isalpha() or compound and not word[0].isupper():
            continue
        bare_word = re.sub(r"^\w{1,4}['’](?=\w)", "", word)  # "l'iniziativa", "dell'incontro"
        hit = _head_in([bare_word.lower()], lang, compound=compound, stems=stems, kind=kind)
        if not hit or kind == "events" and _venue_after([t[2].lower() for t in tokens], i + 1, lang):
            continue
        j = i + 1
        stop_at = barriers.starts if barriers else set()
        proper_stop = lex.get("proper_name_stop", False)
        joiners = starts | _EN_CONNECTORS | {"e", "y", "i", "et", "und", "oraz", "della", "delle", "dei", "degli", "de", "la",
                                               "le", "les", "el", "los", "las", "d", "l", "sulla", "sul", "w", "z", "na", "dla"}
        while j < len(tokens) and j - i <= max_tokens:
            w = tokens[j][2]
            if tokens[j][0] in stop_at:  # a role trigger, a "was held" verb or an organization's name
                break
            dash_joins = w in "–—-" and j + 1 < len(tokens) and tokens[j + 1][2][:1].isupper()  # "Chiny – UE"
            if w.lower() in stops or w in ",.;:!?–—" and not dash_joins or w[0] in _QUOTE_CLOSE and w[0] not in _QUOTE_OPEN:
                break
            if proper_stop and j > i + 1 and tokens[j - 1][2][:1].isupper() and w[:1].islower() and w.lower() not in joiners:
                break  # "Foro Hispano-Chino del Acero Verde reunió ...": a verb after the proper name
            j += 1
        complement = tokens[i + 1:j]
        while complement and (complement[-1][2].lower() in set(lex.get("place_prepositions", [])) | {"-"}):
            complement = complement[:-1]
        first = complement[0][2] if complement else ""
        k = i
        while k > 0 and _name_adjective(tokens[k - 1][2], compound):  # "das Deutsch-Chinesische Batterieforum"
            k -= 1
        if k < i and not complement:
            found.append(EventMention(tokens[k][0], e, text[tokens[k][0]:e], hit[3], True, word.lower()))
            continue
        if lex.get("require_capital_head") and not word[0].isupper():  # "podczas forum PKP Cargo ...": generic
            found.append(EventMention(s, e, word, hit[3], False, word.lower()))
            continue
        named = bool(complement) and (
            not starts or first.lower() in starts or first[0].isupper() or first[0] in _QUOTE_OPEN or first[0].isdigit()
        ) and (not lex.get("require_capital") or any(t[2][0].isupper() or t[2][0] in _QUOTE_OPEN for t in complement))
        if not named:
            found.append(EventMention(s, e, word, hit[3], False, word.lower()))
            continue
        quote_at = next((n for n, t in enumerate(complement) if t[2][0] in _QUOTE_OPEN and len(t[2]) > 2), None)
        if quote_at is not None and all(t[2][:1].islower() for t in complement[:quote_at]):
            # inicjatywę „Earth Aspiration Action (E2A)”, progetto pilota "Torino Ricarica Smart": the quote names it
            q_start, q_end = complement[quote_at][0] + 1, complement[quote_at][1] - 1
            found.append(EventMention(q_start, q_end, text[q_start:q_end].strip(), hit[3], True, word.lower()))
            continue
        e2 = complement[-1][1]
        s = tokens[k][0]  # with its capitalised adjectives: "Polsko-Chiński Szczyt Tekstylny"
        found.append(EventMention(s, e2, text[s:e2], hit[3], True, word.lower()))
    return found


@lru_cache(maxsize=None)
def head_word_pattern(lang: str, kind: str) -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    """All lower-case head forms as one pattern, and form -> (form, type) for its matches."""
    table = head_table(lang, kind)
    pattern = re.compile(r"\b(%s)s?\b" % "|".join(re.escape(form) for form, _ in table))
    return pattern, {form: (form, etype) for form, etype in table}


@lru_cache(maxsize=None)
def _generic_pattern(forms: tuple[str, ...]) -> re.Pattern | None:
    return re.compile(r"\b(?:%s)\w*" % "|".join(re.escape(f) for f in forms), re.I) if forms else None


def find_generic(text: str, start: int, end: int, lex: dict, kind: str = "events") -> list[EventMention]:
    """Generic event nouns ("the event", "die Veranstaltung", "wydarzenie") and lower-case heads: anaphors."""
    found = []
    if lex.get("mode", "capitalised") == "capitalised":
        pattern, forms = head_word_pattern("en", kind)
        for m in pattern.finditer(text, start, end):
            form, etype = forms[m.group(1)]
            found.append(EventMention(m.start(), m.end(), m.group(), etype, False, form))
    generic = _generic_pattern(tuple(lex.get("generic", [])))
    for m in generic.finditer(text, start, end) if generic else ():
        found.append(EventMention(m.start(), m.end(), m.group(), "other", False, "*"))
    return found


def _venue_after(words: list[str], index: int, lang: str) -> bool:
    """"Lisbon Congress Centre", "会议中心": the head names a building, not an event."""
    venues = load_lexicon("events", lang).get("venue_words", [])
    return index < len(words) and words[index] in venues


def _name_adjective(word: str, compound: bool) -> bool:
    """A capitalised adjective inside a name: German "Deutsch-Chinesische", "Internationale";
    elsewhere a hyphenated one ("Polsko-Chiński Szczyt", "Sino-Portuguese")."""
    if not word[:1].isupper() or word.lower() in _DETERMINERS:
        return False
    return bool(re.search(r"(?:e|en|er|es)$", word)) if compound else "-" in word.strip("-")


def find_cjk(text: str, start: int, end: int, lex: dict, kind: str = "events",
             barriers: "Barriers | None" = None) -> list[EventMention]:
    """Chinese: head noun plus its left context up to a clause boundary or function word."""
    stops = set(lex.get("left_stops", ""))
    nameable = set(lex.get("nameable_heads", []))
    prefixes = tuple(lex.get("anaphor_prefixes", []))
    found: list[EventMention] = []
    taken: list[tuple[int, int]] = []
    stop_words = tuple(lex.get("left_stop_words", []))
    blockers = tuple(lex.get("right_blockers", []))
    designations = tuple(lex.get("designation_verbs", []))
    for form, etype in head_table("zh", kind):
        for m in re.finditer(re.escape(form), text[start:end]):
            hs, he = m.start() + start, m.end() + start
            if any(a <= hs and he <= b for a, b in taken) or text[he:he + 2].startswith(blockers) and blockers:
                continue
            taken.append((hs, he))
            left = hs
            depth = 0  # closing quotes passed going left; an unmatched opening quote ends the name
            ends = barriers.ends if barriers else set()
            while left > start:
                ch = text[left - 1]
                if ch in "”」":
                    depth += 1
                elif ch in "“「":
                    if depth == 0:
                        break
                    depth -= 1
                elif depth == 0 and (ch in stops or left in ends or stop_words and text[start:left].endswith(stop_words)):
                    break
                left -= 1
            name = text[left:he]
            bare = left == hs
            anaphor = bare and form not in nameable or text[max(start, hs - 2):hs].endswith(prefixes)
            if designations and text[max(start, left - 3):left].endswith(designations) and text[he:he + 1] == "、":
                continue  # "打造A示范区、B引领区、C先行区": a list of aspirations, not a named project
            found.append(EventMention(left if not anaphor else hs, he, name if not anaphor else form, etype,
                                      not anaphor, form))
    for form in lex.get("generic", []):
        for m in re.finditer(re.escape(form), text[start:end]):
            found.append(EventMention(m.start() + start, m.end() + start, form, "other", False, "*"))
    return found


def _drop_duplicates(mentions: list[EventMention]) -> list[EventMention]:
    """One mention per span; a named mention wins over an anaphor covering the same head.

    Two finders may read the same name with different extents ("Forum Italia-Cina" and
    "Forum Italia-Cina sulla mobilità elettrica"): the longer one stays.
    """
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start), not m.named))
    kept: list[EventMention] = []
    for m in mentions:
        if any(k.start == m.start and k.end == m.end for k in kept):
            continue
        if m.named and any(k.named and k.start == m.start and m.end <= k.end and k.type == m.type for k in kept):
            continue
        if not m.named and any(k.named and k.start <= m.start and m.end <= k.end for k in kept):
            continue
        kept.append(m)
    return kept


# --- merging and resolution ------------------------------------------------------------------


def _words(name: str, lang: str) -> list[str]:
    if lang == "zh" or re.search(r"[\u4e00-\u9fff]", name):
        chars = re.sub(r"[\W_]", "", name)
        return [chars[i:i + 2] for i in range(len(chars) - 1)] or [chars]
    words = re.findall(r"[^\W_]+", name.casefold().replace("-", ""))
    return words if lang == "en" else [w[:5] for w in words]


def norm(name: str) -> str:
    """The evaluation convention's normalisation: casefold, drop a leading "the", keep letters/digits."""
    folded = name.casefold().strip()
    folded = re.sub(r"^the\s+", "", folded)
    return re.sub(r"[\W_]", "", folded)


def names_match(a: str, b: str, lang: str) -> bool:
    """Same event/project name: containment, or stem/bigram overlap >= 0.8, or a long shared ending (zh)."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    if na in nb or nb in na:
        return True
    wa, wb = set(_words(a, lang)), set(_words(b, lang))
    if wa and wb and len(wa & wb) / min(len(wa), len(wb)) >= 0.8:
        return True
    common = 0
    while common < min(len(na), len(nb)) and na[-1 - common] == nb[-1 - common]:
        common += 1
    return bool(re.search(r"[\u4e00-\u9fff]", na)) and common >= 8


def merge_mentions(mentions: list[EventMention], text: str, lang: str) -> list[EventEntity]:
    """Group named mentions into events (best name match, or a bracketed alias right after a name).

    A mention nested inside another event's mention at the same place ("...大会" inside
    "...大会系列活动之...研讨会") names a different event, however similar the names.
    """
    events: list[EventEntity] = []
    core: dict[int, int] = {}  # event id -> length of its shortest name (whose head gives the type)
    for m in sorted((m for m in mentions if m.named), key=lambda m: (m.start, -(m.end - m.start))):
        scored = [
            (match_score(m.name, n, lang), -i, e)
            for i, e in enumerate(events)
            for n in _names(e)
            if not any(_nested((m.start, m.end), span) for span in e.mentions)
        ]
        scored = [x for x in scored if x[0] > 0]
        target = max(scored, key=lambda x: x[:2])[2] if scored else _alias_target(m, events, text)
        if target is None:
            target = EventEntity(name=m.name, type=m.type, mentions=[], confidence=0.6)
            events.append(target)
            core[id(target)] = len(m.name) + 1
        target.names.append(m.name)
        target.mentions.append((m.start, m.end))
        if len(m.name) > len(target.name):  # the fullest wording names the event ...
            target.name = m.name
        if len(m.name) < core.get(id(target), len(m.name) + 1):  # ... its core gives the type
            core[id(target)], target.type = len(m.name), m.type
        m.event = target
    for event in events:
        event.confidence = min(0.9, 0.6 + 0.1 * (len(event.mentions) - 1))
    return events


def _nested(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """One name begins another at the same place ("...大会" in "...大会系列活动之...研讨会"): two events."""
    return a != b and a[0] == b[0]


def match_score(a: str, b: str, lang: str) -> int:
    """3 equal, 2 one contains the other, 1 overlap or shared ending, 0 different."""
    if norm(a) == norm(b):
        return 3
    if not names_match(a, b, lang):
        return 0
    na, nb = norm(a), norm(b)
    return 2 if na in nb or nb in na else 1


def _names(event: EventEntity) -> list[str]:
    return event.names or [event.name]


def _alias_target(m: EventMention, events: list[EventEntity], text: str) -> EventEntity | None:
    for event in events:
        last_end = event.mentions[-1][1]
        between = text[last_end:m.start]
        if len(between) <= 5 and re.fullmatch(r"[\s\"”»“„«]*\(\s*[\"“„«]?", between):
            return event
    return None


def merge_title_events(events: list[EventEntity], mentions: list[EventMention], title) -> list[EventEntity]:
    """A title names the story's event: an event named only in the title joins the one body event of its type."""
    if not title:
        return events
    start, end = title[0]
    for event in list(events):
        if not all(start <= s and e <= end for s, e in event.mentions):
            continue
        same = [e for e in events if e is not event and e.type == event.type
                and any(not (start <= s and t <= end) for s, t in e.mentions)]
        if len(same) != 1:
            continue
        target = same[0]
        target.mentions = sorted(target.mentions + event.mentions)
        target.names = _names(target) + _names(event)
        target.name = max([target.name, event.name], key=len)
        for m in mentions:
            if m.event is event:
                m.event = target
        events.remove(event)
    return events


def resolve_anaphors(mentions: list[EventMention], events: list[EventEntity]) -> None:
    """Point each anaphor at the latest event it can mean (same head word, else the focus)."""
    focus: EventEntity | None = None
    ordered = sorted(mentions, key=lambda m: (m.end, m.end - m.start))
    for m in ordered:
        if m.named:
            focus = m.event
            continue
        same_head = [e for e in events if m.head != "*" and m.head in " ".join(_names(e)).lower()]
        same_type = [e for e in events if e.type == m.type and m.type != "other"]
        recent = _latest(same_head, ordered, m) or _latest(same_type, ordered, m) or focus
        m.event = recent or (events[0] if events else None)
        if m.event is not None:
            m.event.mentions.append((m.start, m.end))
            focus = m.event
    for m in mentions:
        if m.event is not None and m.signing and m.event.type in ("ceremony", "signing", "other"):
            m.event.type = "signing"


def _latest(candidates: list[EventEntity], ordered: list[EventMention], before: EventMention) -> EventEntity | None:
    latest = None
    for m in ordered:
        if m is before:
            break
        if m.event in candidates:
            latest = m.event
    return latest or (candidates[0] if candidates else None)


_TYPE_PRIORITY = ("signing", "launch", "conference", "forum", "meeting", "workshop", "seminar", "exhibition",
                  "challenge", "visit", "ceremony", "other")


def held_mentions(text: str, sentences, mentions: list[EventMention], date_mentions, lang: str) -> list[EventMention]:
    """Events told by a dated "was held"/"launched" sentence around a lower-case head noun.

    "la cérémonie de lancement du projet pilote ... s'est tenue à Lyon",
    "odbyła się ceremonia podpisania porozumienia ...": the head phrase up to
    the verb (or, verb first, to the sentence end) names the event; its most
    specific head gives the type (signing, then launch ... ceremony last).
    "The X Pilot was officially launched on <date>" (``launch_held``) names
    the launch of its subject. Only for sentences that name no event already.
    """
    lex = load_lexicon("events", lang)
    held = lex.get("held", [])
    launch_held = lex.get("launch_held", [])
    if not held and not launch_held:
        return []
    out = []
    for start, end in sentences:
        if any(m.named and start <= m.start < end for m in mentions):
            continue
        if not any(start <= d[0] < end for d in date_mentions):
            continue
        sentence = text[start:end]
        launch = next((m for m in (re.search(rf"(?<!\w){re.escape(v)}(?!\w)", sentence) for v in launch_held) if m), None)
        if launch is not None and lex.get("launch_name"):
            subject = re.split(r"\s(?:--|–|—)\s", sentence[:launch.start()])[-1].strip()  # after a dateline
            subject = re.sub(r"^(?:the|a|an)\s+", "", subject, flags=re.I)
            if subject[:1].isupper() and 1 <= len(subject.split()) <= 12:
                name = lex["launch_name"].format(subject=subject)
                out.append(EventMention(start, start + launch.start(), name, "launch", True, "launch"))
                continue
        verb = next((m for m in (re.search(rf"(?<!\w){re.escape(v)}(?!\w)", sentence, re.I) for v in held) if m), None)
        heads = [m for m in mentions if not m.named and m.head != "*" and start <= m.start < end]
        if verb is None or not heads:
            continue
        first = min(heads, key=lambda m: m.start)
        stop = start + verb.start() if first.start < start + verb.start() else end
        name = text[first.start:stop].strip(" ,.;:")
        if not 1 <= len(name.split()) <= 16:
            continue
        inside = [m for m in heads if m.start < first.start + len(name)]
        etype = min((m.type for m in inside), key=lambda t: _TYPE_PRIORITY.index(t) if t in _TYPE_PRIORITY else 99)
        out.append(EventMention(first.start, first.start + len(name), name, etype, True, first.head))
    return out


def mark_signing(mentions: list[EventMention], text: str, lang: str) -> None:
    """Flag mentions whose wording speaks of signing ("signing and unveiling ceremony", "签约仪式")."""
    words = load_lexicon("events", lang).get("signing_words", [])
    for m in mentions:
        window = text[max(0, m.start - 30):m.end].lower()
        m.signing = any(w.lower() in window for w in words)


# --- dates and places ------------------------------------------------------------------------


def _sentence_of(pos: int, sentences: list[tuple[int, int]]) -> tuple[int, int] | None:
    return next((s for s in sentences if s[0] <= pos < s[1]), None)


def event_date(event: EventEntity, sentences, date_mentions, text: str, lang: str = "en") -> str | None:
    """The date closest to the event's first mention in a sentence that has both (dateline dates lose).

    A dateline date with "yesterday"/"ayer"/"昨天" in the sentence is moved back one day.
    """
    for start, end in sorted(event.mentions):
        sentence = _sentence_of(start, sentences)
        if sentence is None:
            continue
        near = [
            (_dateline(text, d_end), min(abs(d_start - end), abs(start - d_end)), iso)
            for d_start, d_end, iso in date_mentions
            if sentence[0] <= d_start < sentence[1]
        ]
        if near:
            is_dateline, _distance, iso = min(near)
            return _relative_day(iso, text[sentence[0]:sentence[1]], lang) if is_dateline else iso
    return None


def _relative_day(iso: str | None, sentence: str, lang: str) -> str | None:
    lex = load_lexicon("events", lang)
    lowered = sentence.lower()
    if not iso or len(iso) != 10 or not any(w in lowered for w in lex.get("yesterday_words", [])):
        return iso
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def _dateline(text: str, end: int) -> bool:
    return bool(_DATELINE_AFTER.match(text[end:end + 50]))


def lead_date(sentences, date_mentions, noise) -> str | None:
    """The first date of the first body sentences (the dateline), used for events reported as news."""
    for start, end in sentences[:4]:
        for d_start, _d_end, iso in date_mentions:
            if start <= d_start < end and iso and not in_ranges(d_start, d_start + 1, noise):
                return iso
    return None


def _place_spans(doc: Doc, noise) -> list[tuple[int, int, str]]:
    if "places" not in doc.spans:
        return []
    named = Span.has_extension("place_name")
    return [(s.start_char, s.end_char, (s._.get("place_name") if named else None) or s.text)
            for s in doc.spans["places"] if not in_ranges(s.start_char, s.end_char, noise)]


def event_place(event: EventEntity, mentions, sentences, places, text: str, lang: str) -> str | None:
    """The place after a "held in"-style predicate in a sentence that mentions the event."""
    lex = load_lexicon("events", lang)
    held = [h.lower() for h in lex.get("held", []) + lex.get("launch_held", [])]
    preps = lex.get("place_prepositions", [])
    for strict in (True, False) if lang == "zh" else (False,):  # "论坛在汉堡举行": a place after 在/于 first
        for start, _end in sorted(event.mentions):
            sentence = _sentence_of(start, sentences)
            if sentence is None:
                continue
            chunk = text[sentence[0]:sentence[1]].lower()
            if not any(h in chunk for h in held):
                continue
            inside = [p for p in places if sentence[0] <= p[0] < sentence[1] and not _within_event_name(p, event)]
            if strict:
                inside = [p for p in inside if text[max(0, p[0] - 1):p[0]] in ("在", "于")]
            for p_start, p_end, p_text in inside:
                before = text[max(sentence[0], p_start - 6):p_start].strip().lower()
                if lang == "zh" or any(before.endswith(prep) for prep in preps):
                    joined = p_text
                    follow = [q for q in inside if q[0] > p_end and re.fullmatch(r",\s*", text[p_end:q[0]])]
                    if follow:
                        joined = text[p_start:follow[0][1]]
                    return joined
    return None


def _within_event_name(place, event: EventEntity) -> bool:
    return any(s <= place[0] and place[1] <= e for s, e in event.mentions[:1])


def _mostly_noise(sentence: tuple[int, int], noise) -> bool:
    covered = sum(max(0, min(sentence[1], e) - max(sentence[0], s)) for s, e in noise)
    return covered >= (sentence[1] - sentence[0]) / 2
