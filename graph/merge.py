"""Cross-document, cross-language identity: which mentions are one entity.

A pure function of the SET of records (:func:`resolve_identity`), so the
merged graph never depends on the order documents were ingested in: mentions
are visited in sorted order and the rules are applied to a fixpoint over one
union-find. Every rule has a name, and every union it makes is reported as a
:class:`MergeDecision` (names, rule, key, documents) for ``{base}graph/merge``.

Rules (each only between mentions of different documents):

- ``same-name``: organizations/projects/events sharing a normalised
  multi-word name or alias (events also need the same date and type);
- ``public-body``: government bodies matching a pattern of
  ``resources/public_bodies.json`` for the same place
  ("Stadtverwaltung von Taicang" = "太仓市政府");
- ``acronym-corroborated``: the same acronym (or one-word name) AND a
  corroboration - a co-participant organization that merged, or an event or
  project they both take part in that merged. A short name alone never merges;
- ``event-date-type-participant``: same full date, same type, one shared
  participant; ``project-place-partners`` / ``project-acronym-partners``:
  same place (or bracketed acronym) and two shared partners;
- ``sub-unit-of-merged-parent``: two organizations whose names each contain
  the name of one merged parent (a ministry) and that take part in one merged
  event or project, each the only such unit in its document (the Polish and
  English names of a ministry's cooperation centre at the same launch);
- ``person-name-organization``: same name without honorifics and a shared
  organization; ``same-place``: the same place key (exonyms folded).

Curated ``sino:notSameAs`` name pairs veto any union that would put the two
names into one entity.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import combinations
from pathlib import Path
from typing import Iterable

from extract.records import ExtractionRecord
from graph.iris import entity_iri, norm

RESOURCES = Path(__file__).resolve().parent / "resources"
HONORIFICS = {"mr", "mrs", "ms", "dr", "prof", "herr", "frau", "pan", "pani", "m", "mme", "sig", "sigra",
              "dott", "sr", "sra", "dra", "mister", "madame", "monsieur"}
CJK_HONORIFICS = ("先生", "女士", "博士", "教授")
_ACRONYM_IN_NAME = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,11})\)")
_CJK = re.compile(r"[\u3400-\u9fff]")

MentionKey = tuple[str, str, str]  # (kind, doc_id, local key)


@dataclass(frozen=True)
class MergeDecision:
    """One rule's union inside one entity: the names it joined, on which key, from which documents."""

    entity: str
    kind: str
    rule: str
    key: str
    names: tuple[tuple[str, str | None], ...]  # (surface name, lang)
    documents: tuple[str, ...]


@dataclass
class _Mention:
    kind: str
    doc_id: str
    key: str
    lang: str | None
    names: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)
    date: str | None = None
    type: str | None = None
    place: MentionKey | None = None
    links: set[MentionKey] = field(default_factory=set)  # orgs of an event/project/person; events/projects of an org
    parents: set[MentionKey] = field(default_factory=set)  # orgs of the same document named inside this org's name


@dataclass
class IdentityMap:
    """Record-local names -> canonical IRIs, plus the decisions that made them."""

    base_iri: str
    iris: dict[MentionKey, str]
    preferred: dict[tuple[str, str | None], str]  # (canonical IRI, lang) -> preferred name
    decisions: list[MergeDecision]
    doc_langs: dict[str, str | None] = field(default_factory=dict)

    def iri(self, kind: str, doc_id: str, name: str) -> str:
        """The canonical IRI of the ``kind`` named ``name`` in document ``doc_id``."""
        return self.iris[(kind, doc_id, local_key(kind, name))]

    def is_preferred(self, iri: str, lang: str | None, name: str) -> bool:
        """Is ``name`` the entity's one preferred label in ``lang`` (others become altLabels)?"""
        return self.preferred.get((iri, lang)) == name

    @cached_property
    def _by_doc(self) -> dict[str, list[tuple[MentionKey, str]]]:
        by_doc: dict[str, list[tuple[MentionKey, str]]] = defaultdict(list)
        for key, iri in self.iris.items():
            by_doc[key[1]].append((key, iri))
        return by_doc

    def signature(self, doc_id: str) -> str:
        """Hash of everything identity contributes to one document's graph (to skip rewrites)."""
        mine = sorted(self._by_doc.get(doc_id, []))
        lang = self.doc_langs.get(doc_id)
        prefs = sorted({(v, self.preferred.get((v, lang), "")) for k, v in mine if k[0] == "org"})
        return hashlib.sha256(json.dumps([mine, prefs]).encode()).hexdigest()


