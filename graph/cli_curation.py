"""Reviewer commands for identity: ``merges``, ``unmerge`` and ``curation`` (list / remove).

The resolver (graph/merge.py) records every merge in ``{base}graph/merge`` and
honours curated ``sino:notSameAs`` statements in ``{base}graph/curation``
(read by :meth:`GraphStore.not_same_as`). These commands let a reviewer read
the first and edit the second from the command line: an override is a small
node ``<{base}id/curation/...> skos:prefLabel "name A" ; sino:notSameAs
"name B"`` with who and when, so it survives re-ingestion and can be removed.
Names are compared as the resolver compares them (``graph.iris.norm``).
"""

from __future__ import annotations

import datetime
import getpass
import json
from collections import defaultdict

import click
from pyoxigraph import Literal, NamedNode

from graph.errors import SinoeuError
from graph.iris import curation_graph_iri, hash8, merge_graph_iri, norm, slugify

PREFIXES = ("PREFIX sino: <https://w3id.org/sinoeu-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX schema: <https://schema.org/> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
LABELS = "skos:prefLabel|skos:altLabel|schema:name"


class CurationError(SinoeuError):
    """A curation request that cannot be carried out (unknown names, names not merged, no such override)."""


def _open_store(ctx: click.Context, *, read_only: bool):
    """Open the store exactly as the other subcommands do (graph.cli's helper)."""
    from graph.cli import open_store_from_context

    return open_store_from_context(ctx, read_only=read_only)


def _literal_text(term) -> str:
    return f"{term.value}@{term.language}" if isinstance(term, Literal) and term.language else term.value


# --- reading the merge graph ------------------------------------------------------------------------
def merge_decisions(store, entity: str | None = None) -> list[dict]:
    """Merge decisions grouped by resulting entity: names (with tags), rules and keys, documents."""
    rows = store.query(
        PREFIXES + f"SELECT ?m ?e ?rule ?key ?name ?doc WHERE {{ GRAPH <{merge_graph_iri(store.base_iri)}> {{ "
        "?m sino:mergedEntity ?e ; sino:mergeRule ?rule ; sino:mergeKey ?key . "
        "OPTIONAL { ?m sino:mergedName ?name } OPTIONAL { ?m prov:wasDerivedFrom ?doc } } }")
    entities: dict[str, dict] = {}
    for row in rows:
        iri = row["e"].value
        item = entities.setdefault(iri, {"entity": iri, "names": set(), "decisions": {}, "documents": set(),
                                         "_norms": set()})
        decision = item["decisions"].setdefault(row["m"].value, {
            "decision": row["m"].value, "rule": row["rule"].value, "key": row["key"].value,
            "names": set(), "documents": set()})
        if row["name"] is not None:
            item["names"].add(_literal_text(row["name"]))
            item["_norms"].add(norm(row["name"].value))
            decision["names"].add(_literal_text(row["name"]))
        if row["doc"] is not None:
            item["documents"].add(row["doc"].value)
            decision["documents"].add(row["doc"].value)
    labelled = _labelled(store, entity) if entity and not entity.startswith(("http://", "https://", "urn:")) else set()
    out = []
    for iri in sorted(entities):
        item = entities[iri]
        if entity and not (_entity_matches(item, entity) or iri in labelled):
            continue
        decisions = [dict(d, names=sorted(d["names"]), documents=sorted(d["documents"]))
                     for _, d in sorted(item["decisions"].items())]
        out.append(dict(_public(item), names=sorted(item["names"]), documents=sorted(item["documents"]),
                        decisions=decisions))
    return out


def _entity_matches(item: dict, wanted: str) -> bool:
    if wanted.startswith(("http://", "https://", "urn:")):
        return item["entity"] == wanted
    return norm(wanted) in item["_norms"]


def _labelled(store, name: str) -> set[str]:
    """Entities carrying ``name`` as any label, case-insensitively (acronyms are labels, not merged names)."""
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ ?x {LABELS} ?l "
                                  f"FILTER(LCASE(STR(?l)) = LCASE({Literal(name)})) }}")
    return {row["x"].value for row in rows}


