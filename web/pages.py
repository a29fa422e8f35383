"""The browsing UI for programme staff: home, search, lists, entity pages, network, query.

Each view builds one context dict and :func:`respond` renders it as HTML or, for
``?format=json`` or a ``.json`` suffix, as JSON (datasette's pattern), so every page
has a twin for scripts. Text from documents reaches the HTML only through Jinja's
autoescaping: highlighted text is a list of plain segments, never pre-built markup.
The store is read only through :func:`web.get_store` and ``web.page_queries``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path

import networkx as nx
from flask import Blueprint, abort, jsonify, render_template, request, url_for

import web
from web import page_queries as pq

bp = Blueprint("pages", __name__)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
NETWORK_MAX_NODES = 120
NETWORK_LABELS = 30
NETWORK_MAX_EDGES = 600
_label_cache: dict[tuple, tuple] = {}
_network_cache: dict[tuple, tuple] = {}
_list_cache: dict[tuple, tuple] = {}


def respond(template: str, context: dict, status: int = 200):
    """Render ``context`` as JSON for ``?format=json`` / ``*.json`` requests, else as HTML."""
    if request.args.get("format") == "json" or request.path.endswith(".json"):
        response = jsonify({"ok": True, **context})
        response.status_code = status
        return response
    return render_template(template, **context), status


def _twin(rule: str, endpoint: str, view):
    bp.add_url_rule(rule, endpoint, view)
    bp.add_url_rule((rule.rstrip("/") or "/index") + ".json", endpoint + "_json", view)


def _paging(total: int) -> dict:
    """Offset/limit from ``page``/``size`` parameters, plus links to the neighbouring pages."""
    size = min(max(request.args.get("size", PAGE_SIZE, type=int) or PAGE_SIZE, 1), MAX_PAGE_SIZE)
    pages = max(1, math.ceil(total / size))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    args = {k: v for k, v in request.args.items() if k != "page"}

    def link(n):
        return url_for(request.endpoint, **args, page=n) if 1 <= n <= pages and n != page else None

    return {"page": page, "pages": pages, "size": size, "total": total, "offset": (page - 1) * size,
            "prev_url": link(page - 1), "next_url": link(page + 1)}


# --- home and lists -------------------------------------------------------------

def home():
    """What is in the graph, and a search box."""
    return respond("home.html", {"summary": pq.summary(web.get_store())})


def list_page(kind: str):
    """A paged list of one kind of entity, sorted by name."""
    store = web.get_store()
    everything = _cached(_list_cache, store, kind, lambda: pq.sorted_entities(store, kind))
    paging = _paging(len(everything))
    shown = everything[paging["offset"]: paging["offset"] + paging["size"]]
    return respond("list.html", {**pq.list_entities(store, kind, shown, len(everything)), "paging": paging})


def _cached(cache: dict, store, name: str, compute):
    """``compute()`` once per store state (documents ingested, replaced, removed, merged)."""
    key = (str(getattr(store, "path", id(store))), name)
    version = pq.store_version(store)
    hit = cache.get(key)
    if hit is None or hit[0] != version:
        hit = (version, compute())
        cache[key] = hit
    return hit[1]


for _kind in pq.LISTS:
    _twin(f"/{_kind}", _kind, lambda _kind=_kind: list_page(_kind))
_twin("/", "home", home)


# --- search ---------------------------------------------------------------------

_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
                          "œ": "oe", "Œ": "oe", "ı": "i", "ħ": "h", "þ": "th", "ð": "d"})


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name, for matching.

    >>> fold("Biuro Współpracy Chińsko-Unijnej")
    'biuro wspolpracy chinsko unijnej'
    >>> fold("Łódź  STRAßE") == fold("lodz strasse")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def _label_index(store) -> list[tuple[str, str, dict]]:
    """(folded label, folded label without spaces, row) for every name; cached per store state."""
    def build():
        folded = [(fold(r["label"]), r) for r in pq.label_rows(store)]
        return [(f, f.replace(" ", ""), r) for f, r in folded]

    return _cached(_label_cache, store, "labels", build)


def _score(query: str, tokens: list[str], folded: str, compact: str) -> int | None:
    """Lower is better: exact name or acronym, then prefix, then word starts, then anywhere."""
    if folded == query:
        return 0
    if folded.startswith(query):
        return 1
    if all(t in folded for t in tokens):
        words = folded.split()
        return 2 if all(any(w.startswith(t) for w in words) for t in tokens) else 3
    if query.replace(" ", "") in compact:
        return 4
    return None


def search_entities(store, q: str, kind: str | None = None) -> list[dict]:
    """Entities with a name matching ``q`` in any language, best first (one hit per entity)."""
    query = fold(q)
    if not query:
        return []
    tokens = query.split()
    best: dict[str, dict] = {}
    for folded, compact, row in _label_index(store):
        if kind and row["kind"] != kind:
            continue
        score = _score(query, tokens, folded, compact)
        if score is None:
            continue
        current = best.get(row["iri"])
        if current is None or (score, len(row["label"])) < (current["score"], len(current["matched"])):
            best[row["iri"]] = {"iri": row["iri"], "kind": row["kind"], "score": score,
                                "matched": row["label"], "lang": row["lang"]}
    return sorted(best.values(), key=lambda h: (h["score"], len(h["matched"]), h["matched"]))


def search():
    """``/search?q=``: names and aliases in every language, acronyms too."""
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind") or None
    store = web.get_store()
    hits = search_entities(store, q, kind)
    paging = _paging(len(hits))
    shown = hits[paging["offset"]: paging["offset"] + paging["size"]]
    names = pq.labels_and_kinds(store, [h["iri"] for h in shown])
    results = [{**h, "label": names[h["iri"]]["label"]} for h in shown]
    return respond("search.html", {"q": q, "kind": kind, "results": results, "paging": paging})


_twin("/search", "search", search)


# --- entity pages -----------------------------------------------------------------

DESCRIBE = {
    "org": pq.describe_org, "person": pq.describe_person, "event": pq.describe_event,
    "project": pq.describe_project, "place": pq.describe_place, "concept": pq.describe_concept,
    "document": pq.describe_document, "thing": pq.describe_thing,
}


# The long list of each entity page, paged like the lists.
PAGED_PART = {"org": "events", "event": "participants", "concept": "used_by", "place": "located_here"}


def render_entity(iri: str):
    """The page (or JSON twin) of any entity IRI; 404 when the graph says nothing about it.

    The linked-data route ``/id/...`` sends browsers here.
    """
    store = web.get_store()
    try:
        kind = pq.entity_kind(store, iri)
    except pq.BadIRI:
        kind = None
    if kind is None:
        abort(404, description=f"Nothing in the graph is called <{iri}>.")
    entity = pq.labels_and_kinds(store, [iri])[iri]
    details = DESCRIBE[kind](store, iri)
    if kind == "document":
        details["segments"] = text_segments(details["text"], details["noise"], details["mentions"]) \
            if details["text"] else []
    context = {"entity": {**entity, "kind": kind}, "details": details, "paging": None,
               "documents": pq.documents_stating(store, iri) if kind != "document" else []}
    if kind in PAGED_PART:
        part = PAGED_PART[kind]
        context["paging"] = paging = _paging(len(details[part]))
        details[part] = details[part][paging["offset"]: paging["offset"] + paging["size"]]
    return respond(f"entity_{kind}.html", context)


def entity():
    return render_entity(request.args.get("iri", ""))


_twin("/entity", "entity", entity)


@bp.app_template_global("highlight")
def highlight(sentence: str | None, mention: str | None, before: str | None = None) -> dict | None:
    """Split a sentence around the mention: the occurrence whose preceding words match
    ``before`` (the document text just before the mention; the longest such match),
    else the first one.

    >>> highlight("Met CECCO in Lyon.", "CECCO")
    {'before': 'Met ', 'mark': 'CECCO', 'after': ' in Lyon.'}
    >>> highlight("CECCO and CECCO again.", "CECCO", before="Intro. CECCO and ")["before"]
    'CECCO and '
    """
    if not sentence:
        return None
    places = [m.start() for m in re.finditer(re.escape(mention), sentence)] if mention else []
    if not places:
        return {"before": sentence, "mark": "", "after": ""}
    fitting = [at for at in places if before is not None and before.endswith(sentence[:at])]
    at = max(fitting) if fitting else places[0]
    return {"before": sentence[:at], "mark": sentence[at: at + len(mention)], "after": sentence[at + len(mention):]}


def text_segments(text: str, noise: list[dict], mentions: list[dict]) -> list[dict]:
    """Cut the text at every noise and mention boundary; each piece says what covers it.

    A piece inside several mentions links to the shortest one (the most specific name);
    role-trigger spans (whole sentences) only colour the text.
    """
    limit = len(text)
    cuts = {0, limit}
    for span in noise + mentions:
        cuts.update({min(max(span["start"], 0), limit), min(max(span["end"], 0), limit)})
    edges = sorted(cuts)
    pieces: list[dict] = []
    for start, end in zip(edges, edges[1:]):
        covering = [m for m in mentions if m["start"] <= start and end <= m["end"]]
        names = [m for m in covering if not m["role_trigger"]]
        target = min(names, key=lambda m: m["end"] - m["start"]) if names else None
        reasons = [n["reason"] or "noise" for n in noise if n["start"] <= start and end <= n["end"]]
        piece = {"text": text[start:end], "noise": reasons[0] if reasons else None,
                 "entity": target["entity"] if target else None,
                 "role": bool(covering) and target is None}
        if pieces and all(pieces[-1][k] == piece[k] for k in ("noise", "entity", "role")):
            pieces[-1]["text"] += piece["text"]
        else:
            pieces.append(piece)
    return pieces


# --- network ----------------------------------------------------------------------

def network_layout(store, width: int = 1000) -> dict:
    """Organizations linked by shared events, laid out server-side (cached per store state).

    Each connected group is laid out on its own and the groups are packed in rows,
    biggest first, so separate clusters do not crowd into one corner.
    """
    return _cached(_network_cache, store, f"network-{width}", lambda: _layout(store, width))


def _layout(store, width: int) -> dict:
    graph = shared_event_graph(pq.event_members(store), NETWORK_MAX_NODES)
    drawn = sorted(graph.edges(data="weight"), key=lambda e: (-e[2], min(e[:2]), max(e[:2])))[:NETWORK_MAX_EDGES]
    hidden = graph.number_of_edges() - len(drawn)
    graph.remove_edges_from(list(graph.edges()))
    graph.add_weighted_edges_from(drawn)
    positions, height = _pack_components(graph, width)
    names = pq.labels_and_kinds(store, list(graph))
    labelled = {n for n, _ in sorted(graph.degree(weight="weight"), key=lambda d: (-d[1], d[0]))[:NETWORK_LABELS]}
    nodes = []
    for node in sorted(graph):
        x, y = positions[node]
        degree = graph.degree(node, weight="weight")
        label = names[node]["label"]
        nodes.append({"iri": node, "label": label, "short": (label if len(label) <= 28 else label[:26] + "…")
                      if node in labelled else "", "x": x, "y": y, "r": round(5 + 1.8 * math.sqrt(degree), 1),
                      "degree": degree, "href": url_for("pages.entity", iri=node)})
    at = {n["iri"]: n for n in nodes}
    pairs = sorted((min(a, b), max(a, b), d["weight"]) for a, b, d in graph.edges(data=True))
    edges = [{"a": a, "b": b, "weight": w, "x1": at[a]["x"], "y1": at[a]["y"], "x2": at[b]["x"], "y2": at[b]["y"],
              "width": round(0.8 + math.log2(1 + w), 1)} for a, b, w in pairs]
    return {"width": width, "height": height, "nodes": nodes, "edges": edges,
            "components": nx.number_connected_components(graph) if graph else 0, "hidden_edges": hidden}


def shared_event_graph(members: dict[str, list[str]], max_nodes: int) -> nx.Graph:
    """Organizations weighted by shared events, keeping the ``max_nodes`` most connected.

    Weighted degrees are counted first and pairs are formed only among the kept
    organizations, so a large event does not cost the square of all participants.

    >>> g = shared_event_graph({"e1": ["a", "b", "c"], "e2": ["a", "b"], "e3": ["d", "e"]}, 3)
    >>> sorted(g.edges(data="weight"))
    [('a', 'b', 2), ('a', 'c', 1), ('b', 'c', 1)]
    """
    degree: dict[str, int] = {}
    for orgs in members.values():
        for org in set(orgs):
            degree[org] = degree.get(org, 0) + len(set(orgs)) - 1
    kept = {org for org, d in sorted(degree.items(), key=lambda kv: (-kv[1], kv[0]))[:max_nodes] if d > 0}
    graph = nx.Graph()
    for orgs in members.values():
        present = sorted(set(orgs) & kept)
        for i, a in enumerate(present):
            for b in present[i + 1:]:
                weight = graph.get_edge_data(a, b, {"weight": 0})["weight"]
                graph.add_edge(a, b, weight=weight + 1)
    return graph


def _pack_components(graph: nx.Graph, width: int) -> tuple[dict, int]:
    """Positions in SVG units for every node, and the drawing's height."""
    groups = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    unit, pad, gap = 80, 90, 40
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for group in groups:
        side = unit * (1.2 + math.sqrt(len(group)))
        side = min(side, width - 2 * pad)
        if x and x + side > width - 2 * pad:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        sub = graph.subgraph(group)
        layout = nx.spring_layout(sub, seed=7, k=1.8 / math.sqrt(len(group)), iterations=100) \
            if len(group) > 2 else {n: ((-0.6 + 1.2 * i), 0.0) for i, n in enumerate(group)}
        xs = [p[0] for p in layout.values()]
        ys = [p[1] for p in layout.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        for node, (px, py) in layout.items():
            positions[node] = (round(pad + x + (px - min(xs)) / span * (side - gap), 1),
                               round(pad + y + (py - min(ys)) / span * (side - gap), 1))
        x += side + gap
        row_height = max(row_height, side)
    return positions, int(max(p[1] for p in positions.values()) + pad) if groups else 200


def network():
    """``/network``: who works with whom, as inline SVG (no external scripts)."""
    return respond("network.html", {"network": network_layout(web.get_store()),
                                    "max_nodes": NETWORK_MAX_NODES})


_twin("/network", "network", network)


# --- query page -------------------------------------------------------------------

def example_queries() -> list[dict]:
    """The competency-question queries (``ontology/queries/*.rq``) as one-click examples."""
    import ontology

    finder = getattr(ontology, "query_files", None)
    paths = list(finder().values()) if finder else \
        sorted((Path(ontology.__file__).parent / "queries").glob("*.rq"))
    examples = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        title = " ".join(_first_comment_paragraph(text)) or path.stem.replace("_", " ")
        examples.append({"name": path.stem, "title": title, "query": text})
    return examples


def _first_comment_paragraph(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        words = line.lstrip("#").strip()
        if not words and lines:
            break
        if words:
            lines.append(words)
    return lines


DEFAULT_QUERY = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?org ?name WHERE { ?org a org:Organization ; skos:prefLabel ?name } ORDER BY ?name LIMIT 20"""


def query_page():
    """``/query``: a SPARQL editor; static/query.js runs it against /sparql and draws the table."""
    examples = example_queries()
    return respond("query.html", {"examples": examples, "query": request.args.get("query") or DEFAULT_QUERY,
                                  "endpoint": url_for("sparql.sparql") if "sparql.sparql" in _endpoints() else "/sparql"})


def _endpoints() -> set[str]:
    from flask import current_app

    return set(current_app.view_functions)


_twin("/query", "query", query_page)
