"""The applicant matcher: which existing pilots and projects fit a new applicant, and why.

The applicant arrives as an extraction record (a plain dict: ``text``,
``lang``, ``sectors``, ``places``, ``organizations``, ``country``) made by the
caller - the CLI runs the extractor, the web form passes the bare text - or as
an organization already in the graph. This module never imports ``extract``
or spaCy: sector words the record lacks are found through the SKOS labels in
the store, in every language the scheme has.

Each project is scored on four components, all in [0, 1] before weighting:
sector overlap (SKOS-aware: a narrower or broader concept counts), text
similarity (TF-IDF over character n-grams, so it works across languages and
scripts without a model download), country (a partner from the applicant's
country) and network proximity (a partner is the applicant, a co-participant
of it, or a partner of a partner). The explanation lists shared sectors, the
most similar passages side by side and the organizations in common.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from graph.analytics import activity_index, entity_names, iri_values, org_distance, organization_info, run_select
from graph.errors import SinoeuError
from graph.partners import SectorScheme, load_sector_scheme, normalise_label, organizations_named, resolve_organization

WEIGHTS = {"sectors": 0.5, "text": 0.3, "country": 0.1, "network": 0.1}
DEFAULT_LANGUAGES = ("en", "de", "pl", "zh", "it", "fr", "es")
RELATED_SECTOR_CREDIT = 0.7  # a narrower/broader sector counts, less than the same one
POOL_CAP = 120  # most projects compared by text (sector overlap picks them on a large graph)
MAX_DOCUMENT_CHARS = 20_000
PASSAGES_SHOWN = 2
_ORDINAL_END = re.compile(r"(^|\s)\d{1,2}\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f;])\s+|(?<=[\u3002\uff01\uff1f])|\n+")


class MatchError(SinoeuError):
    """The match cannot be computed as asked."""


class EmptyGraphError(MatchError):
    """The store holds no pilot or project to match against."""


class UnknownLanguageError(MatchError):
    """The applicant's text is in a language the project has no resources for."""


@dataclass
class PassagePair:
    applicant: str
    project: str
    document: str | None
    similarity: float


@dataclass
class ProjectMatch:
    iri: str
    name: str
    score: float
    breakdown: dict[str, float]
    sectors: list[str]
    shared_sectors: list[str]
    partners: list[str]
    common_organizations: list[str]
    passages: list[PassagePair] = field(default_factory=list)
    place: str | None = None


@dataclass
class MatchReport:
    applicant: dict
    applicant_sectors: list[str]
    matches: list[ProjectMatch]
    notes: list[str] = field(default_factory=list)
    no_sector_words: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


def split_passages(text: str) -> list[str]:
    """Sentences (or lines) of a text, trimmed, at least a few characters long.

    >>> split_passages("Erster Satz am 12. März. Zweiter Satz!\\n第三句。第四句")
    ['Erster Satz am 12. März.', 'Zweiter Satz!', '第三句。', '第四句']
    """
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text):
        piece = (piece or "").strip()
        if pieces and _ORDINAL_END.search(pieces[-1]):  # "am 12. März": not a sentence end
            pieces[-1] = f"{pieces[-1]} {piece}".strip()
        elif piece:
            pieces.append(piece)
    return [p for p in pieces if len(p) >= 3]


def find_sector_words(scheme: SectorScheme, text: str) -> dict[str, str]:
    """Sector concepts whose label (any language) occurs in ``text``: concept -> the word found.

    Labels of five letters or more also match as word prefixes (German compounds,
    inflection: "Energiewende", "energetyki"), and a word of seven letters or more
    matches a one-word label it begins ("digitali" -> "digitalizzazione");
    shorter labels need a whole word.
    """
    normalised = normalise_label(text)
    found: dict[str, str] = {}
    for label in sorted(scheme.by_label, key=lambda w: (-len(w), w)):
        if re.search(r"[\u3040-\u9fff]", label):
            hit = label in normalised
        elif len(label) >= 5:
            hit = re.search(r"(?<!\w)" + re.escape(label), normalised) is not None or (
                " " not in label and any(label.startswith(word) for word in _long_words(normalised)
                                         if word not in scheme.by_label))
        else:
            hit = re.search(r"(?<!\w)" + re.escape(label) + r"(?!\w)", normalised) is not None
        if hit:
            for concept in sorted(scheme.by_label[label]):
                found.setdefault(concept, label)
    return found