def _merged_names(store) -> dict[str, dict[str, set]]:
    """norm(name) -> {entity IRI -> set of the literal terms it has in the merge graph}."""
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?e ?name WHERE {{ GRAPH <{merge_graph_iri(store.base_iri)}> {{ "
                                  "?m sino:mergedEntity ?e ; sino:mergedName ?name } }")
    names: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        names[norm(row["name"].value)][row["e"].value].add(row["name"])
    return names


def _known_anywhere(store, name: str) -> bool:
    """Does any node carry ``name`` as a label (case-insensitive)? Only asked on the error path."""
    return bool(_labelled(store, name))


def _entities_with_name(store, terms: set, kind_prefix: str) -> list[str]:
    """Entities (of one kind) that carry one of the literal ``terms`` (or its untagged form) as a label."""
    values = {Literal(t.value, language=t.language) if t.language else Literal(t.value) for t in terms}
    values |= {Literal(t.value) for t in terms}
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?e WHERE {{ VALUES ?l {{ {' '.join(map(str, values))} }} "
                                  f"?e {LABELS} ?l FILTER(STRSTARTS(STR(?e), \"{kind_prefix}\")) }}")
    return sorted(row["e"].value for row in rows)


def _kind_prefix(iri: str) -> str:
    return iri.rsplit("/", 1)[0] + "/"


def _resolve(store, merged: dict[str, dict[str, set]], argument: str) -> tuple[str, dict[str, set]]:
    """(name, {entity: literal terms}) for a surface name, or for an entity IRI (its preferred name)."""
    if argument.startswith(("http://", "https://", "urn:")):
        rows = store.select(PREFIXES + "SELECT ?l (LANG(?l) AS ?lang) WHERE { ?e skos:prefLabel|schema:name ?l }",
                            e=argument)
        names = sorted((r["lang"] != "en", r["l"]) for r in rows if argument in merged.get(norm(r["l"]), {}))
        if not names:
            raise CurationError(f"{argument} is not a merged entity (see `sinoeu-kg merges`)")
        name = names[0][1]
        return name, {argument: merged[norm(name)][argument]}
    found = merged.get(norm(argument))
    if not found:
        if _known_anywhere(store, argument):
            raise CurationError(f"{argument!r} is not a name of any merged entity, so there is nothing to "
                                "unmerge (see `sinoeu-kg merges`)")
        raise CurationError(f"no entity is named {argument!r} in the store (check the spelling; "
                            "`sinoeu-kg merges` lists merged names)")
    return argument, dict(found)


# --- the curation graph ---------------------------------------------------------------------------------
def overrides(store) -> list[dict]:
    """The ``sino:notSameAs`` statements of the curation graph, with their names, time and creator."""
    rows = store.query(
        PREFIXES + f"SELECT ?x ?y ?a ?b ?time ?by WHERE {{ GRAPH <{curation_graph_iri(store.base_iri)}> {{ "
        "?x sino:notSameAs ?y OPTIONAL { ?x prov:generatedAtTime ?time } OPTIONAL { ?x dcterms:creator ?by } } "
        f"OPTIONAL {{ ?x {LABELS} ?a }} OPTIONAL {{ ?y {LABELS} ?label }} BIND(IF(isLiteral(?y), ?y, ?label) AS ?b) }}")
    found: dict[tuple[str, str], dict] = {}
    for row in rows:
        y = row["y"]
        item = found.setdefault((row["x"].value, str(y)), {
            "override": row["x"].value, "names": set(), "other": set(),
            "time": row["time"].value if row["time"] is not None else None,
            "creator": row["by"].value if row["by"] is not None else None, "_y": y})
        if row["a"] is not None:
            item["names"].add(row["a"].value)
        if row["b"] is not None:
            item["other"].add(row["b"].value)
    return [{k: (sorted(v) if isinstance(v, set) else v) for k, v in item.items()}
            for _, item in sorted(found.items())]


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def add_override(store, name_a: str, name_b: str, creator: str, when: str) -> str:
    """Write ``name_a sino:notSameAs name_b`` to the curation graph; returns the override's IRI."""
    pair = sorted((norm(name_a), norm(name_b)))
    node = NamedNode(f"{store.base_iri}id/curation/{slugify(name_a + ' ' + name_b) or 'not-same-as'}-"
                     f"{hash8('|'.join(pair))}")
    graph = curation_graph_iri(store.base_iri)
    store.update(PREFIXES + f"INSERT DATA {{ GRAPH <{graph}> {{ {node} a prov:Entity ; "
                            f"skos:prefLabel {Literal(name_a)} ; sino:notSameAs {Literal(name_b)} ; "
                            f"prov:generatedAtTime {Literal(when, datatype=NamedNode('http://www.w3.org/2001/XMLSchema#dateTime'))} ; "
                            f"dcterms:creator {Literal(creator)} }} }}")
    return node.value


def drop_overrides(store, name_a: str, name_b: str) -> list[str]:
    """Remove every override between the two names (either direction); returns the nodes touched."""
    wanted = {norm(name_a), norm(name_b)}
    graph = curation_graph_iri(store.base_iri)
    touched = []
    for item in overrides(store):
        if any({norm(a), norm(b)} == wanted for a in item["names"] for b in item["other"]):
            x, y = NamedNode(item["override"]), item["_y"]
            store.update(PREFIXES + f"DELETE DATA {{ GRAPH <{graph}> {{ {x} sino:notSameAs {y} }} }} ; "
                                    f"DELETE {{ GRAPH <{graph}> {{ {x} ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ "
                                    f"{x} ?p ?o FILTER NOT EXISTS {{ {x} sino:notSameAs ?any }} }} }}")
            touched.append(item["override"])
    return touched


# --- the operations -------------------------------------------------------------------------------------
def unmerge(store, name_a: str, name_b: str, *, creator: str, when: str | None = None) -> dict:
    """Keep two merged names apart: record the override, re-resolve, report the split."""
    merged = _merged_names(store)
    a, entities_a = _resolve(store, merged, name_a)
    b, entities_b = _resolve(store, merged, name_b)
    if norm(a) == norm(b):
        raise CurationError(f"{a!r} and {b!r} are the same name once normalised; they cannot be kept apart")
    shared = sorted(set(entities_a) & set(entities_b))
    if not shared:
        raise CurationError(f"{a!r} and {b!r} are not merged into one entity (they belong to "
                            f"{', '.join(sorted(entities_a))} and {', '.join(sorted(entities_b))}); nothing to unmerge")
    entity = shared[0]
    when = when or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    override = add_override(store, a, b, creator, when)
    store.refresh_identity()
    prefix = _kind_prefix(entity)
    after_a = _entities_with_name(store, entities_a[entity], prefix)
    after_b = _entities_with_name(store, entities_b[entity], prefix)
    if set(after_a) & set(after_b):
        drop_overrides(store, a, b)
        store.refresh_identity()
        raise CurationError(f"{a!r} and {b!r} are names of one mention in one document, so the resolver cannot "
                            "keep them apart; fix the record instead (the override was not kept)")
    return {"split": entity, "override": override, "names": [a, b],
            "entities": {a: after_a, b: after_b}}


def remove_override(store, name_a: str, name_b: str) -> dict:
    """Drop the override(s) between two names and re-resolve; report where the names now are."""
    removed = drop_overrides(store, name_a, name_b)
    if not removed:
        raise CurationError(f"no curation override between {name_a!r} and {name_b!r} "
                            "(see `sinoeu-kg curation list`)")
    changed = store.refresh_identity()
    merged = _merged_names(store)
    together = sorted(set(merged.get(norm(name_a), {})) & set(merged.get(norm(name_b), {})))
    return {"removed": removed, "identity_changed": changed, "merged_into": together}


# --- click ------------------------------------------------------------------------------------------------
def _with_store(ctx: click.Context, function, *args, read_only: bool, **kwargs):
    """Open the store, return ``function(store, *args, **kwargs)``, close it; user errors become click errors."""
    try:
        with _open_store(ctx, read_only=read_only) as store:
            return function(store, *args, **kwargs)
    except SinoeuError as exc:
        raise click.ClickException(str(exc)) from None


def register(group: click.Group) -> None:
    """Add ``merges``, ``unmerge`` and ``curation`` to ``group`` (graph.cli's ``main``)."""

    @group.command("merges")
    @click.option("--entity", default=None, metavar="NAME_OR_IRI", help="Only the entity with this name or IRI.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
    @click.pass_context
    def merges_command(ctx: click.Context, entity: str | None, as_json: bool) -> None:
        """List merge decisions: resulting entity, merged names, rule and key, documents."""
        items = _with_store(ctx, merge_decisions, entity, read_only=True)
        if as_json:
            click.echo(json.dumps(items, ensure_ascii=False, indent=2))
            return
        if not items:
            click.echo("no merge decisions" + (f" for {entity!r}" if entity else ""))
            return
        for item in items:
            click.echo(f"{item['entity']}  ({len(item['documents'])} documents)")
            for decision in item["decisions"]:
                click.echo(f"  rule {decision['rule']}  key {decision['key']}")
                click.echo(f"    names: {'; '.join(decision['names'])}")
                click.echo(f"    documents: {', '.join(d.rsplit('/', 1)[-1] for d in decision['documents'])}")
        click.echo(f"({len(items)} merged entit{'y' if len(items) == 1 else 'ies'})")

    @group.command("unmerge")
    @click.argument("name_a")
    @click.argument("name_b")
    @click.option("--by", default=None, help="Who decides (dcterms:creator; default the OS user).")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
    @click.pass_context
    def unmerge_command(ctx: click.Context, name_a: str, name_b: str, by: str | None, as_json: bool) -> None:
        """Record that NAME_A and NAME_B (names or entity IRIs) are different things, and re-resolve."""
        result = _with_store(ctx, unmerge, name_a, name_b, creator=by or getpass.getuser(), read_only=False)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        click.echo(f"split {result['split']}")
        for name, iris in result["entities"].items():
            click.echo(f"  {name!r} -> {', '.join(iris)}")
        click.echo(f"override recorded: {result['override']}")

    @group.group("curation", invoke_without_command=True)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
    @click.pass_context
    def curation_group(ctx: click.Context, as_json: bool) -> None:
        """Curated overrides (sino:notSameAs); without a subcommand, list them."""
        if ctx.invoked_subcommand is None:
            ctx.invoke(list_command, as_json=as_json)

    @curation_group.command("list")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
    @click.pass_context
    def list_command(ctx: click.Context, as_json: bool) -> None:
        """List the overrides of the curation graph."""
        items = [_public(item) for item in _with_store(ctx, overrides, read_only=True)]
        if as_json:
            click.echo(json.dumps(items, ensure_ascii=False, indent=2))
            return
        for item in items:
            who = ", ".join(filter(None, [item["creator"], item["time"]]))
            click.echo(f"{' / '.join(item['names']) or item['override']}  notSameAs  {' / '.join(item['other'])}"
                       + (f"  ({who})" if who else ""))
        click.echo(f"({len(items)} override{'' if len(items) == 1 else 's'})")

    @curation_group.command("remove")
    @click.argument("name_a")
    @click.argument("name_b")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
    @click.pass_context
    def remove_command(ctx: click.Context, name_a: str, name_b: str, as_json: bool) -> None:
        """Drop the override between NAME_A and NAME_B and re-resolve identity."""
        result = _with_store(ctx, remove_override, name_a, name_b, read_only=False)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        click.echo(f"removed {len(result['removed'])} override(s)")
        if result["merged_into"]:
            click.echo(f"{name_a!r} and {name_b!r} are merged again: {', '.join(result['merged_into'])}")
        else:
            click.echo(f"{name_a!r} and {name_b!r} stay apart (no rule merges them)")
