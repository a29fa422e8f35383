"""In-document coreference of organization candidates, and every mention of each organization.

Candidates join one entity when they share a normalised name, alias or
acronym; when one is "ACR Unit" of a compound ("SNPA International Business
Hub"); when an acronym abbreviates an acronym-less name with the same head
("China-Europe Carbon Neutrality Cooperation Office" -> CECCO); when a Han
name is a short form of another with the same suffix (生态联盟 ->
全球生态可持续发展联盟); or when a Latin acronym sits inside a Han name
(OCO -> 英国OCO咨询集团). The entity's name is its strongest, then longest,
candidate's name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from extract.attrs import OrgEntity, load_resource, load_shared_resource
from extract.components.acronyms import HAN_RE, initials_match, latin_words
from extract.components.noise import overlaps_noise
from extract.words import norm


class _Sets:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def _keys(cand) -> set[str]:
    keys = {norm(cand.name)} | {norm(a) for a in cand.aliases}
    if cand.acronym:
        keys.add("acr:" + cand.acronym)
    return {k for k in keys if k and k != "acr:"}


def _han_suffix(name: str) -> str | None:
    for suffix in sorted(load_resource("zh", "orgs").get("suffixes", []), key=len, reverse=True):
        if len(suffix) >= 2 and name.endswith(suffix):
            return suffix
    return None


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def link_candidates(candidates, text: str, lang: str, noise) -> list[OrgEntity]:
    """Merge candidates into entities, find their other mentions, fill kind and country."""
    if not candidates:
        return []
    candidates = _prefer_han_tails(candidates)
    sets = _Sets(len(candidates))
    owner: dict[str, int] = {}
    for i, cand in enumerate(candidates):
        for key in _keys(cand):
            if key in owner:
                sets.union(i, owner[key])
            else:
                owner[key] = i
    units = {norm(c.unit): i for i, c in enumerate(candidates) if c.unit}
    first_of: dict[tuple, int] = {}
    for i, cand in enumerate(candidates):
        first_of.setdefault((cand.name, cand.acronym, cand.mention_only), i)
    distinct = sorted(first_of.values())  # pairwise rules run once per distinct name, not per occurrence
    acronymed = [(i, candidates[i]) for i in distinct if candidates[i].acronym and candidates[i].strength >= 2]
    han_named = [(i, candidates[i]) for i in distinct if HAN_RE.search(candidates[i].name) and not candidates[i].mention_only]
    for i in distinct:
        cand = candidates[i]
        words = cand.name.split(" ")
        if len(words) > 1 and words[0].isupper() and norm(" ".join(words[1:])) in units:
            sets.union(i, units[norm(" ".join(words[1:]))])
        if norm(cand.name) in units:
            sets.union(i, units[norm(cand.name)])
        if not cand.acronym and len(words) >= 3:
            for j, other in acronymed:
                if other.name.split(" ")[-1] == words[-1] and initials_match(latin_words(cand.name), other.acronym):
                    sets.union(i, j)
        if cand.acronym and not HAN_RE.search(cand.name):
            for j, other in han_named:
                if re.search(rf"(?<![A-Za-z]){re.escape(cand.acronym)}(?![A-Za-z])", other.name):
                    sets.union(i, j)
        if HAN_RE.search(cand.name):
            suffix = _han_suffix(cand.name)
            for j, other in han_named:
                if suffix and len(cand.name) < len(other.name) and other.name.endswith(suffix) \
                        and _is_subsequence(cand.name, other.name) and len(cand.name) >= 4:
                    sets.union(i, j)
    groups: dict[int, list] = {}
    for i, cand in enumerate(candidates):
        groups.setdefault(sets.find(i), []).append(cand)
    entities = [_entity(group, lang) for group in groups.values() if not all(c.mention_only for c in group)]
    _add_mentions(entities, text, noise)
    return [e for e in entities if e.mentions]


def _prefer_han_tails(candidates):
    """A Han name swallowed by "X与Y" becomes Y when Y is found on its own elsewhere."""
    names = {c.name for c in candidates}
    for cand in candidates:
        if cand.han_tail and cand.han_tail in names and cand.han_tail != cand.name:
            offset = cand.end - len(cand.han_tail)
            cand.name, cand.start, cand.han_tail = cand.han_tail, offset, None
    return candidates


def _entity(group, lang: str) -> OrgEntity:
    best = max(group, key=lambda c: (c.strength, not c.mention_only, len(c.name)))
    names = []
    for cand in group:
        for form in [cand.name, *cand.aliases, cand.unit]:
            if form and form != best.name and form not in names and form != best.acronym:
                names.append(form)
    acronyms = [c.acronym for c in sorted(group, key=lambda c: -c.strength) if c.acronym]
    acronym = acronyms[0] if acronyms else None
    if acronym and acronym == best.name:
        acronym = best.name
    country = next((c.country for c in sorted(group, key=lambda c: -c.strength) if c.country), None)
    kind = next((c.kind for c in sorted(group, key=lambda c: -c.strength) if c.kind and c.kind != "company"), None)
    kind = kind or infer_kind(best.name, lang) or next((c.kind for c in group if c.kind), None) or "other"
    country = country or infer_country(best.name, lang, kind)
    mentions = sorted({(c.start, c.end) for c in group})
    confidence = {3: 0.9, 2: 0.75, 1: 0.6}[max(c.strength for c in group)]
    return OrgEntity(key=norm(best.name), name=best.name, aliases=names, acronym=acronym, country=country,
                     kind=kind, mentions=mentions, confidence=confidence)


@lru_cache(maxsize=None)
def _kind_rules(lang: str, han: bool) -> list[tuple[str, re.Pattern]]:
    """(kind, pattern) in priority order: government first, then international ... (Han: company first)."""
    if han:
        order = ("company", "research", "ngo", "government", "university", "international", "media")
        tables = [load_resource("zh", "kinds").get("kinds", {})]
    else:
        order = ("government", "international", "university", "research", "company", "ngo", "media")
        tables = [load_resource(lang, "kinds").get("kinds", {}), load_resource("en", "kinds").get("kinds", {})]
    compounding = bool(load_resource(lang, "orgs").get("compound_heads"))
    rules = []
    for kind in order:
        for table in tables:
            for word in table.get(kind, []):
                if han:
                    rules.append((kind, re.compile(re.escape(word) + ("$" if kind == "university" else ""))))
                elif compounding and len(word) >= 4:
                    rules.append((kind, re.compile(re.escape(word), re.IGNORECASE)))
                else:
                    rules.append((kind, re.compile(rf"(?<![\w]){re.escape(word)}")))
    return rules


def infer_kind(name: str, lang: str) -> str | None:
    """Kind from name words (``resources/<lang>/kinds.json``), government first, then international ..."""
    for kind, pattern in _kind_rules(lang, bool(HAN_RE.search(name))):
        if pattern.search(name):
            return kind
    return None


def _country_tokens(tokens: list[str], lang: str) -> list[str]:
    """A diplomatic mission's words before its location ("Embassy of France" of "Embassy of France in China")."""
    res = load_resource(lang, "orgs") or {}
    located = set(res.get("located_heads", [])) | set(load_resource("en", "orgs").get("located_heads", []))
    if not tokens or tokens[0] not in located:
        return tokens
    stops = set(res.get("head_connectors", [])) | {"in"}
    return next((tokens[:i] for i, t in enumerate(tokens) if i and t in stops), tokens)