def _long_words(text: str) -> set[str]:
    """Words of seven letters or more: inflected forms that are prefixes of a label ("digitali")."""
    return {word for word in re.findall(r"\w{7,}", text)}


def _related(scheme: SectorScheme, concept: str) -> set[str]:
    """A concept, its narrower concepts and its broader ones: what counts as the same field."""
    broader = {parent for parent, children in scheme.narrower.items() if concept in children}
    ancestors, todo = set(), list(broader)
    while todo:
        parent = todo.pop()
        if parent not in ancestors:
            ancestors.add(parent)
            todo.extend(p for p, children in scheme.narrower.items() if parent in children)
    return scheme.with_narrower({concept}) | ancestors


def _as_record(text) -> dict:
    if text is None:
        return {}
    if isinstance(text, str):
        return {"text": text}
    if hasattr(text, "to_dict"):
        return text.to_dict()
    return dict(text)


def _check_language(lang: str | None, text: str, languages: tuple[str, ...]) -> str:
    """The applicant's language, detected when not given; unsupported ones are refused."""
    if not lang:
        import py3langid

        lang = py3langid.classify(text)[0]
    if lang not in languages:
        raise UnknownLanguageError(
            f"the applicant's text is in an unsupported or unrecognised language ({lang!r}); "
            f"supported languages: {', '.join(languages)}. Give the language explicitly or "
            f"write the description in one of them.")
    return lang


@dataclass
class _Applicant:
    text: str
    lang: str | None
    sectors: dict[str, str]  # concept -> the word that named it
    country: str | None
    orgs: list[str]  # IRIs of the applicant's organizations already in the graph
    names: list[str]  # organization names the applicant gave
    own_projects: set[str] = field(default_factory=set)


def _applicant_from_record(store, scheme: SectorScheme, record: dict, lang: str | None,
                           languages: tuple[str, ...]) -> _Applicant:
    text = (record.get("text") or "").strip()
    if not text:
        raise MatchError("the applicant's description is empty: give a few sentences about who they are "
                         "and what they do")
    given = lang or record.get("lang")
    lang = _check_language(None if given == "und" else given, text, languages)
    sectors: dict[str, str] = {}
    for word in record.get("sectors") or []:
        for concept in sorted(scheme.resolve(word)):
            sectors.setdefault(concept, word)
    for concept, word in find_sector_words(scheme, text).items():
        sectors.setdefault(concept, word)
    orgs = [_org(o) for o in record.get("organizations") or []]
    names = [o["name"] for o in orgs if o.get("name")]
    country = record.get("country") or next((o.get("country") for o in orgs if o.get("country")), None)
    known = [org for name in names for org in organizations_named(store, name)]
    return _Applicant(text, lang, sectors, country.upper() if country else None, sorted(set(known)), names)


def _org(value) -> dict:
    return {"name": value} if isinstance(value, str) else dict(value)


