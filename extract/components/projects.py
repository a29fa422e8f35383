"""Pilot and cooperation projects, initiatives and programmes: the ``sinoeu_projects`` component.

Project names are found like event names (the same three finders of
``events.py``, run over ``resources/<lang>/projects.json``): "Carbon-Neutrality
Pilot Project in the China-EU (Taicang) ... Zone", ``"Earth Aspiration Action
(E2A) Initiative"``, "projekt pilotażowy dotyczący ...", "...燃料电池汽车示范区".
A leading event phrase ("Official Launch of ...") is not part of the name.

What a sentence says about "the project" (an anaphor, or no mention at all)
belongs to the project in focus: the one mentioned last. From such sentences
come the partners ("including A, B and C", "darunter", "między innymi",
"包括"; "A and B jointly launched ..."; a parent named after "of"/"der" is not
a partner), the place ("located in ..."), the sectors (``Doc._.sector_mentions``
in a sentence with a sector cue) and the targets ("carbon neutral by 2028" ->
``neutrality_year``, "population of approx. 150,000" -> ``population``).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import doc_text
from extract.components.event_attrs import (
    PROJECTS, SECTORS, ProjectEntity, ensure_event_extensions, in_ranges, load_lexicon, noise_ranges,
    sentence_spans,
)
from extract.components.events import (
    EVENT_INDEX, EventMention, find_capitalised, find_cjk, find_complement, find_generic, head_word_pattern, match_score,
    _drop_duplicates, _nested,
)
from extract.components.roles import OrgMention, org_mentions
from extract.components.sectors import doc_sector_mentions

FIRST_PARTNER_CHARS = 80
PARTNER_GAP_CHARS = 45
_MULTIPLIERS = {"thousand": 1_000, "tausend": 1_000, "tys": 1_000, "tyś": 1_000, "mila": 1_000, "mille": 1_000,
                "mil": 1_000, "万": 10_000, "million": 1_000_000, "millionen": 1_000_000, "mln": 1_000_000,
                "milioni": 1_000_000, "millions": 1_000_000, "millones": 1_000_000}


@Language.factory("sinoeu_projects", default_config={"max_name_tokens": 24})
def make_projects(nlp: Language, name: str, max_name_tokens: int) -> "ProjectFinder":
    """Factory: config keys equal these keyword arguments."""
    return ProjectFinder(nlp.lang, max_name_tokens=max_name_tokens)


class ProjectFinder:
    """Finds projects and what the text says about them."""

    def __init__(self, lang: str, *, max_name_tokens: int):
        ensure_event_extensions()
        self.lang = lang
        self.max_name_tokens = max_name_tokens

    def __call__(self, doc: Doc) -> Doc:
        text, noise = doc_text(doc), noise_ranges(doc)
        index = doc._.get(EVENT_INDEX) if Doc.has_extension(EVENT_INDEX) else None
        sentences = index.sentences if index else sentence_spans(text)
        mentions = [m for m in self.find_mentions(text, sentences) if not in_ranges(m.start, m.end, noise)]
        projects = merge_projects(mentions, self.lang)
        focus_of = sentence_focus(mentions, sentences)
        lex = load_lexicon("projects", self.lang)
        orgs = org_mentions(doc, noise)
        sectors = doc_sector_mentions(doc, self.lang)
        for sentence in sentences:
            project = focus_of.get(sentence)
            if project is None or in_ranges(*sentence, noise):
                continue
            named_here = [m for m in mentions if m.named and m.event is project and sentence[0] <= m.start < sentence[1]]
            for org in sentence_partners(text, sentence, orgs, lex, named_here):
                if org.name not in project.partners:
                    project.partners.append(org.name)
            for s, _e, label, cued in sectors:
                if cued and sentence[0] <= s < sentence[1] and label not in project.sectors:
                    project.sectors.append(label)
            project.place = project.place or project_place(doc, text, sentence, lex, noise)
            for key, value in sentence_targets(text[sentence[0]:sentence[1]], lex).items():
                project.targets.setdefault(key, value)
        for project in projects:
            if not project.sectors:
                project.sectors = [label for s, e, label, _c in sectors if any(a <= s and e <= b for a, b in project.mentions)]
        doc._.set(PROJECTS, projects)
        doc_sectors = list(doc._.get(SECTORS) or [])
        doc._.set(SECTORS, doc_sectors + [s for p in projects for s in p.sectors if s not in doc_sectors])
        return doc

    def find_mentions(self, text: str, sentences) -> list[EventMention]:
        lex = load_lexicon("projects", self.lang)
        mode = lex.get("mode", "capitalised")
        found: list[EventMention] = []
        for start, end in sentences:
            if mode == "cjk":
                found += find_cjk(text, start, end, lex, kind="projects")
                continue
            found += [_without_event_prefix(m) for m in
                      find_capitalised(text, start, end, load_lexicon("projects", "en"), self.max_name_tokens, "projects")]
            if mode == "complement":
                found += find_complement(text, start, end, lex, self.lang, self.max_name_tokens, "projects")
            found += find_generic(text, start, end, lex, "projects")
        return _drop_duplicates([m for m in found if m is not None])


def _without_event_prefix(m: EventMention) -> EventMention | None:
    """"Official Launch of X Pilot Project ..." names the project "X Pilot Project ..."."""
    event_heads, _ = head_word_pattern("en", "events")
    project_heads, _ = head_word_pattern("en", "projects")
    while " of " in m.name:
        prefix, rest = m.name.split(" of ", 1)
        if not event_heads.search(prefix.lower()):
            break
        cut = len(prefix) + 4
        m = EventMention(m.start + cut, m.end, rest, m.type, m.named, m.head)
    if m.named and not project_heads.search(m.name.lower()):
        return None
    if m.named and m.head and event_heads.search(m.name.lower().rsplit(m.head, 1)[-1]):
        return None  # "Green Shipping Corridor Forum 2024" is an event, not a corridor
    return m


def merge_projects(mentions: list[EventMention], lang: str) -> list[ProjectEntity]:
    """One project per name group; anaphors attach to the project in focus later."""
    projects: list[ProjectEntity] = []
    names: dict[int, list[str]] = {}
    for m in sorted((m for m in mentions if m.named), key=lambda m: (m.start, -(m.end - m.start))):
        scored = [
            (match_score(m.name, n, lang), -i, p)
            for i, p in enumerate(projects)
            for n in names[id(p)]
            if not any(_nested((m.start, m.end), span) for span in p.mentions)
        ]
        scored = [x for x in scored if x[0] > 0]
        target = max(scored, key=lambda x: x[:2])[2] if scored else None
        if target is None:
            target = ProjectEntity(name=m.name, mentions=[])
            names[id(target)] = []
            projects.append(target)
        names[id(target)].append(m.name)
        target.mentions.append((m.start, m.end))
        if len(m.name) > len(target.name):
            target.name = m.name
        m.event = target  # reuse of the mention's link slot: here it points to a project
    for project in projects:
        project.confidence = min(0.9, 0.6 + 0.1 * (len(project.mentions) - 1))
    return projects


def sentence_focus(mentions: list[EventMention], sentences) -> dict[tuple[int, int], ProjectEntity]:
    """Sentence -> the project it speaks about: one named in it, else the last one named before it."""
    named = sorted((m for m in mentions if m.named and m.event is not None), key=lambda m: m.start)
    anaphors = [m for m in mentions if not m.named]
    focus: dict[tuple[int, int], ProjectEntity] = {}
    last = None
    for sentence in sentences:
        here = [m for m in named if sentence[0] <= m.start < sentence[1]]
        if here:
            last = here[-1].event
            focus[sentence] = here[0].event
        elif last is not None:
            focus[sentence] = last
            for m in anaphors:
                if sentence[0] <= m.start < sentence[1]:
                    last.mentions.append((m.start, m.end))
    return focus


def sentence_partners(text: str, sentence, orgs: list[OrgMention], lex: dict, named_here) -> list[OrgMention]:
    """Organizations listed as partners in the sentence ("including A, B"; "A and B jointly launched X").

    A launch-style trigger counts only when the project is named after it in the same sentence.
    """
    chunk = text[sentence[0]:sentence[1]]
    found: list[OrgMention] = []
    inside = [o for o in orgs if sentence[0] <= o.start and o.end <= sentence[1]]
    cue = re.search(lex.get("partner_cues", r"(?!)"), chunk)
    if cue and re.search(lex.get("partner_context", r"(?!)"), chunk, re.I):
        found += _list_after(text, sentence[0] + cue.end(), inside, lex)
    trigger = re.search(lex.get("partner_triggers_before", r"(?!)"), chunk)
    if trigger and any(m.start >= sentence[0] + trigger.end() for m in named_here):
        found += _list_before(text, sentence[0] + trigger.start(), inside)
    return found


def _list_after(text: str, edge: int, orgs: list[OrgMention], lex: dict) -> list[OrgMention]:
    out: list[OrgMention] = []
    parent = re.compile(lex.get("parent_links", r"(?!)"))
    first = True
    for o in sorted((o for o in orgs if o.start >= edge), key=lambda o: o.start):
        gap = text[edge:o.start]
        if len(gap) > (FIRST_PARTNER_CHARS if first else PARTNER_GAP_CHARS):
            break
        if not first and parent.search(gap):
            edge = o.end
            continue  # "CBS of China Construction Technology Group": a parent, not a partner
        if not first and re.fullmatch(r"\s*\(\s*", gap) and text[o.end:o.end + 1] == ")":
            edge = o.end + 1
            continue  # "(CBS)": the acronym of the name before it
        if not out or out[-1].key != o.key:
            out.append(o)
        edge, first = o.end, False
    return out


def _list_before(text: str, edge: int, orgs: list[OrgMention]) -> list[OrgMention]:
    out: list[OrgMention] = []
    first = True
    for o in sorted((o for o in orgs if o.end <= edge), key=lambda o: -o.end):
        if len(text[o.end:edge]) > (FIRST_PARTNER_CHARS if first else PARTNER_GAP_CHARS):
            break
        if all(p.key != o.key for p in out):
            out.append(o)
        edge, first = o.start, False
    return list(reversed(out))


def project_place(doc: Doc, text: str, sentence, lex: dict, noise) -> str | None:
    """The places right after a location cue ("located in Taicang City, Jiangsu Province")."""
    cue = re.search(lex.get("place_cues", r"(?!)"), text[sentence[0]:sentence[1]])
    if not cue or "places" not in doc.spans:
        return None
    edge = sentence[0] + cue.end()
    picked: list[tuple[int, int]] = []
    for span in sorted(doc.spans["places"], key=lambda s: s.start_char):
        if span.start_char < edge or in_ranges(span.start_char, span.end_char, noise):
            continue
        if len(text[edge:span.start_char]) > (12 if picked else 20):
            break
        picked.append((span.start_char, span.end_char))
        edge = span.end_char
    return text[picked[0][0]:picked[-1][1]] if picked else None


def sentence_targets(chunk: str, lex: dict) -> dict:
    """Quantified targets stated in a sentence: neutrality year, population."""
    out: dict = {}
    for key, patterns in lex.get("targets", {}).items():
        for pattern in patterns:
            m = re.search(pattern, chunk, re.I)
            if not m:
                continue
            if key == "neutrality_year":
                out[key] = int(m.group(1))
            else:
                out[key] = parse_number(m.group(1), m.group(2) if m.lastindex and m.lastindex >= 2 else None)
            break
    return {k: v for k, v in out.items() if v is not None}


def parse_number(digits: str, multiplier: str | None) -> int | None:
    """"150,000" / "150.000" / "150 000" -> 150000; "150" + "tys" -> 150000; "15" + "万" -> 150000.

    >>> parse_number("150,000", None), parse_number("150", "tyś"), parse_number("1,5", "Millionen")
    (150000, 150000, 1500000)
    """
    raw = digits.strip().replace(" ", "").replace("\u00a0", "").rstrip(".,")
    factor = _MULTIPLIERS.get((multiplier or "").lower().rstrip("."), 1)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        return int(re.sub(r"[.,]", "", raw)) * factor
    if re.fullmatch(r"\d+(?:[.,]\d+)?", raw):
        return int(round(float(raw.replace(",", ".")) * factor))
    return None
