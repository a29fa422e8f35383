"""Who did what at which event: the ``sinoeu_roles`` component.

Role triggers are data (``resources/<lang>/roles.json``): a regular expression,
the role it states, and where its organizations stand relative to it —
``after`` ("jointly hosted by A, B and C"), ``before`` ("A and B attended",
"...签约"), ``both`` ("A signed ... with B") or ``group`` (a named group,
"gemeinsam vom A, dem B und der C ausgerichtet"). A plural form of a role
("organized by A and B" -> co-organizer) applies when the clause names two or
more organizations.

Speaker and moderator triggers are about people: the role passes from a
person to their organization when the person has one affiliation, or when one
of their organizations is named again after the trigger (whom they speak
for). A trigger whose clause names nobody ("... and delivered speeches",
"他表示") shares the subject of the previous trigger in the sentence.

Each fact attaches to the event mentioned in its sentence (nearest to the
trigger), else to the event in focus; signatories always attach to a signing
event, created when the text names none. ``attendee`` is dropped for an
organization with a more specific role at the same event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from extract.attrs import doc_orgs, doc_persons, doc_text
from extract.components.event_attrs import (
    DATES, EVENTS, EventEntity, RoleMention, ensure_event_extensions, in_ranges, load_lexicon, noise_ranges,
    sentence_spans,
)
from extract.components.events import EVENT_INDEX, EventIndex, _dateline, _place_spans, lead_date

FIRST_ORG_CHARS = 60  # the organization nearest a trigger stands at most this far before it ...
FIRST_ORG_CHARS_AFTER = 30  # ... or this far after it ("hosted by the", "wśród nich ... urzędnicy")
LIST_GAP_CHARS = 45  # consecutive members of one list stand at most this far apart


@dataclass
class TriggerHit:
    start: int
    end: int
    role: str
    plural: str | None
    scope: str
    person_role: bool
    group: tuple[int, int] | None = None
    after_marker: str | None = None


@dataclass
class OrgMention:
    start: int
    end: int
    key: str
    name: str


@registry.misc("sinoeu.role_triggers.v1")
def make_role_triggers() -> Callable[[str], tuple[tuple[re.Pattern, dict], ...]]:
    """The trigger table of a language, from ``resources/<lang>/roles.json`` (swap it in the config)."""
    return compiled_triggers


@Language.factory(
    "sinoeu_roles",
    default_config={"triggers": {"@misc": "sinoeu.role_triggers.v1"}, "drop_redundant_attendees": True},
)
def make_roles(nlp: Language, name: str, triggers: Callable, drop_redundant_attendees: bool) -> "RoleLinker":
    """Factory: config keys equal these keyword arguments."""
    return RoleLinker(nlp.lang, triggers=triggers, drop_redundant_attendees=drop_redundant_attendees)


@lru_cache(maxsize=None)
def compiled_triggers(lang: str) -> tuple[tuple[re.Pattern, dict], ...]:
    """The language's role triggers, compiled, in file order (earlier wins on overlap)."""
    return tuple((re.compile(t["re"], re.I), t) for t in load_lexicon("roles", lang)["triggers"])


class RoleLinker:
    """Attaches RoleMentions to ``Doc._.events``."""

    def __init__(self, lang: str, *, drop_redundant_attendees: bool, triggers: Callable = None):
        ensure_event_extensions()
        self.lang = lang
        self.triggers = triggers or compiled_triggers
        self.drop_redundant_attendees = drop_redundant_attendees

    def __call__(self, doc: Doc) -> Doc:
        events: list[EventEntity] = list(doc._.get(EVENTS) or [])
        index: EventIndex = doc._.get(EVENT_INDEX) if Doc.has_extension(EVENT_INDEX) else None
        index = index or EventIndex(sentences=sentence_spans(doc_text(doc)))
        text, noise = doc_text(doc), noise_ranges(doc)
        orgs = org_mentions(doc, noise)
        affiliations = person_affiliations(doc)
        people = person_mentions(doc, noise)
        for sentence in index.sentences:
            previous: tuple[list[OrgMention], list[tuple[int, int, str]]] | None = None
            for k, hit in enumerate(hits := find_triggers(text, sentence, self.triggers(self.lang))):
                regions = trigger_regions(text, sentence, hits, k)
                in_region = listed_orgs(text, orgs, regions, hit)
                persons = [p for p in people if any(a <= p[0] and p[1] <= b for a, b in regions)]
                if hit.scope == "before" and not in_region and not persons and previous:
                    in_region, persons = previous  # "A and B attended ... and delivered speeches"
                elif hit.person_role and not persons and previous and previous[1]:
                    in_region, persons = previous
                previous = (in_region, persons)
                actors = role_actors(hit, in_region, persons, affiliations, orgs, sentence)
                if not actors:
                    continue
                role = hit.plural if hit.plural and len(actors) >= 2 else hit.role
                event = choose_event(hit, role, sentence, index, events, text, doc, self.lang)
                if event is None:
                    continue
                for org in actors:
                    event.roles.append(RoleMention(org.key, org.name, role, sentence[0], sentence[1],
                                                   0.5 if hit.role == "attendee" else 0.7))
        for event in events:
            event.roles = clean_roles(event.roles, self.drop_redundant_attendees)
            if event.roles and event.date is None:
                event.date = lead_date(index.sentences, doc._.get(DATES) or [], noise)
        doc._.set(EVENTS, events)
        return doc


