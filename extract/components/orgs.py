"""``sinoeu_orgs``: organizations, with in-document coreference, from head nouns and name shapes.

Two finders feed one linker:

* Latin script (:func:`latin_candidates`): name phrases (see ``acronyms.py``)
  that carry an organization head noun first ("Ministry of ...", "Urzędu
  Miasta ...") or last ("... Association"), "Long Name (ACR)" definitions,
  "Name (Country)", lone all-caps acronyms, and well-known public bodies.
* Han script (``orgs_han.py``): names
  without spaces end in a suffix (协会, 研究院, 有限公司 ...) and start after
  punctuation, a post title, a verb or particle; districts (北京市大兴区) come
  from a known city prefix.

The linker (``org_linking.py``) merges candidates that share a name, alias or acronym, an
"ACR Unit" form, an acronym that abbreviates another name, or a Chinese
short form (奥中关系促进会 -> 奥地利中国关系促进会); it finds every further
mention and skips everything inside noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import ATTRS, OrgEntity, doc_text, ensure_extensions, load_resource, load_shared_resource
from extract.components.acronyms import (
    ACRONYM_RE, ELIDED_CAPITAL_RE, ELIDED_RE, HAN_RE, Word, connector_set, head_set, initials_match, is_acronym, latin_words, name_phrases,
)
from extract.components.noise import normalise_noise, overlaps_noise
from extract.components import orgs_han

PAREN_RE = re.compile(r"[^\S\n]*[(（]([^()（）\n]{1,60})[)）]")


@dataclass
class Candidate:
    """One organization name found at one place (before coreference)."""

    name: str
    start: int
    end: int
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    kind: str | None = None
    strength: int = 2  # 3 acronym definition, 2 name shape / reference / Han suffix, 1 bare acronym
    unit: str | None = None  # bare unit name of a compound ("Center for ..." of "Center for ... of the Ministry ...")
    mention_only: bool = False  # may join an entity, never creates one
    han_tail: str | None = None  # Han: the part after an unsplit 与/和, preferred if it is a name elsewhere


def org_resources(lang: str) -> dict:
    """``resources/<lang>/orgs.json`` (English when missing), tagged with its language."""
    res = load_resource(lang, "orgs") or load_resource("en", "orgs")
    res.setdefault("_lang", lang if load_resource(lang, "orgs") else "en")
    return res


def nominative(surface: str, res: dict) -> str:
    """Name with its inflected head word in the nominative ("Ministeriums für X" -> "Ministerium für X").

    In compounding languages the inflection table also applies to word endings
    ("Bundesverbandes" -> "Bundesverband").
    """
    if ELIDED_CAPITAL_RE.match(surface):
        surface = ELIDED_RE.sub("", surface, count=1)
    if res.get("head_genders"):
        surface = _adjective_nominative(surface, res)
    if res.get("agreeing_adjectives"):
        surface = _agreeing_nominative(surface, res)
    first, _, rest = surface.partition(" ")
    table = res.get("head_inflections", {})
    base = table.get(first)
    if base is None and res.get("compound_heads"):
        for form, nom in table.items():
            if len(first) > len(form) and first.lower().endswith(form.lower()):
                joined = first[-len(form) - 1] == "-"  # "Fraunhofer-Instituts" -> "Fraunhofer-Institut"
                base = first[:-len(form)] + (nom if joined else nom.lower())
                break
    return f"{base} {rest}".strip() if base else surface


ADJECTIVE_ENDINGS = {"m": "er", "f": "e", "n": "es"}
# Polish genitive adjective endings -> nominative by gender (Polskiej -> Polska, Łódzkiego -> Łódzki, Generalnego -> Generalny)
SLAVIC_ADJECTIVES = (("kiego", {"f": "ka", "m": "ki", "n": "kie"}), ("giego", {"f": "ga", "m": "gi", "n": "gie"}),
                     ("kiej", {"f": "ka", "m": "ki", "n": "kie"}), ("giej", {"f": "ga", "m": "gi", "n": "gie"}),
                     ("ego", {"f": "a", "m": "y", "n": "e"}), ("ej", {"f": "a", "m": "y", "n": "e"}))


def _slavic_adjective(word: str, gender: str) -> str | None:
    if not word[:1].isupper() or is_acronym(word):
        return None
    for ending, forms in SLAVIC_ADJECTIVES:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[:-len(ending)] + forms[gender]
    return None


def _agreeing_nominative(surface: str, res: dict) -> str:
    """An inflected head noun and the adjectives agreeing with it, in the nominative (Polish).

    "Polskiej Agencji Inwestycji" -> "Polska Agencja Inwestycji", "Uniwersytetu Łódzkiego" ->
    "Uniwersytet Łódzki"; an adjective after the head that opens a genitive complement ("Zarządu
    Morskiego Portu Gdańsk") stays.
    """
    words = surface.split(" ")
    table = res.get("head_inflections", {})
    h = next((i for i, w in enumerate(words[:3]) if w in table and table[w] != w), None)
    if h is None:
        return surface
    head = table[words[h]]
    gender = "f" if head.endswith("a") else "n" if head.endswith(("o", "e", "um")) else "m"
    out = list(words)
    out[h] = head
    i = h - 1
    while i >= 0 and (adj := _slavic_adjective(words[i], gender)):
        out[i] = adj
        i -= 1
    if i >= 0:  # something else leads: not a name starting with agreeing adjectives
        return surface
    j = h + 1
    while j < len(words) and (adj := _slavic_adjective(words[j], gender)):
        following = words[j + 1] if j + 1 < len(words) else ""
        if following[:1].isupper() and not is_acronym(following) and not _slavic_adjective(following, gender):
            break  # "Zarządu Morskiego Portu": the adjective belongs to the next noun
        out[j] = adj
        j += 1
    return " ".join(out)


def _adjective_nominative(surface: str, res: dict) -> str:
    """A declined leading adjective and its head noun in the nominative, from the head's gender.

    "Norddeutschen Wasserstoffverbands" -> "Norddeutscher Wasserstoffverband",
    "Bayerischen Handelskammer" -> "Bayerische Handelskammer" (after vom/dem/des/der).
    """
    words = surface.split(" ")
    if len(words) < 2 or not re.fullmatch(r"[A-ZÄÖÜ]\w+(?:isch|sch|al|är|ell|iv|ig|lich)(?:en|em)", words[0]):
        return surface
    n = 3 if words[1].endswith("-") and len(words) > 3 else 1  # "Europäischen Wirtschafts- und Sozialausschusses"
    noun = words[n]
    for form, nom in res.get("head_inflections", {}).items():
        if noun.lower().endswith(form.lower()) and len(noun) >= len(form):
            noun = noun[:len(noun) - len(form)] + (nom if len(noun) == len(form) else nom.lower())
            break
    gender = next((g for head, g in res["head_genders"].items() if noun.lower().endswith(head)), None)
    if gender is None:
        return surface
    stem = re.sub(r"(?:en|em)$", "", words[0])
    return " ".join([stem + ADJECTIVE_ENDINGS[gender], *words[1:n], noun, *words[n + 1:]])


def is_head(word: str, res: dict) -> bool:
    """An organization head noun; in compounding languages also a compound ending in one ("Umweltbundesamt")."""
    word = ELIDED_RE.sub("", word, count=1) if ELIDED_RE.match(word) else word
    if word in head_set(res):
        return True
    if "-" in word[1:-1] and word[:1].isupper():  # "Fraunhofer-Instituts", "Tsinghua-Universität"
        return is_head(word.rsplit("-", 1)[1], res)
    if res.get("compound_heads") and word[:1].isupper():
        return bool(_compound_head_re(id(res), tuple(res.get("heads", []))).search(word))
    return False


@lru_cache(maxsize=None)
def _compound_head_re(_res_id: int, heads: tuple[str, ...]) -> re.Pattern:
    """A word of at least three more letters ending in a head noun ("Umweltbundesamt")."""
    alternation = "|".join(re.escape(h.lower()) for h in sorted(heads, key=len, reverse=True) if len(h) >= 3)
    return re.compile(rf"^\w{{3,}}(?:{alternation})$", re.IGNORECASE)


def _segment(words: list[Word], res: dict) -> list[Word]:
    """Words up to the first lower-case connector ("International Business Hub" of "... Hub of ...")."""
    lower_heads = set(res.get("lower_heads", []))
    segment = []
    for w in words:
        if not w.capitalised and w.text not in lower_heads and not (segment and segment[-1].text.endswith("-")):
            break  # "Industrie- und Handelskammer": the "und" of a hyphen ellipsis continues the segment
        segment.append(w)
    return segment


def qualifies(words: list[Word], res: dict) -> bool:
    """A phrase shaped like an organization name: >= 2 capitalised words and a head noun first or last."""
    lower_heads = set(res.get("lower_heads", []))
    if len(words) == 1 and "-" in words[0].text:  # "Tsinghua-Universität", "Fraunhofer-Institut"
        return is_head(words[0].text.rsplit("-", 1)[1], res)
    if sum(w.capitalised or w.text in lower_heads for w in words) < 2:
        return False
    segment = _segment(words, res)
    second = words[2:3] if words[0].text.endswith("-") else words[1:2]  # "Industrie- und Handelskammer ..."
    return any(is_head(w.text, res) for w in [words[0], words[-1], *second, *segment[-1:]])


def _leading_people(words: list[Word], res: dict) -> bool:
    lang = res.get("_lang", "en")
    people = load_resource(lang, "persons")
    english = load_resource("en", "persons")
    lead = set(people.get("posts", [])) | set(people.get("people_nouns", [])) | set(english.get("posts", []))
    lead |= set(english.get("people_nouns", [])) | {h.rstrip(".") for h in english.get("honorifics", [])}
    lead |= {h.rstrip(".") for h in people.get("honorifics", [])}
    segment = " ".join(w.text for w in _segment(words, res))
    return any(segment == p or segment.endswith(" " + p) or segment.startswith(p + " ") for p in lead)


def best_tail(words: list[Word], res: dict) -> list[Word]:
    """Drop a leading stretch that is a post or people noun ("Director General of the X Agency" -> "X Agency").

    A head-final phrase keeps its leading words otherwise ("Port of Rotterdam Authority").
    """
    if any(is_head(w.text, res) for w in _segment(words, res)):
        return words
    genitive = set(res.get("genitive_links", []))
    if is_head(words[-1].text, res) and not _leading_people(words, res) \
            and not any(w.text in genitive for w in words[1:-1]):
        return words
    connectors = connector_set(res)
    articles = set(res.get("articles", [])) | {"the"}
    for i, w in enumerate(words[:-1]):
        if w.text in connectors and not w.capitalised and not (i and words[i - 1].text.endswith("-")):
            tail = words[i + 1:]
            while tail and (tail[0].text in articles or tail[0].text in connectors):
                tail = tail[1:]
            if tail and (qualifies(tail, res) or (len(tail) == 1 and res.get("compound_heads") and is_head(tail[0].text, res))):
                return best_tail(tail, res)
    return words


def _text(text: str, words: list[Word]) -> str:
    return text[words[0].start:words[-1].end]


def split_coordination(words: list[Word], res: dict) -> list[list[Word]]:
    """Split "A and (the) B" when both halves are names of their own ("Stadtverwaltung von X und der Stadtverwaltung von Y")."""
    coordinators = set(res.get("coordinators", [])) | {"and", "&"}
    articles = set(res.get("articles", [])) | {"the"}
    for i, w in enumerate(words[1:-1], 1):
        if w.text not in coordinators or words[i - 1].text.endswith("-"):  # "Forschungs- und Entwicklungszentrum"
            continue
        left, right = words[:i], words[i + 1:]
        connectors = connector_set(res)
        while right and (right[0].text in articles or (right[0].text in connectors and not right[0].capitalised)):
            right = right[1:]
        if not right:
            continue
        left_ok = qualifies(left, res) or (len(left) == 1 and is_acronym(left[0].text)) or is_head(left[-1].text, res)
        left_ok = left_ok or len(right) < len(words) - i - 1  # "A and the B": an article starts a new name
        if ELIDED_CAPITAL_RE.match(right[0].text):  # "A et l'Agence ...", "A e dell'Istituto": an elided article starts a new name
            return [left] + split_coordination(right, res)
        if left_ok and (qualifies(right, res) or (len(right) == 1 and is_acronym(right[0].text))):
            return [left] + split_coordination(right, res)
        if qualifies(left, res) and is_acronym(right[0].text) and len(right) <= 3:
            return [left, right]  # "Città di Torino e BYD Europe": a brand name after a full name
    return [words]


def _unit_split(words: list[Word], res: dict) -> tuple[list[Word], list[Word]] | None:
    """``(unit, parent)`` of a compound such as "Center for X of the Ministry of Y", when the unit is a unit head."""
    links = {"of", "at", "des", "der", "przy", "di", "del", "della", "du", "de", "bei", "beim"}
    articles = set(res.get("articles", [])) | {"the"}
    unit_heads = set(res.get("unit_heads", [])) | set(load_resource("en", "orgs").get("unit_heads", []))
    for i, w in enumerate(words[1:-1], 1):
        if w.text not in links:
            continue
        parent = words[i + 1:]
        while parent and parent[0].text in articles:
            parent = parent[1:]
        unit = words[:i]
        if parent and qualifies(parent, res) and any(u.text in unit_heads for u in unit):
            return unit, parent
    return None


def _subunit_parent(words: list[Word], res: dict) -> list[Word] | None:
    """The parent of "Secretariat of X" (departments and secretariats fold into their organization)."""
    sub = set(res.get("subunit_heads", [])) | set(load_resource("en", "orgs").get("subunit_heads", []))
    if words[0].text not in sub or len(words) < 3 or words[1].text not in connector_set(res):
        return None
    parent = None
    articles = set(res.get("articles", [])) | {"the"}
    for i, w in enumerate(words[1:-1], 1):
        if w.text in connector_set(res) and not w.capitalised:
            tail = words[i + 1:]
            while tail and tail[0].text in articles:
                tail = tail[1:]
            if tail and qualifies(tail, res):
                parent = tail
    return parent


def latin_candidates(text: str, lang: str, noise, definitions) -> list[Candidate]:
    """Candidates from Latin-script name phrases, acronym definitions, "(Country)" and lone acronyms."""
    res = org_resources(lang)
    places = load_resource(lang, "places") or load_resource("en", "places")
    countries = places.get("countries", {})
    place_names = set(countries) | set(places.get("regions", [])) | set(places.get("cities", []))
    non_org = set(res.get("non_org_acronyms", [])) | set(load_resource("en", "orgs").get("non_org_acronyms", []))
    defs_by_paren = {d.acr_start: d for d in definitions}
    people = normalise_noise([(s, e, "person") for s, e in honorific_names(text, lang)])
    words = [w for w in latin_words(text) if not overlaps_noise(people, w.start, w.end)]
    out: list[Candidate] = []
    phrases = name_phrases(text, res, words)
    for phrase in phrases:
        if overlaps_noise(noise, phrase[0].start, phrase[-1].end):
            continue
        for part in split_coordination(phrase, res):
            out.extend(_part_candidates(text, part, res, countries, place_names, non_org, defs_by_paren))
    out.extend(company_suffix_candidates(text, noise, out))
    out.extend(cued_candidates(text, res, phrases, noise, out, place_names))
    out.extend(enumerated_candidates(text, lang, phrases, noise, out, place_names))
    out.extend(pattern_candidates(text, res, noise, out))
    out = [c for c in out if not any(c.start < d.long_start < c.end < d.long_end for d in definitions)]  # "Wuhan et la Plateforme"
    used = {(c.start, c.acronym) for c in out}
    for d in definitions:
        if (d.long_start, d.acronym) in used or overlaps_noise(noise, d.long_start, d.acr_end) \
                or any(c.acronym == d.acronym and c.end == d.long_end for c in out):  # defined without a leading post
            continue
        long_words = latin_words(text[d.long_start:d.long_end])
        if any(is_head(w.text, res) for w in long_words) or _reused(text, d):
            surface = text[d.long_start:d.long_end]
            out.append(Candidate(nominative(surface, res), d.long_start, d.long_end, acronym=d.acronym, strength=3))
    return out


COMPANY_SUFFIX_RE = re.compile(
    r"(?<![\w-])(?:[A-Z][\w&'’-]*[ \u00a0]){0,5}[A-Z][\w&'’-]*,?[ \u00a0]"
    r"(?:Co\.,? ?Ltd\.?|Co\.,? Limited|Ltd\.|Inc\.|Corp\.|S\.A\.|S\.p\.A\.|S\.L\.|S\.r\.l\.|N\.V\.|B\.V\.|"
    r"Sp\. z o\.o\.|GmbH & Co\. KG|GmbH|AG|SE|plc|PLC|LLC|SAS)(?![\w])"
)


def company_suffix_candidates(text: str, noise, found: list[Candidate]) -> list[Candidate]:
    """Company names closed by a legal form ("Gotion High-Tech Co., Ltd.", "Siemens Energy AG")."""
    out = []
    for m in COMPANY_SUFFIX_RE.finditer(text):
        start = m.start()
        while text[start:start + 4] in ("The ", "Die ", "Der ", "Das ", "Les ", "Los ", "Gli "):
            start += 4
        if overlaps_noise(noise, start, m.end()) or any(c.start <= start and m.end() <= c.end for c in found):
            continue
        out.append(Candidate(text[start:m.end()], start, m.end(), kind="company"))
    return out


def cued_candidates(text: str, res: dict, phrases, noise, found: list[Candidate], place_names) -> list[Candidate]:
    """A capitalised name right after a role cue ("sponsored by Galp Energia", "a signé avec Sinopec")."""
    cues = res.get("org_cues", [])
    if not cues:
        return []
    by_start = {p[0].start: p for p in phrases}
    articles = set(res.get("articles", [])) | {"the", "The"}
    out = []
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(c) for c in cues) + r")[ \u00a0]+")
    for m in pattern.finditer(text):
        pos = m.end()
        for article in sorted(articles, key=len, reverse=True):
            if text.startswith(article + " ", pos):
                pos += len(article) + 1
                break
        elided = ELIDED_RE.match(text, pos)
        phrase = by_start.get(pos) or (by_start.get(elided.end()) if elided else None)
        if phrase is None:
            continue
        surface = text[phrase[0].start:phrase[-1].end]
        if surface in place_names or overlaps_noise(noise, phrase[0].start, phrase[-1].end) or len(phrase) > 5:
            continue
        if any(c.start < phrase[-1].end and phrase[0].start < c.end for c in found):
            continue
        out.append(Candidate(nominative(surface, res), phrase[0].start, phrase[-1].end))
    return out


def _person_like(text: str, phrase: list[Word], lang: str) -> bool:
    """A two/three-word name followed by a comma and a post title ("Li Hong, Generalkonsulin ...")."""
    from extract.components.persons import post_follows  # noqa: PLC0415

    return post_follows(text, phrase[-1].end, lang)


LIST_GAP_RE = re.compile(
    r"[^\S\n]*(?:,|;)?[^\S\n]*(?:(?:and|und|y|e|et|i|oraz|&|as well as|sowie)[^\S\n]+)?"
    r"(?:(?:the|der|die|das|dem|de|del|de la|des|du|di|il|la|le|los|las)[^\S\n]+|[dl]['’])?[^\S\n]*"
)


def enumerated_candidates(text: str, lang: str, phrases, noise, found: list[Candidate], place_names) -> list[Candidate]:
    """Other members of a list that names organizations ("Maersk, COSCO Shipping Lines and the Delft University").

    A list is phrases joined only by commas, "and"-words and articles; when one
    member is already an organization, the others are too, unless they are
    places, common words ("Politik, Energie") or longer than four words.
    """
    from extract.components.persons import is_common_word  # noqa: PLC0415 (persons never imports orgs)

    res = org_resources(lang)
    strong = normalise_noise([(c.start, c.end, "org") for c in found if c.strength >= 2 and not c.mention_only])
    taken = normalise_noise([(c.start, c.end, "org") for c in found])
    out: list[Candidate] = []
    chain: list[list[Word]] = []

    def close() -> None:
        if len(chain) < 2:
            return
        members = [(p, overlaps_noise(strong, p[0].start, p[-1].end)) for p in chain]
        if not any(is_org for _, is_org in members):
            return
        for phrase, is_org in members:
            surface = text[phrase[0].start:phrase[-1].end]
            if is_org or len(phrase) > 4 or surface in place_names or overlaps_noise(noise, phrase[0].start, phrase[-1].end):
                continue
            if overlaps_noise(taken, phrase[0].start, phrase[-1].end):
                continue
            if len(phrase) == 1 and (is_common_word(surface, lang) or phrase[0].text[:1].islower() or is_acronym(surface)):
                continue  # lone acronyms are left to the acronym rules
            if _leading_people(phrase, res):
                connector_at = next((i for i, w in enumerate(phrase) if not w.capitalised), None)
                if connector_at is None:
                    continue
                phrase = phrase[connector_at + 1:]
                if not phrase:
                    continue
            if _person_like(text, phrase, lang) or (len(phrase) <= 2 and any(w.text in place_names for w in phrase)):
                continue
            surface = text[phrase[0].start:phrase[-1].end]
            out.append(Candidate(nominative(surface, res), phrase[0].start, phrase[-1].end))

    for phrase in [part for p in phrases for part in split_coordination(p, res)]:
        if chain and LIST_GAP_RE.fullmatch(text[chain[-1][-1].end:phrase[0].start]) \
                and text[chain[-1][-1].end:phrase[0].start].strip():
            chain.append(phrase)
            continue
        close()
        chain = [phrase]
    close()
    return out


@lru_cache(maxsize=None)
def _honorific_re(lang: str) -> re.Pattern:
    honorifics = set(load_resource(lang, "persons").get("honorifics", [])) | set(load_resource("en", "persons").get("honorifics", []))
    alternation = "|".join(re.escape(h.rstrip(".")) for h in sorted(honorifics, key=len, reverse=True))
    particle = r"(?:(?:van|von|de|da|di|del|der|den|le|la|ten|ter)[ \u00a0])?"
    return re.compile(rf"(?<![\w.])(?:{alternation})\.?[ \u00a0]+((?:{particle}[A-ZÀ-ÖØ-Þ][\w'’-]+[ \u00a0]?){{1,3}})")


def honorific_names(text: str, lang: str) -> list[tuple[int, int]]:
    """Spans of "Prof. Wang Ming"-style names (honorific included), which are never organization names."""
    return [(m.start(), m.end(1)) for m in _honorific_re(lang).finditer(text)]


@lru_cache(maxsize=None)
def _name_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


def pattern_candidates(text: str, res: dict, noise, found: list[Candidate]) -> list[Candidate]:
    """Names written with lower-case words ("gouvernement municipal de Wuhan"), from ``name_patterns`` of the language."""
    out = []
    for pattern in _name_patterns(tuple(res.get("name_patterns", []))):
        for m in pattern.finditer(text):
            if overlaps_noise(noise, m.start(), m.end()) or any(c.start == m.start() and c.end == m.end() for c in found):
                continue
            out.append(Candidate(m.group(), m.start(), m.end()))
    return out


def _part_candidates(text, part, res, countries, place_names, non_org, defs_by_paren) -> list[Candidate]:
    surface = _text(text, part)
    start, end = part[0].start, part[-1].end
    paren_match = PAREN_RE.match(text, end)
    paren = paren_match.group(1).strip() if paren_match else None
    definition = None
    if paren_match:
        inner = ACRONYM_RE.match(text, paren_match.start(1) - 1) or ACRONYM_RE.search(text, end, paren_match.end())
        if inner:
            definition = defs_by_paren.get(inner.start(1))
    out: list[Candidate] = []
    if definition is not None:
        definition = _without_leading_post(text, part, definition, res)
        long_surface = text[definition.long_start:definition.long_end]
        cand = Candidate(nominative(long_surface, res), definition.long_start, definition.long_end,
                         acronym=definition.acronym, strength=3)
        if cand.name != long_surface:
            cand.aliases.append(long_surface)
        if ", " in long_surface:
            cand.unit = long_surface.split(", ")[0]
        long_words = [w for w in part if w.start >= definition.long_start]
        if any(is_head(w.text, res) for w in long_words) or _reused(text, definition):
            out.append(cand)
        if definition.long_start <= start:
            return out
        rest = [w for w in part if w.end <= definition.long_start]
        parent = _subunit_parent(part, res)
        if parent is not None and parent[0].start == definition.long_start and cand in out:
            cand.aliases.append(surface)
        elif qualifies(part, res) and len(rest) > 1 and any(is_head(w.text, res) for w in rest):
            out.append(_phrase_candidate(text, part, res))
        return out
    if paren and paren in countries and surface not in place_names:
        return [Candidate(surface, start, end, country=countries[paren], kind="company")]
    if any(surface.endswith(v) for v in res.get("venue_heads", [])):
        return out  # a venue ("Lisbon Congress Centre") is a place
    tail = best_tail(part, res)
    parent = _subunit_parent(part, res)
    cand = None
    if tail is not part and parent is None and (qualifies(tail, res) or len(tail) == 1):
        cand = _phrase_candidate(text, tail, res)
    elif qualifies(part, res) and surface not in place_names:
        if parent is not None and qualifies(parent, res):
            cand = _phrase_candidate(text, parent, res)
            cand.aliases.append(surface)
            return [cand]
        cand = _phrase_candidate(text, part, res)
    if cand is not None and _inside_longer_quote(text, cand.start, cand.end):
        cand = None
    if cand is not None:
        if paren and " " not in paren and paren[:1].isupper() and not is_acronym(paren) and paren not in countries:
            cand.aliases.append(paren)
        return [cand]
    if len(part) == 1 and text[end:end + 1] == "," and (start == 0 or text[start - 1] == "\n"):
        return out  # dateline city ("BILBAO, 12 de marzo")
    if len(part) == 1 and is_acronym(surface) and surface.isalpha() and 3 <= len(surface) <= 6 \
            and surface not in non_org and surface not in countries and not _quoted(text, start, end) \
            and surface.title() not in place_names:  # a dateline city ("LYON, March 12 --") is a place
        return [Candidate(surface, start, end, acronym=surface, strength=1)]
    return out


def _without_leading_post(text: str, part: list[Word], definition, res: dict):
    """The definition without a leading post ("Director of the X Institute (XI)" defines "X Institute")."""
    long_words = [w for w in part if definition.long_start <= w.start and w.end <= definition.long_end]
    if len(long_words) < 3 or not _leading_people(long_words[:1], res):
        return definition
    tail = best_tail(long_words, res)
    if tail is long_words or not qualifies(tail, res):
        return definition
    return replace(definition, long_start=tail[0].start)


def _phrase_candidate(text: str, words: list[Word], res: dict) -> Candidate:
    surface = _text(text, words)
    cand = Candidate(nominative(surface, res), words[0].start, words[-1].end)
    if cand.name != surface:
        cand.aliases.append(surface)
    split = _unit_split(words, res)
    if split is not None:
        cand.unit = _text(text, split[0])
    return cand


def _reused(text: str, definition) -> bool:
    """The acronym occurs again on its own, outside its definition."""
    pattern = rf"(?<![\w-]){re.escape(definition.acronym)}(?![\w-])"
    return any(m.start() != definition.acr_start for m in re.finditer(pattern, text))


QUOTE_PAIRS = {'"': '"', "“": "”", "„": "“", "«": "»", "「": "」"}


def _inside_longer_quote(text: str, start: int, end: int) -> bool:
    """Part of a quoted title that says more than the name ("Digital ESD Platform for Young people").

    A quoted name on its own ("Senior Expert Committee") stays a name.
    """
    line_start = text.rfind("\n", 0, start) + 1
    if not _quoted(text, start, end):
        return False
    opening = max(text.rfind(q, line_start, start) for q in QUOTE_PAIRS)
    closer = QUOTE_PAIRS.get(text[opening], '"') if opening >= 0 else '"'
    closing = text.find(closer, end)
    if opening < 0 or closing < 0:
        return False
    inner = text[opening + 1:closing]
    return inner.strip(" .,;:") != text[start:end] and len(inner) < 200


def _quoted(text: str, start: int, end: int) -> bool:
    """Inside a quoted title on the same line ("Digital ESD Platform")."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return sum(before.count(q) for q in '"“”„«»') % 2 == 1


@lru_cache(maxsize=None)
def _reference_index(lang: str) -> tuple[re.Pattern, dict[str, tuple[dict, str | None]]]:
    """One alternation over every reference name (doc language and English) and acronym, and its lookup table."""
    table: dict[str, tuple[dict, str | None]] = {}
    for body in load_shared_resource("reference_bodies")["bodies"]:
        for name in {body["names"].get(lang), body["names"].get("en")} - {None}:
            table.setdefault(name, (body, None))
        for acronym in [body.get("acronym"), *body.get("other_acronyms", [])]:
            if acronym and len(acronym) >= 3:
                table.setdefault(acronym, (body, acronym))
    alternation = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"), table


def reference_candidates(text: str, lang: str, noise) -> list[Candidate]:
    """Well-known public bodies named in the text (general knowledge, ``resources/reference_bodies.json``)."""
    pattern, table = _reference_index(lang)
    out = []
    for m in pattern.finditer(text):
        if overlaps_noise(noise, m.start(), m.end()):
            continue
        body, acronym = table[m.group()]
        name = body["names"].get(lang) or body["names"]["en"]
        aliases = [m.group()] if acronym is None and m.group() != name else []
        out.append(Candidate(name, m.start(), m.end(), acronym=acronym or body.get("acronym"),
                             country=body.get("country"), kind=body.get("kind"), aliases=aliases))
    return out


class OrgFinder:
    """Pipeline component: fills ``Doc._.orgs`` and ``Doc.spans["org_mentions"]``."""

    def __init__(self, lang: str, use_reference_bodies: bool = True):
        self.lang = lang
        self.use_reference_bodies = use_reference_bodies

    def __call__(self, doc: Doc) -> Doc:
        from extract.components.org_linking import link_candidates  # noqa: PLC0415 (keeps import graph one-way)

        text = doc_text(doc)
        noise = doc._.get(ATTRS.noise) or []
        candidates = latin_candidates(text, self.lang, noise, doc._.get(ATTRS.acronyms) or [])
        if HAN_RE.search(text):
            candidates += orgs_han.han_candidates(text, noise)
        if self.use_reference_bodies:
            found = [(c.start, c.end) for c in candidates]
            candidates += [c for c in reference_candidates(text, self.lang, noise)
                           if not any(s <= c.start and c.end <= e and (s, e) != (c.start, c.end) for s, e in found)]
        entities = link_candidates(candidates, text, self.lang, noise)
        doc._.set(ATTRS.orgs, entities)
        spans = []
        for entity in entities:
            for start, end in entity.mentions:
                span = doc.char_span(start, end, label=ATTRS.org_label, alignment_mode="expand")
                if span is not None:
                    span._.set(ATTRS.org_key, entity.key)
                    spans.append(span)
        doc.spans[ATTRS.org_mentions] = sorted(spans, key=lambda s: (s.start_char, s.end_char))
        return doc


@Language.factory("sinoeu_orgs", default_config={"use_reference_bodies": True})
def make_orgs(nlp: Language, name: str, use_reference_bodies: bool) -> OrgFinder:
    """Factory of :class:`OrgFinder`; ``use_reference_bodies`` adds well-known public bodies by name."""
    ensure_extensions()
    return OrgFinder(nlp.lang, use_reference_bodies)