def _applicant_from_org(store, scheme: SectorScheme, org_iri: str) -> _Applicant:
    """An organization already in the graph, described by what the graph says about it."""
    iri = resolve_organization(store, org_iri)
    rows = run_select(store, f"""
        SELECT DISTINCT ?name ?country ?sector ?project ?sentence WHERE {{
          {{ <{iri}> skos:prefLabel ?name }}
          UNION {{ <{iri}> schema:addressCountry ?country }}
          UNION {{ ?project sino:partner <{iri}> . OPTIONAL {{ ?project sino:sector ?sector }} }}
          UNION {{ ?ann oa:hasBody <{iri}> ; sino:sentence ?sentence }}
          UNION {{ ?ann oa:hasBody ?part . ?part prov:agent <{iri}> . ?ann sino:sentence ?sentence }}
        }}""")
    names = sorted({r["name"] for r in rows if r["name"]})
    countries = sorted({r["country"] for r in rows if r["country"]})
    sectors = {r["sector"]: scheme.label(r["sector"]) for r in rows if r["sector"]}
    own = {r["project"] for r in rows if r["project"]}
    sentences = sorted({r["sentence"] for r in rows if r["sentence"]})
    text = " ".join(names + sentences + [scheme.label(s) for s in sorted(sectors)])
    for concept, word in find_sector_words(scheme, text).items():
        sectors.setdefault(concept, word)
    return _Applicant(text, None, dict(sorted(sectors.items())), countries[0] if countries else None,
                      [iri], names, own)


def _has_projects(store) -> bool:
    return bool(run_select(store, "SELECT ?p WHERE { ?p a sino:Project } LIMIT 1"))


def _candidate_projects(store, related: dict[str, set[str]], applicant: "_Applicant", notes: list[str]) -> list[str]:
    """Projects worth comparing in full: most sector overlap first, then the applicant's network's, then any.

    At most POOL_CAP, so the text comparison stays fast on a large graph.
    """
    index = activity_index(store)
    overlap: dict[str, int] = {}
    for concepts in related.values():
        for project in set().union(*(index.projects.get(c, set()) for c in concepts)):
            overlap[project] = overlap.get(project, 0) + 1
    chosen = [p for p, _ in sorted(overlap.items(), key=lambda item: (-item[1], item[0]))
              if p not in applicant.own_projects]
    if len(chosen) > POOL_CAP:
        notes.append(f"{len(chosen)} projects share a sector with the applicant; the {POOL_CAP} with the most "
                     f"shared sectors were compared in full.")
    chosen = chosen[:POOL_CAP]
    if applicant.orgs and len(chosen) < POOL_CAP:
        near = {a for a, members in _member_projects(store, applicant.orgs).items()}
        chosen += sorted(near - set(chosen) - applicant.own_projects)[:POOL_CAP - len(chosen)]
    if len(chosen) < POOL_CAP:
        rows = run_select(store, f"SELECT ?p WHERE {{ ?p a sino:Project }} LIMIT {POOL_CAP + len(chosen) + len(applicant.own_projects)}")
        rest = sorted({r["p"] for r in rows} - set(chosen) - applicant.own_projects)
        chosen += rest[:POOL_CAP - len(chosen)]
    return sorted(chosen)


def _member_projects(store, orgs: list[str]) -> dict[str, set[str]]:
    """Projects whose partners are the applicant's organizations or their co-participants."""
    rows = run_select(store, f"""
        SELECT DISTINCT ?p ?org WHERE {{
          VALUES ?seed {{ {iri_values(orgs)} }}
          LATERAL {{ {{ ?a prov:wasAssociatedWith ?seed }} UNION {{ ?a sino:partner ?seed }} }}
          LATERAL {{ {{ ?a prov:wasAssociatedWith ?org }} UNION {{ ?a sino:partner ?org }} }}
          LATERAL {{ ?p sino:partner ?org ; a sino:Project }}
        }} LIMIT 2000""")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["p"], set()).add(row["org"])
    return found