def org_mentions(doc: Doc, noise) -> list[OrgMention]:
    """Outermost organization mentions outside noise (a name nested in a longer name is part of it)."""
    found = [
        OrgMention(s, e, org.key, org.name)
        for org in doc_orgs(doc) for s, e in org.mentions if not in_ranges(s, e, noise)
    ]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    outer: list[OrgMention] = []
    for m in found:
        if outer and m.start < outer[-1].end:
            continue
        outer.append(m)
    return outer


def listed_orgs(text: str, orgs: list[OrgMention], regions, hit: TriggerHit) -> list[OrgMention]:
    """The organizations of the list the trigger governs: contiguous, starting next to the trigger.

    "with the support of public sector and social organizations, helping to achieve the United
    Nations ..." governs no organization: the first one stands too far from the trigger. A
    bracketed acronym right after a name ("... Technology (MIIT)") repeats that name.
    """
    out: list[OrgMention] = []
    for a, b in regions:
        inside = [o for o in orgs if a <= o.start and o.end <= b and not _bracketed_repeat(text, o, orgs)]
        if hit.scope == "group":
            out += inside
            continue
        backwards = b <= hit.start
        inside.sort(key=lambda o: -o.end if backwards else o.start)
        edge = b if backwards else a
        first_limit = FIRST_ORG_CHARS if backwards or hit.person_role else FIRST_ORG_CHARS_AFTER
        for i, o in enumerate(inside):
            gap = text[o.end:edge] if backwards else text[edge:o.start]
            if len(gap) > (first_limit if i == 0 else LIST_GAP_CHARS):
                break
            out.append(o)
            edge = o.start if backwards else o.end
    return out


def _bracketed_repeat(text: str, org: OrgMention, orgs: list[OrgMention]) -> bool:
    before = text[max(0, org.start - 2):org.start]
    after = text[org.end:org.end + 1]
    return before.endswith("(") and after == ")" and any(0 <= org.start - o.end <= 2 for o in orgs if o is not org)


def person_affiliations(doc: Doc) -> dict[str, list[str]]:
    """Person name -> the organization names of their (post, organization) entries."""
    table: dict[str, list[str]] = {}
    for person in doc_persons(doc):
        orgs = table.setdefault(person.name, [])
        if person.organization and person.organization not in orgs:
            orgs.append(person.organization)
    return table


def person_mentions(doc: Doc, noise) -> list[tuple[int, int, str]]:
    seen = set()
    out = []
    for person in doc_persons(doc):
        for s, e in person.mentions:
            if (s, e) not in seen and not in_ranges(s, e, noise):
                seen.add((s, e))
                out.append((s, e, person.name))
    return sorted(out)


def find_triggers(text: str, sentence: tuple[int, int], table) -> list[TriggerHit]:
    """Non-overlapping trigger hits of ``table`` (see :func:`compiled_triggers`) in the sentence, in text order."""
    start, end = sentence
    chunk = text[start:end]
    hits: list[TriggerHit] = []
    for pattern, spec in table:
        for m in pattern.finditer(chunk):
            s, e = m.start() + start, m.end() + start
            group = None
            if "orgs" in pattern.groupindex and m.group("orgs") is not None:
                group = (m.start("orgs") + start, m.end("orgs") + start)
                s, e = s, s + (m.start("orgs") - m.start())  # the trigger proper is the part before the group
            if any(h.start < e and s < h.end or group and h.group == group for h in hits):
                continue
            hits.append(TriggerHit(s, e, spec["role"], spec.get("plural"), spec["scope"],
                                   bool(spec.get("person_role")), group, spec.get("after_marker")))
    hits.sort(key=lambda h: h.start)
    return hits