@lru_cache(maxsize=1)
def _public_bodies() -> tuple[list[tuple[int, str, re.Pattern]], dict[str, str], frozenset[str], tuple[str, ...]]:
    data = json.loads((RESOURCES / "public_bodies.json").read_text(encoding="utf-8"))
    patterns = []
    for body, forms in data["bodies"].items():
        for form in forms:
            before, after = (re.escape(part) for part in form.split("{place}"))
            patterns.append((len(form) - 7, body, re.compile(f"^{before}(?P<place>.+?){after}$", re.IGNORECASE)))
    patterns.sort(key=lambda p: -p[0])  # most specific form first ("省政府" before "政府")
    exonyms = {norm(variant): canonical for canonical, variants in data["places"].items() for variant in variants}
    return patterns, exonyms, frozenset(data["place_generic_words"]), tuple(data["place_generic_suffixes"])


@lru_cache(maxsize=262144)
def place_key(name: str) -> str:
    """Normalised place key: first comma part, generic words dropped, exonyms folded.

    >>> place_key("Stadt Taicang, Provinz Jiangsu") == place_key("Taicang City, Jiangsu Province") == "taicang"
    True
    >>> place_key("Pekin"), place_key("北京")
    ('beijing', 'beijing')
    """
    _, exonyms, generic, suffixes = _public_bodies()
    head = unicodedata.normalize("NFKC", name).split(",")[0].strip()
    words = [w for w in head.split() if w.casefold() not in generic]
    head = " ".join(words) or head
    for suffix in suffixes:
        if head.endswith(suffix) and len(head) > len(suffix) + 1:
            head = head[: -len(suffix)]
    key = norm(head) or norm(name) or name
    return exonyms.get(key, key)


@lru_cache(maxsize=262144)
def public_body_key(name: str) -> str | None:
    """``{body}:{place}`` when ``name`` is a government body of a known form.

    >>> public_body_key("Urząd Miasta Taicang") == public_body_key("太仓市政府") == "city-government:taicang"
    True
    >>> public_body_key("rząd prowincji Jiangsu")
    'provincial-government:jiangsu'
    """
    patterns, _, _, _ = _public_bodies()
    text = " ".join(unicodedata.normalize("NFKC", name).split())
    for _, body, pattern in patterns:
        match = pattern.match(text)
        if match:
            return f"{body}:{place_key(match.group('place'))}"
    return None


def strip_honorifics(name: str) -> str:
    """'Dr. Anna Keller' -> 'Anna Keller'; '汤拯先生' -> '汤拯'."""
    words = name.split()
    while len(words) > 1 and norm(words[0]) in HONORIFICS:
        words = words[1:]
    name = " ".join(words)
    for suffix in CJK_HONORIFICS:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


@lru_cache(maxsize=262144)
def is_multiword(name: str) -> bool:
    """Names safe to merge on alone: two words or more (four CJK characters or more)."""
    return len(name.split()) >= 2 or len(_CJK.findall(name)) >= 4


@lru_cache(maxsize=262144)
def local_key(kind: str, name: str) -> str:
    """The key a name has inside one record (records refer to entities by name)."""
    if kind == "place":
        return place_key(name)
    if kind == "person":
        name = strip_honorifics(name)
    return norm(name) or name.strip()