def _project_details(store, projects: list[str]) -> dict[str, dict]:
    details = {p: {"sectors": set(), "partners": {}, "countries": set(), "places": set(), "docs": {}, "sentences": []}
               for p in projects}
    values = iri_values(projects)
    for row in run_select(store, f"""
        SELECT DISTINCT ?p ?sector ?partner ?place WHERE {{
          VALUES ?p {{ {values} }}
          LATERAL {{ {{ ?p sino:sector ?sector }} UNION {{ ?p sino:partner ?partner }} UNION {{ ?p schema:location ?place }} }}
        }}"""):
        entry = details[row["p"]]
        if row["sector"]:
            entry["sectors"].add(row["sector"])
        if row["partner"]:
            entry["partners"][row["partner"]] = row["partner"]
        if row["place"]:
            entry["places"].add(row["place"])
    countries = activity_index(store).countries
    for entry in details.values():
        entry["countries"].update(countries[o] for o in entry["partners"] if o in countries)
    for row in run_select(store, f"""
        SELECT DISTINCT ?p ?doc ?text ?sentence WHERE {{
          VALUES ?p {{ {values} }}
          LATERAL {{ {{ GRAPH ?g {{ ?p a sino:Project . ?doc a sino:Document OPTIONAL {{ ?doc sino:text ?text }} }} }}
                    UNION {{ ?ann oa:hasBody ?p ; sino:sentence ?sentence ; oa:hasTarget ?t .
                            OPTIONAL {{ ?t oa:hasSource ?src }} BIND(COALESCE(?src, ?t) AS ?doc) }} }}
        }}"""):
        entry = details[row["p"]]
        if row["text"]:
            entry["docs"][row["doc"]] = row["text"][:MAX_DOCUMENT_CHARS]
        if row["sentence"]:
            entry["sentences"].append((row["sentence"], row["doc"]))
    return details


def _passages(name: str, entry: dict, facts: list[str]) -> list[tuple[str, str | None]]:
    """(passage, document) pairs describing a project: name and facts (document None),
    then its evidence sentences and the sentences of the documents reporting it."""
    passages = [(name, None)] + [(fact, None) for fact in facts if fact]
    passages.extend(sorted(set(entry["sentences"]), key=lambda pair: (pair[1] or "", pair[0])))
    for doc in sorted(entry["docs"]):
        passages.extend((p, doc) for p in split_passages(entry["docs"][doc]))
    seen, unique = set(), []
    for passage, doc in passages:
        if passage not in seen:
            seen.add(passage)
            unique.append((passage, doc))
    return unique