def trigger_regions(text: str, sentence: tuple[int, int], hits: list[TriggerHit], k: int) -> list[tuple[int, int]]:
    """The char ranges where the organizations of hit ``k`` stand."""
    hit = hits[k]
    if hit.scope == "group" and hit.group:
        return [hit.group]
    prev_end = max([h.group[1] if h.group else h.end for h in hits[:k]] + [sentence[0]])
    next_start = min([h.start for h in hits[k + 1:]] + [sentence[1]])
    before = (prev_end, hit.start)
    after = (hit.end, next_start)
    if hit.scope == "before":
        return [before]
    if hit.scope == "after":
        return [after]
    if hit.after_marker:  # "A signed an agreement with B": B stands after the marker
        marker = re.search(hit.after_marker, text[after[0]:after[1]], re.I)
        return [before] + ([(after[0] + marker.end(), after[1])] if marker else [])
    return [before, after]


def role_actors(hit: TriggerHit, in_region: list[OrgMention], persons, affiliations, orgs, sentence) -> list[OrgMention]:
    """The organizations the hit gives a role to (through people for speaker/moderator triggers)."""
    if not hit.person_role or not persons:
        return _unique(in_region)
    by_name = {o.name: o for o in orgs}
    covered = {name for _, _, person in persons for name in affiliations.get(person, [])}
    actors: list[OrgMention] = []
    for _, _, person in persons:
        names = affiliations.get(person, [])
        if len(names) > 1:  # several hats: only the organization named again after the trigger
            again = {o.name for o in orgs if hit.end <= o.start < sentence[1]}
            names = [n for n in names if n in again]
            names = names if len(names) == 1 else []
        actors += [by_name.get(n) or OrgMention(hit.start, hit.end, _key_of(n, orgs), n) for n in names]
    actors += [o for o in in_region if o.name not in covered]
    return _unique(actors)


def _key_of(name: str, orgs: list[OrgMention]) -> str:
    return next((o.key for o in orgs if o.name == name), name)


def _unique(mentions: list[OrgMention]) -> list[OrgMention]:
    seen, out = set(), []
    for m in mentions:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out


def choose_event(hit: TriggerHit, role: str, sentence, index: EventIndex, events: list[EventEntity], text: str,
                 doc: Doc, lang: str) -> EventEntity | None:
    """The event a fact belongs to: mentioned in the sentence, else in focus; signatories go to a signing."""
    here = [m for m in index.mentions if m.event is not None and sentence[0] <= m.start < sentence[1]]
    if role == "signatory":
        signing = [m.event for m in here if m.event.type == "signing"]
        if signing:
            return signing[0]
        existing = [e for e in events if e.type == "signing"]
        if existing:
            return min(existing, key=lambda e: min(abs(s - hit.start) for s, _ in e.mentions))
        return _new_signing_event(hit, sentence, text, events, doc, index, lang)
    if here:
        return min(here, key=lambda m: min(abs(m.start - hit.end), abs(hit.start - m.end))).event
    earlier = [m for m in index.mentions if m.event is not None and m.end <= sentence[0]]
    earlier.sort(key=lambda m: m.end)
    non_signing = [m for m in earlier if m.event.type != "signing"]
    chosen = (non_signing or earlier)[-1:] or [m for m in index.mentions if m.event is not None][:1]
    if chosen:
        return chosen[0].event
    return _event_of_unresolved_anaphor(sentence, index, events)


def _event_of_unresolved_anaphor(sentence, index: EventIndex, events: list[EventEntity]) -> EventEntity | None:
    """The earliest event for a sentence that points at one ("La ceremonia de firma fue organizada por ...")
    when the only event was made later (a signing told by its verb, after the event finder ran)."""
    pointing = any(m.event is None and not m.named and sentence[0] <= m.start < sentence[1] for m in index.mentions)
    if pointing and events or len(events) == 1:
        return min(events, key=lambda e: min((s for s, _ in e.mentions), default=0))
    return None