def _collect(record: ExtractionRecord) -> dict[MentionKey, _Mention]:
    doc, lang = record.id, (record.lang if record.lang != "und" else None)
    mentions: dict[MentionKey, _Mention] = {}

    def mention(kind: str, name: str) -> _Mention:
        key = (kind, doc, local_key(kind, name))
        if key not in mentions:
            mentions[key] = _Mention(kind, doc, key[2], lang)
        mentions[key].names.add(name)
        return mentions[key]

    org_ref: dict[str, MentionKey] = {}
    for org in record.organizations:
        m = mention("org", org.name)
        m.names.update(org.aliases)
        m.acronyms.update({org.acronym} if org.acronym else set())
        for name in [org.name, *org.aliases]:
            org_ref.setdefault(norm(name), ("org", doc, m.key))

    def org_key(name: str) -> MentionKey:
        return org_ref.get(norm(name)) or ("org", doc, mention("org", name).key)

    for place in record.places:
        mention("place", place)
    for ev in record.events:
        m = mention("event", ev.name)
        m.date, m.type = m.date or ev.date, m.type or ev.type
        m.place = ("place", doc, mention("place", ev.place).key) if ev.place else m.place
        m.links.update(org_key(r.organization) for r in ev.roles)
    for pr in record.projects:
        m = mention("project", pr.name)
        m.place = ("place", doc, mention("place", pr.place).key) if pr.place else m.place
        m.links.update(org_key(p) for p in pr.partners)
    for person in record.persons:
        m = mention("person", person.name)
        if person.organization:
            m.links.add(org_key(person.organization))
    for key, m in list(mentions.items()):
        if m.kind in ("event", "project"):
            for org in m.links:
                mentions[org].links.add(key)
    _find_parents([m for m in mentions.values() if m.kind == "org"], doc)
    return mentions


def _find_parents(orgs: list[_Mention], doc: str) -> None:
    """Link each organization to the others whose multi-word name its own name contains
    ("Centrum ... przy Ministerstwie Przemysłu ..." contains an alias of the ministry)."""
    for unit in orgs:
        unit_names = [norm(n) for n in unit.names]
        for parent in orgs:
            if parent is not unit and any(norm(p) and is_multiword(p) and any(norm(p) in u and norm(p) != u
                                                                               for u in unit_names)
                                          for p in parent.names):
                unit.parents.add(("org", doc, parent.key))


class _UnionFind:
    def __init__(self, keys: Iterable[MentionKey], names: dict[MentionKey, set[str]], vetoes: set[frozenset[str]]):
        self.parent = {k: k for k in keys}
        self.names = {k: {norm(n) for n in names[k]} for k in self.parent}
        self.vetoes = vetoes

    def find(self, key: MentionKey) -> MentionKey:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: MentionKey, b: MentionKey) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.vetoes and any(frozenset((x, y)) in self.vetoes for x in self.names[ra] for y in self.names[rb]):
            return False
        ra, rb = min(ra, rb), max(ra, rb)
        self.parent[rb] = ra
        self.names[ra] |= self.names.pop(rb)
        return True


def _blocks(mentions: dict[MentionKey, _Mention], kind: str, keys_of) -> dict[str, list[MentionKey]]:
    blocks: dict[str, list[MentionKey]] = defaultdict(list)
    for key, m in mentions.items():
        if m.kind == kind:
            for block in sorted(set(keys_of(m))):
                blocks[block].append(key)
    return blocks


_KEY_ONLY = ("same-name", "public-body", "same-place")  # the shared key alone decides
_MIN_SHARED = {"acronym-corroborated": 1, "event-date-type-participant": 1, "person-name-organization": 1,
               "sub-unit-of-merged-parent": 1,
               "project-place-partners": 2, "project-acronym-partners": 2}