def match_applicant(store, *, text=None, org_iri: str | None = None, lang: str | None = None, limit: int = 10,
                    languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> MatchReport:
    """Rank the graph's pilots and projects for an applicant, explaining each match.

    ``text`` is the applicant's description as a string or an extraction record
    (dict with ``text``, ``lang``, ``sectors``, ``organizations``, ``country``);
    or ``org_iri`` names an organization already in the graph.

    :raise EmptyGraphError: the graph has no projects.
    :raise UnknownLanguageError: the text's language is not one of ``languages``.
    :raise MatchError: empty description, or neither/both of ``text`` and ``org_iri``.
    """
    if (text is None) == (org_iri is None):
        raise MatchError("describe the applicant with a text or name an organization in the graph (one of the two)")
    if not _has_projects(store):
        raise EmptyGraphError("the graph holds no pilots or projects to match against: ingest documents first "
                              "(sinoeu-kg ingest PATH...)")
    scheme = load_sector_scheme(store)
    if org_iri is not None:
        applicant = _applicant_from_org(store, scheme, org_iri)
    else:
        applicant = _applicant_from_record(store, scheme, _as_record(text), lang, languages)
    notes = []
    if not applicant.sectors:
        notes.append("No sector words were found in the applicant's description, so sector overlap cannot be "
                      "used; projects are ranked by text similarity, country and network only. Naming the "
                      "applicant's field (e.g. energy, mobility, digitalization) gives better matches.")
    related = {c: _related(scheme, c) for c in applicant.sectors}
    if applicant.own_projects:
        notes.append(f"{len(applicant.own_projects)} project(s) the organization already partners in are left out.")
    candidates = _candidate_projects(store, related, applicant, notes)
    details = _project_details(store, candidates)
    hops = _network(store, applicant, details)
    lang = applicant.lang or "en"
    names = entity_names(store, candidates + sorted({pl for e in details.values() for pl in e["places"]}), lang)

    texts, project_passages = [], {}
    for p in candidates:
        entry = details[p]
        labels = sorted(scheme.label(s, lang) for s in entry["sectors"])
        places = sorted(names[pl] for pl in entry["places"])
        project_passages[p] = _passages(names[p], entry, [", ".join(places), ", ".join(labels)])
        texts.append(" ".join(passage for passage, _ in project_passages[p]))
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts + [applicant.text])
    similarity = linear_kernel(matrix[len(texts)], matrix[:len(texts)]).ravel() if texts else []

    matches = []
    for index, p in enumerate(candidates):
        entry = details[p]
        shared = sorted({c for c, rel in related.items() if rel & entry["sectors"]})
        credit = sum(1.0 if c in entry["sectors"] else RELATED_SECTOR_CREDIT for c in shared)
        sector_score = credit / len(related) if related else 0.0
        country = 1.0 if applicant.country and applicant.country in entry["countries"] else 0.0
        distance = min((hops[o] for o in entry["partners"] if o in hops), default=None)
        network = {0: 1.0, 1: 1.0, 2: 0.5}.get(distance, 0.0)
        parts = {"sectors": sector_score, "text": float(similarity[index]), "country": country, "network": network}
        breakdown = {k: round(WEIGHTS[k] * v, 6) for k, v in parts.items()}
        matches.append(ProjectMatch(
            p, names[p], round(sum(breakdown.values()), 6), breakdown,
            sorted(scheme.label(s, lang) for s in entry["sectors"]),
            [scheme.label(c, lang) for c in shared], [], [],
            place=", ".join(sorted(names[pl] for pl in entry["places"])) or None))
    matches.sort(key=lambda m: (-m.score, m.name.casefold(), m.iri))
    matches = matches[:limit]
    orgs = organization_info(store, {o for m in matches for o in details[m.iri]["partners"]}, lang)
    for match in matches:
        partners = details[match.iri]["partners"]
        match.partners = sorted(orgs[o]["name"] for o in partners)
        match.common_organizations = sorted(orgs[o]["name"] for o in partners if hops.get(o, 9) <= 1)
        match.passages = _best_pairs(vectorizer, applicant.text, project_passages[match.iri])
    summary = {"lang": applicant.lang, "country": applicant.country, "organizations": applicant.names,
               "in_graph": applicant.orgs, "sector_words": sorted(set(applicant.sectors.values()))}
    return MatchReport(summary, [scheme.label(c, lang) for c in applicant.sectors], matches, notes,
                       not applicant.sectors)


def _network(store, applicant: _Applicant, details: dict[str, dict]) -> dict[str, int]:
    """Hops from the applicant's organizations to every project partner (0, 1 or 2)."""
    partners = {o for entry in details.values() for o in entry["partners"]}
    hops: dict[str, int] = {}
    for org in applicant.orgs:
        for target, distance in org_distance(store, org, partners, max_hops=2).items():
            hops[target] = min(distance, hops.get(target, distance))
    return hops


def _best_pairs(vectorizer: TfidfVectorizer, text: str, passages: list[tuple[str, str | None]]) -> list[PassagePair]:
    """The most similar (applicant sentence, project passage) pairs, best first, one per passage."""
    mine = split_passages(text) or [text]
    theirs = [p for p in passages if p[1] is not None] or passages
    sims = linear_kernel(vectorizer.transform(mine), vectorizer.transform([p for p, _ in theirs]))
    pairs = []
    for j, (passage, doc) in enumerate(theirs):
        i = int(sims[:, j].argmax())
        pairs.append(PassagePair(mine[i], passage, doc, round(float(sims[i, j]), 6)))
    pairs.sort(key=lambda pair: (-pair.similarity, pair.project))
    return pairs[:PASSAGES_SHOWN]