def _new_signing_event(hit: TriggerHit, sentence, text: str, events: list[EventEntity], doc: Doc,
                       index: EventIndex, lang: str) -> EventEntity:
    """A signing the text reports without naming it, named by what was signed.

    "signed a memorandum of understanding with NZPG on the X Pilot" -> "memorandum of understanding
    with NZPG on the X Pilot". Its date is the sentence's, else that of the event it happened at
    ("at the end of the forum"), else none.
    """
    clause_end = sentence[1]
    rest = text[hit.end:clause_end]
    objects = load_lexicon("roles", lang).get("signing_objects")
    found = re.search(objects, rest, re.I) if objects else None
    if not found and lang == "zh":  # 签署合作备忘录: the object follows; 完成签约: nothing to name it by
        found = re.search(objects or r"(?!)", text[sentence[0]:hit.start]) if objects else None
        rest = text[sentence[0]:hit.start] if found else rest
    if found:
        head_start = found.start()
        for word in reversed(re.findall(r"\S+\s*$|\S+\s+", rest[:head_start])[-3:]):
            if word.strip().lower() in _ARTICLES or not word.strip().isalpha() or word[:1].isupper() and lang != "de":
                break
            head_start -= len(word)  # "a strategic cooperation agreement": the modifiers belong to the name
        tail = re.split(r"[,;，；。]", rest[head_start:])[0]
        tail = _before_date_or_place(tail, hit.end + head_start, doc, noise_ranges(doc), lang)
        name = " ".join(tail.split()[:14]).rstrip(".") if lang != "zh" else text[hit.start:hit.end] + tail[:20]
    else:
        name = re.split(r"[,;，；。.]", text[hit.start:clause_end])[0].strip()
    in_sentence = [(s, e, iso) for s, e, iso in (doc._.get(DATES) or []) if sentence[0] <= s < sentence[1] and iso]
    in_sentence.sort(key=lambda d: (_dateline(text, d[1]), min(abs(d[0] - hit.end), abs(hit.start - d[1]))))
    dates = [iso for _s, _e, iso in in_sentence]  # the signing's own date beats the dateline's
    context = _focus_event(index, sentence, events)
    event = EventEntity(name=name.strip() or text[hit.start:hit.end], type="signing",
                        date=dates[0] if dates else (context.date if context else None),
                        place=(context.place if context else None) or _signing_place(text, hit, sentence, doc, lang),
                        mentions=[(hit.start, min(clause_end, hit.end + len(name)))], confidence=0.5)
    events.append(event)
    return event


def _before_date_or_place(tail: str, offset: int, doc: Doc, noise, lang: str) -> str:
    """The signed object's words up to a date or a place ("... corridor on 17 February 2025 in Rotterdam" -> "... corridor")."""
    stops = [s for s, _e, _iso in (doc._.get(DATES) or [])] + [p[0] for p in _place_spans(doc, noise)]
    for stop in sorted(s - offset for s in stops if offset < s < offset + len(tail)):
        words = tail[:stop].split()
        if len(words) >= 2 and words[-1].islower() and len(words[-1]) <= 5 and words[-1] not in _ARTICLES:
            return " ".join(words[:-1])  # "on 17 February", "in Rotterdam": a preposition starts the date or place
    return tail


def _signing_place(text: str, hit: TriggerHit, sentence, doc: Doc, lang: str) -> str | None:
    """A place after "in"/"at" in the signing clause, with a following ", (the) Country" ("in Rotterdam, the Netherlands")."""
    preps = load_lexicon("events", lang).get("place_prepositions", [])
    inside = [p for p in _place_spans(doc, noise_ranges(doc)) if hit.end <= p[0] < sentence[1]]
    for p_start, p_end, p_name in inside:
        before = text[max(hit.end, p_start - 6):p_start].strip().lower()
        if preps and any(before.endswith(prep) for prep in preps):
            follow = [q for q in inside if q[0] > p_end and re.fullmatch(r",\s*(?:the\s+)?", text[p_end:q[0]])]
            return text[p_start:follow[0][1]] if follow else p_name
    return None


def _focus_event(index: EventIndex, sentence, events: list[EventEntity]) -> EventEntity | None:
    """The non-signing event mentioned in, else last before, the sentence."""
    seen = [m for m in index.mentions if m.event is not None and m.event.type != "signing" and m.start < sentence[1]]
    return max(seen, key=lambda m: m.end).event if seen else None


_ARTICLES = {"a", "an", "the", "ein", "eine", "einen", "einer", "die", "der", "das", "den", "un", "une", "una", "uno",
             "il", "lo", "la", "le", "les", "el", "los", "las", "des", "du", "de", "its", "their", "two", "three"}


def clean_roles(roles: list[RoleMention], drop_redundant_attendees: bool) -> list[RoleMention]:
    """One fact per (organization, role); no ``attendee`` beside a more specific role."""
    seen: set[tuple[str, str]] = set()
    specific = {r.org_key for r in roles if r.role != "attendee"}
    out = []
    for r in roles:
        if (r.org_key, r.role) in seen:
            continue
        if drop_redundant_attendees and r.role == "attendee" and r.org_key in specific:
            continue
        seen.add((r.org_key, r.role))
        out.append(r)
    return out