def _features(rule: str, key: MentionKey, mentions, co_participants, uf: _UnionFind) -> set:
    """What two mentions of one block must share for ``rule`` to join them (as current cluster roots)."""
    m = mentions[key]
    if rule == "acronym-corroborated":  # a co-participant, or an event/project both take part in
        return {("co", uf.find(o)) for o in co_participants[key]} | {("in", uf.find(e)) for e in m.links}
    if rule == "sub-unit-of-merged-parent":  # (parent named inside my name, event/project I take part in)
        return {(uf.find(p), uf.find(e)) for p in m.parents for e in m.links}
    return {uf.find(o) for o in m.links}


def _candidates(mentions: dict[MentionKey, _Mention], blocks, uf: _UnionFind, co_participants, *, key_only: bool):
    """Yield (a, b, rule, key) pairs a rule joins under the current clustering.

    Key-only rules chain the members of a block (they do not depend on the
    clustering, so they run once); the others join mentions of different
    documents that share enough features, found through an inverted index
    (never all pairs of a large block).
    """
    for (rule, kind), by_key in blocks.items():
        if (rule in _KEY_ONLY) != key_only:
            continue
        for key, members in sorted(by_key.items()):
            members = sorted(members)
            if rule in _KEY_ONLY:
                yield from ((members[0], b, rule, key) for b in members[1:])
                continue
            index: dict[object, list[MentionKey]] = defaultdict(list)
            for member in members:
                for feature in _features(rule, member, mentions, co_participants, uf):
                    index[feature].append(member)
            shared: dict[tuple[MentionKey, MentionKey], int] = defaultdict(int)
            for feature, group in index.items():
                edge_key = key
                if rule == "sub-unit-of-merged-parent":  # only the one such unit of each document
                    docs = [g[1] for g in group]
                    group = [g for g in group if docs.count(g[1]) == 1]
                    edge_key = f"{feature[0][2]} @ {feature[1][2]}"  # parent @ event, as normalised names
                if len(group) > 1 and _MIN_SHARED[rule] == 1:
                    for b in group[1:]:
                        a = next((x for x in group if x[1] != b[1]), None)
                        if a is not None and a != b:
                            yield min(a, b), max(a, b), rule, edge_key
                elif len(group) > 1:
                    for a, b in combinations(group, 2):
                        if a[1] != b[1]:
                            shared[(a, b)] += 1
            yield from ((a, b, rule, key) for (a, b), n in sorted(shared.items()) if n >= _MIN_SHARED[rule])


def _full_date(m: _Mention) -> list[str]:
    return [f"{m.date}|{m.type}"] if m.date and len(m.date) == 10 and m.type else []


def _block_index(mentions: dict[MentionKey, _Mention]):
    multi = lambda m: [norm(n) for n in m.names if is_multiword(n) and norm(n)]  # noqa: E731
    return {
        ("same-name", "org"): _blocks(mentions, "org", multi),
        ("same-name", "event"): _blocks(mentions, "event", lambda m: [f"{k}|{m.date}|{m.type}" for k in multi(m)]),
        ("same-name", "project"): _blocks(mentions, "project", multi),
        ("public-body", "org"): _blocks(mentions, "org", lambda m: filter(None, map(public_body_key, m.names))),
        ("acronym-corroborated", "org"): _blocks(mentions, "org", lambda m: [
            norm(a) for a in m.acronyms | {n for n in m.names if not is_multiword(n)} if len(norm(a)) >= 3]),
        ("event-date-type-participant", "event"): _blocks(mentions, "event", _full_date),
        ("project-place-partners", "project"): _blocks(mentions, "project", lambda m: [m.place[2]] if m.place else []),
        ("project-acronym-partners", "project"): _blocks(mentions, "project", lambda m: [
            a for n in m.names for a in _ACRONYM_IN_NAME.findall(n) if sum(c.isupper() for c in a) >= 2]),
        ("person-name-organization", "person"): _blocks(mentions, "person", lambda m: [m.key]),
        ("sub-unit-of-merged-parent", "org"): _blocks(mentions, "org", lambda m: ["*"] if m.parents else []),
        ("same-place", "place"): _blocks(mentions, "place", lambda m: [m.key]),
    }