def infer_country(name: str, lang: str, kind: str | None) -> str | None:
    """ISO country when the name states it: a demonym or country word, or a Chinese place for a government."""
    places = load_resource(lang, "places") or load_resource("en", "places")
    if HAN_RE.search(name):
        places = load_resource("zh", "places")
        found = {iso for word, iso in places.get("countries", {}).items() if iso and word in name}
        if re.match("全球|国际|中欧|欧盟", name):
            return None
        if not found and any(name.startswith(p) for p in places.get("chinese_places", [])):
            found = {"CN"}
        if not found:
            found = {iso for place, iso in _city_countries()["han_places"].items() if name.startswith(place)}
        return found.pop() if len(found) == 1 else None
    tokens = _country_tokens(name.replace("(", " ").replace(")", " ").split(), lang)
    demonym = places.get("demonyms", {}).get(tokens[0])
    if demonym:
        return demonym
    found = {places.get("countries", {}).get(t) for t in tokens}
    found.discard(None)
    if not found and kind != "international" and any(t in places.get("chinese_places", []) for t in tokens):
        found = {"CN"}
    if not found and kind != "international":  # "Lyon Metropolitan Council", "Handelskammer Hamburg"
        cities = _city_countries()["places"]
        found = {cities[t] for t in tokens if t in cities}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1)
def _city_countries() -> dict:
    """European cities and regions with their country (``resources/city_countries.json``)."""
    return load_shared_resource("city_countries")


def _add_mentions(entities: list[OrgEntity], text: str, noise) -> None:
    """Every further occurrence of a name, alias or acronym outside noise (longest form at each place)."""
    owner: dict[str, OrgEntity] = {}
    for entity in entities:
        for form in (entity.name, *entity.aliases, entity.acronym):
            if form and len(form) >= 2:
                owner.setdefault(form, entity)
    if not owner:
        return
    ordered = sorted(owner, key=len, reverse=True)
    latin = "|".join(re.escape(f) for f in ordered if not HAN_RE.search(f))
    han = "|".join(re.escape(f) for f in ordered if HAN_RE.search(f))
    parts = ([rf"(?<![\w-])(?:{latin})(?![\w-])"] if latin else []) + ([f"(?:{han})"] if han else [])
    taken = sorted(m for e in entities for m in e.mentions)
    starts = [s for s, _ in taken]
    for m in re.finditer("|".join(parts), text):
        span = (m.start(), m.end())
        i = bisect_left(starts, span[1])
        if overlaps_noise(noise, *span) or any(e > span[0] for _, e in taken[max(0, i - 8):i]):
            continue
        owner[m.group()].mentions.append(span)
    for entity in entities:
        entity.mentions = _outermost(m for m in set(entity.mentions) if not overlaps_noise(noise, *m))


def _outermost(spans) -> list[tuple[int, int]]:
    """Spans not nested inside another of the same entity ("OCO" inside "英国OCO咨询集团").

    >>> _outermost([(0, 10), (2, 5), (12, 15), (12, 14)])
    [(0, 10), (12, 15)]
    """
    out: list[tuple[int, int]] = []
    reach = -1
    for start, end in sorted(spans, key=lambda m: (m[0], -m[1])):
        if end > reach:
            out.append((start, end))
            reach = end
    return out
