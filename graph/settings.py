"""Every setting of sinoeu-kg, declared once (name, default, environment variable, help).

Precedence: default < environment variable < CLI option < explicit argument.
Only the CLI and ``server.create_app`` call :func:`resolve_settings`; everything
below them receives plain values as arguments and never reads ``os.environ``.
This module must not import rdflib or spaCy: ``sinoeu-kg query`` stays light.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    env: str
    help: str
    parse: Callable[[str], Any] = str


def _languages(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _default_store() -> str:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "sinoeu-kg" / "store")


SETTINGS: tuple[Setting, ...] = (
    Setting("store", None, "SINOEU_KG_STORE",
            "Store location: a directory for the embedded on-disk store (default "
            "$XDG_DATA_HOME/sinoeu-kg/store), or the URL of a SPARQL 1.1 query service."),
    Setting("update_url", None, "SINOEU_KG_UPDATE_URL",
            "SPARQL 1.1 Update URL of a remote store (with --store URL)."),
    Setting("gsp_url", None, "SINOEU_KG_GSP_URL",
            "SPARQL 1.1 Graph Store Protocol URL of a remote store, where it has one."),
    Setting("base_iri", "https://w3id.org/sinoeu-kg/", "SINOEU_KG_BASE_IRI",
            "Base IRI of every entity, document and named graph the project mints."),
    Setting("languages", ("en", "de", "pl", "zh", "it", "fr", "es"), "SINOEU_KG_LANGUAGES",
            "Languages with full extraction resources; others get acronyms, dates and known names.",
            _languages),
    Setting("max_document_bytes", 20_000_000, "SINOEU_KG_MAX_DOCUMENT_BYTES",
            "Documents larger than this are rejected with a clear error.", int),
    Setting("host", "127.0.0.1", "SINOEU_KG_HOST", "Address the server listens on."),
    Setting("port", 8000, "SINOEU_KG_PORT", "Port the server listens on.", int),
    Setting("query_timeout", 10.0, "SINOEU_KG_QUERY_TIMEOUT",
            "Seconds a SPARQL query may run before it is stopped with an error.", float),
    Setting("max_results", 10_000, "SINOEU_KG_MAX_RESULTS",
            "Most rows (or triples) a /sparql answer returns.", int),
    Setting("admin_token", None, "SINOEU_KG_ADMIN_TOKEN",
            "Enables SPARQL Update on /sparql for requests carrying this bearer token."),
    Setting("allow_service", False, "SINOEU_KG_ALLOW_SERVICE",
            "Allow federated SERVICE queries (off: they make the server fetch arbitrary URLs).",
            lambda v: v.strip().lower() in ("1", "true", "yes", "on")),
    Setting("union_default_graph", True, "SINOEU_KG_UNION_DEFAULT_GRAPH",
            "Query the union of all named graphs as /sparql's default graph (off: the store's own "
            "default graph, as the W3C test suites expect).",
            lambda v: v.strip().lower() in ("1", "true", "yes", "on")),
    Setting("workers", 2, "SINOEU_KG_WORKERS", "Worker processes for queries and extraction.", int),
)

SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def resolve_settings(overrides: Mapping[str, Any] | None = None,
                     environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting: default, then environment, then non-None ``overrides``.

    >>> resolve_settings({"port": 9000}, environ={"SINOEU_KG_PORT": "8001"})["port"]
    9000
    >>> resolve_settings(environ={"SINOEU_KG_PORT": "8001"})["port"]
    8001
    """
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    unknown = set(overrides) - set(SETTINGS_BY_NAME)
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(SETTINGS_BY_NAME)}")
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = setting.default
        if setting.env in environ and environ[setting.env] != "":
            raw = environ[setting.env]
            try:
                value = setting.parse(raw)
            except ValueError:
                raise ValueError(f"{setting.env}={raw!r} is not a valid {setting.name}: {setting.help}") from None
        if overrides.get(setting.name) is not None:
            value = overrides[setting.name]
        values[setting.name] = value
    if values["store"] is None:
        values["store"] = _default_store()
    return values