def resolve_identity(records: Iterable[ExtractionRecord], *, base_iri: str,
                     not_same_as: Iterable[tuple[str, str]] = ()) -> IdentityMap:
    """Cluster every mention of every record; a pure function of the set of records."""
    mentions: dict[MentionKey, _Mention] = {}
    records = sorted(records, key=lambda r: r.id)
    for record in records:
        mentions.update(_collect(record))
    vetoes = {frozenset((norm(a), norm(b))) for a, b in not_same_as if norm(a) != norm(b)}
    uf = _UnionFind(sorted(mentions), {k: m.names for k, m in mentions.items()}, vetoes)
    blocks = _block_index(mentions)
    co_participants = {k: {o for e in m.links for o in mentions[e].links} - {k}
                       for k, m in mentions.items() if m.kind == "org"}
    # The unions made, in an order determined by the set of records alone.
    edges = [e for e in list(_candidates(mentions, blocks, uf, co_participants, key_only=True)) if uf.union(*e[:2])]
    while True:
        made = [e for e in list(_candidates(mentions, blocks, uf, co_participants, key_only=False))
                if uf.union(*e[:2])]
        edges += made
        if not made:
            break
    clusters: dict[MentionKey, list[MentionKey]] = defaultdict(list)
    for key in sorted(mentions):
        clusters[uf.find(key)].append(key)
    iris, preferred = _canonical_iris(mentions, clusters, base_iri)
    doc_langs = {r.id: r.lang if r.lang and r.lang != "und" else None for r in records}
    return IdentityMap(base_iri, iris, preferred, _decisions(mentions, edges, iris), doc_langs)


def _label_order(m: _Mention, name: str) -> tuple:
    """English first; full names before short ones (places: the shortest name)."""
    shortness = len(name) if m.kind == "place" else not is_multiword(name)
    return (m.lang != "en", shortness, norm(name), name, m.doc_id)


def _canonical_iris(mentions, clusters, base_iri):
    """Canonical IRI of a cluster from its smallest member name (English first); ties get a doc id."""
    chosen = {}
    for root, members in clusters.items():
        best = min((_label_order(mentions[k], n), n, k) for k in members for n in sorted(mentions[k].names))
        chosen[root] = best
    base_keys: dict[tuple[str, str], list[MentionKey]] = defaultdict(list)
    for root, (_, name, member) in chosen.items():
        base_keys[(member[0], local_key(member[0], name))].append(root)
    iris, preferred = {}, {}
    for (kind, key), roots in base_keys.items():
        # Same name, different entities: the first (by its chosen member) keeps the plain key, so a
        # newcomer never renames an existing entity; the others add their member's document id.
        for rank, root in enumerate(sorted(roots, key=lambda r: chosen[r])):
            _, name, member = chosen[root]
            full_key = key if rank == 0 else f"{key}|{member[1]}"
            iri = entity_iri(base_iri, kind, full_key, name)
            for k in clusters[root]:
                iris[k] = iri
                for n in mentions[k].names:  # records may refer to an entity by any of its names
                    iris.setdefault((kind, k[1], local_key(kind, n)), iri)
            by_lang: dict[str | None, list] = defaultdict(list)
            for k in clusters[root]:
                for n in mentions[k].names:
                    by_lang[mentions[k].lang].append((not is_multiword(n), norm(n), n))
            for lang, names in by_lang.items():
                preferred[(iri, lang)] = min(names)[2]
    return iris, preferred


def _decisions(mentions, edges, iris) -> list[MergeDecision]:
    grouped: dict[tuple[str, str, str], set[MentionKey]] = defaultdict(set)
    for a, b, rule, key in edges:
        grouped[(iris[a], rule, key)].update((a, b))
    out = []
    for (iri, rule, key), members in sorted(grouped.items()):
        names = sorted({(n, mentions[k].lang) for k in members for n in mentions[k].names}, key=str)
        docs = tuple(sorted({k[1] for k in members}))
        out.append(MergeDecision(iri, next(iter(members))[0], rule, key, tuple(names), docs))
    return out
