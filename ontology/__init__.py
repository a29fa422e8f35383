"""The ontology's files: Turtle (model, SKOS schemes, SHACL shapes) and competency queries.

Code loads these files and never re-declares their content; this module only
says where they are. It imports no rdflib so ``sinoeu-kg query`` stays light.
"""

from __future__ import annotations

from pathlib import Path

SHAPES_FILE_NAME = "shapes.ttl"


def ontology_dir() -> Path:
    """The directory holding ``sinoeu.ttl``, the SKOS schemes, ``shapes.ttl`` and ``queries/``."""
    return Path(__file__).resolve().parent


def ontology_files() -> list[Path]:
    """The Turtle files loaded into the store's ontology graph (sorted; the shapes excluded)."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != SHAPES_FILE_NAME)


def shapes_file() -> Path:
    """The SHACL shapes every ingested graph must satisfy."""
    return ontology_dir() / SHAPES_FILE_NAME


def query_files() -> dict[str, Path]:
    """Competency-question queries by name (file stem, e.g. ``cq01_taicang_launch_hosts``), in order."""
    return {p.stem: p for p in sorted((ontology_dir() / "queries").glob("*.rq"))}


def load_query(name: str) -> str:
    """The SPARQL text of query ``name`` (file stem, or its ``cqNN`` prefix).

    Raises ``KeyError`` naming the known queries when ``name`` matches none.
    """
    files = query_files()
    if name in files:
        return files[name].read_text(encoding="utf-8")
    matches = [stem for stem in files if stem.split("_", 1)[0] == name]
    if len(matches) != 1:
        raise KeyError(f"no competency query {name!r}; known: {', '.join(files) or '(none)'}")
    return files[matches[0]].read_text(encoding="utf-8")


__all__ = ["ontology_dir", "ontology_files", "shapes_file", "query_files", "load_query"]
